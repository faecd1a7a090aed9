#include "services/ecs/task_container_specs.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "services/ecs/ecs_names.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kMinHealthIntervalNs = 50'000'000;  // Docker refuses < 1 ms; keep probes sane when scaled

// The task's containerOverrides entry for `name`, or null.
const Json* override_for(const Json& task, const std::string& name) {
  if (!task.contains("overrides") || !task["overrides"].contains("containerOverrides")) return nullptr;
  for (const auto& item : task["overrides"]["containerOverrides"])
    if (item.value("name", "") == name) return &item;
  return nullptr;
}

std::vector<std::string> environment_of(const Json& definition, const Json* override) {
  std::vector<std::pair<std::string, std::string>> pairs;
  auto set = [&](const std::string& name, const std::string& value) {
    for (auto& pair : pairs)
      if (pair.first == name) return void(pair.second = value);
    pairs.emplace_back(name, value);
  };
  for (const auto& item : definition.value("environment", Json::array())) set(item.value("name", ""), item.value("value", ""));
  if (override)
    for (const auto& item : override->value("environment", Json::array())) set(item.value("name", ""), item.value("value", ""));
  std::vector<std::string> out;
  for (const auto& [name, value] : pairs) out.push_back(name + "=" + value);
  return out;
}

std::int64_t seconds_ns(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 1e9)); }

docker::Healthcheck health_check_of(const Json& check, const LaunchOptions& options) {
  docker::Healthcheck out;
  out.test = check.value("command", std::vector<std::string>{});
  auto scaled = [&](double seconds) { return options.scale_seconds ? options.scale_seconds(seconds) : seconds; };
  out.interval_ns = std::max(kMinHealthIntervalNs, seconds_ns(scaled(check.value("interval", 30))));
  out.timeout_ns = seconds_ns(check.value("timeout", 5));
  if (check.value("startPeriod", 0) > 0)
    out.start_period_ns = std::max(kMinHealthIntervalNs, seconds_ns(scaled(check.value("startPeriod", 0))));
  out.retries = check.value("retries", 3);
  return out;
}

std::vector<docker::PortBinding> ports_of(const Json& definition, const std::string& network_mode) {
  std::vector<docker::PortBinding> out;
  if (network_mode == "host" || network_mode == "none") return out;
  for (const auto& mapping : definition.value("portMappings", Json::array())) {
    if (!mapping.contains("containerPort")) continue;
    docker::PortBinding binding;
    binding.container_port = mapping["containerPort"];
    binding.protocol = mapping.value("protocol", "tcp");
    // awsvpc: the task's own address carries containerPort; on the host side Docker picks a loopback port.
    binding.host_port = network_mode == "awsvpc" ? 0 : mapping.value("hostPort", 0);
    binding.host_ip = "127.0.0.1";
    out.push_back(binding);
  }
  return out;
}

// Volume name → how a container mounts it.
struct VolumeSource {
  std::string host_path;    // bind mount when set
  std::string docker_name;  // named Docker volume otherwise
  bool task_scoped = true;
};

std::map<std::string, VolumeSource> volumes_of(const Json& task_definition, const std::string& task_id) {
  std::map<std::string, VolumeSource> out;
  for (const auto& volume : task_definition.value("volumes", Json::array())) {
    const std::string name = volume.value("name", "");
    VolumeSource source;
    if (volume.contains("host") && volume["host"].contains("sourcePath")) {
      source.host_path = volume["host"]["sourcePath"];
      source.task_scoped = false;
    } else if (volume.contains("dockerVolumeConfiguration") &&
               volume["dockerVolumeConfiguration"].value("scope", "task") == "shared") {
      source.docker_name = name;
      source.task_scoped = false;
    } else {
      source.docker_name = "ecs-" + task_id + "-" + name;
    }
    out[name] = source;
  }
  return out;
}

