#include "services/docker/docker_host.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "services/docker/api_version.hpp"

using namespace albatross::docker;

TEST_CASE("DOCKER_HOST: empty means the default unix socket") {
  const auto endpoint = parse_docker_host("");
  CHECK(endpoint.unix_socket == "/var/run/docker.sock");
  CHECK(endpoint.base_url == "http://localhost");
}

TEST_CASE("DOCKER_HOST: unix and tcp forms") {
  CHECK(parse_docker_host("unix:///run/user/1000/docker.sock").unix_socket == "/run/user/1000/docker.sock");
  const auto tcp = parse_docker_host("tcp://127.0.0.1:2376");
  CHECK(tcp.unix_socket.empty());
  CHECK(tcp.base_url == "http://127.0.0.1:2376");
  CHECK(parse_docker_host("tcp://docker.local").base_url == "http://docker.local:2375");
  CHECK(parse_docker_host("tcp://[::1]:2375/").base_url == "http://[::1]:2375");
}

TEST_CASE("DOCKER_HOST: unsupported or malformed values are refused with the value named") {
  CHECK_THROWS_WITH_AS(parse_docker_host("ssh://me@host"), doctest::Contains("ssh://me@host"), std::invalid_argument);
  CHECK_THROWS_AS(parse_docker_host("unix://relative.sock"), std::invalid_argument);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:99999"), std::invalid_argument);
  CHECK_THROWS_AS(parse_docker_host("tcp://:2375"), std::invalid_argument);
  CHECK_THROWS_AS(parse_docker_host("tcp://host:12/v1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_docker_host("/var/run/docker.sock"), std::invalid_argument);
}

TEST_CASE("API versions compare numerically and negotiate down to the server's") {
  CHECK(compare_api_versions("1.9", "1.25") < 0);
  CHECK(compare_api_versions("1.41", "1.41") == 0);
  CHECK(compare_api_versions("1.43", "1.41") > 0);
  CHECK(compare_api_versions("2.0", "1.99") > 0);
  CHECK(negotiate_api_version("1.41") == "1.41");
  CHECK(negotiate_api_version("1.45") == "1.41");  // newer daemon: capped at what we implement
  CHECK(negotiate_api_version("1.40") == "1.40");  // older daemon: its version
  CHECK_THROWS_WITH(negotiate_api_version("1.24"), doctest::Contains("1.25"));
  CHECK_THROWS(negotiate_api_version(""));
}
