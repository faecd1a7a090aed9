#include "emulator/docker_bridge.hpp"

#include "emulator/log.hpp"
#include "services/docker/docker_client.hpp"

namespace albatross {

std::optional<std::string> docker_bridge_gateway() {
  try {
    docker::DockerClientOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    docker::DockerClient client(options);
    const auto bridge = client.inspect_network("bridge");
    if (bridge && !bridge->gateway.empty()) return bridge->gateway;
  } catch (const std::exception& e) {
    log::info(std::string("Docker bridge not found (") + e.what() + "); containers cannot reach load balancers by name");
  }
  return std::nullopt;
}

}  // namespace albatross
