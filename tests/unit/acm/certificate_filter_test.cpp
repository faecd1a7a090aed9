#include "services/acm/certificate_filter.hpp"

#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "services/acm/local_ca.hpp"
#include "services/service.hpp"

using namespace albatross;
using namespace albatross::acm;
using nlohmann::json;

namespace {

CertificateFacts web_facts() {
  CertificateFacts facts;
  facts.serial = "00:8f:01:02";
  facts.subject = "CN=www.example.com,O=Example\\, Inc.,C=US";
  facts.issuer = "CN=Albatross Local CA,O=Albatross";
  facts.common_name = "www.example.com";
  facts.subject_alternative_names = {"www.example.com", "api.example.com"};
  facts.not_before = 1000;
  facts.not_after = 2000;
  facts.key_algorithm = KeyAlgorithm::EcPrime256v1;
  facts.key_usages = {"DIGITAL_SIGNATURE"};
  facts.extended_key_usages = {{"TLS_WEB_SERVER_AUTHENTICATION", "1.3.6.1.5.5.7.3.1"}};
  return facts;
}

const json kIssuedDocument = json::parse(R"({
  "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/issued", "Status": "ISSUED",
  "Type": "AMAZON_ISSUED", "CreatedAt": 10, "IssuedAt": 11, "RenewalEligibility": "INELIGIBLE",
  "InUseBy": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"],
  "Options": {"Export": "ENABLED"}, "Exported": true,
  "DomainValidationOptions": [{"DomainName": "www.example.com", "ValidationMethod": "DNS"}],
  "RenewalSummary": {"RenewalStatus": "SUCCESS"}})");

SearchableCertificate issued() {
  return {"arn:aws:acm:us-east-1:123456789012:certificate/issued", acm_metadata(kIssuedDocument), web_facts()};
}

SearchableCertificate pending() {
  const json doc = json::parse(R"({"Status": "PENDING_VALIDATION", "Type": "AMAZON_ISSUED", "CreatedAt": 20,
                                   "InUseBy": [], "Options": {"Export": "DISABLED"},
                                   "DomainValidationOptions": [{"ValidationMethod": "EMAIL"}]})");
  return {"arn:aws:acm:us-east-1:123456789012:certificate/pending", acm_metadata(doc), std::nullopt};
}

json x509(const json& filter) { return {{"Filter", {{"X509AttributeFilter", filter}}}}; }
json meta(const json& filter) { return {{"Filter", {{"AcmCertificateMetadataFilter", filter}}}}; }
json dns(const std::string& value, const std::string& op) {
  return x509({{"SubjectAlternativeName", {{"DnsName", {{"Value", value}, {"ComparisonOperator", op}}}}}});
}
json common_name(const std::string& value, const std::string& op) {
  return x509({{"Subject", {{"CommonName", {{"Value", value}, {"ComparisonOperator", op}}}}}});
}

bool match(const json& statement, const SearchableCertificate& certificate) {
  validate_filter_statement(statement);
  return matches(statement, certificate);
}

std::string validation_message(const json& statement) {
  try {
    validate_filter_statement(statement);
  } catch (const AwsError& error) {
    CHECK(error.code == "ValidationException");
    return error.message;
  }
  FAIL("expected a ValidationException");
  return {};
}

}  // namespace

