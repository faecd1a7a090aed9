#include "services/ecs/task_definition_rules.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "services/ecs/ecs_names.hpp"
#include "services/service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

[[noreturn]] void client_error(const std::string& message) { throw AwsError{"ClientException", message}; }

std::string trim_lower(const std::string& text) {
  std::string out;
  for (const unsigned char c : text)
    if (!std::isspace(c)) out.push_back(static_cast<char>(std::tolower(c)));
  return out;
}

// A decimal number followed by `suffix` (or nothing), scaled by `factor` when the suffix is present.
std::optional<int> parse_scaled(const std::string& text, const std::string& suffix, int factor) {
  std::string compact = trim_lower(text);
  int scale = 1;
  if (!suffix.empty() && compact.ends_with(suffix)) {
    compact.resize(compact.size() - suffix.size());
    scale = factor;
  }
  if (compact.empty() || compact.size() > 9) return std::nullopt;
  const auto dot = compact.find('.');
  if (dot != std::string::npos) {  // "0.5 vCPU", "0.5GB"
    if (scale == 1) return std::nullopt;
    try {
      return static_cast<int>(std::stod(compact) * scale);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (!std::all_of(compact.begin(), compact.end(), [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
  return std::stoi(compact) * scale;
}

void check_name(const std::string& what, const std::string& name) {
  if (!valid_resource_name(name))
    client_error(what + " name can have up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.");
}

bool has(const Json& object, const char* member) { return object.contains(member) && !object[member].is_null(); }

void check_health_check(const std::string& container, const Json& check) {
  const Json& command = check.value("command", Json::array());
  if (command.empty()) client_error("Invalid setting for container '" + container + "'. healthCheck.command is required.");
  struct Range { const char* name; int low, high; };
  for (const auto& range : {Range{"interval", 5, 300}, Range{"timeout", 2, 60}, Range{"retries", 1, 10},
                            Range{"startPeriod", 0, 300}}) {
    if (!check.contains(range.name)) continue;
    const int value = check[range.name];
    if (value < range.low || value > range.high)
      client_error("Invalid setting for container '" + container + "'. healthCheck." + range.name + " must be between " +
                   std::to_string(range.low) + " and " + std::to_string(range.high) + ".");
  }
}

Json normalize_port_mappings(const std::string& container, const Json& mappings, const std::string& network_mode) {
  Json out = Json::array();
  for (Json mapping : mappings) {
    if (!mapping.contains("containerPort") && !mapping.contains("containerPortRange"))
      client_error("Invalid setting for container '" + container + "'. A port mapping needs a containerPort.");
    if (mapping.contains("containerPort")) {
      const int port = mapping["containerPort"];
      if (port < 1 || port > 65535)
        client_error("Invalid 'containerPort' setting for container '" + container + "'.");
      if (network_mode == "awsvpc" || network_mode == "host") {
        if (mapping.contains("hostPort") && mapping["hostPort"] != port)
          client_error("When networkMode=" + network_mode +
                       ", the host ports and container ports in port mappings must match.");
        mapping["hostPort"] = port;
      } else if (mapping.contains("hostPort")) {
        const int host_port = mapping["hostPort"];
        if (host_port < 0 || host_port > 65535) client_error("Invalid 'hostPort' setting for container '" + container + "'.");
      }
    }
    if (!mapping.contains("protocol")) mapping["protocol"] = "tcp";
    out.push_back(mapping);
  }
  return out;
}

Json normalize_container(Json container, const std::string& network_mode) {
  if (!has(container, "name") || container["name"].get<std::string>().empty())
    client_error("Container.name should not be null or empty.");
  if (!has(container, "image") || container["image"].get<std::string>().empty())
    client_error("Container.image should not be null or empty.");
  const std::string name = container["name"];
  check_name("Container", name);
  if (!container.contains("cpu")) container["cpu"] = 0;
  if (!container.contains("essential")) container["essential"] = true;
  for (const char* list : {"environment", "mountPoints", "volumesFrom", "systemControls"})
    if (!container.contains(list)) container[list] = Json::array();
  container["portMappings"] = normalize_port_mappings(name, container.value("portMappings", Json::array()), network_mode);
  if (has(container, "memory") && container["memory"].get<int>() < 6)
    client_error("Invalid 'memory' setting for container '" + name + "'. The minimum allowed value is 6 MiB.");
  if (has(container, "memoryReservation") && container["memoryReservation"].get<int>() < 6)
    client_error("Invalid 'memoryReservation' setting for container '" + name + "'. The minimum allowed value is 6 MiB.");
  if (has(container, "memory") && has(container, "memoryReservation") &&
      container["memoryReservation"].get<int>() > container["memory"].get<int>())
    client_error("Invalid setting for container '" + name +
                 "'. The value for 'memoryReservation' must be less than or equal to 'memory'.");
  if (has(container, "healthCheck")) {
    check_health_check(name, container["healthCheck"]);
    auto& check = container["healthCheck"];
    if (!check.contains("interval")) check["interval"] = 30;
    if (!check.contains("timeout")) check["timeout"] = 5;
    if (!check.contains("retries")) check["retries"] = 3;
  }
  if (has(container, "links") && !container["links"].empty() && network_mode != "bridge")
    client_error("Links are only supported when networkMode=bridge.");
  if (has(container, "stopTimeout") && (container["stopTimeout"] < 0))
    client_error("Invalid 'stopTimeout' setting for container '" + name + "'.");
  return container;
}

void check_dependencies(const Json& containers) {
  std::map<std::string, const Json*> by_name;
  for (const auto& container : containers) by_name[container["name"]] = &container;
  for (const auto& container : containers) {
    const std::string name = container["name"];
    for (const auto& source : container.value("volumesFrom", Json::array())) {
      const std::string source_name = source.value("sourceContainer", "");
      if (!by_name.count(source_name))
        client_error("Invalid 'volumesFrom' setting. Unknown container: '" + source_name + "'.");
    }
    for (const auto& dependency : container.value("dependsOn", Json::array())) {
      const std::string target = dependency.value("containerName", "");
      const auto found = by_name.find(target);
      if (found == by_name.end() || target == name)
        client_error("Invalid setting for container '" + name + "'. The container '" + target +
                     "' named in dependsOn does not exist in the task definition.");
      const std::string condition = dependency.value("condition", "");
      if (condition == "HEALTHY" && !has(*found->second, "healthCheck"))
        client_error("Invalid setting for container '" + name + "'. Dependency condition HEALTHY requires container '" +
                     target + "' to have a health check.");
      if ((condition == "COMPLETE" || condition == "SUCCESS") && found->second->value("essential", true))
        client_error("Invalid setting for container '" + name + "'. Dependency condition " + condition +
                     " cannot be used with the essential container '" + target + "'.");
    }
  }
  // No cycles: repeatedly remove containers whose dependencies are all removed.
  std::set<std::string> done;
  for (std::size_t round = 0; round <= containers.size(); ++round)
    for (const auto& container : containers) {
      bool ready = true;
      for (const auto& dependency : container.value("dependsOn", Json::array()))
        ready = ready && done.count(dependency.value("containerName", ""));
      if (ready) done.insert(container["name"].get<std::string>());
    }
  if (done.size() != containers.size()) client_error("The container dependencies in the task definition form a cycle.");
}

void check_volumes(const Json& volumes, const Json& containers, bool fargate) {
  std::set<std::string> names;
  for (const auto& volume : volumes) {
    const std::string name = volume.value("name", "");
    if (name.empty()) client_error("Volume name should not be null or empty.");
    if (!names.insert(name).second) client_error("Duplicate volume name: " + name);
    if (fargate && volume.contains("host") && volume["host"].contains("sourcePath"))
      client_error("Host volumes with a sourcePath are not supported on Fargate.");
    if (fargate && volume.contains("dockerVolumeConfiguration"))
      client_error("Docker volumes are not supported on Fargate.");
  }
  for (const auto& container : containers)
    for (const auto& mount : container.value("mountPoints", Json::array())) {
      const std::string source = mount.value("sourceVolume", "");
      if (!names.count(source))
        client_error("Invalid setting for container '" + container["name"].get<std::string>() + "'. Unknown volume '" +
                     source + "'.");
    }
}

Json required_attributes(const Json& definition) {
  std::set<std::string> names = {"com.amazonaws.ecs.capability.docker-remote-api.1.18"};
  if (definition.value("networkMode", "") == "awsvpc") names.insert("ecs.capability.task-eni");
  if (definition.contains("executionRoleArn")) names.insert("ecs.capability.execution-role-awslogs");
  for (const auto& container : definition["containerDefinitions"]) {
    if (container.contains("healthCheck")) names.insert("ecs.capability.container-health-check");
    if (container.contains("dependsOn")) names.insert("ecs.capability.container-ordering");
    if (container.contains("logConfiguration")) {
      const std::string driver = container["logConfiguration"].value("logDriver", "");
      names.insert("com.amazonaws.ecs.capability.logging-driver." + driver);
    }
  }
  Json out = Json::array();
  for (const auto& name : names) out.push_back({{"name", name}});
  return out;
}

}  // namespace

std::optional<int> parse_cpu_units(const std::string& text) { return parse_scaled(text, "vcpu", 1024); }

std::optional<int> parse_memory_mib(const std::string& text) {
  if (trim_lower(text).ends_with("mib") || trim_lower(text).ends_with("mb")) {
    std::string digits = trim_lower(text);
    digits.resize(digits.size() - (digits.ends_with("mib") ? 3 : 2));
    return parse_scaled(digits, "", 1);
  }
  return parse_scaled(text, "gb", 1024);
}

bool fargate_size_supported(int cpu, int memory) {
  struct Size { int cpu, low, high, step; };
  static const Size sizes[] = {{256, 512, 2048, 0}, {512, 1024, 4096, 1024}, {1024, 2048, 8192, 1024},
                               {2048, 4096, 16384, 1024}, {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096},
                               {16384, 32768, 122880, 8192}};
  for (const auto& size : sizes) {
    if (size.cpu != cpu) continue;
    if (size.step == 0) return memory == 512 || memory == 1024 || memory == 2048;
    return memory >= size.low && memory <= size.high && (memory - size.low) % size.step == 0;
  }
  return false;
}

bool supports_launch_type(const Json& task_definition, const std::string& launch_type) {
  const auto& compatibilities = task_definition.value("compatibilities", Json::array());
  return std::find(compatibilities.begin(), compatibilities.end(), launch_type) != compatibilities.end();
}

Json normalize_task_definition(const Json& in) {
  Json out = in;
  out.erase("tags");
  check_name("Family", in.value("family", ""));
  const auto& requires_compat = in.value("requiresCompatibilities", Json::array());
  const bool fargate = std::find(requires_compat.begin(), requires_compat.end(), "FARGATE") != requires_compat.end();
  const std::string network_mode = in.value("networkMode", "bridge");
  out["networkMode"] = network_mode;
  if (fargate && network_mode != "awsvpc") client_error("Fargate only supports network mode \u2018awsvpc\u2019.");
  if (fargate && in.value("pidMode", "") == "host")
    client_error("Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.");
  if (fargate && in.contains("ipcMode")) client_error("Tasks using the Fargate launch type do not support ipcMode.");

  std::optional<int> cpu, memory;
  if (in.contains("cpu")) {
    cpu = parse_cpu_units(in["cpu"]);
    if (!cpu || *cpu < 128 || *cpu > 196608) client_error("Invalid 'cpu' setting for task.");
    out["cpu"] = std::to_string(*cpu);
  }
  if (in.contains("memory")) {
    memory = parse_memory_mib(in["memory"]);
    if (!memory || *memory < 6) client_error("Invalid 'memory' setting for task.");
    out["memory"] = std::to_string(*memory);
  }
  if (fargate && !cpu) client_error("Fargate requires that 'cpu' be defined at the task level.");
  if (fargate && !memory) client_error("Fargate requires that 'memory' be defined at the task level.");
  if (fargate && !fargate_size_supported(*cpu, *memory))
    client_error("No Fargate configuration exists for given values: " + std::to_string(*cpu) + " CPU, " +
                 std::to_string(*memory) + " memory. See the Amazon ECS documentation for the valid values.");

  const auto& containers_in = in.value("containerDefinitions", Json::array());
  if (containers_in.empty()) client_error("Container list cannot be empty.");
  if (containers_in.size() > 10) client_error("Too many containers. A task definition can have at most 10 containers.");
  Json containers = Json::array();
  std::set<std::string> names;
  bool any_essential = false;
  int container_memory_total = 0;
  for (const auto& container : containers_in) {
    Json normalized = normalize_container(container, network_mode);
    const std::string name = normalized["name"];
    if (!names.insert(name).second) client_error("Duplicate container name: " + name + ".");
    if (!memory && !has(normalized, "memory") && !has(normalized, "memoryReservation"))
      client_error("Invalid setting for container '" + name +
                   "'. At least one of 'memory' or 'memoryReservation' must be specified.");
    if (fargate && normalized.value("stopTimeout", 0) > 120)
      client_error("Invalid 'stopTimeout' setting for container '" + name + "'. The maximum on Fargate is 120 seconds.");
    container_memory_total += normalized.value("memory", 0);
    any_essential = any_essential || normalized["essential"].get<bool>();
    containers.push_back(normalized);
  }
  if (!any_essential) client_error("Task definition must have at least one essential container.");
  for (const auto& container : containers)
    if (fargate && !in.contains("executionRoleArn") && container.contains("logConfiguration") &&
        container["logConfiguration"].value("logDriver", "") == "awslogs")
      client_error("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
  for (const auto& container : containers)
    if (!in.contains("executionRoleArn") && has(container, "secrets") && !container["secrets"].empty())
      client_error("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
  if (memory && container_memory_total > *memory)
    client_error("The sum of the memory of the containers (" + std::to_string(container_memory_total) +
                 " MiB) exceeds the task memory (" + std::to_string(*memory) + " MiB).");
  check_dependencies(containers);
  out["containerDefinitions"] = containers;
  if (!out.contains("volumes")) out["volumes"] = Json::array();
  if (!out.contains("placementConstraints")) out["placementConstraints"] = Json::array();
  check_volumes(out["volumes"], containers, fargate);

  Json compatibilities = Json::array();
  if (network_mode == "awsvpc") {
    compatibilities.push_back("EC2");
    bool host_volumes = false;
    for (const auto& volume : out["volumes"]) host_volumes = host_volumes || volume.contains("dockerVolumeConfiguration") ||
                                                             (volume.contains("host") && volume["host"].contains("sourcePath"));
    if (cpu && memory && fargate_size_supported(*cpu, *memory) && !host_volumes) compatibilities.push_back("FARGATE");
  } else {
    compatibilities = {"EXTERNAL", "EC2"};
  }
  out["compatibilities"] = compatibilities;
  out["requiresAttributes"] = required_attributes(out);
  return out;
}

}  // namespace albatross::ecs
