#include "services/ecs/service_events.hpp"

#include <doctest/doctest.h>

using namespace albatross::ecs::events;

namespace {
const std::string kTg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
}

TEST_SUITE("ecs.service_events") {
  TEST_CASE("task launch and stop messages list each task") {
    CHECK(tasks_started("web", {"aaa", "bbb"}) == "(service web) has started 2 tasks: (task aaa) (task bbb).");
    CHECK(tasks_started("web", {"aaa"}, 1) ==
          "(service web) has started 1 tasks: (task aaa). Amazon ECS replaced 1 tasks due to an unhealthy status.");
    CHECK(running_tasks_stopped("web", {"aaa"}) == "(service web) has stopped 1 running tasks: (task aaa).");
    CHECK(pending_tasks_stopped("web", 3) == "(service web) stopped 3 pending tasks.");
  }

  TEST_CASE("load balancer messages: registration has no final period") {
    CHECK(targets_registered("web", 1, kTg) == "(service web) registered 1 targets in (target-group " + kTg + ")");
    CHECK(targets_deregistered("web", 2, kTg) == "(service web) deregistered 2 targets in (target-group " + kTg + ")");
    CHECK(draining_began("web", "ecs-svc/8045142110272152487", 1) ==
          "(service web, taskSet ecs-svc/8045142110272152487) has begun draining connections on 1 tasks.");
    CHECK(target_unhealthy("web", "aaa", 8080, kTg, "Health checks failed with these codes: [503]") ==
          "(service web) (task aaa) (port 8080) is unhealthy in (target-group " + kTg +
              ") due to (reason Health checks failed with these codes: [503]).");
    CHECK(container_health_failed("web", "aaa") == "(service web) (task aaa) failed container health checks.");
  }

  TEST_CASE("deployment lifecycle messages") {
    CHECK(deployment_completed("web", "ecs-svc/1") == "(service web) (deployment ecs-svc/1) deployment completed.");
    CHECK(steady_state("web") == "(service web) has reached a steady state.");
    CHECK(deployment_failed("web", "ecs-svc/2") ==
          "(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.");
    CHECK(rolling_back("web", "ecs-svc/1") == "(service web) rolling back to deployment ecs-svc/1.");
    CHECK(unable_to_start_consistently("web") == "(service web) is unable to consistently start tasks successfully.");
  }

  TEST_CASE("configuration messages use the 'service (<name>)' prefix") {
    CHECK(deployment_stuck("web") ==
          "service (web) was unable to stop or start tasks during a deployment because of the service deployment "
          "configuration. Update the minimumHealthyPercent or maximumPercent value and try again.");
    CHECK(unable_to_place("web") ==
          "service (web) was unable to place a task because no container instance met all of its requirements.");
  }

  TEST_CASE("stoppedReason and rolloutStateReason texts") {
    CHECK(scaling_stop_reason("ecs-svc/8045142110272152487") ==
          "Scaling activity initiated by (deployment ecs-svc/8045142110272152487)");
    CHECK(elb_health_stop_reason(kTg) == "Task failed ELB health checks in (target-group " + kTg + ")");
    CHECK(std::string(kContainerHealthStopReason) == "Task failed container health checks");
    CHECK(rollout_in_progress_reason("ecs-svc/1") == "ECS deployment ecs-svc/1 in progress.");
    CHECK(rollout_completed_reason("ecs-svc/1") == "ECS deployment ecs-svc/1 completed.");
    CHECK(rollout_rollback_reason("ecs-svc/1") ==
          "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.");
    CHECK(std::string(kCircuitBreakerFailedReason) == "ECS deployment circuit breaker: tasks failed to start.");
  }
}
