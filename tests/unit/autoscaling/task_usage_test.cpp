#include "services/autoscaling/task_usage.hpp"

#include <doctest/doctest.h>

using namespace albatross::autoscaling;
using nlohmann::json;

TEST_CASE("a task reserves its task-level cpu and memory, else the sum of its containers'") {
  const auto fargate = task_reservation(json{{"cpu", "256"}, {"memory", "512"}, {"containers", json::array()}});
  CHECK(fargate.cpu_units == 256);
  CHECK(fargate.memory_mib == 512);
  const auto units = task_reservation(json{{"cpu", "1 vCPU"}, {"memory", "2 GB"}});
  CHECK(units.cpu_units == 1024);
  CHECK(units.memory_mib == 2048);
  const auto ec2 = task_reservation(json{{"containers", json::array({{{"cpu", "128"}, {"memory", "300"}},
                                                                      {{"cpu", "0"}, {"memoryReservation", "100"}}})}});
  CHECK(ec2.cpu_units == 128);
  CHECK(ec2.memory_mib == 400);
  const auto none = task_reservation(json{{"containers", json::array({{{"cpu", "0"}}})}});
  CHECK(none.cpu_units == 0);
  CHECK(none.memory_mib == 0);
}

TEST_CASE("CPU units used come from two samples of the cumulative counters") {
  albatross::docker::ContainerStats before, after;
  before.running = after.running = true;
  after.online_cpus = before.online_cpus = 2;
  before.cpu_total_ns = 1'000'000'000;
  before.system_cpu_ns = 100'000'000'000;
  after.cpu_total_ns = 1'500'000'000;     // 0.5 s of CPU...
  after.system_cpu_ns = 102'000'000'000;  // ...in 1 s of wall time on 2 CPUs (2 s of host CPU time)
  const auto used = cpu_units_used(before, after);
  REQUIRE(used);
  CHECK(*used == doctest::Approx(512));  // half a vCPU
  CHECK_FALSE(cpu_units_used(after, after));  // no time passed
  CHECK_FALSE(cpu_units_used(after, before));  // counters went back (restart)
  albatross::docker::ContainerStats stopped = after;
  stopped.running = false;
  CHECK_FALSE(cpu_units_used(before, stopped));
}

TEST_CASE("service utilization is the used total over the reserved total") {
  UsageTotals totals;
  CHECK_FALSE(totals.utilization());
  totals.add(512, 256);
  totals.add(0, 256);
  REQUIRE(totals.utilization());
  CHECK(*totals.utilization() == doctest::Approx(100));
  CHECK(totals.tasks == 2);
}

TEST_CASE("Docker stats: CPU counters and memory without the inactive page cache") {
  const auto v2 = albatross::docker::parse_container_stats(json::parse(R"({
    "cpu_stats": {"cpu_usage": {"total_usage": 123}, "system_cpu_usage": 456, "online_cpus": 4},
    "memory_stats": {"usage": 10485760, "limit": 536870912, "stats": {"inactive_file": 2097152}}})"));
  CHECK(v2.running);
  CHECK(v2.cpu_total_ns == 123);
  CHECK(v2.system_cpu_ns == 456);
  CHECK(v2.online_cpus == 4);
  CHECK(v2.memory_bytes == 8388608);
  CHECK(v2.memory_limit_bytes == 536870912);
  const auto v1 = albatross::docker::parse_container_stats(json::parse(R"({
    "cpu_stats": {"cpu_usage": {"total_usage": 5, "percpu_usage": [1, 2, 2]}, "system_cpu_usage": 9},
    "memory_stats": {"usage": 300, "stats": {"total_inactive_file": 100}}})"));
  CHECK(v1.online_cpus == 3);
  CHECK(v1.memory_bytes == 200);
  const auto stopped = albatross::docker::parse_container_stats(json::parse(R"({"cpu_stats": {}, "memory_stats": {}})"));
  CHECK_FALSE(stopped.running);
}
