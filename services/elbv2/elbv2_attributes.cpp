#include "services/elbv2/elbv2_attributes.hpp"

#include <cstdlib>
#include <vector>

#include "services/service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

enum class Kind { Boolean, Integer, Choice, Text, OffOrInteger };

struct Attribute {
  const char* key;
  const char* default_value;
  Kind kind;
  long low = 0;            // Integer / OffOrInteger
  long high = 0;
  const char* choices = "";  // Choice: '|'-separated
};

const std::vector<Attribute> kS3Logs = {
    {"access_logs.s3.enabled", "false", Kind::Boolean}, {"access_logs.s3.bucket", "", Kind::Text},
    {"access_logs.s3.prefix", "", Kind::Text}};

const std::vector<Attribute>& attributes_of(AttributeOwner owner) {
  static const std::vector<Attribute> application = [] {
    std::vector<Attribute> list = kS3Logs;
    const std::vector<Attribute> rest = {
        {"idle_timeout.timeout_seconds", "60", Kind::Integer, 1, 4000},
        {"client_keep_alive.seconds", "3600", Kind::Integer, 60, 604800},
        {"deletion_protection.enabled", "false", Kind::Boolean},
        {"ipv6.deny_all_igw_traffic", "false", Kind::Boolean},  // true for internal ones (resource_defaults)
        {"routing.http2.enabled", "true", Kind::Boolean},
        {"routing.http.drop_invalid_header_fields.enabled", "false", Kind::Boolean},
        {"routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false", Kind::Boolean},
        {"routing.http.xff_client_port.enabled", "false", Kind::Boolean},
        {"routing.http.preserve_host_header.enabled", "false", Kind::Boolean},
        {"routing.http.xff_header_processing.mode", "append", Kind::Choice, 0, 0, "append|preserve|remove"},
        {"routing.http.desync_mitigation_mode", "defensive", Kind::Choice, 0, 0, "monitor|defensive|strictest"},
        {"load_balancing.cross_zone.enabled", "true", Kind::Choice, 0, 0, "true"},
        {"waf.fail_open.enabled", "false", Kind::Boolean},
        {"zonal_shift.config.enabled", "false", Kind::Boolean},
        {"connection_logs.s3.enabled", "false", Kind::Boolean},
        {"connection_logs.s3.bucket", "", Kind::Text},
        {"connection_logs.s3.prefix", "", Kind::Text},
        {"health_check_logs.s3.enabled", "false", Kind::Boolean},
        {"health_check_logs.s3.bucket", "", Kind::Text},
        {"health_check_logs.s3.prefix", "", Kind::Text},
    };
    list.insert(list.end(), rest.begin(), rest.end());
    return list;
  }();
  static const std::vector<Attribute> network = [] {
    std::vector<Attribute> list = kS3Logs;
    const std::vector<Attribute> rest = {
        {"deletion_protection.enabled", "false", Kind::Boolean},
        {"ipv6.deny_all_igw_traffic", "false", Kind::Boolean},
        {"load_balancing.cross_zone.enabled", "false", Kind::Boolean},
        {"dns_record.client_routing_policy", "any_availability_zone", Kind::Choice, 0, 0,
         "availability_zone_affinity|partial_availability_zone_affinity|any_availability_zone"},
        {"zonal_shift.config.enabled", "false", Kind::Boolean},
    };
    list.insert(list.end(), rest.begin(), rest.end());
    return list;
  }();
  static const std::vector<Attribute> http_target_group = {
      {"deregistration_delay.timeout_seconds", "300", Kind::Integer, 0, 3600},
      {"stickiness.enabled", "false", Kind::Boolean},
      {"stickiness.type", "lb_cookie", Kind::Choice, 0, 0, "lb_cookie|app_cookie"},
      {"stickiness.lb_cookie.duration_seconds", "86400", Kind::Integer, 1, 604800},
      {"stickiness.app_cookie.cookie_name", "", Kind::Text},
      {"stickiness.app_cookie.duration_seconds", "86400", Kind::Integer, 1, 604800},
      {"load_balancing.algorithm.type", "round_robin", Kind::Choice, 0, 0,
       "round_robin|least_outstanding_requests|weighted_random"},
      {"load_balancing.algorithm.anomaly_mitigation", "off", Kind::Choice, 0, 0, "on|off"},
      {"slow_start.duration_seconds", "0", Kind::Integer, 0, 900},
      {"load_balancing.cross_zone.enabled", "use_load_balancer_configuration", Kind::Choice, 0, 0,
       "true|false|use_load_balancer_configuration"},
      {"target_group_health.dns_failover.minimum_healthy_targets.count", "1", Kind::OffOrInteger, 1, 1000},
      {"target_group_health.dns_failover.minimum_healthy_targets.percentage", "off", Kind::OffOrInteger, 1, 100},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1", Kind::Integer, 1, 1000},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off", Kind::OffOrInteger, 1, 100},
  };
  static const std::vector<Attribute> network_target_group = {
      {"deregistration_delay.timeout_seconds", "300", Kind::Integer, 0, 3600},
      {"deregistration_delay.connection_termination.enabled", "false", Kind::Boolean},
      {"preserve_client_ip.enabled", "true", Kind::Boolean},
      {"proxy_protocol_v2.enabled", "false", Kind::Boolean},
      {"stickiness.enabled", "false", Kind::Boolean},
      {"stickiness.type", "source_ip", Kind::Choice, 0, 0, "source_ip"},
      {"load_balancing.cross_zone.enabled", "use_load_balancer_configuration", Kind::Choice, 0, 0,
       "true|false|use_load_balancer_configuration"},
      {"target_health_state.unhealthy.connection_termination.enabled", "true", Kind::Boolean},
      {"target_health_state.unhealthy.draining_interval_seconds", "0", Kind::Integer, 0, 360000},
      {"target_group_health.dns_failover.minimum_healthy_targets.count", "1", Kind::OffOrInteger, 1, 1000},
      {"target_group_health.dns_failover.minimum_healthy_targets.percentage", "off", Kind::OffOrInteger, 1, 100},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1", Kind::Integer, 1, 1000},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off", Kind::OffOrInteger, 1, 100},
  };
  static const std::vector<Attribute> lambda_target_group = {
      {"lambda.multi_value_headers.enabled", "false", Kind::Boolean},
  };
  static const std::vector<Attribute> http_listener = {
      {"routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name", "X-Amzn-Mtls-Clientcert-Serial-Number", Kind::Text},
      {"routing.http.request.x_amzn_mtls_clientcert_issuer.header_name", "X-Amzn-Mtls-Clientcert-Issuer", Kind::Text},
      {"routing.http.request.x_amzn_mtls_clientcert_subject.header_name", "X-Amzn-Mtls-Clientcert-Subject", Kind::Text},
      {"routing.http.request.x_amzn_mtls_clientcert_validity.header_name", "X-Amzn-Mtls-Clientcert-Validity", Kind::Text},
      {"routing.http.request.x_amzn_mtls_clientcert_leaf.header_name", "X-Amzn-Mtls-Clientcert-Leaf", Kind::Text},
      {"routing.http.request.x_amzn_mtls_clientcert.header_name", "X-Amzn-Mtls-Clientcert", Kind::Text},
      {"routing.http.request.x_amzn_tls_version.header_name", "X-Amzn-Tls-Version", Kind::Text},
      {"routing.http.request.x_amzn_tls_cipher_suite.header_name", "X-Amzn-Tls-Cipher-Suite", Kind::Text},
      {"routing.http.response.server.enabled", "true", Kind::Boolean},
      {"routing.http.response.strict_transport_security.header_value", "", Kind::Text},
      {"routing.http.response.access_control_allow_origin.header_value", "", Kind::Text},
      {"routing.http.response.access_control_allow_methods.header_value", "", Kind::Text},
      {"routing.http.response.access_control_allow_headers.header_value", "", Kind::Text},
      {"routing.http.response.access_control_allow_credentials.header_value", "", Kind::Text},
      {"routing.http.response.access_control_expose_headers.header_value", "", Kind::Text},
      {"routing.http.response.access_control_max_age.header_value", "", Kind::Text},
      {"routing.http.response.content_security_policy.header_value", "", Kind::Text},
      {"routing.http.response.x_content_type_options.header_value", "", Kind::Text},
      {"routing.http.response.x_frame_options.header_value", "", Kind::Text},
  };
  static const std::vector<Attribute> network_listener = {
      {"tcp.idle_timeout.seconds", "350", Kind::Integer, 60, 6000},
  };
  switch (owner) {
    case AttributeOwner::ApplicationLoadBalancer: return application;
    case AttributeOwner::NetworkLoadBalancer: return network;
    case AttributeOwner::HttpTargetGroup: return http_target_group;
    case AttributeOwner::NetworkTargetGroup: return network_target_group;
    case AttributeOwner::LambdaTargetGroup: return lambda_target_group;
    case AttributeOwner::HttpListener: return http_listener;
    case AttributeOwner::NetworkListener: return network_listener;
  }
  return application;
}

