#include "services/autoscaling/target_tracking.hpp"

#include <algorithm>
#include <cmath>

namespace albatross::autoscaling {

void DatapointWindow::add(std::optional<double> value) {
  values_.push_back(value);
  while (values_.size() > static_cast<std::size_t>(kScaleInDatapoints)) values_.pop_front();
}

bool DatapointWindow::above(double threshold, int count) const {
  if (values_.size() < static_cast<std::size_t>(count)) return false;
  return std::all_of(values_.end() - count, values_.end(), [&](const auto& v) { return v && *v > threshold; });
}

bool DatapointWindow::below(double threshold, int count) const {
  if (values_.size() < static_cast<std::size_t>(count)) return false;
  return std::all_of(values_.end() - count, values_.end(), [&](const auto& v) { return v && *v < threshold; });
}

AlarmState alarm_state(const DatapointWindow& window, double target, bool scale_in_enabled) {
  if (window.above(target, kScaleOutDatapoints)) return AlarmState::High;
  if (scale_in_enabled && window.below(target * kScaleInThreshold, kScaleInDatapoints)) return AlarmState::Low;
  return AlarmState::Ok;
}

long long tracking_capacity(long long measured_capacity, double metric, double target) {
  if (target <= 0 || metric <= 0 || measured_capacity <= 0) return 0;
  const double exact = static_cast<double>(measured_capacity) * metric / target;
  return static_cast<long long>(std::ceil(exact - 1e-9));
}

long long clamp_capacity(long long current, long long min_capacity, long long max_capacity) {
  return std::clamp(current, min_capacity, std::max(min_capacity, max_capacity));
}

std::optional<ScalingDecision> decide(const TargetView& target, const std::vector<PolicyView>& policies,
                                      const CooldownState& cooldowns, double now) {
  auto clamp = [&](long long capacity) { return clamp_capacity(capacity, target.min_capacity, target.max_capacity); };

  // Scale out: any policy in AlarmHigh, the largest ask wins.
  const PolicyView* out = nullptr;
  for (const auto& policy : policies)
    if (policy.alarm == AlarmState::High && (!out || policy.proposed > out->proposed)) out = &policy;
  if (out && !target.scale_out_suspended) {
    const long long capacity = clamp(out->proposed);
    const bool cooling = now < cooldowns.scale_out_until;
    if (capacity > target.current && (!cooling || capacity > cooldowns.scale_out_capacity))
      return ScalingDecision{capacity, true, out->name, out->alarm_high, out->scale_out_cooldown};
    return std::nullopt;  // a policy wants more: none may scale in meanwhile
  }
  if (out) return std::nullopt;

  // Scale in: every policy that may scale in agrees; the largest (most conservative) capacity wins.
  const PolicyView* in = nullptr;
  bool all_low = true;
  for (const auto& policy : policies) {
    if (!policy.scale_in_enabled) continue;
    all_low = all_low && policy.alarm == AlarmState::Low;
    if (!in || policy.proposed > in->proposed) in = &policy;
  }
  if (!in || !all_low || target.scale_in_suspended || now < cooldowns.scale_in_until) return std::nullopt;
  const long long capacity = clamp(in->proposed);
  if (capacity >= target.current) return std::nullopt;
  return ScalingDecision{capacity, false, in->name, in->alarm_low, in->scale_in_cooldown};
}

void note_scaling(CooldownState& cooldowns, const ScalingDecision& decision, double now) {
  if (decision.scale_out) {
    cooldowns.scale_out_until = now + decision.cooldown;
    cooldowns.scale_out_capacity = decision.capacity;
    cooldowns.scale_in_until = -std::numeric_limits<double>::infinity();  // a scale-out ends a scale-in cooldown
  } else {
    cooldowns.scale_in_until = now + decision.cooldown;
  }
}

}  // namespace albatross::autoscaling
