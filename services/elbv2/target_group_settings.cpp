#include "services/elbv2/target_group_settings.hpp"

#include <string>
#include <vector>

#include "services/service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

AwsError invalid(std::string message) { return AwsError{"ValidationError", std::move(message)}; }

bool is_http(const std::string& protocol) { return protocol == "HTTP" || protocol == "HTTPS"; }

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

int parse_code(const std::string& text, int low, int high, const std::string& specification) {
  const std::string message = "Health check matcher code '" + specification + "' must be a code, a list or a range of codes within " +
                              std::to_string(low) + "-" + std::to_string(high);
  if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos) throw invalid(message);
  const int code = std::stoi(text);
  if (code < low || code > high) throw invalid(message);
  return code;
}

void check_matcher_codes(const std::string& specification, int low, int high) {
  for (const auto& part : split(specification, ',')) {
    const auto range = split(part, '-');
    if (range.size() > 2) throw invalid("Health check matcher code '" + specification + "' is not valid");
    const int first = parse_code(range[0], low, high, specification);
    if (range.size() == 2 && parse_code(range[1], low, high, specification) < first)
      throw invalid("Health check matcher code range '" + part + "' must go from low to high");
  }
}

void check_health_check(const Json& tg) {
  const std::string type = tg.value("TargetType", "instance");
  const std::string protocol = tg.value("Protocol", "");
  const std::string check_protocol = tg.value("HealthCheckProtocol", "");
  if (is_http(protocol) && !is_http(check_protocol))
    throw invalid("Health check protocol '" + check_protocol + "' is not supported for target groups with the " +
                  protocol + " protocol");
  if (!tg.value("HealthCheckEnabled", true) && (type == "instance" || type == "ip") && is_http(protocol))
    throw invalid("Health checks cannot be disabled for target groups with target type '" + type + "'");
  const std::string port = tg.value("HealthCheckPort", "traffic-port");
  if (port != "traffic-port") {
    const bool numeric = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric || std::stoi(port) < 1 || std::stoi(port) > 65535)
      throw invalid("Health check port '" + port + "' must be 'traffic-port' or a port from 1 to 65535");
  }
  if (tg.contains("HealthCheckPath") && !tg["HealthCheckPath"].get<std::string>().starts_with("/"))
    throw invalid("Health check path must begin with a '/' character");
  const int interval = tg.value("HealthCheckIntervalSeconds", 30);
  const int timeout = tg.value("HealthCheckTimeoutSeconds", 5);
  if (timeout > interval) throw invalid("Health check interval must be greater than the timeout.");
  if (timeout == interval)
    throw invalid("Health check timeout '" + std::to_string(timeout) + "' must be smaller than the interval '" +
                  std::to_string(interval) + "'");
  if (tg.contains("Matcher")) {
    const Json& matcher = tg["Matcher"];
    if (tg.value("ProtocolVersion", "") == "GRPC") {
      check_matcher_codes(matcher.value("GrpcCode", "12"), 0, 99);
    } else if (matcher.contains("HttpCode")) {
      // Network target groups accept 200-599, HTTP(S) ones 200-499.
      check_matcher_codes(matcher["HttpCode"], 200, is_http(protocol) ? 499 : 599);
    }
  }
}

Json health_check_defaults(const std::string& protocol, const std::string& protocol_version,
                           const std::string& target_type) {
  if (target_type == "lambda")
    return {{"HealthCheckEnabled", false}, {"HealthCheckIntervalSeconds", 35}, {"HealthCheckTimeoutSeconds", 30},
            {"HealthyThresholdCount", 5},  {"UnhealthyThresholdCount", 2},     {"HealthCheckPath", "/"},
            {"Matcher", {{"HttpCode", "200"}}}};
  Json defaults = {{"HealthCheckProtocol", is_http(protocol) ? protocol : std::string("TCP")},
                   {"HealthCheckPort", "traffic-port"},
                   {"HealthCheckEnabled", true},
                   {"HealthCheckIntervalSeconds", 30},
                   {"HealthCheckTimeoutSeconds", is_http(protocol) ? 5 : 10},
                   {"HealthyThresholdCount", 5},
                   {"UnhealthyThresholdCount", 2}};
  if (is_http(protocol)) {
    defaults["HealthCheckPath"] = protocol_version == "GRPC" ? "/AWS.ALB/healthcheck" : "/";
    defaults["Matcher"] = protocol_version == "GRPC" ? Json{{"GrpcCode", "12"}} : Json{{"HttpCode", "200"}};
  }
  return defaults;
}

