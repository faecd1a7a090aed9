#include "services/acm/local_ca.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "services/acm/openssl_handles.hpp"

namespace albatross::acm {

struct detail::LocalCaState {
  PkeyPtr key;
  X509Ptr certificate;
  std::string certificate_pem;
};

namespace {

constexpr int kCaValidityDays = 3650;
constexpr long kCaBackdateSeconds = 3600;  // tolerate small clock differences with clients

// ---- keys, names, extensions ---------------------------------------------------------------------------

PkeyPtr generate_key(KeyAlgorithm algorithm) {
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::Rsa1024: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)); break;
    case KeyAlgorithm::Rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
    case KeyAlgorithm::Rsa3072: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)); break;
    case KeyAlgorithm::Rsa4096: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(4096)); break;
    case KeyAlgorithm::EcPrime256v1: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyAlgorithm::EcSecp384r1: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyAlgorithm::EcSecp521r1: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"); break;
  }
  if (key == nullptr) throw_openssl_error("key generation (" + request_spelling(algorithm) + ")");
  return PkeyPtr(key);
}

// Sets a random positive serial of 16 bytes with the top bit clear and a non-zero first byte, so that the DER
// encoding and ACM's "xx:xx:..." rendering are always exactly 16 bytes.
void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw_openssl_error("RAND_bytes");
  bytes[0] &= 0x7f;
  if (bytes[0] == 0) bytes[0] = 0x01;
  BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!number) throw_openssl_error("BN_bin2bn");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (!serial) throw_openssl_error("BN_to_ASN1_INTEGER");
  if (X509_set_serialNumber(cert, serial.get()) != 1) throw_openssl_error("X509_set_serialNumber");
}

void add_name_entry(X509_NAME* name, int nid, const std::string& value) {
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    throw_openssl_error("X509_NAME_add_entry_by_NID");
}

void add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value) {
  X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
  if (!extension) throw_openssl_error(std::string("X509V3_EXT_nconf_nid ") + OBJ_nid2sn(nid) + "=" + value);
  if (X509_add_ext(cert, extension.get(), -1) != 1) throw_openssl_error("X509_add_ext");
}

void add_dns_subject_alternative_names(X509* cert, const std::vector<std::string>& names) {
  GeneralNamesPtr general_names(GENERAL_NAMES_new());
  if (!general_names) throw_openssl_error("GENERAL_NAMES_new");
  for (const auto& name : names) {
    GeneralNamePtr general_name(GENERAL_NAME_new());
    Asn1StringPtr dns(ASN1_IA5STRING_new());
    if (!general_name || !dns) throw_openssl_error("GENERAL_NAME_new");
    if (ASN1_STRING_set(dns.get(), name.data(), static_cast<int>(name.size())) != 1)
      throw_openssl_error("ASN1_STRING_set");
    GENERAL_NAME_set0_value(general_name.get(), GEN_DNS, dns.release());
    if (sk_GENERAL_NAME_push(general_names.get(), general_name.get()) <= 0)
      throw_openssl_error("sk_GENERAL_NAME_push");
    general_name.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, general_names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    throw_openssl_error("X509_add1_ext_i2d subjectAltName");
}

void set_validity(X509* cert, std::time_t not_before, int days) {
  if (ASN1_TIME_set(X509_getm_notBefore(cert), not_before) == nullptr) throw_openssl_error("ASN1_TIME_set");
  if (ASN1_TIME_adj(X509_getm_notAfter(cert), not_before, days, 0) == nullptr) throw_openssl_error("ASN1_TIME_adj");
}

void sign(X509* cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) throw_openssl_error("X509_sign");
}

void check_names(const std::vector<std::string>& names) {
  if (names.empty()) throw std::invalid_argument("a certificate needs at least one domain name");
  for (const auto& name : names) {
    if (name.empty()) throw std::invalid_argument("empty domain name");
    if (name.size() > 253) throw std::invalid_argument("domain name longer than 253 characters: " + name);
    for (char c : name) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f)
        throw std::invalid_argument("domain name contains a character that is not printable ASCII: " + name);
    }
  }
  if (names.front().size() > 64)
    throw std::invalid_argument("the first domain name becomes the certificate's CN and must be at most 64 "
                                "characters: " + names.front());
}

// ---- the CA itself -----------------------------------------------------------------------------------------

std::shared_ptr<detail::LocalCaState> make_state(PkeyPtr key, X509Ptr certificate) {
  auto state = std::make_shared<detail::LocalCaState>();
  state->certificate_pem = certificate_to_pem(certificate.get());
  state->key = std::move(key);
  state->certificate = std::move(certificate);
  return state;
}

std::shared_ptr<detail::LocalCaState> create_ca_state() {
  ErrorQueueGuard guard;
  PkeyPtr key = generate_key(KeyAlgorithm::Rsa2048);
  X509Ptr cert(X509_new());
  if (!cert) throw_openssl_error("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) throw_openssl_error("X509_set_version");
  set_random_serial(cert.get());

  X509NamePtr name(X509_NAME_new());
  if (!name) throw_openssl_error("X509_NAME_new");
  add_name_entry(name.get(), NID_organizationName, "Albatross");
  add_name_entry(name.get(), NID_commonName, "Albatross Local CA");
  if (X509_set_subject_name(cert.get(), name.get()) != 1 || X509_set_issuer_name(cert.get(), name.get()) != 1)
    throw_openssl_error("X509_set_subject_name");

  set_validity(cert.get(), std::time(nullptr) - kCaBackdateSeconds, kCaValidityDays);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) throw_openssl_error("X509_set_pubkey");

  X509V3_CTX context;
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509V3_set_ctx_nodb(&context);
  add_extension(cert.get(), &context, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), &context, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), &context, NID_subject_key_identifier, "hash");
  sign(cert.get(), key.get());
  return make_state(std::move(key), std::move(cert));
}