const char* owner_noun(AttributeOwner owner) {
  switch (owner) {
    case AttributeOwner::ApplicationLoadBalancer:
    case AttributeOwner::NetworkLoadBalancer: return "Load balancer";
    case AttributeOwner::HttpListener:
    case AttributeOwner::NetworkListener: return "Listener";
    default: return "Target group";
  }
}

bool valid_integer(const std::string& value, long low, long high) {
  if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos) return false;
  const long number = std::strtol(value.c_str(), nullptr, 10);
  return number >= low && number <= high;
}

bool valid_value(const Attribute& attribute, const std::string& value) {
  switch (attribute.kind) {
    case Kind::Boolean: return value == "true" || value == "false";
    case Kind::Integer: return valid_integer(value, attribute.low, attribute.high);
    case Kind::OffOrInteger: return value == "off" || valid_integer(value, attribute.low, attribute.high);
    case Kind::Text: return value.size() <= 1024;
    case Kind::Choice: {
      const std::string choices = std::string("|") + attribute.choices + "|";
      return choices.find("|" + value + "|") != std::string::npos;
    }
  }
  return false;
}

void check_combinations(AttributeOwner owner, const AttributeMap& result) {
  auto value = [&](const char* key) { return attribute_value(owner, result, key); };
  if (owner == AttributeOwner::ApplicationLoadBalancer || owner == AttributeOwner::NetworkLoadBalancer) {
    // Logs need somewhere to go.
    for (const std::string logs : {"access_logs", "connection_logs", "health_check_logs"}) {
      const std::string bucket = logs + ".s3.bucket";
      if (value((logs + ".s3.enabled").c_str()) == "true" && value(bucket.c_str()).empty())
        throw AwsError{"ValidationError", "The value of '" + bucket + "' cannot be empty"};
    }
  }
  if (owner != AttributeOwner::HttpTargetGroup) return;
  const std::string algorithm = value("load_balancing.algorithm.type");
  if (algorithm == "least_outstanding_requests" && value("slow_start.duration_seconds") != "0")
    throw AwsError{"InvalidConfigurationRequestException",
                   "Slow start cannot be enabled with the least outstanding requests algorithm"};
  const std::string slow_start = value("slow_start.duration_seconds");
  if (slow_start != "0" && std::stol(slow_start) < 30)
    throw AwsError{"ValidationError", "Target group attribute 'slow_start.duration_seconds' must be 0 or between 30 and 900"};
  if (value("load_balancing.algorithm.anomaly_mitigation") == "on" && algorithm != "weighted_random")
    throw AwsError{"InvalidConfigurationRequestException",
                   "Anomaly mitigation can only be enabled with the weighted random algorithm"};
  const std::string cookie = value("stickiness.app_cookie.cookie_name");
  if (cookie.starts_with("AWSALB") || cookie.starts_with("AWSALBAPP") || cookie.starts_with("AWSALBTG"))
    throw AwsError{"ValidationError", "App cookie name '" + cookie + "' cannot start with AWSALB, AWSALBAPP or AWSALBTG"};
  if (value("stickiness.enabled") == "true" && value("stickiness.type") == "app_cookie" && cookie.empty())
    throw AwsError{"ValidationError", "An app cookie name is required for app_cookie stickiness"};
}

}  // namespace