// A network target group checked over HTTP(S) gets the NLB defaults for those checks: path "/", success
// codes 200-399, and a 6 s timeout for HTTP (10 s stays for HTTPS). Over TCP it has neither path nor matcher.
void apply_network_http_check_defaults(Json& tg, const Json& in, bool creating) {
  if (is_http(tg.value("Protocol", "")) || tg.value("TargetType", "") == "lambda") return;
  const std::string check_protocol = tg.value("HealthCheckProtocol", "TCP");
  if (!is_http(check_protocol)) {
    if (in.contains("HealthCheckPath"))
      throw AwsError{"InvalidConfigurationRequestException", "Health check paths are not supported for TCP health checks"};
    if (in.contains("Matcher"))
      throw AwsError{"InvalidConfigurationRequestException", "Health check matchers are not supported for TCP health checks"};
    tg.erase("HealthCheckPath");
    tg.erase("Matcher");
    return;
  }
  if (!tg.contains("HealthCheckPath")) tg["HealthCheckPath"] = "/";
  if (!tg.contains("Matcher")) tg["Matcher"] = {{"HttpCode", "200-399"}};
  if (creating && check_protocol == "HTTP" && !in.contains("HealthCheckTimeoutSeconds"))
    tg["HealthCheckTimeoutSeconds"] = 6;
}

constexpr const char* kHealthCheckMembers[] = {
    "HealthCheckProtocol", "HealthCheckPort",       "HealthCheckEnabled",      "HealthCheckPath",
    "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "HealthyThresholdCount", "UnhealthyThresholdCount",
    "Matcher"};

}  // namespace

Json target_group_settings(const Json& in) {
  const std::string target_type = in.value("TargetType", "instance");
  Json tg = {{"TargetType", target_type}};
  if (target_type != "lambda") {
    if (!in.contains("Protocol")) throw invalid("A protocol must be specified");
    if (!in.contains("Port")) throw invalid("A port must be specified");
    if (!in.contains("VpcId")) throw invalid("A VPC ID must be specified");
    tg["Protocol"] = in["Protocol"];
    tg["Port"] = in["Port"];
    tg["IpAddressType"] = in.value("IpAddressType", "ipv4");
    if (is_http(in["Protocol"])) {
      const std::string version = in.value("ProtocolVersion", "HTTP1");
      if (version != "HTTP1" && version != "HTTP2" && version != "GRPC")
        throw invalid("Protocol version '" + version + "' must be one of HTTP1, HTTP2 or GRPC");
      tg["ProtocolVersion"] = version;
    } else if (in.contains("ProtocolVersion"))
      throw invalid("A protocol version can only be specified for HTTP and HTTPS target groups");
  } else {
    for (const auto& [member, noun] : {std::pair{"Protocol", "Protocol"}, {"Port", "Port"}, {"VpcId", "VPC ID"}})
      if (in.contains(member))
        throw invalid(std::string(noun) + " cannot be specified for target groups with target type 'lambda'");
  }
  if (target_type == "alb" && tg.value("Protocol", "") != "TCP")
    throw invalid("Target groups of target type 'alb' must use the TCP protocol");
  Json defaults = health_check_defaults(tg.value("Protocol", ""), tg.value("ProtocolVersion", ""), target_type);
  tg.update(defaults);
  for (const char* member : kHealthCheckMembers)
    if (in.contains(member)) tg[member] = in[member];
  if (in.contains("Matcher") && !tg.contains("Matcher")) tg["Matcher"] = in["Matcher"];
  apply_network_http_check_defaults(tg, in, true);
  check_health_check(tg);
  return tg;
}

Json modified_health_check(const Json& current, const Json& in) {
  Json tg = current;
  for (const char* member : kHealthCheckMembers)
    if (in.contains(member)) tg[member] = in[member];
  apply_network_http_check_defaults(tg, in, false);
  check_health_check(tg);
  return tg;
}

}  // namespace albatross::elbv2
