// The in-process path (awslogs driver) and event reading, on a real SQLite file.
#include "services/logs/logs_service.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <thread>

#include "storage/database.hpp"

using namespace albatross;
using nlohmann::json;

namespace {

struct Fixture {
  std::filesystem::path dir;
  std::optional<storage::Database> db;
  std::optional<logs::LogsService> service;
  ServiceDefinition definition;
  std::mutex posted_mutex;
  std::deque<std::function<void()>> posted;  // what the sink asked to run on the control thread

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("albatross-logs-test-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir);
    db.emplace(dir / "state.db");
    service.emplace(logs::LogsDependencies{*db, [this](std::function<void()> work) {
                                             std::lock_guard lock(posted_mutex);
                                             posted.push_back(std::move(work));
                                           }});
    definition = service->definition();
  }
  ~Fixture() {
    service.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  json call(const std::string& operation, const json& in) {
    RequestContext ctx{"123456789012", "us-east-1", "req", "logs", operation};
    json out;
    db->in_transaction([&] { out = definition.handlers.at(operation)(ctx, in); });
    return out;
  }
  std::size_t run_posted() {
    std::deque<std::function<void()>> work;
    {
      std::lock_guard lock(posted_mutex);
      work.swap(posted);
    }
    for (auto& item : work) item();
    return work.size();
  }
};

const storage::Scope kScope{"123456789012", "us-east-1"};

json with(json base, const json& extra) {
  base.update(extra);
  return base;
}

}  // namespace

TEST_CASE("append creates the stream, and the group only when allowed") {
  Fixture f;
  const auto now = logs::LogsService::now_ms();
  CHECK_FALSE(f.service->append({kScope, "/ecs/app", "web/c1/abc", false}, {{now, "dropped"}}));
  CHECK_FALSE(f.service->log_group_exists(kScope, "/ecs/app"));
  CHECK(f.service->append({kScope, "/ecs/app", "web/c1/abc", true}, {{now + 1, "second"}, {now, "first"}}));
  CHECK(f.service->log_group_exists(kScope, "/ecs/app"));
  const auto out = f.call("GetLogEvents", {{"logGroupName", "/ecs/app"}, {"logStreamName", "web/c1/abc"}, {"startFromHead", true}});
  REQUIRE(out["events"].size() == 2);
  CHECK(out["events"][0]["message"] == "first");  // ordered by timestamp
  CHECK(out["events"][1]["message"] == "second");
  const auto streams = f.call("DescribeLogStreams", {{"logGroupName", "/ecs/app"}});
  CHECK(streams["logStreams"][0]["firstEventTimestamp"] == now);
  CHECK(streams["logStreams"][0]["lastEventTimestamp"] == now + 1);
}

TEST_CASE("the sink batches lines from other threads into one post per flush") {
  Fixture f;
  const logs::AwslogsDestination destination{kScope, "/ecs/batch", "s", true};
  const auto now = logs::LogsService::now_ms();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) f.service->sink().push(destination, now + i, "t" + std::to_string(t) + " line " + std::to_string(i));
    });
  for (auto& writer : writers) writer.join();
  f.service->sink().push(destination, now, "");  // empty lines are dropped
  CHECK(f.service->sink().pending() == 1000);
  CHECK(f.run_posted() == 1);  // one flush posted for the whole burst
  CHECK(f.service->sink().pending() == 0);
  const auto out = f.call("FilterLogEvents", {{"logGroupName", "/ecs/batch"}});
  CHECK(out["events"].size() == 1000);
  f.service->sink().push(destination, now, "later");
  CHECK(f.run_posted() == 1);  // the next line posts the next flush
}

TEST_CASE("GetLogEvents pages forward and backward with f/ and b/ tokens") {
  Fixture f;
  const auto now = logs::LogsService::now_ms();
  std::vector<logs::NewEvent> events;
  for (int i = 0; i < 5; ++i) events.push_back({now + i, "m" + std::to_string(i)});
  REQUIRE(f.service->append({kScope, "g", "s", true}, events));
  const json base = {{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2}};
  auto tail = f.call("GetLogEvents", base);  // default: the newest events
  REQUIRE(tail["events"].size() == 2);
  CHECK(tail["events"][0]["message"] == "m3");
  CHECK(tail["events"][1]["message"] == "m4");
  auto back = f.call("GetLogEvents", with(base, json({{"nextToken", tail["nextBackwardToken"]}})));
  CHECK(back["events"][0]["message"] == "m1");
  CHECK(back["events"][1]["message"] == "m2");
  auto end = f.call("GetLogEvents", with(base, json({{"nextToken", tail["nextForwardToken"]}})));
  CHECK(end["events"].empty());
  CHECK(end["nextForwardToken"] == tail["nextForwardToken"]);  // the end: the token repeats
  auto head = f.call("GetLogEvents", with(base, json({{"startFromHead", true}})));
  CHECK(head["events"][0]["message"] == "m0");
  auto range = f.call("GetLogEvents", with(base, json({{"startTime", now + 1}, {"endTime", now + 2}, {"startFromHead", true}})));
  REQUIRE(range["events"].size() == 1);
  CHECK(range["events"][0]["message"] == "m1");
  CHECK_THROWS_AS(f.call("GetLogEvents", with(base, json({{"nextToken", "f/bogus"}}))), AwsError);
}
