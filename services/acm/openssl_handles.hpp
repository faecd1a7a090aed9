#pragma once
// RAII owners for OpenSSL objects, plus the few helpers every OpenSSL-using .cpp needs.
// Include this from .cpp files only: it pulls in the OpenSSL headers.

#include <climits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "services/acm/x509_inspect.hpp"

namespace albatross::acm {

// A deleter calling the OpenSSL free function `Free` (e.g. OpenSSLDeleter<&EVP_PKEY_free>).
template <auto Free>
struct OpenSSLDeleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSSLDeleter<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSSLDeleter<&EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSSLDeleter<&X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSSLDeleter<&X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSSLDeleter<&X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSSLDeleter<&X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSSLDeleter<&X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSSLDeleter<&BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSSLDeleter<&BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSSLDeleter<&ASN1_INTEGER_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpenSSLDeleter<&ASN1_STRING_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSSLDeleter<&GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpenSSLDeleter<&GENERAL_NAME_free>>;
using ExtendedKeyUsagePtr = std::unique_ptr<EXTENDED_KEY_USAGE, OpenSSLDeleter<&EXTENDED_KEY_USAGE_free>>;

// Memory allocated by OpenSSL with OPENSSL_malloc (OPENSSL_free is a macro, hence the functor).
struct OpenSSLFree {
  void operator()(void* p) const noexcept { OPENSSL_free(p); }
};
using OpenSSLBuffer = std::unique_ptr<unsigned char, OpenSSLFree>;

// Drains this thread's OpenSSL error queue into "what: reason; reason".
inline std::string openssl_error_text(std::string_view what) {
  std::string text(what);
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += first ? ": " : "; ";
    text += buffer;
    first = false;
  }
  return text;
}

// Leaves this thread's OpenSSL error queue empty when the scope ends (successful PEM reads can leave noise).
struct ErrorQueueGuard {
  ErrorQueueGuard() = default;
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

// Throws std::runtime_error for an unexpected OpenSSL failure (the error queue is drained into the message).
[[noreturn]] inline void throw_openssl_error(std::string_view what) {
  throw std::runtime_error(openssl_error_text(what));
}

// A read-only memory BIO over `data` (which must outlive the BIO).
inline BioPtr memory_bio(std::string_view data) {
  if (data.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("input too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw_openssl_error("BIO_new_mem_buf");
  return bio;
}

// A writable memory BIO.
inline BioPtr output_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw_openssl_error("BIO_new");
  return bio;
}

// Everything written to a memory BIO so far.
inline std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(size));
}

// Shared OpenSSL-level helpers (defined in x509_inspect.cpp). Parse failures throw std::invalid_argument.
PkeyPtr parse_private_key_pem(std::string_view pem);   // unencrypted PEM private key (PKCS#8, PKCS#1, SEC1)
X509Ptr parse_certificate_pem(std::string_view pem);   // first PEM "CERTIFICATE" block
std::optional<KeyAlgorithm> key_algorithm_of(const EVP_PKEY* key);
std::string private_key_to_pem(const EVP_PKEY* key);   // unencrypted PKCS#8 "PRIVATE KEY"
std::string certificate_to_pem(X509* certificate);

}  // namespace albatross::acm