void apply_linux_parameters(docker::ContainerSpec& spec, const Json& parameters) {
  spec.init = parameters.value("initProcessEnabled", false);
  if (parameters.contains("sharedMemorySize")) spec.shm_size_bytes = parameters["sharedMemorySize"].get<std::int64_t>() * kMiB;
  const auto& capabilities = parameters.value("capabilities", Json::object());
  spec.cap_add = capabilities.value("add", std::vector<std::string>{});
  spec.cap_drop = capabilities.value("drop", std::vector<std::string>{});
  for (const auto& tmpfs : parameters.value("tmpfs", Json::array())) {
    std::string options = "size=" + std::to_string(tmpfs.value("size", 0)) + "m";
    for (const auto& option : tmpfs.value("mountOptions", Json::array())) options += "," + option.get<std::string>();
    spec.tmpfs[tmpfs.value("containerPath", "")] = options;
  }
}

// The Docker name of the task's container `name` (the agent's ecs-<family>-<revision>-<name>-<id> pattern).
std::string docker_name_of(const Json& task_definition, const std::string& task_id, const std::string& name) {
  return "ecs-" + task_definition.value("family", "task") + "-" + std::to_string(task_definition.value("revision", 0)) +
         "-" + name + "-" + task_id;
}

// links ("name[:alias]", bridge only) and volumesFrom refer to sibling containers by their ECS names.
std::pair<std::string, std::string> link_target(const std::string& link) {
  const auto colon = link.find(':');
  if (colon == std::string::npos) return {link, link};
  return {link.substr(0, colon), link.substr(colon + 1)};
}

// Containers a definition needs created before itself: link targets and volumesFrom sources.
std::vector<std::string> creation_prerequisites(const Json& definition) {
  std::vector<std::string> out;
  for (const auto& link : definition.value("links", Json::array())) out.push_back(link_target(link.get<std::string>()).first);
  for (const auto& source : definition.value("volumesFrom", Json::array())) out.push_back(source.value("sourceContainer", ""));
  return out;
}

// `order` rearranged so that every container comes after its prerequisites (stable; kept as is on a cycle).
std::vector<std::size_t> creation_order(const Json& definitions, std::vector<std::size_t> order) {
  std::vector<std::size_t> out;
  std::set<std::string> placed;
  while (!order.empty()) {
    bool progressed = false;
    for (auto it = order.begin(); it != order.end();) {
      const auto& definition = definitions[*it];
      bool ready = true;
      for (const auto& prerequisite : creation_prerequisites(definition))
        ready = ready && (placed.count(prerequisite) || prerequisite == definition["name"]);
      if (!ready) {
        ++it;
        continue;
      }
      placed.insert(definition["name"].get<std::string>());
      out.push_back(*it);
      it = order.erase(it);
      progressed = true;
    }
    if (!progressed) {
      out.insert(out.end(), order.begin(), order.end());
      break;
    }
  }
  return out;
}

