#include "services/acm/x509_inspect.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

#include <openssl/objects.h>
#include <openssl/pem.h>

#include "services/acm/openssl_handles.hpp"

namespace albatross::acm {

namespace {

struct AlgorithmSpelling {
  KeyAlgorithm algorithm;
  std::string_view request;
  std::string_view describe;
};

constexpr std::array<AlgorithmSpelling, 7> kAlgorithmSpellings{{
    {KeyAlgorithm::Rsa1024, "RSA_1024", "RSA-1024"},
    {KeyAlgorithm::Rsa2048, "RSA_2048", "RSA-2048"},
    {KeyAlgorithm::Rsa3072, "RSA_3072", "RSA-3072"},
    {KeyAlgorithm::Rsa4096, "RSA_4096", "RSA-4096"},
    {KeyAlgorithm::EcPrime256v1, "EC_prime256v1", "EC-prime256v1"},
    {KeyAlgorithm::EcSecp384r1, "EC_secp384r1", "EC-secp384r1"},
    {KeyAlgorithm::EcSecp521r1, "EC_secp521r1", "EC-secp521r1"},
}};

const AlgorithmSpelling& spelling_of(KeyAlgorithm algorithm) {
  for (const auto& entry : kAlgorithmSpellings)
    if (entry.algorithm == algorithm) return entry;
  throw std::invalid_argument("unknown key algorithm");
}

// ---- PEM block scanning ----------------------------------------------------------------------------------

struct PemBlock {
  std::string_view label;  // "CERTIFICATE", "PRIVATE KEY", ...
  std::string_view text;   // the whole block, BEGIN line through END line
};

struct PemScan {
  std::vector<PemBlock> blocks;
  bool other_text = false;  // non-whitespace text outside the blocks
};

bool all_space(std::string_view text) {
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

PemScan scan_pem(std::string_view pem) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  static constexpr std::string_view kDashes = "-----";
  PemScan scan;
  std::size_t pos = 0;
  while (pos < pem.size()) {
    std::size_t begin = pem.find(kBegin, pos);
    if (begin == std::string_view::npos) {
      if (!all_space(pem.substr(pos))) scan.other_text = true;
      break;
    }
    if (!all_space(pem.substr(pos, begin - pos))) scan.other_text = true;
    std::size_t label_start = begin + kBegin.size();
    std::size_t label_end = pem.find(kDashes, label_start);
    std::size_t line_end = pem.find('\n', label_start);
    if (label_end == std::string_view::npos || (line_end != std::string_view::npos && label_end > line_end))
      throw std::invalid_argument("malformed PEM BEGIN line");
    std::string_view label = pem.substr(label_start, label_end - label_start);
    std::string end_line = "-----END " + std::string(label) + "-----";
    std::size_t end = pem.find(end_line, label_end);
    if (end == std::string_view::npos)
      throw std::invalid_argument("PEM block \"" + std::string(label) + "\" has no END line");
    std::size_t block_end = end + end_line.size();
    scan.blocks.push_back({label, pem.substr(begin, block_end - begin)});
    pos = block_end;
  }
  return scan;
}

// A password callback that never supplies a password (so OpenSSL never prompts on a terminal) and records
// that one was asked for (`user` = bool*, may be null).
int refuse_password(char*, int, int, void* user) {
  if (user != nullptr) *static_cast<bool*>(user) = true;
  return -1;
}

X509Ptr parse_certificate_block(std::string_view block) {
  BioPtr bio = memory_bio(block);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, &refuse_password, nullptr));
  if (!cert) {
    ERR_clear_error();
    throw std::invalid_argument("certificate PEM block does not parse as an X.509 certificate");
  }
  return cert;
}

std::vector<X509Ptr> parse_chain(std::string_view pem) {
  PemScan scan = scan_pem(pem);
  std::vector<X509Ptr> certificates;
  for (const auto& block : scan.blocks) {
    if (block.label != "CERTIFICATE")
      throw std::invalid_argument("certificate chain contains a \"" + std::string(block.label) +
                                  "\" PEM block; only CERTIFICATE blocks are allowed");
    certificates.push_back(parse_certificate_block(block.text));
  }
  if (certificates.empty() && scan.other_text)
    throw std::invalid_argument("certificate chain is not PEM: no \"-----BEGIN CERTIFICATE-----\" block found");
  return certificates;
}

// ---- certificate field helpers ------------------------------------------------------------------------------

std::string hex_bytes(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (size == 0) return "00";
  std::string out;
  out.reserve(size * 3);
  for (std::size_t i = 0; i < size; ++i) {
    if (i != 0) out += ':';
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0x0f];
  }
  return out;
}

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio = output_bio();
  // RFC 2253 (most specific RDN first, comma separated) but with UTF-8 kept as is rather than \-escaped.
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) throw_openssl_error("X509_NAME_print_ex");
  return bio_contents(bio.get());
}

