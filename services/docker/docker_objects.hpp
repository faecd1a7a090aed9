#pragma once
// What the daemon tells us, as plain structs, and their parsers from the Engine API JSON (pure).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace albatross::docker {

using Labels = std::map<std::string, std::string>;

struct VersionInfo {
  std::string version;          // engine version, e.g. 20.10.24+dfsg1
  std::string api_version;      // newest API the daemon speaks, e.g. 1.41
  std::string min_api_version;
  std::string os;
  std::string arch;
};

struct PublishedPort {
  int container_port = 0;
  std::string protocol;  // tcp | udp
  std::string host_ip;
  int host_port = 0;
};

struct ContainerInfo {
  std::string id;
  std::string name;      // without the leading '/'
  std::string image;     // as requested (Config.Image)
  std::string image_id;  // sha256:…
  std::string status;    // created | running | paused | restarting | removing | exited | dead
  bool running = false;
  bool oom_killed = false;
  int exit_code = 0;
  int pid = 0;
  std::string error;        // State.Error, e.g. why start failed
  std::string started_at;   // RFC 3339, "0001-01-01T00:00:00Z" when never started
  std::string finished_at;
  std::string health_status;  // "" (no health check) | starting | healthy | unhealthy
  std::string health_output;  // output of the latest health check
  int health_failing_streak = 0;
  std::string ip_address;     // the first network's address ("" with host/none/container: networking)
  std::map<std::string, std::string> network_ips;  // network name → IPv4 address
  std::string network_mode;
  std::vector<PublishedPort> ports;  // only bound ports
  Labels labels;
  bool tty = false;
};

struct ContainerSummary {
  std::string id;
  std::string name;    // without the leading '/'
  std::string image;
  std::string state;   // running, exited, …
  std::string status;  // human text, "Up 3 seconds"
  Labels labels;
};

struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  Labels labels;
  std::int64_t size = 0;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::vector<std::string> exposed_ports;  // "80/tcp"
  std::string working_dir;
  std::string user;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;
  bool internal = false;
  std::string subnet;
  std::string gateway;
  Labels labels;
  std::vector<std::string> container_ids;
};

// One message of GET /events.
struct DockerEvent {
  std::string type;    // container | image | network | volume | daemon …
  std::string action;  // create, start, die, health_status: healthy, oom, destroy, …
  std::string id;      // Actor.ID
  Labels attributes;   // Actor.Attributes: labels, name, image, exitCode, …
  std::int64_t time_nano = 0;
};

// One sample of GET /containers/{id}/stats?stream=false&one-shot=true (cumulative CPU counters: a CPU share
// needs two samples; memory is what the container really uses, page cache it could drop excluded).
struct ContainerStats {
  std::uint64_t cpu_total_ns = 0;    // cpu_stats.cpu_usage.total_usage
  std::uint64_t system_cpu_ns = 0;   // cpu_stats.system_cpu_usage (all CPUs of the host)
  int online_cpus = 0;               // cpu_stats.online_cpus (else the length of percpu_usage)
  std::uint64_t memory_bytes = 0;    // memory_stats.usage minus inactive_file (cgroup v2) / total_inactive_file (v1)
  std::uint64_t memory_limit_bytes = 0;
  bool running = false;              // false when the daemon sent no CPU counters (container not running)
};

VersionInfo parse_version(const nlohmann::json& body);
ContainerStats parse_container_stats(const nlohmann::json& body);
ContainerInfo parse_container(const nlohmann::json& body);
ContainerSummary parse_container_summary(const nlohmann::json& item);
ImageInfo parse_image(const nlohmann::json& body);
NetworkInfo parse_network(const nlohmann::json& body);
DockerEvent parse_event(const nlohmann::json& body);

// {"label":["k=v", "k"]} for label filters ("k" alone matches any value), URL-ready JSON text.
std::string label_filters_json(const Labels& labels, const std::map<std::string, std::vector<std::string>>& extra = {});

}  // namespace albatross::docker
