#include "services/acm/x509_inspect.hpp"

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <openssl/pem.h>

#include "services/acm/local_ca.hpp"
#include "services/acm/openssl_handles.hpp"

using namespace albatross::acm;

namespace {

PkeyPtr make_key(const char* type, const char* curve_or_null, size_t rsa_bits = 2048) {
  EVP_PKEY* key = curve_or_null != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve_or_null)
                  : std::string_view(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, rsa_bits)
                                                     : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  REQUIRE(key != nullptr);
  return PkeyPtr(key);
}

std::string pkcs8_pem(EVP_PKEY* key) {
  BioPtr bio = output_bio();
  REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  return bio_contents(bio.get());
}

std::string traditional_pem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr, const char* password = nullptr) {
  BioPtr bio = output_bio();
  auto* kstr = reinterpret_cast<const unsigned char*>(password);
  int klen = password == nullptr ? 0 : static_cast<int>(std::string_view(password).size());
  REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), key, cipher, kstr, klen, nullptr, nullptr) == 1);
  return bio_contents(bio.get());
}

std::string encrypted_pkcs8_pem(EVP_PKEY* key, const char* password) {
  BioPtr bio = output_bio();
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_128_cbc(), password,
                                        static_cast<int>(std::string_view(password).size()), nullptr, nullptr) == 1);
  return bio_contents(bio.get());
}

void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509V3_set_ctx_nodb(&ctx);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  REQUIRE(ext);
  REQUIRE(X509_add_ext(cert, ext.get(), -1) == 1);
}

struct SelfSigned {
  std::string certificate_pem;
  std::string key_pem;
};

// A self-signed certificate as a third party might import it.
SelfSigned self_signed(EVP_PKEY* key, const EVP_MD* digest, const std::vector<std::pair<int, std::string>>& subject,
                       long serial, const char* key_usage, const char* extended_key_usage, const char* san,
                       long not_before_offset = -3600, long lifetime_seconds = 86400L * 90) {
  X509Ptr cert(X509_new());
  REQUIRE(cert);
  REQUIRE(X509_set_version(cert.get(), X509_VERSION_3) == 1);
  REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [nid, value] : subject)
    REQUIRE(X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                       static_cast<int>(value.size()), -1, 0) == 1);
  REQUIRE(X509_set_issuer_name(cert.get(), name) == 1);
  std::time_t now = std::time(nullptr);
  REQUIRE(ASN1_TIME_set(X509_getm_notBefore(cert.get()), now + not_before_offset) != nullptr);
  REQUIRE(ASN1_TIME_set(X509_getm_notAfter(cert.get()), now + not_before_offset + lifetime_seconds) != nullptr);
  REQUIRE(X509_set_pubkey(cert.get(), key) == 1);
  if (key_usage != nullptr) add_ext(cert.get(), NID_key_usage, key_usage);
  if (extended_key_usage != nullptr) add_ext(cert.get(), NID_ext_key_usage, extended_key_usage);
  if (san != nullptr) add_ext(cert.get(), NID_subject_alt_name, san);
  REQUIRE(X509_sign(cert.get(), key, digest) > 0);
  return {certificate_to_pem(cert.get()), pkcs8_pem(key)};
}

// One CA for the tests that do not need a fresh one (RSA key generation is the slow part).
const LocalCa& shared_ca() {
  static const LocalCa ca = LocalCa::create_ephemeral();
  return ca;
}

}  // namespace