std::string asn1_string_utf8(const ASN1_STRING* value) {
  unsigned char* raw = nullptr;
  int length = ASN1_STRING_to_UTF8(&raw, value);
  if (length < 0) {
    ERR_clear_error();
    return {};
  }
  OpenSSLBuffer owned(raw);
  return std::string(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(length));
}

// The value of the last (most specific) attribute `nid` of `name`, or empty.
std::string last_name_entry(const X509_NAME* name, int nid) {
  if (name == nullptr) return {};
  int index = -1;
  int last = -1;
  while ((index = X509_NAME_get_index_by_NID(name, nid, index)) >= 0) last = index;
  if (last < 0) return {};
  const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, last);
  return entry == nullptr ? std::string{} : asn1_string_utf8(X509_NAME_ENTRY_get_data(entry));
}

double asn1_time_to_epoch(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("certificate has an invalid validity time");
  }
  return static_cast<double>(timegm(&tm));
}

std::string upper_alnum(std::string_view text) {
  std::string out;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string digest_name(int md_nid) {
  switch (md_nid) {
    case NID_md5: return "MD5";
    case NID_sha1: return "SHA1";
    case NID_sha224: return "SHA224";
    case NID_sha256: return "SHA256";
    case NID_sha384: return "SHA384";
    case NID_sha512: return "SHA512";
    default: {
      const char* sn = OBJ_nid2sn(md_nid);
      return sn == nullptr ? "UNKNOWN" : upper_alnum(sn);
    }
  }
}

std::string signature_algorithm_name(X509* cert) {
  int md_nid = NID_undef, pk_nid = NID_undef, security_bits = 0;
  uint32_t flags = 0;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, &security_bits, &flags) == 1 && md_nid != NID_undef) {
    std::string scheme;
    switch (pk_nid) {
      case EVP_PKEY_RSA: scheme = "RSA"; break;
      case EVP_PKEY_RSA_PSS: scheme = "RSASSA-PSS"; break;
      case EVP_PKEY_EC: scheme = "ECDSA"; break;
      case EVP_PKEY_DSA: scheme = "DSA"; break;
      default: {
        const char* sn = OBJ_nid2sn(pk_nid);
        scheme = sn == nullptr ? "UNKNOWN" : upper_alnum(sn);
      }
    }
    return digest_name(md_nid) + "WITH" + scheme;
  }
  ERR_clear_error();
  // No separate digest (Ed25519, Ed448) or an algorithm OpenSSL does not know: the signature OID's short name.
  const char* sn = OBJ_nid2sn(X509_get_signature_nid(cert));
  return sn == nullptr ? "UNKNOWN" : upper_alnum(sn);
}

std::vector<std::string> key_usage_names(X509* cert) {
  std::vector<std::string> names;
  uint32_t usage = X509_get_key_usage(cert);
  if (usage == UINT32_MAX) return names;  // no keyUsage extension
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 9> kUsages{{
      {KU_DIGITAL_SIGNATURE, "DIGITAL_SIGNATURE"},
      {KU_NON_REPUDIATION, "NON_REPUDIATION"},
      {KU_KEY_ENCIPHERMENT, "KEY_ENCIPHERMENT"},
      {KU_DATA_ENCIPHERMENT, "DATA_ENCIPHERMENT"},
      {KU_KEY_AGREEMENT, "KEY_AGREEMENT"},
      {KU_KEY_CERT_SIGN, "CERTIFICATE_SIGNING"},
      {KU_CRL_SIGN, "CRL_SIGNING"},
      {KU_ENCIPHER_ONLY, "ENCIPHER_ONLY"},
      {KU_DECIPHER_ONLY, "DECIPHER_ONLY"},
  }};
  for (const auto& [bit, name] : kUsages)
    if (usage & bit) names.emplace_back(name);
  return names;
}

std::string_view extended_key_usage_name(int nid) {
  switch (nid) {
    case NID_server_auth: return "TLS_WEB_SERVER_AUTHENTICATION";
    case NID_client_auth: return "TLS_WEB_CLIENT_AUTHENTICATION";
    case NID_code_sign: return "CODE_SIGNING";
    case NID_email_protect: return "EMAIL_PROTECTION";
    case NID_time_stamp: return "TIME_STAMPING";
    case NID_OCSP_sign: return "OCSP_SIGNING";
    case NID_ipsecEndSystem: return "IPSEC_END_SYSTEM";
    case NID_ipsecTunnel: return "IPSEC_TUNNEL";
    case NID_ipsecUser: return "IPSEC_USER";
    case NID_anyExtendedKeyUsage: return "ANY";
    default: return "CUSTOM";
  }
}