AttributeOwner target_group_attribute_owner(const Json& target_group) {
  const std::string protocol = target_group.value("Protocol", "");
  if (target_group.value("TargetType", "") == "lambda") return AttributeOwner::LambdaTargetGroup;
  return protocol == "HTTP" || protocol == "HTTPS" ? AttributeOwner::HttpTargetGroup : AttributeOwner::NetworkTargetGroup;
}

AttributeOwner load_balancer_attribute_owner(const Json& load_balancer) {
  return load_balancer.value("Type", "application") == "application" ? AttributeOwner::ApplicationLoadBalancer
                                                                      : AttributeOwner::NetworkLoadBalancer;
}

AttributeOwner listener_attribute_owner(const Json& listener) {
  const std::string protocol = listener.value("Protocol", "");
  return protocol == "HTTP" || protocol == "HTTPS" ? AttributeOwner::HttpListener : AttributeOwner::NetworkListener;
}

Json describe_attributes(AttributeOwner owner, const AttributeMap& stored) {
  Json out = Json::array();
  for (const auto& attribute : attributes_of(owner))
    out.push_back({{"Key", attribute.key}, {"Value", attribute_value(owner, stored, attribute.key)}});
  return out;
}

AttributeMap resource_defaults(const Json& document) {
  if (document.contains("LoadBalancerArn") && !document.contains("ListenerArn"))
    return {{"ipv6.deny_all_igw_traffic", document.value("Scheme", "") == "internal" ? "true" : "false"}};
  if (document.contains("TargetGroupArn") && target_group_attribute_owner(document) == AttributeOwner::NetworkTargetGroup) {
    const std::string protocol = document.value("Protocol", "");
    const bool off = document.value("TargetType", "") == "ip" && (protocol == "TCP" || protocol == "TLS");
    return {{"preserve_client_ip.enabled", off ? "false" : "true"}};
  }
  return {};
}

