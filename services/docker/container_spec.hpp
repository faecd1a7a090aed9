#pragma once
// What to create: a plain description of one container, and its POST /containers/create body (pure).
// Knows Docker, not ECS: the ECS layer translates task definitions into this.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace albatross::docker {

struct PortBinding {
  int container_port = 0;
  std::string protocol = "tcp";        // tcp | udp | sctp
  int host_port = 0;                   // 0 = a dynamic port chosen by Docker
  std::string host_ip = "127.0.0.1";   // published on loopback only, unless told otherwise
};

struct Mount {
  std::string type = "bind";  // bind | volume | tmpfs
  std::string source;         // host path (bind) or volume name (volume; empty = anonymous)
  std::string target;         // path in the container
  bool read_only = false;
};

struct Ulimit {
  std::string name;  // nofile, nproc, core, …
  std::int64_t soft = 0;
  std::int64_t hard = 0;
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD-SHELL", "curl -f …"], ["CMD", "/bin/check"], ["NONE"]
  std::int64_t interval_ns = 0;   // 0 = Docker's default
  std::int64_t timeout_ns = 0;
  std::int64_t start_period_ns = 0;
  int retries = 0;
};

struct Device {
  std::string host_path;
  std::string container_path;   // empty = same as host_path
  std::string permissions = "rwm";
};

struct LogConfig {
  std::string type;  // json-file, none, …
  std::map<std::string, std::string> config;
};

struct ContainerSpec {
  std::string name;   // optional; Docker makes one up when empty
  std::string image;
  std::optional<std::vector<std::string>> entrypoint;  // unset = the image's
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> env;  // "NAME=value"
  std::string user;
  std::string working_dir;
  std::string hostname;
  std::map<std::string, std::string> labels;
  std::vector<PortBinding> ports;
  std::string network_mode;      // bridge | host | none | container:<id> | <network name>; empty = bridge
  std::vector<std::string> network_aliases;  // aliases on network_mode when it is a user network
  std::vector<std::string> extra_hosts;      // "name:ip"
  std::vector<std::string> dns_servers;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_options;
  std::vector<std::string> links;         // "container:alias" (legacy bridge links)
  std::vector<std::string> binds;  // "source:target[:ro]"
  std::vector<Mount> mounts;
  std::vector<std::string> volumes_from;  // "container[:ro|:rw]"
  std::map<std::string, std::string> tmpfs;  // path → options
  std::vector<Ulimit> ulimits;
  std::int64_t memory_bytes = 0;              // hard limit, 0 = none
  std::int64_t memory_reservation_bytes = 0;  // soft limit
  std::int64_t memory_swap_bytes = 0;         // memory + swap; -1 = unlimited, 0 = Docker's default
  std::int64_t nano_cpus = 0;                 // 1e9 = one CPU
  std::int64_t cpu_shares = 0;                // relative weight (ECS cpu units map here)
  std::int64_t shm_size_bytes = 0;
  bool readonly_rootfs = false;
  bool privileged = false;
  bool init = false;
  bool tty = false;
  bool open_stdin = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;  // "no-new-privileges", "label:…", "apparmor:…"
  std::vector<Device> devices;
  std::string pid_mode;                   // "host" or "container:<id>"; empty = private
  std::string ipc_mode;                   // "host", "shareable", "container:<id>", "none"; empty = default
  std::map<std::string, std::string> sysctls;
  std::optional<Healthcheck> healthcheck;
  std::optional<int> stop_timeout_seconds;
  std::string stop_signal;
  std::optional<LogConfig> log_config;
};

// The JSON body of POST /containers/create (the name goes in the query string, not here).
nlohmann::json container_create_body(const ContainerSpec& spec);

}  // namespace albatross::docker