// ---- files --------------------------------------------------------------------------------------------------

[[noreturn]] void throw_io_error(const std::string& what, const std::filesystem::path& path, int error) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(error));
}

void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_io_error("cannot open directory", dir, errno);
  int result = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (result != 0) throw_io_error("cannot fsync directory", dir, error);
}

// Writes `contents` to `path` so that readers see either the old file or the complete new one.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents, mode_t mode) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw_io_error("cannot create", temporary, errno);
  auto fail = [&](const char* what) {
    int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    throw_io_error(what, temporary, error);
  };
  if (::fchmod(fd, mode) != 0) fail("cannot chmod");
  std::size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("cannot fsync");
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    throw_io_error("cannot close", temporary, error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    throw_io_error("cannot rename into", path, error);
  }
  fsync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error("cannot read", path, errno);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw_io_error("cannot read", path, errno);
  return contents.str();
}

bool file_exists(const std::filesystem::path& path) {
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  if (error) throw std::runtime_error("cannot stat " + path.string() + ": " + error.message());
  return exists;
}

std::shared_ptr<detail::LocalCaState> load_ca_state(const std::filesystem::path& key_path,
                                              const std::filesystem::path& certificate_path) {
  std::string key_pem = read_file(key_path);
  std::string certificate_pem = read_file(certificate_path);
  ErrorQueueGuard guard;
  PkeyPtr key;
  X509Ptr certificate;
  try {
    key = parse_private_key_pem(key_pem);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("corrupt CA key " + key_path.string() + ": " + e.what());
  }
  try {
    certificate = parse_certificate_pem(certificate_pem);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("corrupt CA certificate " + certificate_path.string() + ": " + e.what());
  }
  const EVP_PKEY* public_key = X509_get0_pubkey(certificate.get());
  if (public_key == nullptr || EVP_PKEY_eq(key.get(), public_key) != 1)
    throw std::runtime_error("CA key " + key_path.string() + " does not belong to CA certificate " +
                             certificate_path.string());
  return make_state(std::move(key), std::move(certificate));
}

}  // namespace

LocalCa::LocalCa(std::shared_ptr<const detail::LocalCaState> state) : state_(std::move(state)) {}

LocalCa LocalCa::create_ephemeral() { return LocalCa(create_ca_state()); }

LocalCa LocalCa::load_or_create(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw std::runtime_error("cannot create directory " + dir.string() + ": " + error.message());
  const std::filesystem::path key_path = dir / kKeyFileName;
  const std::filesystem::path certificate_path = dir / kCertificateFileName;

  if (file_exists(certificate_path)) {
    if (!file_exists(key_path))
      throw std::runtime_error("CA certificate " + certificate_path.string() + " exists but its key " +
                               key_path.string() + " is missing");
    return LocalCa(load_ca_state(key_path, certificate_path));
  }
  // No certificate: nothing usable yet (a key alone is the remnant of an interrupted creation). Key first,
  // certificate last: ca.pem appearing is what makes the CA exist.
  auto state = create_ca_state();
  write_file_atomically(key_path, private_key_to_pem(state->key.get()), 0600);
  write_file_atomically(certificate_path, state->certificate_pem, 0644);
  return LocalCa(std::move(state));
}

const std::string& LocalCa::certificate_pem() const { return state_->certificate_pem; }

IssuedCertificate LocalCa::issue(const std::vector<std::string>& names, KeyAlgorithm algorithm,
                                 std::chrono::system_clock::time_point not_before, int validity_days) const {
  check_names(names);
  if (validity_days < 1) throw std::invalid_argument("validity_days must be at least 1");
  ErrorQueueGuard guard;

  PkeyPtr key = generate_key(algorithm);
  X509Ptr cert(X509_new());
  if (!cert) throw_openssl_error("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) throw_openssl_error("X509_set_version");
  set_random_serial(cert.get());

  X509NamePtr subject(X509_NAME_new());
  if (!subject) throw_openssl_error("X509_NAME_new");
  add_name_entry(subject.get(), NID_commonName, names.front());
  if (X509_set_subject_name(cert.get(), subject.get()) != 1) throw_openssl_error("X509_set_subject_name");
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(state_->certificate.get())) != 1)
    throw_openssl_error("X509_set_issuer_name");

  set_validity(cert.get(), std::chrono::system_clock::to_time_t(not_before), validity_days);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) throw_openssl_error("X509_set_pubkey");

  X509V3_CTX context;
  X509V3_set_ctx(&context, state_->certificate.get(), cert.get(), nullptr, nullptr, 0);
  X509V3_set_ctx_nodb(&context);
  add_extension(cert.get(), &context, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), &context, NID_key_usage,
                is_rsa(algorithm) ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
  add_extension(cert.get(), &context, NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), &context, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), &context, NID_authority_key_identifier, "keyid:always");
  add_dns_subject_alternative_names(cert.get(), names);
  sign(cert.get(), state_->key.get());

  return IssuedCertificate{certificate_to_pem(cert.get()), private_key_to_pem(key.get()), state_->certificate_pem};
}

}  // namespace albatross::acm
