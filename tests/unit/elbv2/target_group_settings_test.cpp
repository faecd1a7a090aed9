#include "services/elbv2/target_group_settings.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross;
using namespace albatross::elbv2;
using nlohmann::json;

namespace {

std::string error_of(const json& in) {
  try {
    target_group_settings(in);
  } catch (const AwsError& error) {
    return error.code + ": " + error.message;
  }
  return "";
}

const json kHttp = {{"Name", "tg"}, {"Protocol", "HTTP"}, {"Port", 80}, {"VpcId", "vpc-1"}};

}  // namespace

TEST_SUITE("elbv2.target_group_settings") {
  TEST_CASE("an HTTP target group gets AWS's health-check defaults") {
    const json tg = target_group_settings(kHttp);
    CHECK(tg["TargetType"] == "instance");
    CHECK(tg["ProtocolVersion"] == "HTTP1");
    CHECK(tg["HealthCheckProtocol"] == "HTTP");
    CHECK(tg["HealthCheckPort"] == "traffic-port");
    CHECK(tg["HealthCheckPath"] == "/");
    CHECK(tg["HealthCheckIntervalSeconds"] == 30);
    CHECK(tg["HealthCheckTimeoutSeconds"] == 5);
    CHECK(tg["HealthyThresholdCount"] == 5);
    CHECK(tg["UnhealthyThresholdCount"] == 2);
    CHECK(tg["Matcher"] == json{{"HttpCode", "200"}});
    CHECK(tg["HealthCheckEnabled"] == true);
  }

  TEST_CASE("a TCP target group checks over TCP with no path") {
    const json tg = target_group_settings({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}});
    CHECK(tg["HealthCheckProtocol"] == "TCP");
    CHECK_FALSE(tg.contains("HealthCheckPath"));
    CHECK_FALSE(tg.contains("ProtocolVersion"));
  }

  TEST_CASE("inconsistent settings are refused with ValidationError") {
    json in = kHttp;
    in["HealthCheckTimeoutSeconds"] = 30;
    CHECK(error_of(in).find("must be smaller than the interval") != std::string::npos);
    in = kHttp;
    in["HealthCheckPath"] = "health";
    CHECK(error_of(in).find("begin with a '/'") != std::string::npos);
    in = kHttp;
    in["Matcher"] = {{"HttpCode", "600"}};
    CHECK(error_of(in).starts_with("ValidationError"));
    in["Matcher"] = {{"HttpCode", "299-200"}};
    CHECK(error_of(in).starts_with("ValidationError"));
    in["Matcher"] = {{"HttpCode", "200-299,302"}};
    CHECK(error_of(in).empty());
    in = kHttp;
    in["HealthCheckProtocol"] = "TCP";
    CHECK(error_of(in).starts_with("ValidationError"));
    in = kHttp;
    in["HealthCheckEnabled"] = false;
    CHECK(error_of(in).find("cannot be disabled") != std::string::npos);
    in = kHttp;
    in["HealthCheckPort"] = "70000";
    CHECK(error_of(in).starts_with("ValidationError"));
    CHECK(error_of({{"Protocol", "HTTP"}, {"Port", 80}}).find("VPC") != std::string::npos);
    CHECK(error_of({{"TargetType", "lambda"}, {"Port", 80}}).starts_with("ValidationError"));
  }
}

TEST_SUITE("elbv2.target_group_settings.network_and_lambda") {
  TEST_CASE("a network target group checked over HTTP gets the NLB defaults") {
    const json tg = target_group_settings({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}, {"HealthCheckProtocol", "HTTP"}});
    CHECK(tg["HealthCheckPath"] == "/");
    CHECK(tg["Matcher"] == json{{"HttpCode", "200-399"}});
    CHECK(tg["HealthCheckTimeoutSeconds"] == 6);
    const json https = target_group_settings({{"Protocol", "TLS"}, {"Port", 443}, {"VpcId", "v"}, {"HealthCheckProtocol", "HTTPS"}});
    CHECK(https["HealthCheckTimeoutSeconds"] == 10);
    const json wide = target_group_settings({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}, {"HealthCheckProtocol", "HTTP"},
                                             {"Matcher", {{"HttpCode", "200-599"}}}});
    CHECK(wide["Matcher"] == json{{"HttpCode", "200-599"}});
  }

  TEST_CASE("a TCP health check takes no path or matcher") {
    CHECK(error_of({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}, {"HealthCheckPath", "/"}}) ==
          "InvalidConfigurationRequestException: Health check paths are not supported for TCP health checks");
    CHECK(error_of({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}, {"Matcher", {{"HttpCode", "200"}}}}) ==
          "InvalidConfigurationRequestException: Health check matchers are not supported for TCP health checks");
    const json current = target_group_settings({{"Protocol", "TCP"}, {"Port", 80}, {"VpcId", "v"}, {"HealthCheckProtocol", "HTTP"}});
    const json back = modified_health_check(current, {{"HealthCheckProtocol", "TCP"}});
    CHECK_FALSE(back.contains("HealthCheckPath"));
    CHECK_FALSE(back.contains("Matcher"));
  }

  TEST_CASE("protocol versions are HTTP1, HTTP2 or GRPC") {
    json in = kHttp;
    in["ProtocolVersion"] = "HTTP3";
    CHECK(error_of(in).starts_with("ValidationError"));
    in["ProtocolVersion"] = "HTTP2";
    CHECK(error_of(in).empty());
  }

  TEST_CASE("lambda target groups refuse each network setting by name") {
    CHECK(error_of({{"TargetType", "lambda"}, {"Port", 80}}) ==
          "ValidationError: Port cannot be specified for target groups with target type 'lambda'");
    CHECK(error_of({{"TargetType", "lambda"}, {"VpcId", "v"}}) ==
          "ValidationError: VPC ID cannot be specified for target groups with target type 'lambda'");
    CHECK(error_of({{"TargetType", "lambda"}, {"HealthCheckIntervalSeconds", 5}, {"HealthCheckTimeoutSeconds", 6}}) ==
          "ValidationError: Health check interval must be greater than the timeout.");
  }
}