std::vector<ExtendedKeyUsage> extended_key_usages(const X509* cert) {
  std::vector<ExtendedKeyUsage> usages;
  int critical = 0;
  ExtendedKeyUsagePtr eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, &critical, nullptr)));
  if (!eku) {
    ERR_clear_error();
    return usages;
  }
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    const ASN1_OBJECT* object = sk_ASN1_OBJECT_value(eku.get(), i);
    char oid[128];
    int length = OBJ_obj2txt(oid, sizeof oid, object, 1);
    if (length <= 0 || length >= static_cast<int>(sizeof oid)) continue;
    usages.push_back({std::string(extended_key_usage_name(OBJ_obj2nid(object))), std::string(oid)});
  }
  return usages;
}

std::vector<std::string> dns_subject_alternative_names(const X509* cert) {
  std::vector<std::string> names;
  int critical = 0;
  GeneralNamesPtr general_names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
  if (!general_names) {
    ERR_clear_error();
    return names;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(general_names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(general_names.get(), i);
    if (name->type != GEN_DNS || name->d.dNSName == nullptr) continue;
    const ASN1_STRING* dns = name->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                       static_cast<std::size_t>(ASN1_STRING_length(dns)));
  }
  return names;
}

std::string describe_unsupported_key(const EVP_PKEY* key) {
  const char* type = EVP_PKEY_get0_type_name(key);
  std::string text = type == nullptr ? "unknown" : type;
  if (EVP_PKEY_is_a(key, "RSA")) {
    text = "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    std::size_t length = 0;
    text = EVP_PKEY_get_group_name(key, group, sizeof group, &length) == 1 ? "EC-" + std::string(group)
                                                                             : "EC with explicit parameters";
    ERR_clear_error();
  }
  return "unsupported key algorithm " + text +
         " (supported: RSA 1024/2048/3072/4096, EC prime256v1/secp384r1/secp521r1)";
}

KeyAlgorithm supported_key_algorithm(const EVP_PKEY* key) {
  if (auto algorithm = key_algorithm_of(key)) return *algorithm;
  throw std::invalid_argument(describe_unsupported_key(key));
}

}  // namespace

// ---- shared helpers (openssl_handles.hpp) ------------------------------------------------------------------

std::optional<KeyAlgorithm> key_algorithm_of(const EVP_PKEY* key) {
  if (key == nullptr) return std::nullopt;
  if (EVP_PKEY_is_a(key, "RSA")) {
    switch (EVP_PKEY_get_bits(key)) {
      case 1024: return KeyAlgorithm::Rsa1024;
      case 2048: return KeyAlgorithm::Rsa2048;
      case 3072: return KeyAlgorithm::Rsa3072;
      case 4096: return KeyAlgorithm::Rsa4096;
      default: return std::nullopt;
    }
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) {
      ERR_clear_error();
      return std::nullopt;
    }
    std::string_view name(group, length);
    if (name == "prime256v1" || name == "P-256") return KeyAlgorithm::EcPrime256v1;
    if (name == "secp384r1" || name == "P-384") return KeyAlgorithm::EcSecp384r1;
    if (name == "secp521r1" || name == "P-521") return KeyAlgorithm::EcSecp521r1;
  }
  return std::nullopt;
}

PkeyPtr parse_private_key_pem(std::string_view pem) {
  ErrorQueueGuard guard;
  PemScan scan = scan_pem(pem);
  const PemBlock* key_block = nullptr;
  for (const auto& block : scan.blocks) {
    if (block.label.ends_with("PRIVATE KEY")) {
      key_block = &block;
      break;
    }
  }
  if (key_block == nullptr)
    throw std::invalid_argument("private key is not PEM: no \"-----BEGIN ... PRIVATE KEY-----\" block found");
  if (key_block->label == "ENCRYPTED PRIVATE KEY" || key_block->text.find("Proc-Type:") != std::string_view::npos)
    throw std::invalid_argument("private key is encrypted; an unencrypted private key is required");
  if (key_block->label != "PRIVATE KEY" && key_block->label != "RSA PRIVATE KEY" &&
      key_block->label != "EC PRIVATE KEY")
    throw std::invalid_argument("unsupported private key type \"" + std::string(key_block->label) + "\"");
  BioPtr bio = memory_bio(key_block->text);
  bool password_requested = false;
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &refuse_password, &password_requested));
  if (password_requested)
    throw std::invalid_argument("private key is encrypted; an unencrypted private key is required");
  if (!key) throw std::invalid_argument("private key PEM block does not parse");
  return key;
}

X509Ptr parse_certificate_pem(std::string_view pem) {
  ErrorQueueGuard guard;
  PemScan scan = scan_pem(pem);
  for (const auto& block : scan.blocks)
    if (block.label == "CERTIFICATE") return parse_certificate_block(block.text);
  throw std::invalid_argument("certificate is not PEM: no \"-----BEGIN CERTIFICATE-----\" block found");
}

