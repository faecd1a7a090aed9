// The awslogs path the ECS runtime uses, end to end against the real daemon: a container's output, followed
// by a LogFollower, pushed into the LogsService sink, flushed on "the control thread" (here: the test), read
// back with GetLogEvents. Part of the docker-live suite (tests/integration/test_docker_client.py runs it).
#include "services/logs/logs_service.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "services/docker/docker_client.hpp"
#include "services/docker/log_follower.hpp"
#include "storage/database.hpp"

using namespace albatross;
using namespace std::chrono_literals;

namespace {

bool live() {
  const char* value = std::getenv("ALBATROSS_DOCKER_LIVE");
  return value && std::string(value) == "1";
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

TEST_SUITE("docker-live" * doctest::skip(!live())) {

TEST_CASE("live: container output reaches CloudWatch Logs through the follower and the sink") {
  const auto dir = std::filesystem::temp_directory_path() / ("albatross-awslogs-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    storage::Database db(dir / "state.db");
    std::mutex mutex;
    std::deque<std::function<void()>> posted;
    logs::LogsService service({db, [&](std::function<void()> work) {
                                 std::lock_guard lock(mutex);
                                 posted.push_back(std::move(work));
                               }});
    docker::DockerClient client;
    docker::ContainerSpec spec;
    spec.image = env("ALBATROSS_DOCKER_BUSYBOX_IMAGE");
    spec.cmd = std::vector<std::string>{"sh", "-c", "echo starting; echo oops >&2; echo; echo done"};
    spec.labels = {{"albatross.test-run", env("ALBATROSS_DOCKER_RUN_ID").empty() ? "manual" : env("ALBATROSS_DOCKER_RUN_ID")}};
    const auto id = client.create_container(spec);
    const logs::AwslogsDestination destination{{"123456789012", "us-east-1"}, "/ecs/live", "app/web/" + id.substr(0, 12), true};
    std::atomic<bool> ended{false};
    client.start_container(id);
    {
      docker::LogFollower follower(
          client, id, docker::LogsOptions{},
          [&](const docker::LogLine& line) { service.sink().push(destination, line.time_ms, line.text); },
          [&](const std::string&) { ended = true; });
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      while (!ended && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
      CHECK(ended.load());
    }
    client.remove_container(id);
    // The control thread's turn: run what the sink posted.
    std::deque<std::function<void()>> work;
    {
      std::lock_guard lock(mutex);
      work.swap(posted);
    }
    CHECK(work.size() >= 1);
    for (auto& item : work) item();

    RequestContext ctx{"123456789012", "us-east-1", "req", "logs", "GetLogEvents"};
    nlohmann::json out;
    db.in_transaction([&] {
      out = service.get_log_events(ctx, {{"logGroupName", "/ecs/live"}, {"logStreamName", destination.stream},
                                         {"startFromHead", true}});
    });
    std::vector<std::string> messages;
    for (const auto& event : out["events"]) messages.push_back(event["message"]);
    // The empty line is dropped, as Docker's awslogs driver does. stdout and stderr are separate pipes, so only
    // each one's own order is certain.
    INFO("messages: " << nlohmann::json(messages).dump());
    REQUIRE(messages.size() == 3);
    CHECK(std::find(messages.begin(), messages.end(), "oops") != messages.end());
    std::erase(messages, "oops");
    CHECK(messages == std::vector<std::string>{"starting", "done"});
    const auto& events = out["events"];
    for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1]["timestamp"] <= events[i]["timestamp"]);
    for (const auto& event : out["events"]) CHECK(std::abs(event["timestamp"].get<std::int64_t>() - logs::LogsService::now_ms()) < 60000);
  }
  std::filesystem::remove_all(dir);
}

}  // TEST_SUITE
