#include "services/elbv2/action_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/elbv2/elbv2_service.hpp"
#include "services/service.hpp"

namespace albatross::elbv2 {
namespace {

using json = nlohmann::json;

[[noreturn]] void invalid(std::string message) { throw AwsError{"ValidationError", std::move(message)}; }
[[noreturn]] void bad_action(std::string message) {
  throw AwsError{"InvalidLoadBalancerActionException", std::move(message)};
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

bool present(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

bool is_alb_protocol(const std::string& protocol) { return protocol == "HTTP" || protocol == "HTTPS"; }
bool is_routing(const std::string& type) { return type == "forward" || type == "redirect" || type == "fixed-response"; }
bool is_authentication(const std::string& type) {
  return type == "authenticate-oidc" || type == "authenticate-cognito" || type == "jwt-validation";
}

// Each action type and the one config member it takes (forward also takes TargetGroupArn).
struct TypeSpec {
  std::string_view type;
  std::string_view config;
};
constexpr std::array<TypeSpec, 6> kTypes{{
    {"forward", "ForwardConfig"},
    {"redirect", "RedirectConfig"},
    {"fixed-response", "FixedResponseConfig"},
    {"authenticate-oidc", "AuthenticateOidcConfig"},
    {"authenticate-cognito", "AuthenticateCognitoConfig"},
    {"jwt-validation", "JwtValidationConfig"},
}};

const TypeSpec& type_spec(const json& action) {
  const std::string type =
      present(action, "Type") && action["Type"].is_string() ? action["Type"].get<std::string>() : "";
  for (const auto& spec : kTypes)
    if (spec.type == type) return spec;
  invalid(
      "Action type " + in_quotes(type) +
      " must be one of [forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito, jwt-validation]");
}

void reject_foreign_members(const json& action, const TypeSpec& spec) {
  for (const auto& other : kTypes)
    if (other.config != spec.config && present(action, other.config))
      bad_action("For actions of type " + in_quotes(spec.type) +
                 ", you cannot specify the following fields: " + in_quotes(other.config));
  if (spec.type != "forward" && present(action, "TargetGroupArn"))
    bad_action("For actions of type " + in_quotes(spec.type) +
               ", you cannot specify the following fields: 'TargetGroupArn'");
}

const json& required_config(const json& action, const TypeSpec& spec) {
  if (!present(action, spec.config) || !action[spec.config].is_object())
    bad_action("For actions of type " + in_quotes(spec.type) +
               ", you must specify the following fields: " + in_quotes(spec.config));
  return action[spec.config];
}

// ---- redirect -------------------------------------------------------------------------------------------

// Every #{...} in `text` must be one of `allowed`.
void check_keywords(std::string_view field, const std::string& text, std::initializer_list<std::string_view> allowed) {
  for (auto start = text.find("#{"); start != std::string::npos; start = text.find("#{", start + 2)) {
    const auto end = text.find('}', start);
    const std::string keyword = end == std::string::npos ? text.substr(start) : text.substr(start, end - start + 1);
    if (std::find(allowed.begin(), allowed.end(), keyword) == allowed.end())
      invalid("The redirect " + std::string(field) + " " + in_quotes(text) + " cannot contain " + in_quotes(keyword));
  }
}

std::string component(const json& config, std::string_view key, std::string_view fallback) {
  if (!present(config, key)) return std::string(fallback);
  if (!config[key].is_string()) invalid("The redirect " + std::string(key) + " must be a string");
  return config[key].get<std::string>();
}

void check_length(std::string_view field, const std::string& value, std::size_t min) {
  if (value.size() < min || value.size() > kMaxRedirectComponentLength)
    invalid("The redirect " + std::string(field) + " " + in_quotes(value) + " must be between " + std::to_string(min) +
            " and 128 characters long");
}

void check_redirect_port(const std::string& port) {
  if (port == "#{port}") return;
  const bool digits = !port.empty() && port.size() <= 5 && port[0] != '0' &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(port) > 65535)
    invalid("The redirect port " + in_quotes(port) + " must be a number from 1 to 65535 or #{port}");
}

json normalize_redirect(const json& config, const std::string& listener_protocol) {
  const std::string protocol = component(config, "Protocol", "#{protocol}");
  const std::string port = component(config, "Port", "#{port}");
  const std::string host = component(config, "Host", "#{host}");
  const std::string path = component(config, "Path", "/#{path}");
  const std::string query = component(config, "Query", "#{query}");
  const std::string status = component(config, "StatusCode", "");
  if (protocol != "HTTP" && protocol != "HTTPS" && protocol != "#{protocol}")
    invalid("The redirect protocol " + in_quotes(protocol) + " must be one of HTTP, HTTPS or #{protocol}");
  if (protocol == "HTTP" && listener_protocol == "HTTPS") bad_action("You cannot redirect HTTPS to HTTP");
  check_redirect_port(port);
  check_length("host", host, 1);
  check_keywords("host", host, {"#{host}"});
  check_length("path", path, 1);
  if (path[0] != '/') invalid("The redirect path " + in_quotes(path) + " must start with a '/' character");
  check_keywords("path", path, {"#{host}", "#{path}", "#{port}"});
  check_length("query", query, 0);
  if (!query.empty() && query[0] == '?') invalid("The redirect query " + in_quotes(query) + " must not start with '?'");
  check_keywords("query", query, {"#{protocol}", "#{host}", "#{port}", "#{path}", "#{query}"});
  if (status != "HTTP_301" && status != "HTTP_302")
    invalid("The redirect status code " + in_quotes(status) + " must be one of HTTP_301 or HTTP_302");
  return {{"Protocol", protocol}, {"Port", port},   {"Host", host},
          {"Path", path},         {"Query", query}, {"StatusCode", status}};
}

// ---- fixed-response -------------------------------------------------------------------------------------

json normalize_fixed_response(const json& config) {
  const std::string status = component(config, "StatusCode", "");
  const bool status_ok = status.size() == 3 && (status[0] == '2' || status[0] == '4' || status[0] == '5') &&
                         std::isdigit(static_cast<unsigned char>(status[1])) &&
                         std::isdigit(static_cast<unsigned char>(status[2]));
  if (!status_ok)
    invalid("The fixed-response status code " + in_quotes(status) + " must match the pattern ^(2|4|5)\\d\\d$");
  json out{{"StatusCode", status}};
  if (present(config, "ContentType")) {
    const std::string type = config["ContentType"].get<std::string>();
    constexpr std::array<std::string_view, 5> kTypes{"text/plain", "text/css", "text/html", "application/javascript",
                                                     "application/json"};
    if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end())
      bad_action(
          "The ContentType must be one of:'text/html', 'application/json', 'application/javascript', "
          "'text/css', 'text/plain'");
    out["ContentType"] = type;
  }
  if (present(config, "MessageBody")) {
    const std::string body = config["MessageBody"].get<std::string>();
    if (body.size() > kMaxFixedResponseBodyLength)
      invalid("The fixed-response message body is too long; the limit is '1024'");
    out["MessageBody"] = body;
  }
  return out;
}

// ---- forward ----------------------------------------------------------------------------------------------

json normalize_tuple(const json& tuple) {
  if (!tuple.is_object() || !present(tuple, "TargetGroupArn") || tuple["TargetGroupArn"].get<std::string>().empty())
    invalid("A target group ARN must be specified for each target group of a forward action");
  const long long weight = present(tuple, "Weight") ? tuple["Weight"].get<long long>() : 1;
  if (weight < 0 || weight > kMaxTargetGroupWeight)
    invalid("The weight " + std::to_string(weight) + " of target group " +
            in_quotes(tuple["TargetGroupArn"].get<std::string>()) + " must be between 0 and 999");
  return {{"TargetGroupArn", tuple["TargetGroupArn"]}, {"Weight", weight}};
}

json normalize_tuples(const json& forward_config) {
  json tuples = json::array();
  if (!present(forward_config, "TargetGroups")) return tuples;
  const json& given = forward_config["TargetGroups"];
  if (given.size() > kMaxTargetGroupsPerForward)
    invalid("A forward action can have at most '5' target groups; " + std::to_string(given.size()) + " were given");
  for (const auto& tuple : given) {
    json normalized = normalize_tuple(tuple);
    for (const auto& seen : tuples)
      if (seen["TargetGroupArn"] == normalized["TargetGroupArn"])
        invalid("Target group " + in_quotes(normalized["TargetGroupArn"].get<std::string>()) +
                " is specified more than once in the forward action");
    tuples.push_back(std::move(normalized));
  }
  return tuples;
}

json normalize_stickiness(const json& forward_config) {
  if (!present(forward_config, "TargetGroupStickinessConfig")) return {{"Enabled", false}};
  const json& given = forward_config["TargetGroupStickinessConfig"];
  json out{{"Enabled", given.value("Enabled", false)}};
  if (present(given, "DurationSeconds")) {
    const long long seconds = given["DurationSeconds"].get<long long>();
    if (seconds < 1 || seconds > kMaxStickinessDurationSeconds)
      invalid("The target group stickiness duration " + std::to_string(seconds) +
              " must be between 1 and 604800 seconds");
    out["DurationSeconds"] = seconds;
  } else if (out["Enabled"].get<bool>()) {
    invalid("You must specify a target group stickiness duration when target group stickiness is enabled");
  }
  return out;
}

// TargetGroupArn and/or ForwardConfig; when both are given they must name the same single target group.
json normalize_forward(const json& action) {
  const json forward_config = present(action, "ForwardConfig") ? action["ForwardConfig"] : json::object();
  json tuples = normalize_tuples(forward_config);
  const std::string arn = present(action, "TargetGroupArn") ? action["TargetGroupArn"].get<std::string>() : "";
  if (arn.empty() && tuples.empty())
    bad_action(
        "For actions of type 'forward', you must specify the following fields: 'TargetGroupArn' or "
        "'ForwardConfig.TargetGroups'");
  if (!arn.empty() && !tuples.empty() && (tuples.size() != 1 || tuples[0]["TargetGroupArn"] != arn))
    invalid("TargetGroupArn " + in_quotes(arn) + " and ForwardConfig must specify the same single target group");
  if (tuples.empty()) tuples.push_back({{"TargetGroupArn", arn}, {"Weight", 1}});
  json out{{"Type", "forward"},
           {"ForwardConfig",
            {{"TargetGroups", tuples}, {"TargetGroupStickinessConfig", normalize_stickiness(forward_config)}}}};
  if (tuples.size() == 1) out["TargetGroupArn"] = tuples[0]["TargetGroupArn"];
  return out;
}

// ---- authentication ---------------------------------------------------------------------------------------

// AWS fills these in and returns them from Describe.
json with_authentication_defaults(json config) {
  if (!present(config, "Scope")) config["Scope"] = "openid";
  if (!present(config, "SessionCookieName")) config["SessionCookieName"] = "AWSELBAuthSessionCookie";
  if (!present(config, "SessionTimeout")) config["SessionTimeout"] = 604800;
  if (!present(config, "OnUnauthenticatedRequest")) config["OnUnauthenticatedRequest"] = "authenticate";
  return config;
}

// ---- one action, the list -----------------------------------------------------------------------------------

json normalize_action(const json& action, const std::string& listener_protocol) {
  if (!action.is_object()) invalid("Each action must be a structure with a Type");
  const TypeSpec& spec = type_spec(action);
  reject_foreign_members(action, spec);
  json out;
  if (spec.type == "forward") {
    out = normalize_forward(action);
  } else {
    const json& config = required_config(action, spec);
    out = {{"Type", spec.type}};
    if (spec.type == "redirect")
      out["RedirectConfig"] = normalize_redirect(config, listener_protocol);
    else if (spec.type == "fixed-response")
      out["FixedResponseConfig"] = normalize_fixed_response(config);
    else if (spec.type == "jwt-validation")
      out["JwtValidationConfig"] = config;
    else
      out[std::string(spec.config)] = with_authentication_defaults(config);
  }
  if (present(action, "Order")) {
    const long long order = action["Order"].get<long long>();
    if (order < 1 || order > kMaxActionOrder)
      invalid("The action order " + std::to_string(order) + " must be between 1 and 50000");
    out["Order"] = order;
  }
  return out;
}

// Order is required when there is more than one action, unique, and sorts the list; a lone action gets 1.
void order_actions(json& actions) {
  if (actions.size() == 1 && !actions[0].contains("Order")) actions[0]["Order"] = 1;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (!actions[i].contains("Order"))
      bad_action("You must specify an order for each action when a rule has more than one action");
    for (std::size_t j = 0; j < i; ++j)
      if (actions[j]["Order"] == actions[i]["Order"])
        bad_action("The action order " + actions[i]["Order"].dump() + " is used by more than one action");
  }
  std::sort(actions.begin(), actions.end(),
            [](const json& a, const json& b) { return a["Order"].get<long long>() < b["Order"].get<long long>(); });
}

// Exactly one routing action, performed last; authentication only on HTTPS; NLB listeners only forward.
void check_sequence(const json& actions, const std::string& listener_protocol) {
  std::size_t routing = 0;
  for (const auto& action : actions) {
    const std::string type = action["Type"].get<std::string>();
    if (is_routing(type)) ++routing;
    if (is_authentication(type) && listener_protocol != "HTTPS")
      bad_action("Actions of type " + in_quotes(type) + " are supported only on HTTPS listeners");
    if (!is_alb_protocol(listener_protocol) && type != "forward")
      bad_action("Actions of type " + in_quotes(type) + " are not supported on " + listener_protocol +
                 " listeners; only 'forward' is");
  }
  if (routing != 1)
    bad_action("A rule must have exactly one action of type 'forward', 'redirect' or 'fixed-response'; " +
               std::to_string(routing) + " were given");
  if (!is_routing(actions.back()["Type"].get<std::string>()))
    bad_action(
        "The action of type 'forward', 'redirect' or 'fixed-response' must be the last action to be performed "
        "(the highest Order)");
  if (!is_alb_protocol(listener_protocol))
    for (const auto& action : actions)
      if (action.contains("ForwardConfig") && action["ForwardConfig"]["TargetGroups"].size() > 1)
        invalid("You cannot specify multiple target groups in a single action with a load balancer of type 'network'");
}

}  // namespace

