#include "emulator/admin_state.hpp"

#include <map>

#include "emulator/admin_state_ecs.hpp"
#include "emulator/gateway.hpp"
#include "routing/data_plane.hpp"
#include "routing/loopback_address.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "storage/database.hpp"
#include "storage/resource_store.hpp"

namespace albatross {
namespace {

using Json = nlohmann::json;
using storage::Scope;

std::string scope_key(const Scope& scope) { return scope.account_id + "|" + scope.region; }

// Calls one of a service's own handlers, following Marker/NextMarker to the end, and concatenates `member`.
class HandlerCaller {
 public:
  HandlerCaller(const Gateway& gateway, std::string service) : service_(std::move(service)) {
    const auto found = gateway.services().find(service_);
    if (found != gateway.services().end()) handlers_ = &found->second.handlers;
  }

  Json all(const Scope& scope, const std::string& operation, Json input, const std::string& member) const {
    Json items = Json::array();
    if (!handlers_) return items;
    const auto handler = handlers_->find(operation);
    if (handler == handlers_->end()) return items;
    RequestContext ctx{scope.account_id, scope.region, "albatross-state", service_, operation};
    for (int page = 0; page < 1000; ++page) {  // bounded: 1000 pages of 400 is far beyond any limit
      Json out;
      try {
        out = handler->second(ctx, input);
      } catch (const AwsError&) {
        return items;  // the handler refused (a resource in a state it rejects): show what we have
      }
      for (auto& item : out.value(member, Json::array())) items.push_back(std::move(item));
      if (!out.contains("NextMarker")) break;
      input["Marker"] = out["NextMarker"];
    }
    return items;
  }

  // The whole output of a single-answer operation, or null when it is missing or refused.
  Json one(const Scope& scope, const std::string& operation, const Json& input) const {
    if (!handlers_) return nullptr;
    const auto handler = handlers_->find(operation);
    if (handler == handlers_->end()) return nullptr;
    RequestContext ctx{scope.account_id, scope.region, "albatross-state", service_, operation};
    try {
      return handler->second(ctx, input);
    } catch (const AwsError&) {
      return nullptr;
    }
  }

