#include "emulator/admin_state_ecs.hpp"

#include <algorithm>

#include "services/common/digest.hpp"

namespace albatross {
namespace {

using Json = nlohmann::json;

// A member array by reference (pointers into it stay valid), or an empty array.
const Json& array_member(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  const auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
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
              {"id", arn_tail(task.value("taskArn", ""))},
              {"cluster", arn_tail(task.value("clusterArn", ""))},
              {"last_status", task.value("lastStatus", "")},
              {"desired_status", task.value("desiredStatus", "")},
              {"health_status", task.value("healthStatus", "UNKNOWN")},
              {"task_definition", arn_tail(task.value("taskDefinitionArn", ""))}};
  const std::string group = task.value("group", "");
  if (group.starts_with("service:")) out["service"] = group.substr(8);
  if (task.contains("stoppedReason")) out["stopped_reason"] = task["stoppedReason"];
  Json containers = Json::array();
  for (const auto& container : task.value("containers", Json::array()))
    containers.push_back(container_summary(container));
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
  for (const auto& container : array_member(task, "containers"))
    for (const auto& binding : array_member(container, "networkBindings"))
      if (binding.value("hostPort", 0) == port) return &container;
  return nullptr;
}

Json deployment_summary(const Json& deployment) {
  Json out = {{"id", deployment.value("id", "")},
              {"status", deployment.value("status", "")},
              {"rollout_state", deployment.value("rolloutState", "")},
              {"task_definition", arn_tail(deployment.value("taskDefinition", ""))},
              {"desired_count", deployment.value("desiredCount", 0)},
              {"running_count", deployment.value("runningCount", 0)},
              {"pending_count", deployment.value("pendingCount", 0)},
              {"failed_tasks", deployment.value("failedTasks", 0)}};
  if (deployment.contains("rolloutStateReason")) out["rollout_state_reason"] = deployment["rolloutStateReason"];
  return out;
}

}  // namespace

std::string arn_tail(const std::string& arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

namespace {

Json find_task_behind_target(const EcsPicture& ecs, const std::string& target_group_arn, const std::string& id,
                             int port) {
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
    for (const auto& container : array_member(*best, "containers"))
      if (!best_container || container.value("name", "") == wanted) best_container = &container;
  }
  if (best_container) out["container"] = container_summary(*best_container);
  return out;
}

}  // namespace

Json task_behind_target(const EcsPicture& ecs, const std::string& target_group_arn, const std::string& id, int port) {
  try {
    return find_task_behind_target(ecs, target_group_arn, id, port);
  } catch (const std::exception&) {
    return nullptr;  // a task document of a shape this reader does not know: show the target without it
  }
}

EcsPicture read_ecs(const storage::ResourceStore& store, const storage::Scope& scope) {
  EcsPicture ecs;
  try {
    for (auto& task : store.list(scope, kEcsTaskKind))
      if (task.document.is_object()) ecs.tasks.push_back(std::move(task.document));
    std::reverse(ecs.tasks.begin(), ecs.tasks.end());
    for (const auto& resource : store.list(scope, kEcsServiceKind)) {
      const Json& doc = resource.document;
      if (!doc.is_object() || doc.value("status", "") == "INACTIVE") continue;  // deleted: gone from the picture
      const std::string name = doc.value("serviceName", resource.name);
      Json service = {{"arn", resource.id},
                      {"name", name},
                      {"cluster", arn_tail(doc.value("clusterArn", resource.parent))},
                      {"status", doc.value("status", "")},
                      {"desired_count", doc.value("desiredCount", 0)},
                      {"running_count", doc.value("runningCount", 0)},
                      {"pending_count", doc.value("pendingCount", 0)},
                      {"task_definition", arn_tail(doc.value("taskDefinition", ""))},
                      {"_load_balancers", doc.value("loadBalancers", Json::array())}};
      Json deployments = Json::array();
      for (const auto& deployment : doc.value("deployments", Json::array()))
        deployments.push_back(deployment_summary(deployment));
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
        if (task.value("lastStatus", "") == "STOPPED" && ++stopped_shown > 3)
          continue;  // the latest few explain failures
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

Json ecs_services_for_state(const EcsPicture& ecs) {
  Json out = Json::array();
  for (auto service : ecs.services) {
    service.erase("_load_balancers");
    out.push_back(std::move(service));
  }
  return out;
}

}  // namespace albatross
