#include "emulator/admin_state.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "emulator/gateway.hpp"
#include "routing/data_plane.hpp"
#include "routing/loopback_address.hpp"
#include "services/common/digest.hpp"
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
  HandlerCaller(const Gateway& gateway, const std::string& service) {
    const auto found = gateway.services().find(service);
    if (found != gateway.services().end()) handlers_ = &found->second.handlers;
  }

  Json all(const Scope& scope, const std::string& operation, Json input, const std::string& member) const {
    Json items = Json::array();
    if (!handlers_) return items;
    const auto handler = handlers_->find(operation);
    if (handler == handlers_->end()) return items;
    RequestContext ctx{scope.account_id, scope.region, "albatross-state", "elbv2", operation};
    for (int page = 0; page < 1000; ++page) {  // bounded: 1000 pages of 400 is far beyond any limit
      Json out;
      try {
        out = handler->second(ctx, input);
      } catch (const AwsError&) {
        return items;  // deleted between two reads: show what we have
      }
      for (auto& item : out.value(member, Json::array())) items.push_back(std::move(item));
      if (!out.contains("NextMarker")) break;
      input["Marker"] = out["NextMarker"];
    }
    return items;
  }

 private:
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

// ---- ECS: the only place that knows ECS document shapes (kinds mirror services/ecs/ecs_service.hpp). ----

constexpr char kEcsTask[] = "ecs:task";
constexpr char kEcsService[] = "ecs:service";

struct EcsPicture {
  std::vector<Json> tasks;   // task documents, newest first
  Json services = Json::array();
};

