// ListContainerInstances, DescribeContainerInstances: every ACTIVE cluster has one emulated container
// instance (the local Docker daemon) on which EC2-launch-type tasks run; StartTask names it.

#include <thread>

#include "services/common/pagination.hpp"
#include "services/ecs/container_instance_registry.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/task_runtime.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr int kRegisteredCpu = 4096;
constexpr int kRegisteredMemory = 7680;

Json resource(const char* name, int value) {
  return {{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", value}};
}

Json ports(const char* name, const std::vector<std::string>& ports) {
  return {{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", 0},
          {"stringSetValue", ports}};
}

}  // namespace

Json EcsService::list_container_instances(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  Json arns = Json::array();
  // Without a status filter ECS lists ACTIVE and DRAINING instances.
  const std::string status = in.value("status", "");
  if (status.empty() || status == "ACTIVE") arns.push_back(container_instance_arn(scope, cluster.name));
  for (const auto& instance : stored_container_instances(scope, cluster)) {
    const std::string state = instance.value("status", "");
    if (status.empty() ? (state == "ACTIVE" || state == "DRAINING") : state == status)
      arns.push_back(instance["containerInstanceArn"]);
  }
  auto page = pagination::page(arns, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"containerInstanceArns", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcsService::describe_container_instances(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (in.at("containerInstances").empty()) throw AwsError{"ClientException", "Container Instances cannot be empty."};
  const std::string arn = container_instance_arn(scope, cluster.name);
  Json instances = Json::array(), failures = Json::array();
  for (const auto& reference : in.at("containerInstances")) {
    const std::string wanted = reference;
    const auto found = find_container_instance(*this, scope, cluster, wanted);  // container_instance_registry
    if (found && *found != arn) {
      for (const auto& instance : stored_container_instances(scope, cluster))
        if (instance["containerInstanceArn"] == *found) instances.push_back(instance);
      continue;
    }
    if (wanted != arn && wanted != last_segment(arn)) {
      failures.push_back({{"arn", wanted}, {"reason", "MISSING"}});
      continue;
    }
    int running = 0, pending = 0, cpu = 0, memory = 0;
    std::vector<std::string> used_ports = {"22", "2375", "2376", "51678", "51679"};
    for (const auto& task : store().children(scope, kTask, cluster.id)) {
      const Json& doc = task.document;
      if (doc.value("containerInstanceArn", "") != arn) continue;
      const std::string status = doc.value("lastStatus", "");
      if (status == "STOPPED") continue;
      ++(status == "RUNNING" ? running : pending);
      for (const auto& container : doc.value("containers", Json::array())) {
        cpu += std::stoi(container.value("cpu", "0"));
        memory += std::stoi(container.value("memory", container.value("memoryReservation", "0")));
        for (const auto& binding : container.value("networkBindings", Json::array()))
          used_ports.push_back(std::to_string(binding.value("hostPort", 0)));
      }
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const int registered_cpu = std::max<int>(kRegisteredCpu, static_cast<int>(cores) * 1024);
    Json builtin_attributes = Json::array({{{"name", "ecs.os-type"}, {"value", "linux"}},
                                           {{"name", "ecs.cpu-architecture"}, {"value", "x86_64"}},
                                           {{"name", "ecs.availability-zone"}, {"value", scope.region + "a"}}});
    for (const auto& attribute : custom_attributes(*this, scope, cluster, arn)) builtin_attributes.push_back(attribute);
    instances.push_back(
        {{"containerInstanceArn", arn},
         {"ec2InstanceId", TaskRuntime::instance_id_for(arn)},
         {"version", 1},
         {"versionInfo", {{"agentVersion", "1.0.0"}, {"agentHash", "albatross"}, {"dockerVersion", "DockerVersion: 20.10"}}},
         {"remainingResources",
          Json::array({resource("CPU", registered_cpu - cpu), resource("MEMORY", kRegisteredMemory - memory),
                       ports("PORTS", used_ports), ports("PORTS_UDP", {})})},
         {"registeredResources", Json::array({resource("CPU", registered_cpu), resource("MEMORY", kRegisteredMemory),
                                              ports("PORTS", {"22", "2375", "2376", "51678", "51679"}),
                                              ports("PORTS_UDP", {})})},
         {"status", "ACTIVE"},
         {"agentConnected", true},
         {"runningTasksCount", running},
         {"pendingTasksCount", pending},
         {"attributes", builtin_attributes},
         {"registeredAt", cluster.document.value("_createdAt", now())},
         {"attachments", Json::array()},
         {"tags", Json::array()}});
  }
  return {{"containerInstances", instances}, {"failures", failures}};
}

}  // namespace albatross::ecs
