#pragma once
// The emulator's certificate authority: signs the certificates ACM "issues" (RequestCertificate).
// Backed by OpenSSL 3; no OpenSSL types here.
//
// Errors: std::invalid_argument for bad input (names, validity), std::runtime_error for I/O, corrupt CA files
// or OpenSSL failures. Nothing else escapes.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "services/acm/x509_inspect.hpp"

namespace albatross::acm {

namespace detail {
struct LocalCaState;  // the CA key and certificate (defined in local_ca.cpp)
}

struct IssuedCertificate {
  std::string certificate_pem;  // the leaf
  std::string private_key_pem;  // unencrypted PKCS#8 ("-----BEGIN PRIVATE KEY-----")
  std::string chain_pem;        // the issuer chain (the local CA certificate), excluding the leaf
};

// An RSA-2048 key and a self-signed CA certificate (CN "Albatross Local CA", O "Albatross", 10 years,
// basicConstraints CA:TRUE critical, keyUsage keyCertSign|cRLSign critical, subjectKeyIdentifier).
// Copies share the same immutable state: cheap to copy, safe to use from several threads.
class LocalCa {
 public:
  static constexpr const char* kKeyFileName = "ca-key.pem";       // mode 0600
  static constexpr const char* kCertificateFileName = "ca.pem";  // mode 0644

  // Loads <dir>/ca-key.pem + <dir>/ca.pem if ca.pem exists, else creates a new CA and writes both files
  // atomically (temp file, fsync, rename, fsync of the directory; key first, certificate last, so a crash
  // leaves either a complete CA or no ca.pem). Creates `dir` if needed. Throws std::runtime_error if the
  // files are unreadable, do not parse, do not belong together, or ca.pem exists without ca-key.pem.
  static LocalCa load_or_create(const std::filesystem::path& dir);

  // A fresh CA that lives in memory only (tests, throwaway instances).
  static LocalCa create_ephemeral();

  // The CA certificate (PEM), e.g. for clients' trust stores and as every issued certificate's chain.
  const std::string& certificate_pem() const;

  // A leaf certificate for `names`: names[0] becomes the subject CN (so it must be ≤ 64 characters); all
  // names go into subjectAltName DNS entries, in the given order (no de-duplication). Fresh key of
  // `algorithm`, random positive 128-bit serial (16 bytes, top bit clear), valid from `not_before` for
  // `validity_days`, SHA-256 signature, keyUsage (critical) digitalSignature+keyEncipherment (RSA) or
  // digitalSignature (EC), extendedKeyUsage serverAuth+clientAuth, subjectKeyIdentifier,
  // authorityKeyIdentifier, basicConstraints (critical) CA:FALSE.
  // Throws std::invalid_argument for no names, an empty / non-printable-ASCII / over-253-character name, a
  // first name over 64 characters, or validity_days < 1.
  IssuedCertificate issue(const std::vector<std::string>& names, KeyAlgorithm algorithm,
                          std::chrono::system_clock::time_point not_before, int validity_days = 395) const;

 private:
  explicit LocalCa(std::shared_ptr<const detail::LocalCaState> state);
  std::shared_ptr<const detail::LocalCaState> state_;
};

}  // namespace albatross::acm
