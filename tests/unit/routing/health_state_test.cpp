#include "routing/health_state.hpp"

#include <doctest/doctest.h>

using namespace albatross::routing;

namespace {

void check_health(const HealthStateMachine& m, HealthState state, std::string reason, std::string description) {
  CHECK(m.state() == state);
  CHECK(m.health().reason == reason);
  CHECK(m.health().description == description);
}

// A target that passed its first check (default thresholds: healthy 5, unhealthy 2).
HealthStateMachine healthy_machine(int healthy = 5, int unhealthy = 2) {
  HealthStateMachine m(healthy, unhealthy);
  m.start_checking();
  m.record(ProbeOutcome::success());
  return m;
}

}  // namespace

TEST_SUITE("routing.health_state") {
  TEST_CASE("registration, then initial health checking") {
    HealthStateMachine m(5, 2);
    check_health(m, HealthState::Initial, "Elb.RegistrationInProgress", "Target registration is in progress");
    m.start_checking();
    check_health(m, HealthState::Initial, "Elb.InitialHealthChecking", "Initial health checks in progress");
  }

  TEST_CASE("initial: one success makes the target healthy, reason and description absent") {
    HealthStateMachine m(5, 2);
    m.start_checking();
    CHECK(m.record(ProbeOutcome::success()));
    check_health(m, HealthState::Healthy, "", "");
  }

  TEST_CASE("a result before start_checking implies checking has started") {
    HealthStateMachine m(5, 3);
    CHECK(m.record(ProbeOutcome::timeout()));
    check_health(m, HealthState::Initial, "Elb.InitialHealthChecking", "Initial health checks in progress");
  }

  TEST_CASE("initial: UnhealthyThresholdCount consecutive failures make it unhealthy") {
    HealthStateMachine m(5, 3);
    m.start_checking();
    CHECK_FALSE(m.record(ProbeOutcome::bad_status(404)));
    CHECK_FALSE(m.record(ProbeOutcome::bad_status(404)));
    check_health(m, HealthState::Initial, "Elb.InitialHealthChecking", "Initial health checks in progress");
    CHECK(m.record(ProbeOutcome::bad_status(404)));
    check_health(m, HealthState::Unhealthy, "Target.ResponseCodeMismatch",
                 "Health checks failed with these codes: [404]");
  }

  TEST_CASE("healthy -> unhealthy only after UnhealthyThresholdCount consecutive failures") {
    auto m = healthy_machine(5, 2);
    CHECK_FALSE(m.record(ProbeOutcome::timeout()));
    check_health(m, HealthState::Healthy, "", "");
    CHECK_FALSE(m.record(ProbeOutcome::success()));  // the run is broken
    CHECK_FALSE(m.record(ProbeOutcome::timeout()));
    CHECK(m.record(ProbeOutcome::timeout()));
    check_health(m, HealthState::Unhealthy, "Target.Timeout", "Request timed out");
  }

  TEST_CASE("unhealthy -> healthy after HealthyThresholdCount consecutive successes") {
    auto m = healthy_machine(3, 2);
    m.record(ProbeOutcome::connect_failed());
    m.record(ProbeOutcome::connect_failed());
    check_health(m, HealthState::Unhealthy, "Target.FailedHealthChecks", "Health checks failed");
    CHECK_FALSE(m.record(ProbeOutcome::success()));
    CHECK_FALSE(m.record(ProbeOutcome::success()));
    CHECK(m.consecutive_successes() == 2);
    check_health(m, HealthState::Unhealthy, "Target.FailedHealthChecks", "Health checks failed");
    CHECK(m.record(ProbeOutcome::success()));
    check_health(m, HealthState::Healthy, "", "");
  }

  TEST_CASE("a failure while recovering restarts the success count") {
    auto m = healthy_machine(2, 2);
    m.record(ProbeOutcome::reset());
    m.record(ProbeOutcome::reset());
    m.record(ProbeOutcome::success());
    m.record(ProbeOutcome::malformed());
    CHECK(m.consecutive_successes() == 0);
    m.record(ProbeOutcome::success());
    CHECK(m.state() == HealthState::Unhealthy);
    m.record(ProbeOutcome::success());
    CHECK(m.state() == HealthState::Healthy);
  }

  TEST_CASE("while unhealthy the reason follows the latest failure") {
    auto m = healthy_machine(5, 2);
    m.record(ProbeOutcome::bad_status(500));
    m.record(ProbeOutcome::bad_status(404));
    check_health(m, HealthState::Unhealthy, "Target.ResponseCodeMismatch",
                 "Health checks failed with these codes: [500, 404]");
    CHECK(m.record(ProbeOutcome::timeout()));
    check_health(m, HealthState::Unhealthy, "Target.Timeout", "Request timed out");
    CHECK(m.record(ProbeOutcome::tls_error()));
    check_health(m, HealthState::Unhealthy, "Target.FailedHealthChecks", "Health checks failed");
    CHECK(m.record(ProbeOutcome::internal_error()));
    check_health(m, HealthState::Unhealthy, "Elb.InternalError", "Health checks failed due to an internal error");
    CHECK_FALSE(m.record(ProbeOutcome::internal_error()));  // unchanged report
  }

  TEST_CASE("repeated codes are listed once") {
    auto m = healthy_machine(5, 3);
    m.record(ProbeOutcome::bad_status(404));
    m.record(ProbeOutcome::bad_status(404));
    m.record(ProbeOutcome::bad_status(404));
    check_health(m, HealthState::Unhealthy, "Target.ResponseCodeMismatch",
                 "Health checks failed with these codes: [404]");
  }

  TEST_CASE("matcher specs: single, list, range, combined, malformed") {
    CHECK(matcher_accepts("200", 200));
    CHECK_FALSE(matcher_accepts("200", 201));
    CHECK(matcher_accepts("200,202", 202));
    CHECK_FALSE(matcher_accepts("200,202", 201));
    CHECK(matcher_accepts("200-299", 204));
    CHECK_FALSE(matcher_accepts("200-299", 302));
    CHECK(matcher_accepts("200-299,302", 302));
    CHECK(matcher_accepts(" 200 , 301-302 ", 301));
    CHECK_FALSE(matcher_accepts("", 200));
    CHECK_FALSE(matcher_accepts("abc", 200));
    CHECK_FALSE(matcher_accepts("299-200", 250));
    CHECK_FALSE(matcher_accepts("200,", 200));
    CHECK(classify_http_status("200", 200).kind == ProbeOutcome::Kind::Success);
    const auto redirect = classify_http_status("200", 301);  // 3xx fails unless matched
    CHECK(redirect.kind == ProbeOutcome::Kind::BadStatus);
    CHECK(redirect.status == 301);
  }

  TEST_CASE("state names and the registry view") {
    CHECK(to_string(HealthState::Unhealthy) == "unhealthy");
    CHECK(parse_health_state("draining") == HealthState::Draining);
    CHECK_FALSE(parse_health_state("bogus"));
    for (auto s : {HealthState::Initial, HealthState::Healthy, HealthState::Unhealthy, HealthState::Unused,
                   HealthState::Draining, HealthState::Unavailable})
      CHECK(parse_health_state(to_string(s)) == s);
    const auto view = view_of(draining_health());
    CHECK(view.state == "draining");
    CHECK(view.reason == "Target.DeregistrationInProgress");
    CHECK(view.description == "Target deregistration is in progress");
    CHECK(not_in_use_health().description ==
          "Target group is not configured to receive traffic from the load balancer");
    CHECK(not_registered_health().reason == "Target.NotRegistered");
    CHECK(not_registered_health().description == "Target is not registered to the target group");
    CHECK(checks_disabled_health().state == HealthState::Unavailable);
    CHECK(checks_disabled_health().description == "Health checks are disabled");
    CHECK(registration_in_progress().reason == "Elb.RegistrationInProgress");
  }
}
