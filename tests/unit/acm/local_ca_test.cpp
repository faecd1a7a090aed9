#include "services/acm/local_ca.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <doctest/doctest.h>
#include <openssl/pem.h>

#include "services/acm/openssl_handles.hpp"
#include "services/acm/x509_inspect.hpp"

namespace fs = std::filesystem;
using namespace albatross::acm;

namespace {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "albatross-local-ca-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

X509Ptr parse_cert(const std::string& pem) {
  BioPtr bio = memory_bio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(cert);
  return cert;
}

// Verifies `leaf_pem` against a store holding only `ca_pem` (strict X.509 checks, TLS server purpose).
int verify_leaf(const std::string& ca_pem, const std::string& leaf_pem, int purpose = X509_PURPOSE_SSL_SERVER) {
  X509Ptr ca = parse_cert(ca_pem);
  X509Ptr leaf = parse_cert(leaf_pem);
  X509StorePtr store(X509_STORE_new());
  REQUIRE(store);
  REQUIRE(X509_STORE_add_cert(store.get(), ca.get()) == 1);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  REQUIRE(ctx);
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) == 1);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  X509_VERIFY_PARAM_set_purpose(param, purpose);
  int ok = X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return ok == 1 ? X509_V_OK : (error == X509_V_OK ? -1 : error);
}

int verify_hostname(const std::string& ca_pem, const std::string& leaf_pem, const std::string& host) {
  X509Ptr ca = parse_cert(ca_pem);
  X509Ptr leaf = parse_cert(leaf_pem);
  X509StorePtr store(X509_STORE_new());
  REQUIRE(X509_STORE_add_cert(store.get(), ca.get()) == 1);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) == 1);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  REQUIRE(X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1);
  X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return error;
}

