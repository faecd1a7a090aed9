#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "emulator/protocol/java_regex.hpp"
#include "emulator/protocol/service_model.hpp"
#include "emulator/protocol/validator.hpp"

using namespace albatross::protocol;
using nlohmann::json;

namespace {

// The validation error of `input` for one operation's input shape; code "" when it passes.
albatross::AwsError violation(const char* service, const char* operation, const json& input) {
  const ServiceModel& model = *service_model(service);
  try {
    validate_input(model, *model.operation(operation)->input(), input);
  } catch (const albatross::AwsError& e) {
    return e;
  }
  return {};
}

std::string message(const char* service, const char* operation, const char* input_json) {
  return violation(service, operation, json::parse(input_json)).message;
}

}  // namespace

TEST_CASE("validation: required members") {
  const auto e = violation("acm", "RequestCertificate", json::object());
  CHECK(e.code == "ValidationException");
  CHECK(e.http_status == 400);
  CHECK(e.message ==
        "1 validation error detected: Value null at 'domainName' failed to satisfy constraint: Member must not be null");
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": "a.com", "Tags": [{"Value": "v"}]})") ==
        "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not "
        "be null");
  CHECK(violation("acm", "RequestCertificate", json::parse(R"({"DomainName": "a.com"})")).code.empty());
}

TEST_CASE("validation: string length") {
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": ""})") ==
        "2 validation errors detected: Value '' at 'domainName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1; Value '' at 'domainName' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: (\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}"
        "[A-Za-z0-9])");
  const std::string token(33, 'a');
  CHECK(message("acm", "RequestCertificate", (R"({"DomainName": "a.com", "IdempotencyToken": ")" + token + "\"}").c_str()) ==
        "1 validation error detected: Value '" + token +
            "' at 'idempotencyToken' failed to satisfy constraint: Member must have length less than or equal to 32");
  // Lengths count UTF-16 units like Java: 32 two-byte characters fit.
  std::string wide;
  for (int i = 0; i < 32; ++i) wide += "\xC3\xA9";
  CHECK(violation("elbv2", "AddTags",
                  json{{"ResourceArns", {"arn"}}, {"Tags", {{{"Key", "k"}, {"Value", wide}}}}})
            .code.empty());
}

TEST_CASE("validation: enums") {
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": "a.com", "ValidationMethod": "SMS"})") ==
        "1 validation error detected: Value 'SMS' at 'validationMethod' failed to satisfy constraint: Member must "
        "satisfy enum value set: [EMAIL, DNS, HTTP]");
  const auto e = violation("ecs", "RegisterTaskDefinition",
                           json::parse(R"({"family": "f", "containerDefinitions": [], "networkMode": "bogus"})"));
  CHECK(e.code == "InvalidParameterException");
  CHECK(e.message == "1 validation error detected: Value 'bogus' at 'networkMode' failed to satisfy constraint: "
                     "Member must satisfy enum value set: [bridge, host, awsvpc, none]");
}

TEST_CASE("validation: patterns") {
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": "-bad-.com"})") ==
        "1 validation error detected: Value '-bad-.com' at 'domainName' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: (\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]"
        "{1,62}[A-Za-z0-9])");
  CHECK(violation("acm", "RequestCertificate", json{{"DomainName", "*.example.com"}}).code.empty());
  // elbv2 tag keys: [\p{L}\p{Z}\p{N}_.:/=+\-@]; letters of any script pass, '#' does not.
  CHECK(violation("elbv2", "AddTags", json{{"ResourceArns", {"arn"}}, {"Tags", {{{"Key", "caf\xC3\xA9 1"}}}}}).code.empty());
  CHECK(message("elbv2", "AddTags", R"({"ResourceArns": ["arn"], "Tags": [{"Key": "a#b"}]})") ==
        "1 validation error detected: Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
  // Strings longer than 2048 characters are not pattern-checked (std::regex recursion).
  const std::string huge(100000, '#');
  CHECK(violation("elbv2", "DescribeLoadBalancers", json{{"Marker", huge}}).code.empty());
}

TEST_CASE("validation: numeric range") {
  CHECK(message("elbv2", "DescribeLoadBalancers", R"({"PageSize": 0})") ==
        "1 validation error detected: Value '0' at 'pageSize' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1");
  CHECK(message("elbv2", "DescribeLoadBalancers", R"({"PageSize": 401})") ==
        "1 validation error detected: Value '401' at 'pageSize' failed to satisfy constraint: Member must have value "
        "less than or equal to 400");
  CHECK(violation("elbv2", "DescribeLoadBalancers", json{{"PageSize", 400}}).code == "");
}

TEST_CASE("validation: list length") {
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": "a.com", "SubjectAlternativeNames": []})") ==
        "1 validation error detected: Value '[]' at 'subjectAlternativeNames' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  json sans = json::array();
  for (int i = 0; i < 101; ++i) sans.push_back("a" + std::to_string(i) + ".com");
  const auto e = violation("acm", "RequestCertificate", json{{"DomainName", "a.com"}, {"SubjectAlternativeNames", sans}});
  CHECK(e.message.starts_with("1 validation error detected: Value '[a0.com, a1.com, a2.com, "));
  CHECK(e.message.ends_with(
      "a100.com]' at 'subjectAlternativeNames' failed to satisfy constraint: Member must have length less than or equal to 100"));
  CHECK(message("acm", "RequestCertificate", R"({"DomainName": "a.com", "SubjectAlternativeNames": ["ok.com", "x"]})") ==
        "1 validation error detected: Value 'x' at 'subjectAlternativeNames.2.member' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)"
        "[A-Za-z0-9-]{1,62}[A-Za-z0-9])");
}

