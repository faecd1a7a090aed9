// The event stream against a fake daemon that drops every stream and restarts once: driven by
// tests/integration/test_docker_client.py, which sets ALBATROSS_DOCKER_FAKE_HOST.
#include "services/docker/event_stream.hpp"

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
