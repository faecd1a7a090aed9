#include "routing/health_state.hpp"

#include <algorithm>
#include <charconv>

namespace albatross::routing {
namespace {

struct StateName {
  HealthState state;
  std::string_view name;
};

constexpr StateName kStateNames[] = {
    {HealthState::Initial, "initial"},   {HealthState::Healthy, "healthy"},
    {HealthState::Unhealthy, "unhealthy"}, {HealthState::Unused, "unused"},
    {HealthState::Draining, "draining"}, {HealthState::Unavailable, "unavailable"},
};

constexpr std::string_view kRegistrationInProgress = "Elb.RegistrationInProgress";

// How each failed probe is reported (§5.3). Bad statuses get their codes appended to the description.
struct FailureText {
  ProbeOutcome::Kind kind;
  std::string_view reason;
  std::string_view description;
};

constexpr FailureText kFailureTexts[] = {
    {ProbeOutcome::Kind::BadStatus, "Target.ResponseCodeMismatch", "Health checks failed with these codes: "},
    {ProbeOutcome::Kind::Timeout, "Target.Timeout", "Request timed out"},
    {ProbeOutcome::Kind::ConnectFailed, "Target.FailedHealthChecks", "Health checks failed"},
    {ProbeOutcome::Kind::Reset, "Target.FailedHealthChecks", "Health checks failed"},
    {ProbeOutcome::Kind::Malformed, "Target.FailedHealthChecks", "Health checks failed"},
    {ProbeOutcome::Kind::TlsError, "Target.FailedHealthChecks", "Health checks failed"},
    {ProbeOutcome::Kind::InternalError, "Elb.InternalError", "Health checks failed due to an internal error"},
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::optional<int> parse_code(std::string_view text) {
  text = trim(text);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// One element of a matcher: "200" or "200-299"; nullopt when malformed.
std::optional<std::pair<int, int>> parse_range(std::string_view element) {
  const auto dash = element.find('-');
  const auto low = parse_code(element.substr(0, dash));
  const auto high = dash == std::string_view::npos ? low : parse_code(element.substr(dash + 1));
  if (!low || !high || *low > *high) return std::nullopt;
  return std::pair{*low, *high};
}

TargetHealth make(HealthState state, std::string_view reason, std::string_view description) {
  return {state, std::string(reason), std::string(description)};
}

}  // namespace

std::string_view to_string(HealthState state) {
  for (const auto& entry : kStateNames)
    if (entry.state == state) return entry.name;
  return "unavailable";
}

std::optional<HealthState> parse_health_state(std::string_view text) {
  for (const auto& entry : kStateNames)
    if (entry.name == text) return entry.state;
  return std::nullopt;
}

bool matcher_accepts(std::string_view matcher, int status) {
  bool accepted = false;
  while (true) {
    const auto comma = matcher.find(',');
    const auto range = parse_range(matcher.substr(0, comma));
    if (!range) return false;  // a malformed spec accepts nothing rather than guessing
    if (status >= range->first && status <= range->second) accepted = true;
    if (comma == std::string_view::npos) return accepted;
    matcher.remove_prefix(comma + 1);
  }
}

ProbeOutcome classify_http_status(std::string_view matcher, int status) {
  return matcher_accepts(matcher, status) ? ProbeOutcome::success(status) : ProbeOutcome::bad_status(status);
}

TargetHealthView view_of(const TargetHealth& health) {
  return {std::string(to_string(health.state)), health.reason, health.description};
}

TargetHealth registration_in_progress() {
  return make(HealthState::Initial, kRegistrationInProgress, "Target registration is in progress");
}
TargetHealth draining_health() {
  return make(HealthState::Draining, "Target.DeregistrationInProgress", "Target deregistration is in progress");
}
TargetHealth not_in_use_health() {
  return make(HealthState::Unused, "Target.NotInUse",
              "Target group is not configured to receive traffic from the load balancer");
}
TargetHealth not_registered_health() {
  return make(HealthState::Unused, "Target.NotRegistered", "Target is not registered to the target group");
}
TargetHealth checks_disabled_health() {
  return make(HealthState::Unavailable, "Target.HealthCheckDisabled", "Health checks are disabled");
}

HealthStateMachine::HealthStateMachine(int healthy_threshold, int unhealthy_threshold)
    : healthy_threshold_(std::max(1, healthy_threshold)),
      unhealthy_threshold_(std::max(1, unhealthy_threshold)),
      health_(registration_in_progress()) {}

void HealthStateMachine::start_checking() {
  if (health_.state == HealthState::Initial)
    health_ = make(HealthState::Initial, "Elb.InitialHealthChecking", "Initial health checks in progress");
}

bool HealthStateMachine::record(const ProbeOutcome& outcome) {
  const TargetHealth before = health_;
  if (health_.reason == kRegistrationInProgress) start_checking();  // a result proves checks have started
  if (outcome.kind == ProbeOutcome::Kind::Success)
    on_success();
  else
    on_failure(outcome);
  return health_ != before;
}

void HealthStateMachine::on_success() {
  failures_ = 0;
  failure_codes_.clear();
  ++successes_;
  // A new target needs one passing check (§5.3); a failed one needs HealthyThresholdCount in a row.
  const bool rise = health_.state == HealthState::Initial ||
                    (health_.state == HealthState::Unhealthy && successes_ >= healthy_threshold_);
  if (rise) health_ = make(HealthState::Healthy, "", "");
}

void HealthStateMachine::on_failure(const ProbeOutcome& outcome) {
  successes_ = 0;
  ++failures_;
  if (outcome.kind == ProbeOutcome::Kind::BadStatus &&
      std::find(failure_codes_.begin(), failure_codes_.end(), outcome.status) == failure_codes_.end())
    failure_codes_.push_back(outcome.status);
  // Unhealthy targets always show their latest failure; others only once the fall count is reached.
  if (health_.state == HealthState::Unhealthy || failures_ >= unhealthy_threshold_) describe_failure(outcome);
}

void HealthStateMachine::describe_failure(const ProbeOutcome& outcome) {
  const FailureText* text = &kFailureTexts[2];  // "Health checks failed" for anything unlisted
  for (const auto& entry : kFailureTexts)
    if (entry.kind == outcome.kind) text = &entry;
  std::string description(text->description);
  if (outcome.kind == ProbeOutcome::Kind::BadStatus) {
    description += "[";
    for (std::size_t i = 0; i < failure_codes_.size(); ++i)
      description += (i ? ", " : "") + std::to_string(failure_codes_[i]);
    description += "]";
  }
  health_ = {HealthState::Unhealthy, std::string(text->reason), std::move(description)};
}

}  // namespace albatross::routing