 private:
  std::string service_;
  const std::unordered_map<std::string, Handler>* handlers_ = nullptr;
};

std::string join(const Json& values, const std::string& separator) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += separator;
    out += value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

// ---- ELBv2 ----

Json health_check_of(const Json& group) {
  Json out = {{"protocol", group.value("HealthCheckProtocol", "")}, {"port", group.value("HealthCheckPort", "")}};
  if (group.contains("HealthCheckPath")) out["path"] = group["HealthCheckPath"];
  if (group.contains("Matcher"))
    out["matcher"] = group["Matcher"].value("HttpCode", group["Matcher"].value("GrpcCode", ""));
  return out;
}

Json target_group_picture(const HandlerCaller& elbv2, const Scope& scope, const Json& group, const EcsPicture& ecs) {
  const std::string arn = group.value("TargetGroupArn", "");
  Json out = {{"arn", arn},
              {"name", group.value("TargetGroupName", "")},
              {"protocol", group.value("Protocol", "")},
              {"port", group.value("Port", 0)},
              {"target_type", group.value("TargetType", "")},
              {"account_id", scope.account_id},
              {"region", scope.region},
              {"load_balancer_arns", group.value("LoadBalancerArns", Json::array())},
              {"health_check", health_check_of(group)}};
  Json targets = Json::array();
  for (const auto& description :
       elbv2.all(scope, "DescribeTargetHealth", {{"TargetGroupArn", arn}}, "TargetHealthDescriptions")) {
    const Json& target = description.value("Target", Json::object());
    const Json& health = description.value("TargetHealth", Json::object());
    Json item = {
        {"id", target.value("Id", "")}, {"port", target.value("Port", 0)}, {"state", health.value("State", "")}};
    if (health.contains("Reason")) item["reason"] = health["Reason"];
    if (health.contains("Description")) item["description"] = health["Description"];
    if (Json task = task_behind_target(ecs, arn, item["id"], item["port"]); !task.is_null()) item["task"] = task;
    targets.push_back(item);
  }
  out["targets"] = targets;
  return out;
}

// HTTPS/TLS listeners: the default certificate and the SNI ones, with the domain each is for.
Json certificates_of(const HandlerCaller& elbv2, const HandlerCaller& acm, const Scope& scope,
                     const std::string& listener_arn) {
  Json out = Json::array();
  for (const auto& certificate :
       elbv2.all(scope, "DescribeListenerCertificates", {{"ListenerArn", listener_arn}}, "Certificates")) {
    const std::string arn = certificate.value("CertificateArn", "");
    const Json described = acm.one(scope, "DescribeCertificate", {{"CertificateArn", arn}});
    const Json details = described.is_object() ? described.value("Certificate", Json::object()) : Json::object();
    out.push_back({{"arn", arn},
                   {"is_default", certificate.value("IsDefault", false)},
                   {"domain", details.value("DomainName", "")},
                   {"status", details.value("Status", "")}});
  }
  return out;
}

Json listener_picture(const HandlerCaller& elbv2, const HandlerCaller& acm, const Scope& scope, const Json& listener,
                      const std::map<std::string, Json>& bound, const Json& target_group_names) {
  const std::string arn = listener.value("ListenerArn", "");
  Json out = {{"arn", arn}, {"protocol", listener.value("Protocol", "")}, {"port", listener.value("Port", 0)}};
  if (listener.contains("SslPolicy")) {
    out["ssl_policy"] = listener["SslPolicy"];
    out["certificates"] = certificates_of(elbv2, acm, scope, arn);
  }
  const auto found = bound.find(arn);
  out["bound"] = found == bound.end() ? Json::array() : found->second;
  Json rules = Json::array();
  for (const auto& rule : elbv2.all(scope, "DescribeRules", {{"ListenerArn", arn}}, "Rules")) {
    const Json conditions = rule.value("Conditions", Json::array());
    const Json actions = rule.value("Actions", Json::array());
    rules.push_back({{"arn", rule.value("RuleArn", "")},
                     {"priority", rule.value("Priority", "")},
                     {"is_default", rule.value("IsDefault", false)},
                     {"conditions", conditions},
                     {"actions", actions},
                     {"conditions_text", describe_conditions(conditions)},
                     {"actions_text", describe_actions(actions, target_group_names)}});
  }
  out["rules"] = rules;
  return out;
}

// listener ARN → where it really listens.
std::map<std::string, Json> bound_addresses(const routing::DataPlane& data_plane) {
  std::map<std::string, Json> out;
  for (const auto& endpoint : data_plane.endpoints()) {
    if (!endpoint.address.starts_with("127.")) continue;  // the Docker bridge address is for containers only
    Json item = {
        {"address", endpoint.address}, {"port", endpoint.bound_port}, {"configured_port", endpoint.configured_port}};
    if (!endpoint.error.empty()) item["error"] = endpoint.error;
    for (const auto& arn : endpoint.listener_arns) out[arn].push_back(item);
  }
  return out;
}

}  // namespace

Json describe_conditions(const Json& conditions) {
  Json out = Json::array();
  for (const auto& condition : conditions) {
    const std::string field = condition.value("Field", "");
    std::string text;
    if (field == "http-header" && condition.contains("HttpHeaderConfig")) {
      const auto& config = condition["HttpHeaderConfig"];
      text =
          "header " + config.value("HttpHeaderName", "") + " is " + join(config.value("Values", Json::array()), " or ");
    } else if (field == "query-string" && condition.contains("QueryStringConfig")) {
      Json pairs = Json::array();
      for (const auto& pair : condition["QueryStringConfig"].value("Values", Json::array()))
        pairs.push_back((pair.contains("Key") ? pair["Key"].get<std::string>() + "=" : std::string()) +
                        pair.value("Value", ""));
      text = "query " + join(pairs, " or ");
    } else {
      static const std::map<std::string, std::string> kConfigs = {{"host-header", "HostHeaderConfig"},
                                                                  {"path-pattern", "PathPatternConfig"},
                                                                  {"http-request-method", "HttpRequestMethodConfig"},
                                                                  {"source-ip", "SourceIpConfig"}};
      Json values = condition.value("Values", Json::array());
      if (const auto config = kConfigs.find(field); config != kConfigs.end() && condition.contains(config->second))
        values = condition[config->second].value("Values", values);
      text = field + " is " + join(values, " or ");
    }
    out.push_back(text);
  }
  return out;
}

Json describe_actions(const Json& actions, const Json& target_group_names) {
  auto name_of = [&](const std::string& arn) { return target_group_names.value(arn, arn_tail(arn)); };
  Json out = Json::array();
  for (const auto& action : actions) {
    const std::string type = action.value("Type", "");
    std::string text = type;
    if (type == "forward") {
      Json groups = action.value("ForwardConfig", Json::object()).value("TargetGroups", Json::array());
      if (groups.empty() && action.contains("TargetGroupArn"))
        groups.push_back({{"TargetGroupArn", action["TargetGroupArn"]}});
      Json names = Json::array();
      for (const auto& group : groups) {
        std::string name = name_of(group.value("TargetGroupArn", ""));
        if (groups.size() > 1) name += " (weight " + std::to_string(group.value("Weight", 1)) + ")";
        names.push_back(name);
      }
      text = "forward to " + join(names, ", ");
    } else if (type == "fixed-response") {
      const auto config = action.value("FixedResponseConfig", Json::object());
      text = "fixed-response " + config.value("StatusCode", "") + " " + config.value("ContentType", "");
      if (config.contains("MessageBody")) text += " \"" + config["MessageBody"].get<std::string>() + "\"";
    } else if (type == "redirect") {
      const auto config = action.value("RedirectConfig", Json::object());
      text = "redirect " + config.value("StatusCode", "") + " to " + config.value("Protocol", "#{protocol}") + "://" +
             config.value("Host", "#{host}") + ":" + config.value("Port", "#{port}") +
             config.value("Path", "/#{path}") + "?" + config.value("Query", "#{query}");
    }
    out.push_back(text);
  }
  return out;
}

Json build_admin_state(storage::Database& db, const Gateway& gateway, const routing::DataPlane& data_plane) {
  Json state = {{"load_balancers", Json::array()}, {"target_groups", Json::array()}, {"ecs_services", Json::array()}};
  const auto bound = bound_addresses(data_plane);
  db.in_transaction([&] {  // one consistent read
    storage::ResourceStore store(db);
    std::map<std::string, Scope> scopes;
    for (const char* kind : {elbv2::kLoadBalancer, elbv2::kTargetGroup, kEcsServiceKind, kEcsTaskKind})
      for (const auto& [scope, resource] : store.list_everywhere(kind)) scopes.emplace(scope_key(scope), scope);
    const HandlerCaller elbv2(gateway, "elbv2");
    const HandlerCaller acm(gateway, "acm");
    for (const auto& [key, scope] : scopes) {
      const EcsPicture ecs = read_ecs(store, scope);
      Json names = Json::object();
      for (const auto& group : elbv2.all(scope, "DescribeTargetGroups", Json::object(), "TargetGroups")) {
        names[group.value("TargetGroupArn", "")] = group.value("TargetGroupName", "");
        state["target_groups"].push_back(target_group_picture(elbv2, scope, group, ecs));
      }
      for (const auto& lb : elbv2.all(scope, "DescribeLoadBalancers", Json::object(), "LoadBalancers")) {
        const std::string arn = lb.value("LoadBalancerArn", "");
        Json item = {{"arn", arn},
                     {"name", lb.value("LoadBalancerName", "")},
                     {"dns_name", lb.value("DNSName", "")},
                     {"type", lb.value("Type", "")},
                     {"scheme", lb.value("Scheme", "")},
                     {"state", lb.value("State", Json::object()).value("Code", "")},
                     {"account_id", scope.account_id},
                     {"region", scope.region},
                     {"address", routing::loopback_address_for(arn)},
                     {"listeners", Json::array()}};
        for (const auto& listener : elbv2.all(scope, "DescribeListeners", {{"LoadBalancerArn", arn}}, "Listeners"))
          item["listeners"].push_back(listener_picture(elbv2, acm, scope, listener, bound, names));
        state["load_balancers"].push_back(item);
      }
      for (const auto& service : ecs_services_for_state(ecs)) state["ecs_services"].push_back(service);
    }
  });
  return state;
}

}  // namespace albatross