TEST_SUITE("acm.search") {
  TEST_CASE("metadata comes from the describe document") {
    const json metadata = acm_metadata(kIssuedDocument);
    CHECK(metadata == json::parse(R"({"Status": "ISSUED", "Type": "AMAZON_ISSUED", "CreatedAt": 10, "IssuedAt": 11,
        "RenewalEligibility": "INELIGIBLE", "InUse": true, "Exported": true, "ExportOption": "ENABLED",
        "ValidationMethod": "DNS", "RenewalStatus": "SUCCESS"})"));
    const json imported = acm_metadata(json::parse(R"({"Status": "ISSUED", "Type": "IMPORTED", "ImportedAt": 5,
                                                       "InUseBy": [], "Options": {}})"));
    CHECK(imported == json::parse(R"({"Status": "ISSUED", "Type": "IMPORTED", "ImportedAt": 5, "InUse": false,
                                      "Exported": false, "ExportOption": "DISABLED"})"));
  }

  TEST_CASE("names compare by EQUALS or CONTAINS, ignoring ASCII case") {
    CHECK(match(common_name("www.example.com", "EQUALS"), issued()));
    CHECK(match(common_name("WWW.Example.COM", "EQUALS"), issued()));
    CHECK_FALSE(match(common_name("example.com", "EQUALS"), issued()));
    CHECK(match(common_name("example", "CONTAINS"), issued()));
    CHECK(match(dns("api.example.com", "EQUALS"), issued()));  // any SAN
    CHECK(match(dns("API.", "CONTAINS"), issued()));
    CHECK_FALSE(match(dns("other.org", "CONTAINS"), issued()));
  }

  TEST_CASE("X.509 attribute filters") {
    CHECK(match(x509({{"KeyAlgorithm", "EC_prime256v1"}}), issued()));
    CHECK_FALSE(match(x509({{"KeyAlgorithm", "RSA_2048"}}), issued()));
    CHECK(match(x509({{"KeyUsage", "DIGITAL_SIGNATURE"}}), issued()));
    CHECK(match(x509({{"KeyUsage", "ANY"}}), issued()));
    CHECK_FALSE(match(x509({{"KeyUsage", "KEY_ENCIPHERMENT"}}), issued()));
    CHECK(match(x509({{"ExtendedKeyUsage", "TLS_WEB_SERVER_AUTHENTICATION"}}), issued()));
    CHECK_FALSE(match(x509({{"ExtendedKeyUsage", "NONE"}}), issued()));
    CHECK_FALSE(match(x509({{"ExtendedKeyUsage", "CODE_SIGNING"}}), issued()));
    CHECK(match(x509({{"SerialNumber", "8f:01:02"}}), issued()));  // leading zero byte ignored
    CHECK(match(x509({{"SerialNumber", "00:8f:01:02"}}), issued()));
    CHECK_FALSE(match(x509({{"SerialNumber", "8f:01:03"}}), issued()));
  }

  TEST_CASE("timestamp ranges are inclusive and may be open on one side") {
    CHECK(match(x509({{"NotAfter", {{"Start", 2000}, {"End", 3000}}}}), issued()));
    CHECK(match(x509({{"NotAfter", {{"End", 2000}}}}), issued()));
    CHECK_FALSE(match(x509({{"NotAfter", {{"Start", 2001}}}}), issued()));
    CHECK(match(x509({{"NotBefore", {{"Start", 999.5}, {"End", 1000}}}}), issued()));
    CHECK_FALSE(match(x509({{"NotBefore", {{"End", 999}}}}), issued()));
  }

  TEST_CASE("a certificate without X.509 facts matches no X.509 filter") {
    CHECK_FALSE(match(dns("example", "CONTAINS"), pending()));
    CHECK_FALSE(match(x509({{"KeyAlgorithm", "RSA_2048"}}), pending()));
    CHECK(match({{"Not", dns("example", "CONTAINS")}}, pending()));
  }

  TEST_CASE("metadata filters, ARN filter") {
    CHECK(match(meta({{"Status", "ISSUED"}}), issued()));
    CHECK_FALSE(match(meta({{"Status", "ISSUED"}}), pending()));
    CHECK(match(meta({{"InUse", true}}), issued()));
    CHECK(match(meta({{"InUse", false}}), pending()));
    CHECK(match(meta({{"Exported", true}}), issued()));
    CHECK(match(meta({{"ExportOption", "DISABLED"}}), pending()));
    CHECK(match(meta({{"ValidationMethod", "EMAIL"}}), pending()));
    CHECK(match(meta({{"RenewalStatus", "SUCCESS"}}), issued()));
    CHECK_FALSE(match(meta({{"RenewalStatus", "SUCCESS"}}), pending()));  // never renewed
    CHECK_FALSE(match(meta({{"ManagedBy", "CLOUDFRONT"}}), issued()));
    CHECK(match({{"Filter", {{"CertificateArn", issued().arn}}}}, issued()));
    CHECK_FALSE(match({{"Filter", {{"CertificateArn", issued().arn}}}}, pending()));
  }

  TEST_CASE("And, Or and Not nest") {
    const json issued_ec = {{"And", {meta({{"Status", "ISSUED"}}), x509({{"KeyAlgorithm", "EC_prime256v1"}})}}};
    CHECK(match(issued_ec, issued()));
    CHECK_FALSE(match(issued_ec, pending()));
    const json either = {{"Or", {meta({{"Status", "FAILED"}}), meta({{"Type", "AMAZON_ISSUED"}})}}};
    CHECK(match(either, issued()));
    CHECK(match(either, pending()));
    const json neither = {{"Not", either}};
    CHECK_FALSE(match(neither, issued()));
    const json deep = {{"And", {{{"Not", {{"Not", issued_ec}}}}, {{"Or", {dns("nothing", "EQUALS"), either}}}}}};
    CHECK(match(deep, issued()));
    CHECK_FALSE(match(deep, pending()));
  }

  TEST_CASE("unions must set exactly one member") {
    CHECK(validation_message(json::object()).find("FilterStatement: a CertificateFilterStatement must set exactly "
                                                  "one member, but it sets none") != std::string::npos);
    const std::string two = validation_message({{"And", {meta({{"Status", "ISSUED"}})}}, {"Not", meta({})}});
    CHECK(two.find("sets 2 (And, Not)") != std::string::npos);
    const std::string nested = validation_message({{"Or", {meta({{"Status", "ISSUED"}}), meta(json::object())}}});
    CHECK(nested.find("FilterStatement.Or[2].Filter.AcmCertificateMetadataFilter") != std::string::npos);
    const std::string filter = validation_message(
        {{"Filter", {{"CertificateArn", "arn:x"}, {"AcmCertificateMetadataFilter", {{"Status", "ISSUED"}}}}}});
    CHECK(filter.find("CertificateFilter must set exactly one member") != std::string::npos);
    CHECK(validation_message(x509({{"KeyAlgorithm", "RSA_2048"}, {"KeyUsage", "ANY"}})).find("X509AttributeFilter") !=
          std::string::npos);
    CHECK(validation_message(x509({{"Subject", json::object()}})).find("SubjectFilter") != std::string::npos);
    CHECK(validation_message(x509({{"SubjectAlternativeName", json::object()}}))
              .find("SubjectAlternativeNameFilter") != std::string::npos);
    CHECK(validation_message({{"Not", json::object()}}).find("FilterStatement.Not") != std::string::npos);
    CHECK(validation_message({{"And", json::array()}}).find("at least one") != std::string::npos);
  }

  TEST_CASE("timestamp ranges must be bounded and ordered") {
    CHECK(validation_message(x509({{"NotAfter", json::object()}})).find("Start, an End") != std::string::npos);
    CHECK(validation_message(x509({{"NotBefore", {{"Start", 5}, {"End", 4}}}})).find("after") != std::string::npos);
  }

  TEST_CASE("distinguished names from RFC 2253 text") {
    CHECK(distinguished_name("CN=www.example.com,O=Example\\, Inc.,C=US") ==
          json::parse(R"({"CommonName": "www.example.com", "Organization": "Example, Inc.", "Country": "US"})"));
    const json many = distinguished_name(
        "CN=leaf+serialNumber=42,OU=Web,OU=Ops,L=Paris,ST=IDF,DC=example,DC=com,title=Boss,SN=Doe,GN=Jane,"
        "initials=JD,pseudonym=jd,generationQualifier=III,dnQualifier=q1,emailAddress=jd@example.com,"
        "1.2.3.4=#0c03616263");
    CHECK(many["CommonName"] == "leaf");
    CHECK(many["SerialNumber"] == "42");
    CHECK(many["OrganizationalUnit"] == "Web");  // the most specific one
    CHECK(many["Locality"] == "Paris");
    CHECK(many["State"] == "IDF");
    CHECK(many["DomainComponents"] == json::array({"example", "com"}));
    CHECK(many["Title"] == "Boss");
    CHECK(many["Surname"] == "Doe");
    CHECK(many["GivenName"] == "Jane");
    CHECK(many["Initials"] == "JD");
    CHECK(many["Pseudonym"] == "jd");
    CHECK(many["GenerationQualifier"] == "III");
    CHECK(many["DistinguishedNameQualifier"] == "q1");
    CHECK(many["CustomAttributes"] == json::parse(R"([
        {"ObjectIdentifier": "1.2.840.113549.1.9.1", "Value": "jd@example.com"},
        {"ObjectIdentifier": "1.2.3.4", "Value": "#0c03616263"}])"));
    CHECK(distinguished_name("CN=\\#hash\\2Bplus\\\\ \\E2\\82\\AC\\ ") ==
          json::parse(R"({"CommonName": "#hash+plus\\ \u20ac "})"));
    CHECK(distinguished_name("") == json::object());
  }

  TEST_CASE("search result layout") {
    const json result = search_result(issued());
    CHECK(result["CertificateArn"] == issued().arn);
    CHECK(result["CertificateMetadata"]["AcmCertificateMetadata"]["Status"] == "ISSUED");
    const json& attributes = result["X509Attributes"];
    CHECK(attributes["Subject"]["Organization"] == "Example, Inc.");
    CHECK(attributes["Issuer"] == json::parse(R"({"CommonName": "Albatross Local CA", "Organization": "Albatross"})"));
    CHECK(attributes["SubjectAlternativeNames"] ==
          json::parse(R"([{"DnsName": "www.example.com"}, {"DnsName": "api.example.com"}])"));
    CHECK(attributes["KeyAlgorithm"] == "EC_prime256v1");
    CHECK(attributes["KeyUsages"] == json::array({"DIGITAL_SIGNATURE"}));
    CHECK(attributes["ExtendedKeyUsages"] == json::array({"TLS_WEB_SERVER_AUTHENTICATION"}));
    CHECK(attributes["SerialNumber"] == "00:8f:01:02");
    CHECK(attributes["NotBefore"] == 1000);
    CHECK(attributes["NotAfter"] == 2000);
    CHECK_FALSE(search_result(pending()).contains("X509Attributes"));
  }

  TEST_CASE("facts of a certificate from the local CA") {
    const LocalCa ca = LocalCa::create_ephemeral();
    const auto leaf = ca.issue({"Search.Example.com", "alt.example.com"}, KeyAlgorithm::EcSecp384r1,
                               std::chrono::system_clock::now());
    const SearchableCertificate certificate{"arn", json::object(), inspect_certificate(leaf.certificate_pem)};
    CHECK(match(x509({{"KeyAlgorithm", "EC_secp384r1"}}), certificate));
    CHECK(match(common_name("search.example.com", "EQUALS"), certificate));
    CHECK(match(dns("alt.", "CONTAINS"), certificate));
    CHECK(match(x509({{"ExtendedKeyUsage", "TLS_WEB_CLIENT_AUTHENTICATION"}}), certificate));
    const json attributes = x509_attributes(*certificate.x509);
    CHECK(attributes["Issuer"]["CommonName"] == "Albatross Local CA");
    CHECK(attributes["Issuer"]["Organization"] == "Albatross");
    CHECK(attributes["Subject"] == json::parse(R"({"CommonName": "Search.Example.com"})"));
  }
}