docker::ContainerSpec spec_of(const Json& definition, const Json& task_definition, const Json& task,
                              const std::string& network_mode, bool owner_or_alone,
                              const std::map<std::string, VolumeSource>& volumes, const LaunchOptions& options) {
  const std::string name = definition["name"];
  const std::string task_arn = task["taskArn"];
  const std::string task_id = last_segment(task_arn);
  const Json* override = override_for(task, name);
  docker::ContainerSpec spec;
  spec.name = docker_name_of(task_definition, task_id, name);
  if (network_mode == "bridge")
    for (const auto& link : definition.value("links", Json::array())) {
      const auto [target, alias] = link_target(link.get<std::string>());
      spec.links.push_back(docker_name_of(task_definition, task_id, target) + ":" + alias);
    }
  for (const auto& source : definition.value("volumesFrom", Json::array()))
    spec.volumes_from.push_back(docker_name_of(task_definition, task_id, source.value("sourceContainer", "")) +
                                (source.value("readOnly", false) ? ":ro" : ":rw"));
  const std::string image = definition["image"];
  const auto resolved = options.image_references.find(image);
  spec.image = resolved == options.image_references.end() ? image : resolved->second;
  if (definition.contains("entryPoint")) spec.entrypoint = definition["entryPoint"].get<std::vector<std::string>>();
  if (override && override->contains("command")) spec.cmd = (*override)["command"].get<std::vector<std::string>>();
  else if (definition.contains("command")) spec.cmd = definition["command"].get<std::vector<std::string>>();
  spec.env = environment_of(definition, override);
  spec.user = definition.value("user", "");
  spec.working_dir = definition.value("workingDirectory", "");
  if (owner_or_alone && network_mode != "host" && network_mode != "awsvpc") spec.hostname = definition.value("hostname", "");
  const Json docker_labels = definition.value("dockerLabels", Json::object());  // items() must not outlive it
  for (const auto& [key, value] : docker_labels.items()) spec.labels[key] = value;
  spec.labels[kClusterLabel] = task.value("clusterArn", "");
  spec.labels[kTaskArnLabel] = task_arn;
  spec.labels[kContainerNameLabel] = name;
  spec.labels["com.amazonaws.ecs.task-definition-family"] = task_definition.value("family", "");
  spec.labels["com.amazonaws.ecs.task-definition-version"] = std::to_string(task_definition.value("revision", 0));
  spec.labels[kOwnerLabel] = kOwnerValue;
  spec.labels[kInstanceLabel] = options.instance_id;
  spec.network_mode = network_mode == "awsvpc" ? "bridge" : network_mode;  // joiners get container:<id> later
  if (owner_or_alone) {
    for (const auto& host : definition.value("extraHosts", Json::array()))
      spec.extra_hosts.push_back(host.value("hostname", "") + ":" + host.value("ipAddress", ""));
    spec.extra_hosts.insert(spec.extra_hosts.end(), options.extra_hosts.begin(), options.extra_hosts.end());
    spec.dns_servers = definition.value("dnsServers", std::vector<std::string>{});
    spec.dns_search = definition.value("dnsSearchDomains", std::vector<std::string>{});
  }
  for (const auto& mount : definition.value("mountPoints", Json::array())) {
    const auto found = volumes.find(mount.value("sourceVolume", ""));
    if (found == volumes.end()) continue;
    const bool read_only = mount.value("readOnly", false);
    const std::string target = mount.value("containerPath", "");
    if (!found->second.host_path.empty()) {
      spec.binds.push_back(found->second.host_path + ":" + target + (read_only ? ":ro" : ""));
    } else {
      docker::Mount volume;
      volume.type = "volume";
      volume.source = found->second.docker_name;
      volume.target = target;
      volume.read_only = read_only;
      spec.mounts.push_back(volume);
    }
  }
  for (const auto& limit : definition.value("ulimits", Json::array()))
    spec.ulimits.push_back({limit.value("name", ""), limit.value("softLimit", 0), limit.value("hardLimit", 0)});
  const int memory = override && override->contains("memory") ? (*override)["memory"].get<int>() : definition.value("memory", 0);
  const int reservation = override && override->contains("memoryReservation") ? (*override)["memoryReservation"].get<int>()
                                                                                : definition.value("memoryReservation", 0);
  spec.memory_bytes = static_cast<std::int64_t>(memory) * kMiB;
  spec.memory_reservation_bytes = static_cast<std::int64_t>(reservation) * kMiB;
  const int cpu = override && override->contains("cpu") ? (*override)["cpu"].get<int>() : definition.value("cpu", 0);
  if (cpu > 0) spec.cpu_shares = std::max(2, cpu);
  spec.readonly_rootfs = definition.value("readonlyRootFilesystem", false);
  spec.privileged = definition.value("privileged", false);
  spec.tty = definition.value("pseudoTerminal", false);
  spec.open_stdin = definition.value("interactive", false);
  for (const auto& control : definition.value("systemControls", Json::array()))
    spec.sysctls[control.value("namespace", "")] = control.value("value", "");
  if (definition.contains("linuxParameters")) apply_linux_parameters(spec, definition["linuxParameters"]);
  if (definition.contains("healthCheck")) spec.healthcheck = health_check_of(definition["healthCheck"], options);
  spec.stop_timeout_seconds = definition.value("stopTimeout", 30);
  // Container output always goes to json-file: `docker logs` works and the awslogs driver follows it.
  spec.log_config = docker::LogConfig{"json-file", {}};
  return spec;
}

}  // namespace