bool is_hex_byte_list(const std::string& serial, std::size_t bytes) {
  if (serial.size() != bytes * 3 - 1) return false;
  for (std::size_t i = 0; i < serial.size(); ++i) {
    char c = serial[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

const std::vector<ExtendedKeyUsage> kServerClientEku{
    {"TLS_WEB_SERVER_AUTHENTICATION", "1.3.6.1.5.5.7.3.1"},
    {"TLS_WEB_CLIENT_AUTHENTICATION", "1.3.6.1.5.5.7.3.2"},
};

// One CA for the tests that do not need a fresh one (RSA key generation is the slow part).
// A notBefore a minute ago: OpenSSL checks validity against time(), which Linux serves from a coarse clock that
// can lag system_clock::now() by a few milliseconds — a certificate starting "now" could be "not yet valid".
std::chrono::system_clock::time_point a_minute_ago() {
  return std::chrono::system_clock::now() - std::chrono::minutes(1);
}

const LocalCa& shared_ca() {
  static const LocalCa ca = LocalCa::create_ephemeral();
  return ca;
}

}  // namespace

TEST_SUITE("acm.local_ca") {
  TEST_CASE("a CA is created once and reloaded identically") {
    TempDir dir;
    fs::path ca_dir = dir.path() / "nested" / "ca";
    LocalCa first = LocalCa::load_or_create(ca_dir);
    CHECK(fs::exists(ca_dir / "ca.pem"));
    CHECK(fs::exists(ca_dir / "ca-key.pem"));
    CHECK(read_text(ca_dir / "ca.pem") == first.certificate_pem());

    struct stat key_stat {};
    REQUIRE(::stat((ca_dir / "ca-key.pem").c_str(), &key_stat) == 0);
    CHECK((key_stat.st_mode & 0777) == 0600);

    // No temp files left behind.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(ca_dir)) ++entries;
    CHECK(entries == 2);

    LocalCa second = LocalCa::load_or_create(ca_dir);
    CHECK(second.certificate_pem() == first.certificate_pem());

    // A leaf issued by the reloaded CA verifies against the original certificate: same key.
    IssuedCertificate leaf = second.issue({"reload.example.com"}, KeyAlgorithm::EcPrime256v1, a_minute_ago());
    CHECK(verify_leaf(first.certificate_pem(), leaf.certificate_pem) == X509_V_OK);

    // Copies share the CA.
    LocalCa copy = second;
    CHECK(copy.certificate_pem() == first.certificate_pem());
  }

  TEST_CASE("the CA certificate has the expected shape") {
    const LocalCa& ca = shared_ca();
    CertificateFacts facts = inspect_certificate(ca.certificate_pem());
    CHECK(facts.is_ca);
    CHECK(facts.subject == "CN=Albatross Local CA,O=Albatross");
    CHECK(facts.issuer == facts.subject);
    CHECK(facts.issuer_display == "Albatross");
    CHECK(facts.common_name == "Albatross Local CA");
    CHECK(facts.key_algorithm == KeyAlgorithm::Rsa2048);
    CHECK(facts.signature_algorithm == "SHA256WITHRSA");
    CHECK(facts.key_usages == std::vector<std::string>{"CERTIFICATE_SIGNING", "CRL_SIGNING"});
    CHECK(facts.extended_key_usages.empty());
    CHECK(is_hex_byte_list(facts.serial, 16));
    double years = (facts.not_after - facts.not_before) / (365.0 * 86400);
    CHECK(years > 9.9);
    CHECK(years < 10.1);
    double now = static_cast<double>(std::time(nullptr));
    CHECK(facts.not_before <= now);
    CHECK(facts.not_after > now);

    X509Ptr cert = parse_cert(ca.certificate_pem());
    int critical = 0;
    auto* constraints =
        static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert.get(), NID_basic_constraints, &critical, nullptr));
    REQUIRE(constraints != nullptr);
    CHECK(critical == 1);
    CHECK(constraints->ca != 0);
    BASIC_CONSTRAINTS_free(constraints);
    CHECK(X509_get0_subject_key_id(cert.get()) != nullptr);
  }

  TEST_CASE("a corrupt or half-present CA is refused, a lone key is replaced") {
    TempDir dir;
    {
      std::ofstream(dir.path() / "ca.pem") << "not a certificate";
      std::ofstream(dir.path() / "ca-key.pem") << "not a key";
      CHECK_THROWS_AS(LocalCa::load_or_create(dir.path()), std::runtime_error);
    }
    fs::remove(dir.path() / "ca-key.pem");
    CHECK_THROWS_AS(LocalCa::load_or_create(dir.path()), std::runtime_error);

    // Key without certificate = an interrupted creation: a new CA is made.
    fs::remove(dir.path() / "ca.pem");
    std::ofstream(dir.path() / "ca-key.pem") << "leftover";
    LocalCa ca = LocalCa::load_or_create(dir.path());
    CHECK(inspect_certificate(ca.certificate_pem()).is_ca);
    CHECK(inspect_private_key(read_text(dir.path() / "ca-key.pem")) == KeyAlgorithm::Rsa2048);

    // Key and certificate from two different CAs.
    TempDir other;
    LocalCa::load_or_create(other.path());
    fs::copy_file(other.path() / "ca-key.pem", dir.path() / "ca-key.pem", fs::copy_options::overwrite_existing);
    CHECK_THROWS_AS(LocalCa::load_or_create(dir.path()), std::runtime_error);
  }

  TEST_CASE("issued RSA and EC certificates verify and carry ACM's facts") {
    const LocalCa& ca = shared_ca();
    const auto not_before = a_minute_ago();
    const double not_before_seconds = static_cast<double>(std::chrono::system_clock::to_time_t(not_before));

    struct Case {
      KeyAlgorithm algorithm;
      std::vector<std::string> key_usages;
      std::string signature_algorithm;
    };
    const std::vector<Case> cases{
        {KeyAlgorithm::Rsa2048, {"DIGITAL_SIGNATURE", "KEY_ENCIPHERMENT"}, "SHA256WITHRSA"},
        {KeyAlgorithm::EcPrime256v1, {"DIGITAL_SIGNATURE"}, "SHA256WITHRSA"},  // signed by the RSA CA
        {KeyAlgorithm::EcSecp384r1, {"DIGITAL_SIGNATURE"}, "SHA256WITHRSA"},
    };
    for (const auto& c : cases) {
      CAPTURE(request_spelling(c.algorithm));
      const std::vector<std::string> names{"example.com", "www.example.com", "*.example.com", "api.example.org"};
      IssuedCertificate issued = ca.issue(names, c.algorithm, not_before);

      CHECK(issued.chain_pem == ca.certificate_pem());
      CHECK(issued.private_key_pem.find("-----BEGIN PRIVATE KEY-----") == 0);
      CHECK(verify_leaf(ca.certificate_pem(), issued.certificate_pem) == X509_V_OK);
      CHECK(verify_leaf(ca.certificate_pem(), issued.certificate_pem, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
      CHECK(private_key_matches_certificate(issued.private_key_pem, issued.certificate_pem));
      CHECK(inspect_private_key(issued.private_key_pem) == c.algorithm);

      CertificateFacts facts = inspect_certificate(issued.certificate_pem);
      CHECK(facts.subject == "CN=example.com");
      CHECK(facts.common_name == "example.com");
      CHECK(facts.issuer == "CN=Albatross Local CA,O=Albatross");
      CHECK(facts.issuer_display == "Albatross");
      CHECK(facts.subject_alternative_names == names);
      CHECK(facts.not_before == doctest::Approx(not_before_seconds));
      CHECK(facts.not_after - facts.not_before == doctest::Approx(395.0 * 86400));
      CHECK(facts.key_algorithm == c.algorithm);
      CHECK(facts.signature_algorithm == c.signature_algorithm);
      CHECK(facts.key_usages == c.key_usages);
      CHECK(facts.extended_key_usages == kServerClientEku);
      CHECK_FALSE(facts.is_ca);
      CHECK(is_hex_byte_list(facts.serial, 16));
      CHECK(facts.serial[0] <= '7');  // positive: top bit clear

      X509Ptr cert = parse_cert(issued.certificate_pem);
      CHECK(X509_get0_authority_key_id(cert.get()) != nullptr);
      CHECK(X509_get_version(cert.get()) == X509_VERSION_3);
    }
  }

  TEST_CASE("serials differ between certificates") {
    const LocalCa& ca = shared_ca();
    auto now = std::chrono::system_clock::now();
    std::string a = inspect_certificate(ca.issue({"a.example"}, KeyAlgorithm::EcPrime256v1, now).certificate_pem).serial;
    std::string b = inspect_certificate(ca.issue({"a.example"}, KeyAlgorithm::EcPrime256v1, now).certificate_pem).serial;
    CHECK(a != b);
  }

  TEST_CASE("wildcard certificates match one label") {
    const LocalCa& ca = shared_ca();
    IssuedCertificate issued =
        ca.issue({"*.example.com"}, KeyAlgorithm::EcPrime256v1, a_minute_ago());
    CertificateFacts facts = inspect_certificate(issued.certificate_pem);
    CHECK(facts.common_name == "*.example.com");
    CHECK(facts.subject == "CN=*.example.com");
    CHECK(facts.subject_alternative_names == std::vector<std::string>{"*.example.com"});
    CHECK(verify_hostname(ca.certificate_pem(), issued.certificate_pem, "www.example.com") == X509_V_OK);
    CHECK(verify_hostname(ca.certificate_pem(), issued.certificate_pem, "example.com") ==
          X509_V_ERR_HOSTNAME_MISMATCH);
    CHECK(verify_hostname(ca.certificate_pem(), issued.certificate_pem, "a.b.example.com") ==
          X509_V_ERR_HOSTNAME_MISMATCH);
  }

  TEST_CASE("custom validity and a certificate not valid yet / expired") {
    const LocalCa& ca = shared_ca();
    auto past = std::chrono::system_clock::now() - std::chrono::hours(24 * 30);
    IssuedCertificate expired = ca.issue({"old.example.com"}, KeyAlgorithm::EcPrime256v1, past, 10);
    CertificateFacts facts = inspect_certificate(expired.certificate_pem);
    CHECK(facts.not_after - facts.not_before == doctest::Approx(10.0 * 86400));
    CHECK(verify_leaf(ca.certificate_pem(), expired.certificate_pem) == X509_V_ERR_CERT_HAS_EXPIRED);
  }

  TEST_CASE("bad names and validity are rejected") {
    const LocalCa& ca = shared_ca();
    auto now = std::chrono::system_clock::now();
    CHECK_THROWS_AS(ca.issue({}, KeyAlgorithm::Rsa2048, now), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({""}, KeyAlgorithm::Rsa2048, now), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({"bad name.com"}, KeyAlgorithm::Rsa2048, now), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({"caf\xc3\xa9.com"}, KeyAlgorithm::Rsa2048, now), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({std::string(65, 'a') + ".com"}, KeyAlgorithm::Rsa2048, now), std::invalid_argument);
    CHECK_THROWS_AS(ca.issue({"ok.com"}, KeyAlgorithm::Rsa2048, now, 0), std::invalid_argument);
    // A long name is fine as a SAN as long as the first (CN) name is short.
    std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + ".example.com";
    IssuedCertificate issued = ca.issue({"short.example.com", long_name}, KeyAlgorithm::EcPrime256v1, now);
    CHECK(inspect_certificate(issued.certificate_pem).subject_alternative_names.back() == long_name);
  }

  TEST_CASE("key algorithm spellings") {
    CHECK(key_algorithm_from_request("RSA_2048") == KeyAlgorithm::Rsa2048);
    CHECK(key_algorithm_from_request("EC_prime256v1") == KeyAlgorithm::EcPrime256v1);
    CHECK(key_algorithm_from_request("EC_secp521r1") == KeyAlgorithm::EcSecp521r1);
    CHECK_FALSE(key_algorithm_from_request("RSA-2048").has_value());
    CHECK_FALSE(key_algorithm_from_request("rsa_2048").has_value());
    CHECK(key_algorithm_from_describe("EC-secp384r1") == KeyAlgorithm::EcSecp384r1);
    CHECK(request_spelling(KeyAlgorithm::Rsa4096) == "RSA_4096");
    CHECK(describe_spelling(KeyAlgorithm::Rsa2048) == "RSA-2048");
    CHECK(describe_spelling(KeyAlgorithm::EcPrime256v1) == "EC-prime256v1");
    for (KeyAlgorithm a : {KeyAlgorithm::Rsa1024, KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072, KeyAlgorithm::Rsa4096,
                           KeyAlgorithm::EcPrime256v1, KeyAlgorithm::EcSecp384r1, KeyAlgorithm::EcSecp521r1}) {
      CHECK(key_algorithm_from_request(request_spelling(a)) == a);
      CHECK(key_algorithm_from_describe(describe_spelling(a)) == a);
    }
  }
}
