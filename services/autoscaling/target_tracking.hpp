#pragma once
// Target tracking as Application Auto Scaling runs it (pure): the two CloudWatch alarms AWS creates for each
// policy (AlarmHigh: metric above the target for 3 consecutive one-minute datapoints; AlarmLow: below 90 % of
// the target for 15), the capacity that brings the metric back to the target, and the decision over all of
// a scalable target's policies with cooldowns, suspension and [MinCapacity, MaxCapacity].

#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace albatross::autoscaling {

inline constexpr int kScaleOutDatapoints = 3;
inline constexpr int kScaleInDatapoints = 15;
inline constexpr double kScaleInThreshold = 0.9;  // of the target value
inline constexpr double kDefaultEcsCooldownSeconds = 300;

// The latest datapoints of one policy's metric, newest last. A missing datapoint (no data that minute) breaks
// a streak, as CloudWatch's alarms (which treat missing data as missing) would.
class DatapointWindow {
 public:
  void add(std::optional<double> value);
  // The last `count` datapoints all exist and are > threshold (above) / < threshold (below).
  bool above(double threshold, int count) const;
  bool below(double threshold, int count) const;
  std::optional<double> latest() const { return values_.empty() ? std::nullopt : values_.back(); }
  std::size_t size() const { return values_.size(); }

 private:
  std::deque<std::optional<double>> values_;
};

enum class AlarmState { Ok, High, Low };  // High: AlarmHigh in ALARM; Low: AlarmLow in ALARM
AlarmState alarm_state(const DatapointWindow& window, double target, bool scale_in_enabled);

// ceil(capacity × metric / target): the capacity at which the measured load would sit at the target (a small
// tolerance keeps 5 × 1.0000000001 from becoming 6).
long long tracking_capacity(long long measured_capacity, double metric, double target);

struct PolicyView {
  std::string name;
  AlarmState alarm = AlarmState::Ok;
  long long proposed = 0;  // tracking_capacity of the latest datapoint
  bool scale_in_enabled = true;
  double scale_out_cooldown = kDefaultEcsCooldownSeconds;  // seconds, on the caller's clock
  double scale_in_cooldown = kDefaultEcsCooldownSeconds;
  std::string alarm_high, alarm_low;  // CloudWatch alarm names, for the activity's cause
};

struct TargetView {
  long long current = 0;  // the service's desiredCount
  long long min_capacity = 0;
  long long max_capacity = 0;
  bool scale_out_suspended = false;  // SuspendedState.DynamicScalingOutSuspended
  bool scale_in_suspended = false;   // SuspendedState.DynamicScalingInSuspended
};

// Per scalable target: the cooldowns still running.
struct CooldownState {
  double scale_out_until = -std::numeric_limits<double>::infinity();
  long long scale_out_capacity = 0;  // what the scale-out that started the cooldown set
  double scale_in_until = -std::numeric_limits<double>::infinity();
};

struct ScalingDecision {
  long long capacity = 0;
  bool scale_out = false;
  std::string policy;  // the policy that triggered it
  std::string alarm;   // and its alarm in state ALARM
  double cooldown = 0;
};

// Scale out when any policy's AlarmHigh is in ALARM (to the largest capacity any of them asks for); scale in
// only when every policy that may scale in has its AlarmLow in ALARM (to the largest of their capacities, the
// conservative one). During a scale-out cooldown only a larger scale-out goes ahead; scale-in waits for its
// cooldown, which a scale-out ends. Always within [min, max]; nothing when the direction is suspended.
std::optional<ScalingDecision> decide(const TargetView& target, const std::vector<PolicyView>& policies,
                                      const CooldownState& cooldowns, double now);
// Starts the cooldown a decision carried out implies.
void note_scaling(CooldownState& cooldowns, const ScalingDecision& decision, double now);

// Where RegisterScalableTarget moves a capacity outside a new range: into it.
long long clamp_capacity(long long current, long long min_capacity, long long max_capacity);

}  // namespace albatross::autoscaling