std::string private_key_to_pem(const EVP_PKEY* key) {
  BioPtr bio = output_bio();
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw_openssl_error("PEM_write_bio_PrivateKey");
  return bio_contents(bio.get());
}

std::string certificate_to_pem(X509* certificate) {
  BioPtr bio = output_bio();
  if (PEM_write_bio_X509(bio.get(), certificate) != 1) throw_openssl_error("PEM_write_bio_X509");
  return bio_contents(bio.get());
}

// ---- public API -------------------------------------------------------------------------------------------

std::optional<KeyAlgorithm> key_algorithm_from_request(std::string_view spelling) {
  for (const auto& entry : kAlgorithmSpellings)
    if (entry.request == spelling) return entry.algorithm;
  return std::nullopt;
}

std::optional<KeyAlgorithm> key_algorithm_from_describe(std::string_view spelling) {
  for (const auto& entry : kAlgorithmSpellings)
    if (entry.describe == spelling) return entry.algorithm;
  return std::nullopt;
}

std::string request_spelling(KeyAlgorithm algorithm) { return std::string(spelling_of(algorithm).request); }

std::string describe_spelling(KeyAlgorithm algorithm) { return std::string(spelling_of(algorithm).describe); }

bool is_rsa(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::Rsa1024 || algorithm == KeyAlgorithm::Rsa2048 ||
         algorithm == KeyAlgorithm::Rsa3072 || algorithm == KeyAlgorithm::Rsa4096;
}

CertificateFacts inspect_certificate(std::string_view pem) {
  X509Ptr cert = parse_certificate_pem(pem);
  ErrorQueueGuard guard;
  CertificateFacts facts;

  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  if (serial == nullptr) throw std::invalid_argument("certificate has no serial number");
  facts.serial = hex_bytes(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial)));

  const X509_NAME* subject = X509_get_subject_name(cert.get());
  const X509_NAME* issuer = X509_get_issuer_name(cert.get());
  facts.subject = name_to_string(subject);
  facts.issuer = name_to_string(issuer);
  facts.common_name = last_name_entry(subject, NID_commonName);
  facts.issuer_display = last_name_entry(issuer, NID_organizationName);
  if (facts.issuer_display.empty()) facts.issuer_display = last_name_entry(issuer, NID_commonName);
  if (facts.issuer_display.empty()) facts.issuer_display = facts.issuer;

  facts.subject_alternative_names = dns_subject_alternative_names(cert.get());
  facts.not_before = asn1_time_to_epoch(X509_get0_notBefore(cert.get()));
  facts.not_after = asn1_time_to_epoch(X509_get0_notAfter(cert.get()));

  const EVP_PKEY* public_key = X509_get0_pubkey(cert.get());
  if (public_key == nullptr) throw std::invalid_argument("certificate public key does not parse");
  facts.key_algorithm = supported_key_algorithm(public_key);

  facts.signature_algorithm = signature_algorithm_name(cert.get());
  facts.key_usages = key_usage_names(cert.get());
  facts.extended_key_usages = extended_key_usages(cert.get());
  facts.is_ca = (X509_get_extension_flags(cert.get()) & EXFLAG_CA) != 0;
  return facts;
}

KeyAlgorithm inspect_private_key(std::string_view pem) {
  PkeyPtr key = parse_private_key_pem(pem);
  ErrorQueueGuard guard;
  return supported_key_algorithm(key.get());
}

bool private_key_matches_certificate(std::string_view key_pem, std::string_view certificate_pem) {
  PkeyPtr key = parse_private_key_pem(key_pem);
  X509Ptr cert = parse_certificate_pem(certificate_pem);
  ErrorQueueGuard guard;
  const EVP_PKEY* public_key = X509_get0_pubkey(cert.get());
  if (public_key == nullptr) throw std::invalid_argument("certificate public key does not parse");
  return EVP_PKEY_eq(key.get(), public_key) == 1;
}

std::size_t check_certificate_chain(std::string_view pem) {
  ErrorQueueGuard guard;
  return parse_chain(pem).size();
}

std::vector<std::string> split_certificate_chain(std::string_view pem) {
  ErrorQueueGuard guard;
  std::vector<std::string> out;
  for (auto& cert : parse_chain(pem)) out.push_back(certificate_to_pem(cert.get()));
  return out;
}

std::string encrypt_private_key(std::string_view key_pem, std::string_view passphrase) {
  if (passphrase.empty()) throw std::invalid_argument("passphrase must not be empty");
  if (passphrase.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("passphrase too long");
  PkeyPtr key = parse_private_key_pem(key_pem);
  ErrorQueueGuard guard;
  BioPtr bio = output_bio();
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1)
    throw_openssl_error("PEM_write_bio_PKCS8PrivateKey");
  return bio_contents(bio.get());
}

}  // namespace albatross::acm
