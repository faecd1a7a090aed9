#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/protocol/service_model.hpp"

using namespace albatross::protocol;
using nlohmann::json;

namespace {

WireResponse output(const char* service, const char* operation, const json& out) {
  const ServiceModel& model = *service_model(service);
  return serialize_output(model, *model.operation(operation), out, "req-1");
}

}  // namespace

TEST_CASE("json output: acm DescribeCertificate timestamps become epoch seconds") {
  const WireResponse r = output("acm", "DescribeCertificate", json::parse(R"({"Certificate": {
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/1",
    "DomainName": "example.com", "SubjectAlternativeNames": ["example.com"],
    "CreatedAt": 1510811361.128, "IssuedAt": "2017-11-16T05:49:21.128Z", "NotAfter": "2018-12-16T12:00:00Z",
    "Status": "ISSUED", "Type": "AMAZON_ISSUED", "InUseBy": [], "Bogus": true,
    "DomainValidationOptions": [{"DomainName": "example.com", "ValidationStatus": "SUCCESS",
      "ResourceRecord": {"Name": "_x.example.com.", "Type": "CNAME", "Value": "_y.acm-validations.aws."}}]}})"));
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/x-amz-json-1.1");
  const json body = json::parse(r.body);
  const json& c = body["Certificate"];
  CHECK(c["CreatedAt"] == 1510811361.128);
  CHECK(c["IssuedAt"].get<double>() == doctest::Approx(1510811361.128));
  CHECK(c["NotAfter"] == 1544961600);
  CHECK(c["InUseBy"] == json::array());
  CHECK_FALSE(c.contains("Bogus"));
  CHECK(c["DomainValidationOptions"][0]["ResourceRecord"]["Type"] == "CNAME");
  CHECK(r.body.find("1510811361.128") != std::string::npos);
}

TEST_CASE("json output: empty and missing outputs are {}") {
  CHECK(output("acm", "DeleteCertificate", json::object()).body == "{}");
  CHECK(output("acm", "AddTagsToCertificate", nullptr).body == "{}");
  CHECK(output("ecs", "ListClusters", json::object()).body == "{}");
  CHECK(output("ecs", "ListClusters", json{{"clusterArns", json::array()}}).body == R"({"clusterArns":[]})");
}

TEST_CASE("json output: scalars are coerced to the shape") {
  const WireResponse r = output("ecs", "ListClusters", json{{"clusterArns", {1, "a"}}, {"nextToken", 5}});
  CHECK(json::parse(r.body) == json::parse(R"({"clusterArns": ["1", "a"], "nextToken": "5"})"));
}