std::string last_segment(const std::string& arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

Json container_summary(const Json& container) {
  Json out = {{"name", container.value("name", "")},
              {"last_status", container.value("lastStatus", "")},
              {"health_status", container.value("healthStatus", "UNKNOWN")}};
  if (container.contains("runtimeId")) out["runtime_id"] = container["runtimeId"].get<std::string>().substr(0, 12);
  if (container.contains("exitCode")) out["exit_code"] = container["exitCode"];
  if (container.contains("reason")) out["reason"] = container["reason"];
  return out;
}

Json task_summary(const Json& task) {
  Json out = {{"arn", task.value("taskArn", "")},
              {"id", last_segment(task.value("taskArn", ""))},
              {"cluster", last_segment(task.value("clusterArn", ""))},
              {"last_status", task.value("lastStatus", "")},
              {"desired_status", task.value("desiredStatus", "")},
              {"health_status", task.value("healthStatus", "UNKNOWN")},
              {"task_definition", last_segment(task.value("taskDefinitionArn", ""))}};
  const std::string group = task.value("group", "");
  if (group.starts_with("service:")) out["service"] = group.substr(8);
  if (task.contains("stoppedReason")) out["stopped_reason"] = task["stoppedReason"];
  Json containers = Json::array();
  for (const auto& container : task.value("containers", Json::array())) containers.push_back(container_summary(container));
  out["containers"] = containers;
  return out;
}

std::string task_ip(const Json& task) {
  for (const auto& attachment : task.value("attachments", Json::array()))
    for (const auto& detail : attachment.value("details", Json::array()))
      if (detail.value("name", "") == "privateIPv4Address") return detail.value("value", "");
  for (const auto& container : task.value("containers", Json::array()))
    for (const auto& eni : container.value("networkInterfaces", Json::array()))
      if (eni.contains("privateIpv4Address")) return eni["privateIpv4Address"];
  return "";
}

// The bridge/host-mode target id of a task: its emulated container instance (as the ECS runtime names it).
std::string task_instance_id(const Json& task) {
  const std::string instance_arn = task.value("containerInstanceArn", "");
  return instance_arn.empty() ? "" : "i-" + digest::sha256_hex(instance_arn).substr(0, 17);
}

const Json* container_on_host_port(const Json& task, int port) {
  for (const auto& container : task.value("containers", Json::array()))
    for (const auto& binding : container.value("networkBindings", Json::array()))
      if (binding.value("hostPort", 0) == port) return &container;
  return nullptr;
}

// The task (and container) a target (id, port) of `target_group_arn` is, or null. Running tasks win over
// stopped ones that once had the same address.
Json task_behind_target(const EcsPicture& ecs, const std::string& target_group_arn, const std::string& id, int port) {
  const Json* best = nullptr;
  const Json* best_container = nullptr;
  for (const auto& task : ecs.tasks) {
    const Json* container = nullptr;
    if (task_ip(task) == id) {
      container = container_on_host_port(task, port);  // nullptr is fine: awsvpc has no host bindings
    } else if (task_instance_id(task) == id) {
      container = container_on_host_port(task, port);
      if (!container) continue;
    } else {
      continue;
    }
    const bool stopped = task.value("lastStatus", "") == "STOPPED";
    if (!best || (best->value("lastStatus", "") == "STOPPED" && !stopped)) best = &task, best_container = container;
  }
  if (!best) return nullptr;
  Json out = task_summary(*best);
  out.erase("containers");
  if (!best_container) {  // the container the service registers for this target group, else the first one
    std::string wanted;
    for (const auto& service : ecs.services)
      if ("service:" + service.value("name", "") == best->value("group", ""))
        for (const auto& lb : service.value("_load_balancers", Json::array()))
          if (lb.value("targetGroupArn", "") == target_group_arn) wanted = lb.value("containerName", "");
    for (const auto& container : best->value("containers", Json::array()))
      if (!best_container || container.value("name", "") == wanted) best_container = &container;
  }
  if (best_container) out["container"] = container_summary(*best_container);
  return out;
}

Json deployment_summary(const Json& deployment) {
  Json out = {{"id", deployment.value("id", "")},
              {"status", deployment.value("status", "")},
              {"rollout_state", deployment.value("rolloutState", "")},
              {"task_definition", last_segment(deployment.value("taskDefinition", ""))},
              {"desired_count", deployment.value("desiredCount", 0)},
              {"running_count", deployment.value("runningCount", 0)},
              {"pending_count", deployment.value("pendingCount", 0)},
              {"failed_tasks", deployment.value("failedTasks", 0)}};
  if (deployment.contains("rolloutStateReason")) out["rollout_state_reason"] = deployment["rolloutStateReason"];
  return out;
}

// Reads ECS tasks and services of one scope. Guarded: any document that does not have the expected shape
// is skipped, and no ECS documents at all gives an empty picture.
EcsPicture read_ecs(const storage::ResourceStore& store, const Scope& scope) {
  EcsPicture ecs;
  try {
    for (auto& task : store.list(scope, kEcsTask))
      if (task.document.is_object()) ecs.tasks.push_back(std::move(task.document));
    std::reverse(ecs.tasks.begin(), ecs.tasks.end());
    for (const auto& resource : store.list(scope, kEcsService)) {
      const Json& doc = resource.document;
      if (!doc.is_object()) continue;
      const std::string name = doc.value("serviceName", resource.name);
      Json service = {{"arn", resource.id},
                      {"name", name},
                      {"cluster", last_segment(doc.value("clusterArn", resource.parent))},
                      {"status", doc.value("status", "")},
                      {"desired_count", doc.value("desiredCount", 0)},
                      {"running_count", doc.value("runningCount", 0)},
                      {"pending_count", doc.value("pendingCount", 0)},
                      {"task_definition", last_segment(doc.value("taskDefinition", ""))},
                      {"_load_balancers", doc.value("loadBalancers", Json::array())}};
      Json deployments = Json::array();
      for (const auto& deployment : doc.value("deployments", Json::array())) deployments.push_back(deployment_summary(deployment));
      service["deployments"] = deployments;
      Json events = doc.value("events", Json::array());
      std::stable_sort(events.begin(), events.end(), [](const Json& a, const Json& b) {
        return a.value("createdAt", 0.0) > b.value("createdAt", 0.0);
      });
      Json latest = Json::array();
      for (const auto& event : events) {
        if (latest.size() == 10) break;
        latest.push_back({{"created_at", event.value("createdAt", 0.0)}, {"message", event.value("message", "")}});
      }
      service["events"] = latest;
      Json tasks = Json::array();
      int stopped_shown = 0;
      for (const auto& task : ecs.tasks) {
        if (task.value("group", "") != "service:" + name || task.value("clusterArn", "") != doc.value("clusterArn", ""))
          continue;
        if (task.value("lastStatus", "") == "STOPPED" && ++stopped_shown > 3) continue;  // the latest few explain failures
        tasks.push_back(task_summary(task));
      }
      service["tasks"] = tasks;
      ecs.services.push_back(std::move(service));
    }
  } catch (const std::exception&) {
    // An ECS document in a shape this reader does not know: show the load balancers without ECS.
  }
  return ecs;
}

// ---- ELBv2 ----

Json health_check_of(const Json& group) {
  Json out = {{"protocol", group.value("HealthCheckProtocol", "")}, {"port", group.value("HealthCheckPort", "")}};
  if (group.contains("HealthCheckPath")) out["path"] = group["HealthCheckPath"];
  if (group.contains("Matcher")) out["matcher"] = group["Matcher"].value("HttpCode", group["Matcher"].value("GrpcCode", ""));
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
  for (const auto& description : elbv2.all(scope, "DescribeTargetHealth", {{"TargetGroupArn", arn}}, "TargetHealthDescriptions")) {
    const Json& target = description.value("Target", Json::object());
    const Json& health = description.value("TargetHealth", Json::object());
    Json item = {{"id", target.value("Id", "")}, {"port", target.value("Port", 0)}, {"state", health.value("State", "")}};
    if (health.contains("Reason")) item["reason"] = health["Reason"];
    if (health.contains("Description")) item["description"] = health["Description"];
    if (Json task = task_behind_target(ecs, arn, item["id"], item["port"]); !task.is_null()) item["task"] = task;
    targets.push_back(item);
  }
  out["targets"] = targets;
  return out;
}

Json listener_picture(const HandlerCaller& elbv2, const Scope& scope, const Json& listener,
                      const std::map<std::string, Json>& bound, const Json& target_group_names) {
  const std::string arn = listener.value("ListenerArn", "");
  Json out = {{"arn", arn}, {"protocol", listener.value("Protocol", "")}, {"port", listener.value("Port", 0)}};
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
    Json item = {{"address", endpoint.address}, {"port", endpoint.bound_port}, {"configured_port", endpoint.configured_port}};
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
      text = "header " + config.value("HttpHeaderName", "") + " is " + join(config.value("Values", Json::array()), " or ");
    } else if (field == "query-string" && condition.contains("QueryStringConfig")) {
      Json pairs = Json::array();
      for (const auto& pair : condition["QueryStringConfig"].value("Values", Json::array()))
        pairs.push_back((pair.contains("Key") ? pair["Key"].get<std::string>() + "=" : std::string()) + pair.value("Value", ""));
      text = "query " + join(pairs, " or ");
    } else {
      static const std::map<std::string, std::string> kConfigs = {
          {"host-header", "HostHeaderConfig"}, {"path-pattern", "PathPatternConfig"},
          {"http-request-method", "HttpRequestMethodConfig"}, {"source-ip", "SourceIpConfig"}};
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
  auto name_of = [&](const std::string& arn) { return target_group_names.value(arn, last_segment(arn)); };
  Json out = Json::array();
  for (const auto& action : actions) {
    const std::string type = action.value("Type", "");
    std::string text = type;
    if (type == "forward") {
      Json groups = action.value("ForwardConfig", Json::object()).value("TargetGroups", Json::array());
      if (groups.empty() && action.contains("TargetGroupArn")) groups.push_back({{"TargetGroupArn", action["TargetGroupArn"]}});
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
             config.value("Host", "#{host}") + ":" + config.value("Port", "#{port}") + config.value("Path", "/#{path}") +
             "?" + config.value("Query", "#{query}");
    }
    out.push_back(text);
  }
  return out;
}

Json build_admin_state(storage::Database& db, const Gateway& gateway, const routing::DataPlane& data_plane) {
  Json state = {{"load_balancers", Json::array()},
                {"target_groups", Json::array()},
                {"ecs_services", Json::array()}};
  const auto bound = bound_addresses(data_plane);
  db.in_transaction([&] {  // one consistent read
    storage::ResourceStore store(db);
    std::map<std::string, Scope> scopes;
    for (const char* kind : {elbv2::kLoadBalancer, elbv2::kTargetGroup, kEcsService, kEcsTask})
      for (const auto& [scope, resource] : store.list_everywhere(kind)) scopes.emplace(scope_key(scope), scope);
    const HandlerCaller elbv2(gateway, "elbv2");
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
          item["listeners"].push_back(listener_picture(elbv2, scope, listener, bound, names));
        state["load_balancers"].push_back(item);
      }
      for (auto service : ecs.services) {
        service.erase("_load_balancers");
        state["ecs_services"].push_back(service);
      }
    }
  });
  return state;
}

}  // namespace albatross
