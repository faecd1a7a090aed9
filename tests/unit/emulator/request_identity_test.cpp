#include "emulator/request_identity.hpp"

#include <doctest/doctest.h>

#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"

using namespace albatross;

namespace {

HttpRequest request_with(HeaderList headers) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = std::move(headers);
  return request;
}

constexpr char kAuth[] =
    "AWS4-HMAC-SHA256 Credential=123456789012/20261124/eu-west-1/acm/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";

}  // namespace

TEST_CASE("the credential scope names access key, region and service") {
  const auto scope = parse_credential_scope(kAuth);
  REQUIRE(scope);
  CHECK(scope->access_key_id == "123456789012");
  CHECK(scope->region == "eu-west-1");
  CHECK(scope->service == "acm");
  CHECK(parse_credential_scope("AKID/20261124/us-east-1/ec2/aws4_request")->service == "ec2");
  CHECK_FALSE(parse_credential_scope("Basic dXNlcjpwYXNz"));
  CHECK_FALSE(parse_credential_scope("AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1"));
}

TEST_CASE("a 12-digit access key selects the account, anything else the default") {
  CHECK(account_for_access_key("123456789012", "000000000000") == "123456789012");
  CHECK(account_for_access_key("test", "000000000000") == "000000000000");
  CHECK(account_for_access_key("AKIAIOSFODNN7EXAMPLE", "000000000000") == "000000000000");
  CHECK(account_for_access_key("1234567890123", "000000000000") == "000000000000");
}

TEST_CASE("temporary ASIA keys carry their account as AWS encodes it") {
  // Vectors decoded independently with the published algorithm (base32, bits 7..46 of the first 6 bytes).
  CHECK(account_in_temporary_key("ASIAY34FZKBOKMUTVV7A") == "609629065308");
  CHECK(account_in_temporary_key("ASIAQNZGKIQY56JQ7WML") == "029608264753");
  CHECK(account_for_access_key("ASIAQNZGKIQY56JQ7WML", "000000000000") == "029608264753");
  CHECK_FALSE(account_in_temporary_key("ASIA1111111111111111"));  // 1 is not base32
  CHECK_FALSE(account_in_temporary_key("ASIAY34FZKBOKMUTVV7"));
  for (const std::uint64_t bits : {0ULL, 0x7fULL, 0xdeadbeefcafeULL, ~0ULL}) {
    const std::string key = temporary_key_for_account("123456789012", bits);
    CHECK(key.size() == 20);
    CHECK(account_in_temporary_key(key) == "123456789012");
  }
  CHECK(account_in_temporary_key(temporary_key_for_account("000000000001", 5)) == "000000000001");
}

TEST_CASE("X-Amz-Target picks a JSON service and operation") {
  const auto request = request_with({{"Authorization", kAuth}, {"X-Amz-Target", "CertificateManager.ListCertificates"}});
  const auto identity = identify_request(request, {}, "000000000000", "us-east-1");
  CHECK(identity.model_name == "acm");
  CHECK(identity.operation == "ListCertificates");
  CHECK(identity.account_id == "123456789012");
  CHECK(identity.region == "eu-west-1");
  CHECK(identity.json_protocol);
}

TEST_CASE("an unknown target prefix identifies nothing") {
  const auto request = request_with({{"X-Amz-Target", "DynamoDB_20120810.ListTables"}});
  const auto identity = identify_request(request, {}, "000000000000", "us-east-1");
  CHECK(identity.model_name.empty());
  CHECK(identity.json_protocol);
}

TEST_CASE("Action and Version pick a query service; defaults apply without a signature") {
  const auto request = request_with({});
  const auto identity =
      identify_request(request, {"DescribeLoadBalancers", "2015-12-01", ""}, "000000000000", "us-east-1");
  CHECK(identity.model_name == "elbv2");
  CHECK(identity.operation == "DescribeLoadBalancers");
  CHECK(identity.account_id == "000000000000");
  CHECK(identity.region == "us-east-1");
  CHECK(identify_request(request, {"DescribeVpcs", "2016-11-15", ""}, "0", "r").model_name == "ec2");
  CHECK(identify_request(request, {"GetCallerIdentity", "2011-06-15", ""}, "0", "r").model_name == "sts");
  CHECK(identify_request(request, {"CreateRole", "2010-05-08", ""}, "0", "r").model_name == "iam");
}

TEST_CASE("a presigned request's X-Amz-Credential selects account and region") {
  const auto request = request_with({});
  const auto identity = identify_request(
      request, {"GetCallerIdentity", "2011-06-15", "210987654321/20261124/ap-south-1/sts/aws4_request"},
      "000000000000", "us-east-1");
  CHECK(identity.account_id == "210987654321");
  CHECK(identity.region == "ap-south-1");
}

TEST_CASE("the address table agrees with the embedded models") {
  std::size_t count = 0;
  const ServiceAddress* services = known_services(count);
  REQUIRE(count > 0);
  for (std::size_t i = 0; i < count; ++i) {
    CAPTURE(services[i].model_name);
    const auto* model = protocol::service_model(services[i].model_name);
    REQUIRE(model != nullptr);
    CHECK(model->signing_name() == services[i].signing_name);
    CHECK(model->api_version() == services[i].api_version);
    if (model->wire() == protocol::Wire::Json) CHECK(model->target_prefix() == services[i].target_prefix);
    else CHECK(services[i].target_prefix.empty());
  }
}
