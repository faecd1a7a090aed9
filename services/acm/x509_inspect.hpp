#pragma once
// Reading X.509 certificates and private keys the way ACM reports them (DescribeCertificate fields,
// ImportCertificate validation, ExportCertificate key encryption). Backed by OpenSSL 3; no OpenSSL types here.
//
// Errors: std::invalid_argument for bad user input (unparsable PEM, encrypted or unsupported key, ...),
// std::runtime_error for unexpected OpenSSL failures. Nothing else escapes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::acm {

// The model's KeyAlgorithm enum.
enum class KeyAlgorithm { Rsa1024, Rsa2048, Rsa3072, Rsa4096, EcPrime256v1, EcSecp384r1, EcSecp521r1 };

// "RSA_2048", "EC_prime256v1", ... (the model enum spelling, used in requests and filters) -> algorithm.
std::optional<KeyAlgorithm> key_algorithm_from_request(std::string_view spelling);
// "RSA-2048", "EC-prime256v1", ... (the DescribeCertificate / ListCertificates wire spelling) -> algorithm.
std::optional<KeyAlgorithm> key_algorithm_from_describe(std::string_view spelling);
// KeyAlgorithm::Rsa2048 -> "RSA_2048".
std::string request_spelling(KeyAlgorithm algorithm);
// KeyAlgorithm::Rsa2048 -> "RSA-2048", KeyAlgorithm::EcPrime256v1 -> "EC-prime256v1".
std::string describe_spelling(KeyAlgorithm algorithm);
bool is_rsa(KeyAlgorithm algorithm);

struct ExtendedKeyUsage {
  std::string name;  // "TLS_WEB_SERVER_AUTHENTICATION", ..., "ANY", or "CUSTOM" for OIDs the model does not name
  std::string oid;   // "1.3.6.1.5.5.7.3.1"
  bool operator==(const ExtendedKeyUsage&) const = default;
};

struct CertificateFacts {
  std::string serial;          // colon-separated lowercase hex bytes, e.g. "0f:ac:b0:..."
  std::string subject;         // RFC 2253 order, comma separated: "CN=example.com", "CN=x,O=y,C=US"
  std::string issuer;          // same form
  std::string issuer_display;  // ACM's Issuer for imported certificates: issuer O, else CN, else `issuer`
  std::string common_name;     // subject CN (the most specific one if several), or empty
  std::vector<std::string> subject_alternative_names;  // DNS SANs, in certificate order
  double not_before = 0, not_after = 0;                // epoch seconds
  KeyAlgorithm key_algorithm = KeyAlgorithm::Rsa2048;  // of the certificate's public key
  std::string signature_algorithm;  // "SHA256WITHRSA", "SHA384WITHRSA", "SHA256WITHECDSA", "SHA256WITHRSASSA-PSS"...
  std::vector<std::string> key_usages;  // ACM names in model order (DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, ...)
  std::vector<ExtendedKeyUsage> extended_key_usages;  // in certificate order
  bool is_ca = false;                                 // basicConstraints CA:TRUE
};

// Facts of the first certificate in `pem`. Throws std::invalid_argument if there is no parsable PEM
// certificate, or if its public key is not one of the KeyAlgorithm values (e.g. RSA-8192, Ed25519,
// explicit EC parameters).
CertificateFacts inspect_certificate(std::string_view pem);

// Validates an ImportCertificate private key: PEM ("PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY"),
// not encrypted, parsable, of a supported algorithm. Returns the algorithm; throws std::invalid_argument with
// a human-readable reason otherwise.
KeyAlgorithm inspect_private_key(std::string_view pem);

// True when the private key belongs to the (first) certificate's public key.
// Throws std::invalid_argument if either does not parse (or the key is encrypted).
bool private_key_matches_certificate(std::string_view key_pem, std::string_view certificate_pem);

// Checks that a PEM chain (zero or more "CERTIFICATE" blocks; whitespace or empty = zero) parses and returns
// the number of certificates. Text outside the blocks is tolerated only alongside at least one certificate
// (bundles often carry "subject=" comments). Any other PEM block type (e.g. a private key) or a block that does
// not parse -> std::invalid_argument.
std::size_t check_certificate_chain(std::string_view pem);

// Splits a PEM chain into its certificates, each re-encoded as a canonical PEM block (same checks as
// check_certificate_chain).
std::vector<std::string> split_certificate_chain(std::string_view pem);

// Re-encodes an (unencrypted) private key as encrypted PKCS#8 PEM ("-----BEGIN ENCRYPTED PRIVATE KEY-----",
// PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC) with the passphrase (for ExportCertificate).
// An empty passphrase or an unparsable key -> std::invalid_argument.
std::string encrypt_private_key(std::string_view key_pem, std::string_view passphrase);

}  // namespace albatross::acm
