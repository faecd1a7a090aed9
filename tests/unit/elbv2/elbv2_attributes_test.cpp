#include "services/elbv2/elbv2_attributes.hpp"

#include <doctest/doctest.h>

#include "services/elbv2/ssl_policies.hpp"
#include "services/service.hpp"

using namespace albatross;
using namespace albatross::elbv2;
using nlohmann::json;

namespace {

std::string value_of(const json& attributes, const std::string& key) {
  for (const auto& attribute : attributes)
    if (attribute["Key"] == key) return attribute["Value"];
  return "<absent>";
}

json change(const std::string& key, const std::string& value) { return json::array({{{"Key", key}, {"Value", value}}}); }

}  // namespace

TEST_SUITE("elbv2.attributes") {
  TEST_CASE("an application load balancer describes every attribute with AWS's defaults") {
    const json attributes = describe_attributes(AttributeOwner::ApplicationLoadBalancer, {});
    CHECK(value_of(attributes, "idle_timeout.timeout_seconds") == "60");
    CHECK(value_of(attributes, "deletion_protection.enabled") == "false");
    CHECK(value_of(attributes, "routing.http2.enabled") == "true");
    CHECK(value_of(attributes, "routing.http.xff_header_processing.mode") == "append");
    CHECK(value_of(attributes, "routing.http.desync_mitigation_mode") == "defensive");
    CHECK(value_of(attributes, "client_keep_alive.seconds") == "3600");
  }

  TEST_CASE("modifications are validated by key and value") {
    auto stored = apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("idle_timeout.timeout_seconds", "120"));
    CHECK(attribute_value(AttributeOwner::ApplicationLoadBalancer, stored, "idle_timeout.timeout_seconds") == "120");
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("idle_timeout.timeout_seconds", "0")), AwsError);
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("idle_timeout.timeout_seconds", "4001")), AwsError);
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("no.such.key", "1")), AwsError);
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("deletion_protection.enabled", "yes")), AwsError);
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("routing.http.xff_header_processing.mode", "drop")), AwsError);
  }

  TEST_CASE("target group attribute combinations AWS refuses") {
    const auto owner = AttributeOwner::HttpTargetGroup;
    CHECK(attribute_value(owner, {}, "deregistration_delay.timeout_seconds") == "300");
    CHECK_THROWS_AS(apply_attributes(owner, {{"load_balancing.algorithm.type", "least_outstanding_requests"}},
                                     change("slow_start.duration_seconds", "60")), AwsError);
    CHECK_THROWS_AS(apply_attributes(owner, {}, change("slow_start.duration_seconds", "10")), AwsError);
    CHECK_NOTHROW(apply_attributes(owner, {}, change("slow_start.duration_seconds", "30")));
    CHECK_THROWS_AS(apply_attributes(owner, {}, change("stickiness.app_cookie.cookie_name", "AWSALBX")), AwsError);
    CHECK_THROWS_AS(apply_attributes(owner, {}, change("load_balancing.algorithm.anomaly_mitigation", "on")), AwsError);
  }

  TEST_CASE("the security policies include the recommended and the CLI default ones") {
    const auto* policy = find_ssl_policy("ELBSecurityPolicy-2016-08");
    REQUIRE(policy != nullptr);
    CHECK(policy->protocols == std::vector<std::string>{"TLSv1", "TLSv1.1", "TLSv1.2"});
    CHECK(policy->ciphers.front() == "ECDHE-ECDSA-AES128-GCM-SHA256");
    const auto* tls13 = find_ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06");
    REQUIRE(tls13 != nullptr);
    CHECK(tls13->ciphers.front() == "TLS_AES_128_GCM_SHA256");
    CHECK(find_ssl_policy("ELBSecurityPolicy-Nope") == nullptr);
  }
}

TEST_SUITE("elbv2.attributes.resource_defaults") {
  TEST_CASE("ipv6.deny_all_igw_traffic follows the scheme") {
    const json internal = {{"LoadBalancerArn", "arn"}, {"Scheme", "internal"}, {"Type", "application"}};
    const json facing = {{"LoadBalancerArn", "arn"}, {"Scheme", "internet-facing"}, {"Type", "network"}};
    CHECK(resource_defaults(internal).at("ipv6.deny_all_igw_traffic") == "true");
    CHECK(resource_defaults(facing).at("ipv6.deny_all_igw_traffic") == "false");
    json changed = internal;
    changed["_Attributes"] = {{"ipv6.deny_all_igw_traffic", "false"}};
    CHECK(resource_attributes(changed).at("ipv6.deny_all_igw_traffic") == "false");  // stored values win
  }

  TEST_CASE("client IP preservation is off only for ip targets over TCP or TLS") {
    auto preserve = [](const char* protocol, const char* type) {
      return resource_defaults({{"TargetGroupArn", "arn"}, {"Protocol", protocol}, {"TargetType", type}})
          .at("preserve_client_ip.enabled");
    };
    CHECK(preserve("TCP", "ip") == "false");
    CHECK(preserve("TLS", "ip") == "false");
    CHECK(preserve("UDP", "ip") == "true");
    CHECK(preserve("TCP", "instance") == "true");
    CHECK(resource_defaults({{"TargetGroupArn", "arn"}, {"Protocol", "HTTP"}, {"TargetType", "ip"}}).empty());
  }

  TEST_CASE("enabled logs need a bucket") {
    for (const auto owner : {AttributeOwner::ApplicationLoadBalancer, AttributeOwner::NetworkLoadBalancer})
      CHECK_THROWS_AS(apply_attributes(owner, {}, change("access_logs.s3.enabled", "true")), AwsError);
    const json with_bucket = json::array({{{"Key", "access_logs.s3.enabled"}, {"Value", "true"}},
                                          {{"Key", "access_logs.s3.bucket"}, {"Value", "logs"}}});
    CHECK(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, with_bucket).at("access_logs.s3.bucket") == "logs");
    CHECK_THROWS_AS(apply_attributes(AttributeOwner::ApplicationLoadBalancer, {}, change("connection_logs.s3.enabled", "true")),
                    AwsError);
  }
}
