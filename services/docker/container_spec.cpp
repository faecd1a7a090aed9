#include "services/docker/container_spec.hpp"

#include <nlohmann/json.hpp>

namespace albatross::docker {
namespace {

using nlohmann::json;

json host_config(const ContainerSpec& spec) {
  json host = json::object();
  json bindings = json::object();
  for (const auto& port : spec.ports) {
    // An empty HostPort asks Docker for a free ephemeral port.
    bindings[std::to_string(port.container_port) + "/" + port.protocol].push_back(
        {{"HostIp", port.host_ip}, {"HostPort", port.host_port > 0 ? std::to_string(port.host_port) : ""}});
  }
  if (!bindings.empty()) host["PortBindings"] = bindings;
  if (!spec.network_mode.empty()) host["NetworkMode"] = spec.network_mode;
  if (!spec.extra_hosts.empty()) host["ExtraHosts"] = spec.extra_hosts;
  if (!spec.dns_servers.empty()) host["Dns"] = spec.dns_servers;
  if (!spec.dns_search.empty()) host["DnsSearch"] = spec.dns_search;
  if (!spec.dns_options.empty()) host["DnsOptions"] = spec.dns_options;
  if (!spec.links.empty()) host["Links"] = spec.links;
  if (!spec.volumes_from.empty()) host["VolumesFrom"] = spec.volumes_from;
  if (!spec.binds.empty()) host["Binds"] = spec.binds;
  if (!spec.mounts.empty()) {
    json mounts = json::array();
    for (const auto& mount : spec.mounts) {
      json item = {{"Type", mount.type}, {"Target", mount.target}, {"ReadOnly", mount.read_only}};
      if (!mount.source.empty()) item["Source"] = mount.source;
      mounts.push_back(item);
    }
    host["Mounts"] = mounts;
  }
  if (!spec.tmpfs.empty()) host["Tmpfs"] = spec.tmpfs;
  if (!spec.ulimits.empty()) {
    json ulimits = json::array();
    for (const auto& limit : spec.ulimits)
      ulimits.push_back({{"Name", limit.name}, {"Soft", limit.soft}, {"Hard", limit.hard}});
    host["Ulimits"] = ulimits;
  }
  if (spec.memory_bytes > 0) host["Memory"] = spec.memory_bytes;
  if (spec.memory_reservation_bytes > 0) host["MemoryReservation"] = spec.memory_reservation_bytes;
  if (spec.memory_swap_bytes != 0) host["MemorySwap"] = spec.memory_swap_bytes;
  if (spec.nano_cpus > 0) host["NanoCpus"] = spec.nano_cpus;
  if (spec.cpu_shares > 0) host["CpuShares"] = spec.cpu_shares;
  if (spec.shm_size_bytes > 0) host["ShmSize"] = spec.shm_size_bytes;
  if (spec.readonly_rootfs) host["ReadonlyRootfs"] = true;
  if (spec.privileged) host["Privileged"] = true;
  if (spec.init) host["Init"] = true;
  if (!spec.cap_add.empty()) host["CapAdd"] = spec.cap_add;
  if (!spec.cap_drop.empty()) host["CapDrop"] = spec.cap_drop;
  if (!spec.sysctls.empty()) host["Sysctls"] = spec.sysctls;
  if (!spec.security_opt.empty()) host["SecurityOpt"] = spec.security_opt;
  if (!spec.devices.empty()) {
    json devices = json::array();
    for (const auto& device : spec.devices)
      devices.push_back({{"PathOnHost", device.host_path},
                         {"PathInContainer", device.container_path.empty() ? device.host_path : device.container_path},
                         {"CgroupPermissions", device.permissions}});
    host["Devices"] = devices;
  }
  if (!spec.pid_mode.empty()) host["PidMode"] = spec.pid_mode;
  if (!spec.ipc_mode.empty()) host["IpcMode"] = spec.ipc_mode;
  if (spec.log_config) host["LogConfig"] = {{"Type", spec.log_config->type}, {"Config", spec.log_config->config}};
  return host;
}

}  // namespace

nlohmann::json container_create_body(const ContainerSpec& spec) {
  json body = {{"Image", spec.image}, {"Labels", spec.labels}, {"HostConfig", host_config(spec)}};
  if (spec.entrypoint) body["Entrypoint"] = *spec.entrypoint;
  if (spec.cmd) body["Cmd"] = *spec.cmd;
  if (!spec.env.empty()) body["Env"] = spec.env;
  if (!spec.user.empty()) body["User"] = spec.user;
  if (!spec.working_dir.empty()) body["WorkingDir"] = spec.working_dir;
  if (!spec.hostname.empty()) body["Hostname"] = spec.hostname;
  if (spec.tty) body["Tty"] = true;
  if (spec.open_stdin) body["OpenStdin"] = true;
  if (!spec.ports.empty()) {
    json exposed = json::object();
    for (const auto& port : spec.ports) exposed[std::to_string(port.container_port) + "/" + port.protocol] = json::object();
    body["ExposedPorts"] = exposed;
  }
  if (spec.healthcheck) {
    const auto& check = *spec.healthcheck;
    json health = {{"Test", check.test}};
    if (check.interval_ns > 0) health["Interval"] = check.interval_ns;
    if (check.timeout_ns > 0) health["Timeout"] = check.timeout_ns;
    if (check.start_period_ns > 0) health["StartPeriod"] = check.start_period_ns;
    if (check.retries > 0) health["Retries"] = check.retries;
    body["Healthcheck"] = health;
  }
  if (spec.stop_timeout_seconds) body["StopTimeout"] = *spec.stop_timeout_seconds;
  if (!spec.stop_signal.empty()) body["StopSignal"] = spec.stop_signal;
  // Aliases only make sense on a user-defined network; Docker refuses them on bridge/host/container:.
  if (!spec.network_aliases.empty() && !spec.network_mode.empty() && spec.network_mode != "bridge" &&
      spec.network_mode != "host" && spec.network_mode != "none" && !spec.network_mode.starts_with("container:"))
    body["NetworkingConfig"] = {{"EndpointsConfig", {{spec.network_mode, {{"Aliases", spec.network_aliases}}}}}};
  return body;
}

}  // namespace albatross::docker