TaskLaunchPlan plan_task_containers(const Json& task_definition, const Json& task, const LaunchOptions& options) {
  TaskLaunchPlan plan;
  plan.network_mode = task_definition.value("networkMode", "bridge");
  const auto& definitions = task_definition["containerDefinitions"];
  const std::string task_id = last_segment(task.value("taskArn", ""));
  const auto volumes = volumes_of(task_definition, task_id);
  for (const auto& [name, source] : volumes)
    if (source.task_scoped) plan.volumes.push_back(source.docker_name);

  std::size_t owner_index = 0;
  if (plan.network_mode == "awsvpc") {
    int best = -1;
    for (std::size_t i = 0; i < definitions.size(); ++i) {
      if (!definitions[i].value("dependsOn", Json::array()).empty()) continue;
      const int score = definitions[i].value("essential", true) ? 2 : 1;
      if (score > best) best = score, owner_index = i;
    }
    plan.network_owner = definitions[owner_index]["name"];
  }
  std::vector<std::size_t> order = {owner_index};
  for (std::size_t i = 0; i < definitions.size(); ++i)
    if (i != owner_index) order.push_back(i);
  if (plan.network_mode == "awsvpc") {  // the namespace owner stays first
    std::vector<std::size_t> rest(order.begin() + 1, order.end());
    rest = creation_order(definitions, rest);
    order.resize(1);
    order.insert(order.end(), rest.begin(), rest.end());
  } else {
    order = creation_order(definitions, order);
  }
  for (const auto index : order) {
    const auto& definition = definitions[index];
    const bool owner = plan.network_mode != "awsvpc" || index == owner_index;
    ContainerLaunch launch;
    launch.name = definition["name"];
    launch.essential = definition.value("essential", true);
    launch.stop_timeout_seconds = definition.value("stopTimeout", 30);
    for (const auto& dependency : definition.value("dependsOn", Json::array()))
      launch.depends_on.push_back({dependency.value("containerName", ""), dependency.value("condition", "START")});
    // Docker refuses to start a container linked to one that is not running: the agent starts link targets first.
    if (plan.network_mode == "bridge")
      for (const auto& link : definition.value("links", Json::array()))
        launch.depends_on.push_back({link_target(link.get<std::string>()).first, "START"});
    launch.spec = spec_of(definition, task_definition, task, plan.network_mode, owner, volumes, options);
    if (plan.network_mode == "awsvpc") {
      launch.joins_owner = !owner;
      if (owner)  // the owner publishes every container's ports: joiners cannot publish their own
        for (const auto& other : definitions) {
          const auto ports = ports_of(other, "awsvpc");
          launch.spec.ports.insert(launch.spec.ports.end(), ports.begin(), ports.end());
        }
    } else {
      launch.spec.ports = ports_of(definition, plan.network_mode);
    }
    plan.containers.push_back(std::move(launch));
  }
  return plan;
}

DependencyStatus dependency_status(const Dependency& dependency, const std::map<std::string, ContainerState>& states) {
  const auto found = states.find(dependency.container);
  if (found == states.end()) return DependencyStatus::Failed;
  const auto& state = found->second;
  if (dependency.condition == "START") return state.started ? DependencyStatus::Met : DependencyStatus::Waiting;
  if (dependency.condition == "COMPLETE") return state.exited ? DependencyStatus::Met : DependencyStatus::Waiting;
  if (dependency.condition == "SUCCESS") {
    if (!state.exited) return DependencyStatus::Waiting;
    return state.exit_code == 0 ? DependencyStatus::Met : DependencyStatus::Failed;
  }
  if (dependency.condition == "HEALTHY") {
    if (state.health == "HEALTHY") return DependencyStatus::Met;
    return state.exited || state.health == "UNHEALTHY" ? DependencyStatus::Failed : DependencyStatus::Waiting;
  }
  return DependencyStatus::Met;
}

}  // namespace albatross::ecs