TEST_SUITE("acm.x509_inspect") {
  TEST_CASE("inspect_private_key accepts unencrypted RSA and EC keys in every PEM flavour") {
    PkeyPtr rsa = make_key("RSA", nullptr, 2048);
    PkeyPtr rsa1024 = make_key("RSA", nullptr, 1024);
    PkeyPtr p256 = make_key("EC", "P-256");
    PkeyPtr p384 = make_key("EC", "P-384");
    PkeyPtr p521 = make_key("EC", "P-521");
    CHECK(inspect_private_key(pkcs8_pem(rsa.get())) == KeyAlgorithm::Rsa2048);
    CHECK(inspect_private_key(traditional_pem(rsa.get())) == KeyAlgorithm::Rsa2048);
    CHECK(traditional_pem(rsa.get()).find("-----BEGIN RSA PRIVATE KEY-----") == 0);
    CHECK(inspect_private_key(pkcs8_pem(rsa1024.get())) == KeyAlgorithm::Rsa1024);
    CHECK(inspect_private_key(pkcs8_pem(p256.get())) == KeyAlgorithm::EcPrime256v1);
    CHECK(inspect_private_key(traditional_pem(p256.get())) == KeyAlgorithm::EcPrime256v1);
    CHECK(traditional_pem(p256.get()).find("-----BEGIN EC PRIVATE KEY-----") == 0);
    CHECK(inspect_private_key(pkcs8_pem(p384.get())) == KeyAlgorithm::EcSecp384r1);
    CHECK(inspect_private_key(pkcs8_pem(p521.get())) == KeyAlgorithm::EcSecp521r1);

    // `openssl ecparam -genkey` style: EC PARAMETERS block first; CRLF line endings; leading text.
    std::string with_params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" +
                              traditional_pem(p256.get());
    CHECK(inspect_private_key(with_params) == KeyAlgorithm::EcPrime256v1);
    std::string crlf;
    for (char c : pkcs8_pem(rsa.get())) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    CHECK(inspect_private_key(crlf) == KeyAlgorithm::Rsa2048);
  }

  TEST_CASE("inspect_private_key rejects garbage, encrypted and unsupported keys") {
    PkeyPtr rsa = make_key("RSA", nullptr, 2048);
    CHECK_THROWS_AS(inspect_private_key(""), std::invalid_argument);
    CHECK_THROWS_AS(inspect_private_key("garbage"), std::invalid_argument);
    CHECK_THROWS_AS(inspect_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                    std::invalid_argument);
    CHECK_THROWS_AS(inspect_private_key("-----BEGIN PRIVATE KEY-----\nMIIE"), std::invalid_argument);

    std::string pkcs8 = pkcs8_pem(rsa.get());
    std::string truncated = pkcs8.substr(0, 200) + "\n-----END PRIVATE KEY-----\n";
    CHECK_THROWS_AS(inspect_private_key(truncated), std::invalid_argument);

    std::string encrypted = encrypted_pkcs8_pem(rsa.get(), "secret");
    CHECK(encrypted.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == 0);
    CHECK_THROWS_WITH_AS(inspect_private_key(encrypted), doctest::Contains("encrypted"), std::invalid_argument);
    std::string legacy_encrypted = traditional_pem(rsa.get(), EVP_aes_128_cbc(), "secret");
    CHECK(legacy_encrypted.find("Proc-Type: 4,ENCRYPTED") != std::string::npos);
    CHECK_THROWS_WITH_AS(inspect_private_key(legacy_encrypted), doctest::Contains("encrypted"),
                         std::invalid_argument);

    PkeyPtr ed25519 = make_key("ED25519", nullptr);
    CHECK_THROWS_WITH_AS(inspect_private_key(pkcs8_pem(ed25519.get())), doctest::Contains("unsupported"),
                         std::invalid_argument);
    PkeyPtr rsa1536 = make_key("RSA", nullptr, 1536);
    CHECK_THROWS_WITH_AS(inspect_private_key(pkcs8_pem(rsa1536.get())), doctest::Contains("RSA-1536"),
                         std::invalid_argument);

    // A certificate is not a key.
    const LocalCa& ca = shared_ca();
    CHECK_THROWS_AS(inspect_private_key(ca.certificate_pem()), std::invalid_argument);
  }

  TEST_CASE("private_key_matches_certificate") {
    const LocalCa& ca = shared_ca();
    auto now = std::chrono::system_clock::now();
    IssuedCertificate a = ca.issue({"a.example.com"}, KeyAlgorithm::Rsa2048, now);
    IssuedCertificate b = ca.issue({"b.example.com"}, KeyAlgorithm::Rsa2048, now);
    IssuedCertificate e = ca.issue({"e.example.com"}, KeyAlgorithm::EcPrime256v1, now);
    CHECK(private_key_matches_certificate(a.private_key_pem, a.certificate_pem));
    CHECK(private_key_matches_certificate(e.private_key_pem, e.certificate_pem));
    CHECK_FALSE(private_key_matches_certificate(b.private_key_pem, a.certificate_pem));
    CHECK_FALSE(private_key_matches_certificate(e.private_key_pem, a.certificate_pem));
    CHECK_FALSE(private_key_matches_certificate(a.private_key_pem, e.certificate_pem));
    CHECK_THROWS_AS(private_key_matches_certificate("garbage", a.certificate_pem), std::invalid_argument);
    CHECK_THROWS_AS(private_key_matches_certificate(a.private_key_pem, "garbage"), std::invalid_argument);
  }

  TEST_CASE("inspect_certificate on a third-party certificate") {
    PkeyPtr key = make_key("RSA", nullptr, 3072);
    SelfSigned cert = self_signed(key.get(), EVP_sha384(),
                                  {{NID_countryName, "US"}, {NID_organizationName, "Example Corp"},
                                   {NID_commonName, "imported.example.net"}},
                                  0x0102, "critical,digitalSignature,nonRepudiation,keyAgreement",
                                  "serverAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,"
                                  "ipsecEndSystem,ipsecTunnel,ipsecUser,1.2.3.4.5",
                                  "DNS:imported.example.net,IP:10.0.0.1,DNS:alt.example.net,email:a@b.c");
    CertificateFacts facts = inspect_certificate(cert.certificate_pem);
    CHECK(facts.serial == "01:02");
    CHECK(facts.subject == "CN=imported.example.net,O=Example Corp,C=US");
    CHECK(facts.issuer == facts.subject);
    CHECK(facts.issuer_display == "Example Corp");
    CHECK(facts.common_name == "imported.example.net");
    CHECK(facts.subject_alternative_names == std::vector<std::string>{"imported.example.net", "alt.example.net"});
    CHECK(facts.key_algorithm == KeyAlgorithm::Rsa3072);
    CHECK(facts.signature_algorithm == "SHA384WITHRSA");
    CHECK(facts.key_usages == std::vector<std::string>{"DIGITAL_SIGNATURE", "NON_REPUDIATION", "KEY_AGREEMENT"});
    CHECK(facts.extended_key_usages == std::vector<ExtendedKeyUsage>{
                                           {"TLS_WEB_SERVER_AUTHENTICATION", "1.3.6.1.5.5.7.3.1"},
                                           {"CODE_SIGNING", "1.3.6.1.5.5.7.3.3"},
                                           {"EMAIL_PROTECTION", "1.3.6.1.5.5.7.3.4"},
                                           {"TIME_STAMPING", "1.3.6.1.5.5.7.3.8"},
                                           {"OCSP_SIGNING", "1.3.6.1.5.5.7.3.9"},
                                           {"IPSEC_END_SYSTEM", "1.3.6.1.5.5.7.3.5"},
                                           {"IPSEC_TUNNEL", "1.3.6.1.5.5.7.3.6"},
                                           {"IPSEC_USER", "1.3.6.1.5.5.7.3.7"},
                                           {"CUSTOM", "1.2.3.4.5"},
                                       });
    CHECK_FALSE(facts.is_ca);
    CHECK(facts.not_after - facts.not_before == doctest::Approx(86400.0 * 90));
    CHECK(private_key_matches_certificate(cert.key_pem, cert.certificate_pem));
  }

  TEST_CASE("inspect_certificate: ECDSA signatures, no extensions, issuer without O, other key sizes") {
    PkeyPtr p384 = make_key("EC", "P-384");
    SelfSigned ec = self_signed(p384.get(), EVP_sha384(), {{NID_commonName, "ec.example"}}, 0xff, nullptr, nullptr,
                                nullptr);
    CertificateFacts facts = inspect_certificate(ec.certificate_pem);
    CHECK(facts.signature_algorithm == "SHA384WITHECDSA");
    CHECK(facts.key_algorithm == KeyAlgorithm::EcSecp384r1);
    CHECK(facts.serial == "ff");
    CHECK(facts.issuer_display == "ec.example");
    CHECK(facts.key_usages.empty());
    CHECK(facts.extended_key_usages.empty());
    CHECK(facts.subject_alternative_names.empty());

    PkeyPtr p256 = make_key("EC", "P-256");
    SelfSigned ec256 = self_signed(p256.get(), EVP_sha256(), {{NID_organizationName, "NoCN"}}, 7,
                                   "keyCertSign,cRLSign,encipherOnly,decipherOnly,keyAgreement,dataEncipherment",
                                   "anyExtendedKeyUsage,clientAuth", nullptr);
    facts = inspect_certificate(ec256.certificate_pem);
    CHECK(facts.signature_algorithm == "SHA256WITHECDSA");
    CHECK(facts.common_name.empty());
    CHECK(facts.subject == "O=NoCN");
    CHECK(facts.serial == "07");
    CHECK(facts.key_usages == std::vector<std::string>{"DATA_ENCIPHERMENT", "KEY_AGREEMENT", "CERTIFICATE_SIGNING",
                                                       "CRL_SIGNING", "ENCIPHER_ONLY", "DECIPHER_ONLY"});
    CHECK(facts.extended_key_usages == std::vector<ExtendedKeyUsage>{
                                           {"ANY", "2.5.29.37.0"},
                                           {"TLS_WEB_CLIENT_AUTHENTICATION", "1.3.6.1.5.5.7.3.2"}});

    PkeyPtr rsa = make_key("RSA", nullptr, 2048);
    SelfSigned sha1 = self_signed(rsa.get(), EVP_sha1(), {{NID_commonName, "legacy"}}, 1, nullptr, nullptr, nullptr);
    CHECK(inspect_certificate(sha1.certificate_pem).signature_algorithm == "SHA1WITHRSA");
    SelfSigned sha512 = self_signed(rsa.get(), EVP_sha512(), {{NID_commonName, "x"}}, 1, nullptr, nullptr, nullptr);
    CHECK(inspect_certificate(sha512.certificate_pem).signature_algorithm == "SHA512WITHRSA");

    // UTF-8 stays UTF-8.
    SelfSigned utf8 =
        self_signed(p256.get(), EVP_sha256(), {{NID_organizationName, "Caf\xc3\xa9"}, {NID_commonName, "x"}}, 1,
                    nullptr, nullptr, nullptr);
    facts = inspect_certificate(utf8.certificate_pem);
    CHECK(facts.issuer_display == "Caf\xc3\xa9");
    CHECK(facts.subject == "CN=x,O=Caf\xc3\xa9");
  }

  TEST_CASE("inspect_certificate rejects garbage and unsupported keys") {
    CHECK_THROWS_AS(inspect_certificate(""), std::invalid_argument);
    CHECK_THROWS_AS(inspect_certificate("garbage"), std::invalid_argument);
    CHECK_THROWS_AS(inspect_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                    std::invalid_argument);
    PkeyPtr key = make_key("EC", "P-256");
    CHECK_THROWS_AS(inspect_certificate(pkcs8_pem(key.get())), std::invalid_argument);

    PkeyPtr ed25519 = make_key("ED25519", nullptr);
    SelfSigned ed = self_signed(ed25519.get(), nullptr, {{NID_commonName, "ed"}}, 1, nullptr, nullptr, nullptr);
    CHECK_THROWS_WITH_AS(inspect_certificate(ed.certificate_pem), doctest::Contains("unsupported key algorithm"),
                         std::invalid_argument);
  }

  TEST_CASE("check_certificate_chain / split_certificate_chain") {
    const LocalCa& ca = shared_ca();
    LocalCa other = LocalCa::create_ephemeral();
    CHECK(check_certificate_chain("") == 0);
    CHECK(check_certificate_chain(" \n\t\r\n") == 0);
    CHECK(check_certificate_chain(ca.certificate_pem()) == 1);
    std::string two = ca.certificate_pem() + "\n" + other.certificate_pem();
    CHECK(check_certificate_chain(two) == 2);
    CHECK(split_certificate_chain(two) == std::vector<std::string>{ca.certificate_pem(), other.certificate_pem()});
    CHECK(check_certificate_chain("subject=CN = Albatross Local CA\nissuer=CN = x\n" + ca.certificate_pem()) == 1);

    CHECK_THROWS_AS(check_certificate_chain("garbage"), std::invalid_argument);
    CHECK_THROWS_AS(check_certificate_chain("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                    std::invalid_argument);
    std::string truncated = ca.certificate_pem().substr(0, ca.certificate_pem().size() / 2);
    CHECK_THROWS_AS(check_certificate_chain(truncated), std::invalid_argument);
    CHECK_THROWS_AS(check_certificate_chain(ca.certificate_pem() + truncated), std::invalid_argument);
    PkeyPtr key = make_key("EC", "P-256");
    CHECK_THROWS_WITH_AS(check_certificate_chain(ca.certificate_pem() + pkcs8_pem(key.get())),
                         doctest::Contains("PRIVATE KEY"), std::invalid_argument);
  }

  TEST_CASE("encrypt_private_key produces encrypted PKCS#8 that decrypts to the same key") {
    const LocalCa& ca = shared_ca();
    for (KeyAlgorithm algorithm : {KeyAlgorithm::Rsa2048, KeyAlgorithm::EcPrime256v1}) {
      CAPTURE(request_spelling(algorithm));
      IssuedCertificate issued = ca.issue({"export.example.com"}, algorithm, std::chrono::system_clock::now());
      std::string encrypted = encrypt_private_key(issued.private_key_pem, "correct horse");
      CHECK(encrypted.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == 0);
      CHECK_THROWS_AS(inspect_private_key(encrypted), std::invalid_argument);

      char passphrase[] = "correct horse";
      BioPtr bio = memory_bio(encrypted);
      PkeyPtr decrypted(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, passphrase));
      REQUIRE(decrypted);
      PkeyPtr original = parse_private_key_pem(issued.private_key_pem);
      CHECK(EVP_PKEY_eq(decrypted.get(), original.get()) == 1);

      char wrong[] = "wrong passphrase";
      BioPtr bio2 = memory_bio(encrypted);
      PkeyPtr not_decrypted(PEM_read_bio_PrivateKey(bio2.get(), nullptr, nullptr, wrong));
      CHECK_FALSE(not_decrypted);
      ERR_clear_error();
    }
    CHECK_THROWS_AS(encrypt_private_key("garbage", "pass"), std::invalid_argument);
    CHECK_THROWS_AS(encrypt_private_key(ca.issue({"x.com"}, KeyAlgorithm::EcPrime256v1,
                                                 std::chrono::system_clock::now())
                                            .private_key_pem,
                                        ""),
                    std::invalid_argument);
  }
}