json normalize_action_list(const json& actions, const std::string& listener_protocol) {
  if (!actions.is_array() || actions.empty()) invalid("At least one action must be specified");
  json out = json::array();
  for (const auto& action : actions) out.push_back(normalize_action(action, listener_protocol));
  order_actions(out);
  check_sequence(out, listener_protocol);
  reject_redirect_loops(out, listener_protocol, 0);
  return out;
}

void reject_redirect_loops(const json& actions, const std::string& listener_protocol, int listener_port) {
  for (const auto& action : actions) {
    if (!action.contains("RedirectConfig")) continue;
    const json& redirect = action["RedirectConfig"];
    const std::string protocol = redirect.value("Protocol", "#{protocol}");
    const std::string port = redirect.value("Port", "#{port}");
    const bool same_protocol = protocol == "#{protocol}" || protocol == listener_protocol;
    const bool same_port = port == "#{port}" || (listener_port > 0 && port == std::to_string(listener_port));
    const bool same_host = redirect.value("Host", "#{host}") == "#{host}";
    const bool same_path = redirect.value("Path", "/#{path}") == "/#{path}";
    if (same_protocol && same_port && same_host && same_path)
      bad_action("The redirect configuration is not valid because it creates a loop.");
  }
}

std::vector<std::string> forwarded_target_groups(const json& actions) {
  std::vector<std::string> arns;
  for (const auto& action : actions) {
    if (!action.contains("ForwardConfig")) continue;
    for (const auto& tuple : action["ForwardConfig"].value("TargetGroups", json::array())) {
      const std::string arn = tuple.value("TargetGroupArn", "");
      if (!arn.empty() && std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(arn);
    }
  }
  return arns;
}

// ---- the store checks ---------------------------------------------------------------------------------------

namespace {

// Which target group protocols a listener protocol can forward to. Lambda target groups have no protocol and
// only Application Load Balancers invoke them.
bool protocols_fit(const std::string& listener, const std::string& target_group) {
  if (is_alb_protocol(listener)) return target_group.empty() || is_alb_protocol(target_group);
  if (listener == "TCP") return target_group == "TCP" || target_group == "TCP_UDP";
  if (listener == "TLS") return target_group == "TCP" || target_group == "TLS";
  if (listener == "UDP") return target_group == "UDP" || target_group == "TCP_UDP";
  return listener == target_group;
}

void check_target_group_fits(const json& target_group, const std::string& arn, const std::string& listener_protocol) {
  const std::string protocol = target_group.value("Protocol", "");
  const bool lambda = target_group.value("TargetType", "") == "lambda";
  if ((lambda && !is_alb_protocol(listener_protocol)) || (!lambda && !protocols_fit(listener_protocol, protocol)))
    throw AwsError{"IncompatibleProtocolsException",
                   "The target group " + in_quotes(arn) + " (" + (lambda ? std::string("lambda") : protocol) +
                       ") is not compatible with a listener using protocol " + in_quotes(listener_protocol)};
}

// HTTP/2 and gRPC target groups take only forward actions.
void check_protocol_version(const json& target_group, const std::string& arn, const json& actions) {
  const std::string version = target_group.value("ProtocolVersion", "");
  if (version != "HTTP2" && version != "GRPC") return;
  for (const auto& action : actions)
    if (action["Type"] != "forward")
      bad_action("A rule that forwards to target group " + in_quotes(arn) + " with protocol version " + version +
                 " can only have actions of type 'forward'");
}

}  // namespace

Elbv2Service::Json Elbv2Service::normalize_actions(const storage::Scope& scope, const Json& actions,
                                                   const std::string& protocol, const std::string& load_balancer_arn) {
  Json out = normalize_action_list(actions, protocol);
  const auto load_balancer = store().get(scope, kLoadBalancer, load_balancer_arn);
  const std::string vpc = load_balancer ? load_balancer->document.value("VpcId", "") : std::string();
  for (const auto& arn : forwarded_target_groups(out)) {
    const auto found = store().get(scope, kTargetGroup, arn);
    if (!found) throw AwsError{"TargetGroupNotFoundException", "Target groups '" + arn + "' not found"};
    const storage::Resource& target_group = *found;
    const std::string group_vpc = target_group.document.value("VpcId", "");
    if (!group_vpc.empty() && !vpc.empty() && group_vpc != vpc)
      throw AwsError{"InvalidConfigurationRequestException",
                     "Target group '" + arn + "' is in a different VPC than load balancer '" + load_balancer_arn + "'"};
    check_target_group_fits(target_group.document, arn, protocol);
    check_protocol_version(target_group.document, arn, out);
    for (const auto& user : load_balancers_using(scope, arn))
      if (user != load_balancer_arn)
        throw AwsError{"TargetGroupAssociationLimitException",
                       "The following target groups cannot be associated with more than one load balancer: " + arn};
  }
  return out;
}

}  // namespace albatross::elbv2
