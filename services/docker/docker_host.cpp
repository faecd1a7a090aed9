#include "services/docker/docker_host.hpp"

#include <cstdlib>
#include <stdexcept>

namespace albatross::docker {
namespace {

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  const int value = std::stoi(std::string(port));
  return value > 0 && value < 65536;
}

std::invalid_argument bad_host(std::string_view value, std::string_view why) {
  return std::invalid_argument("invalid DOCKER_HOST \"" + std::string(value) + "\": " + std::string(why));
}

}  // namespace

DockerEndpoint parse_docker_host(std::string_view value) {
  if (value.empty()) value = kDefaultDockerHost;
  DockerEndpoint endpoint;
  endpoint.host = std::string(value);
  if (value.starts_with("unix://")) {
    const auto path = value.substr(7);
    if (path.empty() || path.front() != '/') throw bad_host(value, "the socket path must be absolute");
    endpoint.unix_socket = std::string(path);
    endpoint.base_url = "http://localhost";
    return endpoint;
  }
  if (value.starts_with("tcp://")) {
    auto rest = value.substr(6);
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
      if (rest.substr(slash) != "/") throw bad_host(value, "a path after host:port is not supported");
      rest = rest.substr(0, slash);
    }
    std::string_view host = rest;
    std::string_view port = "2375";
    if (rest.starts_with('[')) {  // [ipv6]:port
      const auto close = rest.find(']');
      if (close == std::string_view::npos) throw bad_host(value, "unterminated IPv6 address");
      host = rest.substr(0, close + 1);
      const auto after = rest.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') throw bad_host(value, "expected :port after the IPv6 address");
        port = after.substr(1);
      }
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (host.empty()) throw bad_host(value, "missing host");
    if (!valid_port(port)) throw bad_host(value, "invalid port");
    endpoint.base_url = "http://" + std::string(host) + ":" + std::string(port);
    return endpoint;
  }
  throw bad_host(value, "only unix:// and tcp:// are supported");
}

DockerEndpoint docker_endpoint_from_environment() {
  const char* value = std::getenv("DOCKER_HOST");
  return parse_docker_host(value ? std::string_view(value) : std::string_view());
}

}  // namespace albatross::docker
