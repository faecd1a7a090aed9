#pragma once
// One target's health as AWS reports it (§5.2–5.3), driven by probe outcomes: a rise/fall counter state
// machine (HAProxy check.c) with the outcome → reason-code table in one place (HAProxy check_statuses[]).
// Pure; the health checker owns one per target on the control thread and publishes view_of(health()).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/health_registry.hpp"

namespace albatross::routing {

enum class HealthState { Initial, Healthy, Unhealthy, Unused, Draining, Unavailable };

std::string_view to_string(HealthState state);  // "initial", "healthy", ...
std::optional<HealthState> parse_health_state(std::string_view text);

struct ProbeOutcome {
  enum class Kind { Success, BadStatus, Timeout, ConnectFailed, Reset, Malformed, TlsError, InternalError };
  Kind kind = Kind::Success;
  int status = 0;  // the HTTP status received (Success and BadStatus)

  static ProbeOutcome success(int status = 200) { return {Kind::Success, status}; }
  static ProbeOutcome bad_status(int status) { return {Kind::BadStatus, status}; }
  static ProbeOutcome timeout() { return {Kind::Timeout, 0}; }
  static ProbeOutcome connect_failed() { return {Kind::ConnectFailed, 0}; }
  static ProbeOutcome reset() { return {Kind::Reset, 0}; }
  static ProbeOutcome malformed() { return {Kind::Malformed, 0}; }
  static ProbeOutcome tls_error() { return {Kind::TlsError, 0}; }
  static ProbeOutcome internal_error() { return {Kind::InternalError, 0}; }
};

// Whether `status` is inside a Matcher.HttpCode spec: "200", "200,202", "200-299", "200-299,302".
// A malformed spec matches nothing.
bool matcher_accepts(std::string_view matcher, int status);
// The probe outcome of an HTTP response with `status` under `matcher`.
ProbeOutcome classify_http_status(std::string_view matcher, int status);

struct TargetHealth {
  HealthState state = HealthState::Initial;
  std::string reason;       // empty when healthy
  std::string description;  // empty when healthy
  bool operator==(const TargetHealth&) const = default;
};

TargetHealthView view_of(const TargetHealth& health);

// The fixed states the control plane reports without probing (§5.3 table).
TargetHealth registration_in_progress();  // initial / Elb.RegistrationInProgress
TargetHealth draining_health();           // draining / Target.DeregistrationInProgress
TargetHealth not_in_use_health();         // unused / Target.NotInUse
TargetHealth not_registered_health();     // unused / Target.NotRegistered
TargetHealth checks_disabled_health();    // unavailable / Target.HealthCheckDisabled

class HealthStateMachine {
 public:
  HealthStateMachine(int healthy_threshold, int unhealthy_threshold);

  // Probing has begun: initial/Elb.RegistrationInProgress -> initial/Elb.InitialHealthChecking.
  void start_checking();
  // Feeds one probe result; returns true when the reported health (state, reason or description) changed.
  bool record(const ProbeOutcome& outcome);

  const TargetHealth& health() const { return health_; }
  HealthState state() const { return health_.state; }
  int consecutive_successes() const { return successes_; }
  int consecutive_failures() const { return failures_; }

 private:
  void on_success();
  void on_failure(const ProbeOutcome& outcome);
  void describe_failure(const ProbeOutcome& outcome);

  int healthy_threshold_;
  int unhealthy_threshold_;
  int successes_ = 0;
  int failures_ = 0;
  std::vector<int> failure_codes_;  // distinct bad statuses of the current failure run, first seen first
  TargetHealth health_;
};

}  // namespace albatross::routing
