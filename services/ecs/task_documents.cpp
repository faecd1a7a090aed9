#include "services/ecs/task_documents.hpp"

#include <algorithm>

#include "services/common/ids.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr const char* kStatusOrder[] = {"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING",
                                        "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"};

int rank(const std::string& status) {
  for (int i = 0; i < 8; ++i)
    if (status == kStatusOrder[i]) return i;
  return -1;
}

std::string number_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::to_string(value.get<long long>());
}

Json eni_attachment(const NewTask& task) {
  const auto& awsvpc = task.network_configuration.value("awsvpcConfiguration", Json::object());
  const auto& subnets = awsvpc.value("subnets", Json::array());
  Json details = Json::array();
  if (!subnets.empty()) details.push_back({{"name", "subnetId"}, {"value", subnets[0]}});
  details.push_back({{"name", "networkInterfaceId"}, {"value", "eni-" + ids::random_hex(17)}});
  std::string mac = "0e";
  for (int i = 0; i < 5; ++i) mac += ":" + ids::random_hex(2);
  details.push_back({{"name", "macAddress"}, {"value", mac}});
  return {{"id", ids::uuid4()}, {"type", "ElasticNetworkInterface"}, {"status", "PRECREATED"}, {"details", details}};
}

}  // namespace

void check_overrides(const Json& task_definition, const Json& overrides) {
  if (!overrides.is_object()) return;
  for (const auto& override : overrides.value("containerOverrides", Json::array())) {
    const std::string name = override.value("name", "");
    bool found = false;
    for (const auto& container : task_definition["containerDefinitions"]) found = found || container["name"] == name;
    if (!found)
      throw AwsError{"InvalidParameterException",
                     "Override for container named " + name + " is not a container in the TaskDefinition."};
  }
}

Json new_task_document(const NewTask& task) {
  const Json& definition = *task.task_definition;
  const std::string task_arn = ecs_arn(task.region, task.account_id, "task/" + task.cluster_name + "/" + task.task_id);
  const bool awsvpc = definition.value("networkMode", "bridge") == "awsvpc";
  const bool fargate = task.launch_type == "FARGATE";
  Json containers = Json::array();
  for (const auto& container : definition["containerDefinitions"]) {
    Json entry = {{"containerArn", ecs_arn(task.region, task.account_id,
                                           "container/" + task.cluster_name + "/" + task.task_id + "/" + ids::uuid4())},
                  {"taskArn", task_arn},
                  {"name", container["name"]},
                  {"image", container["image"]},
                  {"lastStatus", "PENDING"},
                  {"networkInterfaces", Json::array()},
                  {"cpu", number_text(container.value("cpu", Json(0)))}};
    if (container.contains("memory")) entry["memory"] = number_text(container["memory"]);
    if (container.contains("memoryReservation")) entry["memoryReservation"] = number_text(container["memoryReservation"]);
    entry["healthStatus"] = "UNKNOWN";
    containers.push_back(entry);
  }
  Json overrides = task.overrides.is_object() ? task.overrides : Json::object();
  if (!overrides.contains("containerOverrides")) overrides["containerOverrides"] = Json::array();
  if (!overrides.contains("inferenceAcceleratorOverrides")) overrides["inferenceAcceleratorOverrides"] = Json::array();
  Json out = {{"taskArn", task_arn},
              {"clusterArn", task.cluster_arn},
              {"taskDefinitionArn", definition["taskDefinitionArn"]},
              {"containers", containers},
              {"attachments", awsvpc ? Json::array({eni_attachment(task)}) : Json::array()},
              {"attributes", Json::array({{{"name", "ecs.cpu-architecture"}, {"value", "x86_64"}}})},
              {"availabilityZone", task.region + "a"},
              {"connectivity", "CONNECTED"},
              {"connectivityAt", task.now},
              {"createdAt", task.now},
              {"desiredStatus", "RUNNING"},
              {"lastStatus", "PROVISIONING"},
              {"enableExecuteCommand", false},
              {"healthStatus", "UNKNOWN"},
              {"launchType", task.launch_type},
              {"overrides", overrides},
              {"tags", Json::array()},
              {"version", 1}};
  // The ENI's security groups and subnets: not part of the Task shape, but security groups filter its traffic.
  if (awsvpc && task.network_configuration.is_object())
    out["_awsvpcConfiguration"] = task.network_configuration.value("awsvpcConfiguration", Json::object());
  if (!task.group.empty()) out["group"] = task.group;
  if (!task.started_by.empty()) out["startedBy"] = task.started_by;
  if (!task.capacity_provider_name.empty()) out["capacityProviderName"] = task.capacity_provider_name;
  if (!task.container_instance_arn.empty()) out["containerInstanceArn"] = task.container_instance_arn;
  const std::string cpu = overrides.value("cpu", definition.value("cpu", ""));
  const std::string memory = overrides.value("memory", definition.value("memory", ""));
  if (!cpu.empty()) out["cpu"] = cpu;
  if (!memory.empty()) out["memory"] = memory;
  if (fargate) {
    out["platformVersion"] = "1.4.0";
    out["platformFamily"] = "Linux";
    out["ephemeralStorage"] = {{"sizeInGiB", 20}};
  }
  return out;
}

void set_last_status(Json& task, const std::string& status, double now) {
  if (rank(status) <= rank(task.value("lastStatus", ""))) return;
  task["lastStatus"] = status;
  task["version"] = task.value("version", 1) + 1;
  if (status == "PENDING" && !task.contains("pullStartedAt")) task["pullStartedAt"] = now;
  if (status == "RUNNING") task["startedAt"] = now;
  if (status == "DEPROVISIONING" && !task.contains("executionStoppedAt")) task["executionStoppedAt"] = now;
  if (status == "STOPPED") {
    if (!task.contains("executionStoppedAt")) task["executionStoppedAt"] = now;
    task["stoppedAt"] = now;
    task["desiredStatus"] = "STOPPED";
    for (auto& attachment : task["attachments"]) attachment["status"] = "DELETED";
  }
}

void request_stop(Json& task, const std::string& stop_code, const std::string& reason, double now) {
  if (task.value("desiredStatus", "") == "STOPPED") return;
  task["desiredStatus"] = "STOPPED";
  task["stopCode"] = stop_code;
  task["stoppedReason"] = reason;
  task["stoppingAt"] = now;
  task["version"] = task.value("version", 1) + 1;
}

std::string task_health(const Json& task, const Json& task_definition) {
  bool any_unknown = false, any_checked = false;
  for (const auto& definition : task_definition["containerDefinitions"]) {
    if (!definition.value("essential", true) || !definition.contains("healthCheck")) continue;
    any_checked = true;
    for (const auto& container : task["containers"]) {
      if (container["name"] != definition["name"]) continue;
      const std::string status = container.value("healthStatus", "UNKNOWN");
      if (status == "UNHEALTHY") return "UNHEALTHY";
      if (status != "HEALTHY") any_unknown = true;
    }
  }
  if (!any_checked || any_unknown) return "UNKNOWN";
  return "HEALTHY";
}

Json* container_named(Json& task, const std::string& name) {
  for (auto& container : task["containers"])
    if (container["name"] == name) return &container;
  return nullptr;
}

std::string task_private_ip(const Json& task) {
  for (const auto& attachment : task.value("attachments", Json::array()))
    for (const auto& detail : attachment.value("details", Json::array()))
      if (detail.value("name", "") == "privateIPv4Address") return detail.value("value", "");
  return "";
}

std::string task_id_of(const std::string& task_arn_or_id) { return last_segment(task_arn_or_id); }

}  // namespace albatross::ecs
