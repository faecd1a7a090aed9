#pragma once
// Where the Docker daemon lives: DOCKER_HOST parsed into a libcurl target. Pure, no I/O.

#include <string>
#include <string_view>

namespace albatross::docker {

inline constexpr std::string_view kDefaultDockerHost = "unix:///var/run/docker.sock";

struct DockerEndpoint {
  std::string host;         // the DOCKER_HOST value it came from, for error messages
  std::string unix_socket;  // socket path for unix://, empty for tcp://
  std::string base_url;     // "http://localhost" for unix sockets, "http://HOST:PORT" for tcp
};

// Parses unix:///path and tcp://host[:port] (port 2375 when absent); empty means the default socket.
// Anything else (npipe://, ssh://, fd://, garbage) throws std::invalid_argument naming the value.
DockerEndpoint parse_docker_host(std::string_view value);

// DOCKER_HOST from the environment, or the default socket.
DockerEndpoint docker_endpoint_from_environment();

}  // namespace albatross::docker
