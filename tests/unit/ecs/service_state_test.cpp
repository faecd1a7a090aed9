#include "services/ecs/service_state.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace albatross::ecs;

TEST_CASE("deployments survive the round trip through the stored service, bookkeeping included") {
  json service = {{"serviceName", "web"}, {"taskDefinition", "arn:td:1"}, {"desiredCount", 2},
                  {"launchType", "FARGATE"}, {"events", json::array()}};
  service["deployments"] = json::array({new_deployment("ecs-svc/1234567890123456789", service, 1700000000.5)});
  auto deployments = planner_deployments(service);
  REQUIRE(deployments.size() == 1);
  CHECK(deployments[0].status == "PRIMARY");
  CHECK(deployments[0].rollout_state == "IN_PROGRESS");
  CHECK(epoch_seconds(deployments[0].created_at) == doctest::Approx(1700000000.5));
  deployments[0].had_healthy_task = true;
  deployments[0].consecutive_start_failures = 2;
  deployments[0].running_count = 2;
  store_deployments(service, deployments);
  CHECK(service["deployments"][0]["runningCount"] == 2);
  CHECK(service["deployments"][0]["launchType"] == "FARGATE");  // API members kept
  CHECK_FALSE(service["deployments"][0].contains("hadHealthyTask"));  // bookkeeping stays private
  const auto again = planner_deployments(service);
  CHECK(again[0].had_healthy_task);
  CHECK(again[0].consecutive_start_failures == 2);
}

TEST_CASE("events are prepended newest first and capped at 100") {
  json service = json::object();
  for (int i = 0; i < 120; ++i) add_events(service, {"m" + std::to_string(i)}, 1.0 * i);
  REQUIRE(service["events"].size() == 100);
  CHECK(service["events"][0]["message"] == "m119");
  add_events(service, {"first", "second"}, 200.0);
  CHECK(service["events"][0]["message"] == "second");
  CHECK(service["events"][1]["message"] == "first");
  CHECK(service["events"][0]["id"].get<std::string>().size() == 36);
}

TEST_CASE("the planner's view of a service") {
  json service = {{"serviceName", "web"}, {"desiredCount", 3}, {"loadBalancers", json::array({json::object()})},
                  {"deploymentConfiguration", {{"minimumHealthyPercent", 50}, {"maximumPercent", 150},
                                               {"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}}}}};
  const auto view = planner_service(service, 7);
  CHECK(view.desired_count == 3);
  CHECK(view.has_load_balancers);
  CHECK(view.deployment_configuration.minimum_healthy_percent == 50);
  CHECK(view.deployment_configuration.maximum_percent == 150);
  CHECK(view.deployment_configuration.circuit_breaker.rollback);
  CHECK(view.health_check_grace_period_seconds == 7);
}
