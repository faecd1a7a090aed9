// Hostile inputs: nothing but AwsError may escape the parsers, and nothing may crash.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/protocol/service_model.hpp"

using namespace albatross::protocol;
using nlohmann::json;

namespace {

// Runs `f`; an AwsError is fine, any other exception fails the test.
template <typename F>
void only_aws_errors(F&& f) {
  try {
    f();
  } catch (const albatross::AwsError&) {
  }
}

}  // namespace

TEST_CASE("query: odd parameter names") {
  const ServiceModel& m = *service_model("elbv2");
  const OperationModel& op = *m.operation("CreateListener");
  std::string many_dots = "DefaultActions";
  for (int i = 0; i < 20000; ++i) many_dots += ".member";
  const FormParams params = {
      {many_dots, "x"},
      {"DefaultActions.member.0.Type", "forward"},
      {"DefaultActions.member.-1.Type", "forward"},
      {"DefaultActions.member.99999999999999999999.Type", "forward"},
      {"DefaultActions.member.2147483648.Type", "forward"},
      {"DefaultActions.member.1.Type.member.1", "x"},
      {"DefaultActions", "x"},
      {".", ""},
      {"..", "x"},
      {"", "x"},
      {"LoadBalancerArn.member.1", "x"},
      {"Tags.member.1", "not a structure"},
  };
  json result;
  only_aws_errors([&] { result = parse_form_input(m, op, params); });
  // Indexes need not start at 1: any positive index (up to 9 digits) counts, in order.
  const FormParams ok = {{"LoadBalancerArn", "arn"}, {"DefaultActions.member.7.Type", "forward"}};
  result = parse_form_input(m, op, ok);
  CHECK(result["DefaultActions"] == json::parse(R"([{"Type": "forward"}])"));
}

TEST_CASE("query: a repeated parameter keeps the last value") {
  const ServiceModel& m = *service_model("elbv2");
  const json in = parse_form_input(m, *m.operation("DescribeLoadBalancers"), {{"PageSize", "5"}, {"PageSize", "7"}});
  CHECK(in["PageSize"] == 7);
}

TEST_CASE("json: random bodies never throw anything but AwsError") {
  const ServiceModel& m = *service_model("ecs");
  const OperationModel& op = *m.operation("RegisterTaskDefinition");
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]\",:0123456789.eE+-truefalsnl \\/abc\x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string body;
    const int len = static_cast<int>(rng() % 64);
    for (int i = 0; i < len; ++i) body += alphabet[rng() % alphabet.size()];
    only_aws_errors([&] { (void)parse_json_input(m, op, body); });
  }
  // Structurally valid bodies with wrong shapes everywhere.
  for (const char* body : {R"({"containerDefinitions": {"a": 1}})", R"({"containerDefinitions": [[1]]})",
                           R"({"family": null, "containerDefinitions": [null, {}]})",
                           R"({"containerDefinitions": [{"portMappings": [{"containerPort": 1e400}]}]})",
                           R"({"containerDefinitions": [{"cpu": -9223372036854775809}]})",
                           R"({"containerDefinitions": [{"cpu": 18446744073709551615}]})"}) {
    only_aws_errors([&] { (void)parse_json_input(m, op, body); });
  }
}

TEST_CASE("json: nesting right at the limit parses, one more is rejected") {
  const ServiceModel& m = *service_model("ecs");
  const OperationModel& op = *m.operation("ListClusters");
  auto nested = [](int depth) {
    std::string s = "{\"x\":";
    for (int i = 1; i < depth - 1; ++i) s += "[";
    s += "1";
    for (int i = 1; i < depth - 1; ++i) s += "]";
    return s + "}";
  };
  CHECK(parse_json_input(m, op, nested(64)) == json::object());
  CHECK_THROWS_AS(parse_json_input(m, op, nested(66)), albatross::AwsError);
}

TEST_CASE("output serializers tolerate outputs of the wrong shape") {
  const ServiceModel& elbv2 = *service_model("elbv2");
  const OperationModel& op = *elbv2.operation("DescribeLoadBalancers");
  for (const char* out : {R"([])", R"("x")", R"({"LoadBalancers": {"a": 1}})", R"({"LoadBalancers": [1, "x", null]})",
                          R"({"LoadBalancers": [{"CreatedTime": "not a time", "State": "active"}]})"}) {
    const WireResponse r = serialize_output(elbv2, op, json::parse(out), "id");
    CHECK(r.status == 200);
  }
  const ServiceModel& acm = *service_model("acm");
  CHECK(serialize_output(acm, *acm.operation("DescribeCertificate"), json::parse(R"({"Certificate": 5})"), "id").body ==
        "{}");
  // Invalid UTF-8 from a handler is replaced, not thrown.
  CHECK_NOTHROW(serialize_output(acm, *acm.operation("DescribeCertificate"),
                                 json{{"Certificate", {{"DomainName", "\xff"}}}}, "id"));
}