TEST_CASE("validation: several violations are collected in model order") {
  const auto e = violation("elbv2", "CreateListener",
                           json::parse(R"({"Port": 0, "Protocol": "FTP", "DefaultActions": [{"Order": 0}]})"));
  CHECK(e.code == "ValidationError");
  CHECK(e.message ==
        "5 validation errors detected: Value null at 'loadBalancerArn' failed to satisfy constraint: Member must not be "
        "null; Value 'FTP' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, "
        "HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]; Value '0' at 'port' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; Value null at 'defaultActions.1.member.type' failed to "
        "satisfy constraint: Member must not be null; Value '0' at 'defaultActions.1.member.order' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1");
}

TEST_CASE("validation: blobs are measured decoded") {
  // ImportCertificate.Certificate: blob min 1 max 32768.
  CHECK(message("acm", "ImportCertificate", R"({"Certificate": "", "PrivateKey": "QQ=="})") ==
        "1 validation error detected: Value '' at 'certificate' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1");
  CHECK(violation("acm", "ImportCertificate", json{{"Certificate", "QUJD"}, {"PrivateKey", "QQ=="}}).code.empty());
}

TEST_CASE("validation: rendering of values and paths") {
  CHECK(render_value(json::parse(R"(["a", 1, true, 1.5])")) == "[a, 1, true, 1.5]");
  CHECK(render_value(json::parse(R"({"Key": "k", "Value": "v"})")) == "{Key=k, Value=v}");
  CHECK(violation_text({"x", "X", "", true, "Member must not be null"}) ==
        "Value null at 'x' failed to satisfy constraint: Member must not be null");
}

TEST_CASE("java regex translation") {
  CHECK(java_regex_to_ecmascript("^[a-zA-Z0-9._]+$") == "^[a-zA-Z0-9._]+$");
  CHECK(java_regex_to_ecmascript("[\\w+=,.@\\:-]*") == "[\\w+=,.@:-]*");
  CHECK(java_regex_to_ecmascript("[\\w-_]*") == "[\\w\\-_]*");
  CHECK(java_regex_to_ecmascript("[\\p{L}\\p{N}]") == "[a-zA-Z\\x80-\\xff0-9\\x80-\\xff]");
  CHECK_FALSE(java_regex_to_ecmascript("\\p{Print}+"));
  CHECK_FALSE(java_regex_to_ecmascript("[\\u0020-\\u00FF]+"));
  CHECK_FALSE(java_regex_to_ecmascript("a*+"));
  CHECK_FALSE(java_regex_to_ecmascript("(?i)abc"));
  CHECK_FALSE(java_regex_to_ecmascript("(?<=a)b"));
  CHECK_FALSE(java_regex_to_ecmascript("[a-z&&[^e]]"));
  CHECK(java_regex_to_ecmascript("(?!-)[a]+(?:b)") == "(?!-)[a]+(?:b)");
  CHECK(java_regex_to_ecmascript("\\*+") == "\\*+");
}

TEST_CASE("every model pattern compiles or is refused without throwing") {
  int with_pattern = 0, enforced = 0;
  for (const char* name : {"acm", "elbv2", "ec2", "ecs", "ecr", "logs", "iam", "sts", "application-autoscaling"}) {
    const ServiceModel& model = *service_model(name);
    for (const auto& shape : model.shapes()) {
      if (shape->pattern.empty()) continue;
      ++with_pattern;
      if (shape->pattern_enforced()) ++enforced;
      (void)shape->matches_pattern("some value");
    }
  }
  CHECK(with_pattern > 100);
  CHECK(enforced * 10 > with_pattern * 7);  // most model patterns are enforced (76% at the time of writing)
  CHECK(service_model("acm")->shape("DomainNameString")->pattern_enforced());
  CHECK_FALSE(service_model("acm")->shape("CertificateBody")->pattern_enforced());  // \\u escapes are refused
}

TEST_CASE("validation: ECR words its constraint errors its own way and reports the first one") {
  const auto e = violation("ecr", "CreateRepository", json{{"repositoryName", "Bad_Name"}});
  CHECK(e.code == "InvalidParameterException");
  CHECK(e.http_status == 400);
  CHECK(e.message ==
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression "
        "'[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*''");
  // Too short and not matching the pattern: only the first (length) violation is reported.
  CHECK(message("ecr", "CreateRepository", R"({"repositoryName": "A"})") ==
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or "
        "equal to 2'");
  CHECK(message("ecr", "PutImageTagMutability", R"({"repositoryName": "repo", "imageTagMutability": "x"})")
            .rfind("Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum "
                   "value set: [",
                   0) == 0);
}
