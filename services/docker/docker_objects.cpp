#include "services/docker/docker_objects.hpp"

#include <nlohmann/json.hpp>

namespace albatross::docker {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename Number>
Number number(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<Number>() : Number{0};
}

const json& child(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}

std::vector<std::string> strings(const json& value) {
  std::vector<std::string> out;
  if (value.is_array())
    for (const auto& item : value)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

Labels string_map(const json& value) {
  Labels out;
  if (value.is_object())
    for (const auto& [key, item] : value.items())
      if (item.is_string()) out[key] = item.get<std::string>();
  return out;
}

std::string without_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

int to_int(const std::string& value) {
  try {
    return std::stoi(value);
  } catch (const std::exception&) {
    return 0;
  }
}

std::vector<PublishedPort> published_ports(const json& ports) {
  std::vector<PublishedPort> out;
  if (!ports.is_object()) return out;
  for (const auto& [key, bindings] : ports.items()) {
    const auto slash = key.find('/');
    const int container_port = to_int(key.substr(0, slash));
    const std::string protocol = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
    if (!bindings.is_array()) continue;
    for (const auto& binding : bindings)
      out.push_back({container_port, protocol, text(binding, "HostIp"), to_int(text(binding, "HostPort"))});
  }
  return out;
}

}  // namespace

VersionInfo parse_version(const json& body) {
  return {text(body, "Version"), text(body, "ApiVersion"), text(body, "MinAPIVersion"), text(body, "Os"),
          text(body, "Arch")};
}

ContainerInfo parse_container(const json& body) {
  ContainerInfo info;
  info.id = text(body, "Id");
  info.name = without_slash(text(body, "Name"));
  info.image_id = text(body, "Image");
  const json& config = child(body, "Config");
  info.image = text(config, "Image");
  info.labels = string_map(child(config, "Labels"));
  info.tty = child(config, "Tty").is_boolean() && child(config, "Tty").get<bool>();
  const json& state = child(body, "State");
  info.status = text(state, "Status");
  info.running = child(state, "Running").is_boolean() && child(state, "Running").get<bool>();
  info.oom_killed = child(state, "OOMKilled").is_boolean() && child(state, "OOMKilled").get<bool>();
  info.exit_code = number<int>(state, "ExitCode");
  info.pid = number<int>(state, "Pid");
  info.error = text(state, "Error");
  info.started_at = text(state, "StartedAt");
  info.finished_at = text(state, "FinishedAt");
  const json& health = child(state, "Health");
  info.health_status = text(health, "Status");
  info.health_failing_streak = number<int>(health, "FailingStreak");
  if (const json& log = child(health, "Log"); log.is_array() && !log.empty()) info.health_output = text(log.back(), "Output");
  info.network_mode = text(child(body, "HostConfig"), "NetworkMode");
  const json& settings = child(body, "NetworkSettings");
  if (const json& networks = child(settings, "Networks"); networks.is_object())
    for (const auto& [name, network] : networks.items()) {
      const auto ip = text(network, "IPAddress");
      info.network_ips[name] = ip;
      if (info.ip_address.empty()) info.ip_address = ip;
    }
  if (info.ip_address.empty()) info.ip_address = text(settings, "IPAddress");
  info.ports = published_ports(child(settings, "Ports"));
  return info;
}

ContainerSummary parse_container_summary(const json& item) {
  ContainerSummary summary;
  summary.id = text(item, "Id");
  if (const auto names = strings(child(item, "Names")); !names.empty()) summary.name = without_slash(names.front());
  summary.image = text(item, "Image");
  summary.state = text(item, "State");
  summary.status = text(item, "Status");
  summary.labels = string_map(child(item, "Labels"));
  return summary;
}

ImageInfo parse_image(const json& body) {
  ImageInfo image;
  image.id = text(body, "Id");
  image.repo_tags = strings(child(body, "RepoTags"));
  image.repo_digests = strings(child(body, "RepoDigests"));
  image.size = number<std::int64_t>(body, "Size");
  const json& config = child(body, "Config");
  image.labels = string_map(child(config, "Labels"));
  image.entrypoint = strings(child(config, "Entrypoint"));
  image.cmd = strings(child(config, "Cmd"));
  image.env = strings(child(config, "Env"));
  if (const json& exposed = child(config, "ExposedPorts"); exposed.is_object())
    for (const auto& [port, unused] : exposed.items()) image.exposed_ports.push_back(port);
  image.working_dir = text(config, "WorkingDir");
  image.user = text(config, "User");
  return image;
}

NetworkInfo parse_network(const json& body) {
  NetworkInfo network;
  network.id = text(body, "Id");
  network.name = text(body, "Name");
  network.driver = text(body, "Driver");
  network.internal = child(body, "Internal").is_boolean() && child(body, "Internal").get<bool>();
  network.labels = string_map(child(body, "Labels"));
  if (const json& configs = child(child(body, "IPAM"), "Config"); configs.is_array() && !configs.empty()) {
    network.subnet = text(configs.front(), "Subnet");
    network.gateway = text(configs.front(), "Gateway");
  }
  if (const json& containers = child(body, "Containers"); containers.is_object())
    for (const auto& [id, unused] : containers.items()) network.container_ids.push_back(id);
  return network;
}

DockerEvent parse_event(const json& body) {
  DockerEvent event;
  event.type = text(body, "Type");
  event.action = text(body, "Action");
  const json& actor = child(body, "Actor");
  event.id = text(actor, "ID");
  if (event.id.empty()) event.id = text(body, "id");
  event.attributes = string_map(child(actor, "Attributes"));
  event.time_nano = number<std::int64_t>(body, "timeNano");
  return event;
}

ContainerStats parse_container_stats(const json& body) {
  ContainerStats stats;
  const json& cpu = child(body, "cpu_stats");
  const json& usage = child(cpu, "cpu_usage");
  stats.cpu_total_ns = number<std::uint64_t>(usage, "total_usage");
  stats.system_cpu_ns = number<std::uint64_t>(cpu, "system_cpu_usage");
  stats.online_cpus = number<int>(cpu, "online_cpus");
  if (stats.online_cpus == 0 && child(usage, "percpu_usage").is_array())
    stats.online_cpus = static_cast<int>(child(usage, "percpu_usage").size());
  stats.running = stats.system_cpu_ns > 0;
  const json& memory = child(body, "memory_stats");
  const json& details = child(memory, "stats");
  std::uint64_t cache = number<std::uint64_t>(details, "inactive_file");              // cgroup v2
  if (cache == 0) cache = number<std::uint64_t>(details, "total_inactive_file");      // cgroup v1
  const auto used = number<std::uint64_t>(memory, "usage");
  stats.memory_bytes = used > cache ? used - cache : 0;
  stats.memory_limit_bytes = number<std::uint64_t>(memory, "limit");
  return stats;
}

std::string label_filters_json(const Labels& labels, const std::map<std::string, std::vector<std::string>>& extra) {
  json filters = json::object();
  for (const auto& [key, value] : labels) filters["label"].push_back(value.empty() ? key : key + "=" + value);
  for (const auto& [name, values] : extra) filters[name] = values;
  return filters.dump();
}

}  // namespace albatross::docker
