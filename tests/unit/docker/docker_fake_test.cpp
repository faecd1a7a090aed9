// The event stream against a fake daemon that drops every stream and restarts once: driven by
// tests/integration/test_docker_client.py, which sets ALBATROSS_DOCKER_FAKE_HOST.
#include "services/docker/event_stream.hpp"
#include "services/docker/image_reference.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

using namespace albatross::docker;
using namespace std::chrono_literals;

namespace {

const char* fake_host() { return std::getenv("ALBATROSS_DOCKER_FAKE_HOST"); }

}  // namespace

TEST_SUITE("docker-fake" * doctest::skip(fake_host() == nullptr)) {

TEST_CASE("fake: the event stream reconnects after drops and a daemon restart, calling on_connected each time") {
  DockerClient client({parse_docker_host(fake_host()), 2000ms, 2000ms});
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> connections{0};
  std::atomic<int> disconnections{0};
  EventStream stream(client, EventStreamOptions{{{"albatross.managed", "true"}},
                                                {"container"},
                                                [&](const DockerEvent& event) {
                                                  std::lock_guard lock(mutex);
                                                  ids.insert(event.id);
                                                },
                                                [&] { ++connections; },
                                                [&](const std::string&) { ++disconnections; }});
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex);
      if (ids.size() >= 4) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  stream.stop();
  std::lock_guard lock(mutex);
  CHECK(ids.size() >= 4);  // one event per connection, each connection a fresh id
  CHECK(connections.load() >= 4);
  CHECK(disconnections.load() >= 3);
  CHECK(ids.count("c1") == 1);
}

}  // TEST_SUITE

TEST_SUITE("docker-fake-pull" * doctest::skip(fake_host() == nullptr)) {

TEST_CASE("fake: a pull reports progress lines, sends X-Registry-Auth and surfaces an error from the stream") {
  DockerClient client({parse_docker_host(fake_host()), 2000ms, 5000ms});
  std::vector<std::string> progress;
  PullOptions options{registry_auth_header("AWS", "secret/token+", "127.0.0.1:5000"),
                      [&](const std::string& line) { progress.push_back(line); }};
  client.pull_image("127.0.0.1:5000/team/app:v1", options);
  REQUIRE(progress.size() == 3);
  CHECK(progress[0] == "v1: Pulling from team/app");
  CHECK(progress[1] == "abc: Downloading [==>  ] 1kB/2kB");
  try {
    client.pull_image("127.0.0.1:5000/team/fail:v1", options);
    FAIL("the pull must fail");
  } catch (const DockerError& e) {
    CHECK(std::string(e.what()).find("unauthorized: bad token") != std::string::npos);
    CHECK(std::string(e.what()).find("127.0.0.1:5000/team/fail:v1") != std::string::npos);
    CHECK_FALSE(e.unreachable());
  }
}

}  // TEST_SUITE