AttributeMap resource_attributes(const Json& document) {
  AttributeMap attributes = resource_defaults(document);
  for (const auto& [key, value] : document.value("_Attributes", AttributeMap{})) attributes[key] = value;
  return attributes;
}

AttributeMap apply_attributes(AttributeOwner owner, AttributeMap stored, const Json& changes) {
  const auto& known = attributes_of(owner);
  for (const auto& change : changes) {
    const std::string key = change.value("Key", "");
    const std::string value = change.value("Value", "");
    const Attribute* attribute = nullptr;
    for (const auto& candidate : known)
      if (key == candidate.key) attribute = &candidate;
    if (!attribute)
      throw AwsError{"ValidationError", std::string(owner_noun(owner)) + " attribute key '" + key + "' is not recognized"};
    if (!valid_value(*attribute, value))
      throw AwsError{"ValidationError", std::string(owner_noun(owner)) + " attribute '" + key + "' value '" + value +
                                            "' is not valid"};
    stored[key] = value;
  }
  check_combinations(owner, stored);
  return stored;
}

std::string attribute_value(AttributeOwner owner, const AttributeMap& stored, const std::string& key) {
  if (const auto found = stored.find(key); found != stored.end()) return found->second;
  for (const auto& attribute : attributes_of(owner))
    if (key == attribute.key) return attribute.default_value;
  return {};
}

}  // namespace albatross::elbv2
