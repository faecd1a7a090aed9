#include "routing/target_selector.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <string>

namespace albatross::routing {
namespace {

std::optional<int> attribute_int(const TargetGroup& group, const std::string& key) {
  const auto it = group.attributes.find(key);
  if (it == group.attributes.end()) return std::nullopt;
  int value = 0;
  const auto& text = it->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;  // "off"
  return value;
}

// Candidates in rotation order starting at the cursor, so that picks spread over the targets and a target
// leaving the set does not shift which target comes next for the others.
std::vector<std::size_t> rotation(const std::vector<std::size_t>& indexes, std::size_t cursor) {
  const auto start = std::lower_bound(indexes.begin(), indexes.end(), cursor);
  std::vector<std::size_t> out(start, indexes.end());
  out.insert(out.end(), indexes.begin(), start);
  return out;
}

std::string credit_key(const Target& target) { return target.id + "|" + std::to_string(target.port); }

// Smooth weighted round robin (nginx's): every candidate earns its weight, the richest is picked and pays the
// total. Over time each target gets weight/total of the picks, interleaved rather than in bursts.
std::size_t pick_smooth_weighted(const TargetGroup& group, const std::vector<std::size_t>& indexes,
                                 const std::vector<double>& weights, SelectorState& state) {
  std::map<std::string, double> credits;
  double total = 0;
  std::size_t pick = indexes.front();
  double best = -1e300;
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const std::string key = credit_key(group.targets[indexes[i]]);
    const auto previous = state.credits.find(key);
    double& credit = credits[key];
    credit = (previous == state.credits.end() ? 0.0 : previous->second) + weights[i];
    total += weights[i];
    if (credit > best) {
      best = credit;
      pick = indexes[i];
    }
  }
  credits[credit_key(group.targets[pick])] -= total;
  state.credits = std::move(credits);  // targets that left the candidates lose their credit
  state.cursor = pick + 1;
  return pick;
}

std::size_t pick_round_robin(const TargetGroup& group, const std::vector<std::size_t>& indexes,
                             const SelectionInputs& inputs, SelectorState& state) {
  if (inputs.weight) {
    std::vector<double> weights;
    bool ramping = false;
    for (const std::size_t index : indexes) {
      weights.push_back(std::clamp(inputs.weight(group.targets[index]), 0.0, 1.0));
      ramping = ramping || weights.back() < 1.0;
    }
    if (ramping) return pick_smooth_weighted(group, indexes, weights, state);
  }
  state.credits.clear();
  const auto start = std::lower_bound(indexes.begin(), indexes.end(), state.cursor);
  const std::size_t pick = start == indexes.end() ? indexes.front() : *start;
  state.cursor = pick + 1;
  return pick;
}

// Fewest in-flight requests; ties go round robin so that an idle group does not pile onto its first target.
std::size_t pick_least_outstanding(const TargetGroup& group, const std::vector<std::size_t>& indexes,
                                   const SelectionInputs& inputs, SelectorState& state) {
  std::size_t pick = indexes.front();
  int fewest = std::numeric_limits<int>::max();
  for (const std::size_t index : rotation(indexes, state.cursor)) {
    const int count = inputs.in_flight ? inputs.in_flight(group.targets[index]) : 0;
    if (count < fewest) {
      fewest = count;
      pick = index;
    }
  }
  state.cursor = pick + 1;
  return pick;
}

std::size_t pick_weighted_random(const TargetGroup& group, const std::vector<std::size_t>& indexes,
                                 const SelectionInputs& inputs) {
  std::vector<double> weights;
  double total = 0;
  for (const std::size_t index : indexes) {
    const double w = inputs.weight ? std::clamp(inputs.weight(group.targets[index]), 0.0, 1.0) : 1.0;
    weights.push_back(w);
    total += w;
  }
  if (total <= 0) {  // every target at zero share (slow start just began): treat them equally
    std::fill(weights.begin(), weights.end(), 1.0);
    total = static_cast<double>(weights.size());
  }
  double point = static_cast<double>(inputs.random >> 11) * 0x1p-53 * total;  // uniform in [0, total)
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    if (point < weights[i]) return indexes[i];
    point -= weights[i];
  }
  return indexes.back();  // rounding left a sliver past the last weight
}

bool below_threshold(std::size_t healthy, std::size_t registered, const FailOpenThreshold& threshold) {
  if (healthy < static_cast<std::size_t>(std::max(threshold.count, 1))) return true;
  return threshold.percentage && healthy * 100 < static_cast<std::size_t>(*threshold.percentage) * registered;
}

}  // namespace

std::optional<std::size_t> choose_target_group(const std::vector<WeightedTargetGroup>& groups, std::uint64_t random) {
  std::uint64_t total = 0;
  for (const auto& group : groups) total += static_cast<std::uint64_t>(std::max(group.weight, 0));
  if (total == 0) return std::nullopt;
  std::uint64_t point = random % total;  // bias ≤ total/2^64: negligible for ≤ 5 × 999
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const auto weight = static_cast<std::uint64_t>(std::max(groups[i].weight, 0));
    if (point < weight) return i;
    point -= weight;
  }
  return std::nullopt;  // unreachable: point < total
}

Algorithm algorithm_of(const TargetGroup& group) {
  const auto it = group.attributes.find("load_balancing.algorithm.type");
  if (it == group.attributes.end()) return Algorithm::RoundRobin;
  if (it->second == "least_outstanding_requests") return Algorithm::LeastOutstandingRequests;
  if (it->second == "weighted_random") return Algorithm::WeightedRandom;
  return Algorithm::RoundRobin;
}

int slow_start_duration(const TargetGroup& group) {
  return std::max(0, attribute_int(group, "slow_start.duration_seconds").value_or(0));
}

FailOpenThreshold fail_open_threshold(const TargetGroup& group) {
  constexpr const char* kPrefix = "target_group_health.unhealthy_state_routing.minimum_healthy_targets.";
  FailOpenThreshold threshold;
  if (const auto count = attribute_int(group, std::string(kPrefix) + "count")) threshold.count = *count;
  threshold.percentage = attribute_int(group, std::string(kPrefix) + "percentage");
  return threshold;
}

Candidates eligible_targets(const TargetGroup& group, const std::function<HealthState(const Target&)>& health) {
  Candidates out;
  std::vector<std::size_t> healthy, checked;  // checked = has a verdict (healthy or unhealthy)
  std::size_t registered = 0;
  for (std::size_t i = 0; i < group.targets.size(); ++i) {
    const Target& target = group.targets[i];
    const HealthState state = health(target);
    if (target.draining || state == HealthState::Draining) continue;  // draining never gets new requests
    ++registered;
    // Without health checks (AWS: Lambda only) every registered target takes traffic.
    if (state == HealthState::Healthy || !group.health_check.enabled) healthy.push_back(i);
    if (state == HealthState::Healthy || state == HealthState::Unhealthy) checked.push_back(i);
  }
  out.any_registered = registered > 0;
  if (!group.health_check.enabled || !below_threshold(healthy.size(), registered, fail_open_threshold(group))) {
    out.indexes = std::move(healthy);
    return out;
  }
  // Fail open over the targets with a verdict; targets still in `initial` are never sent traffic (§4.4).
  out.indexes = std::move(checked);
  out.fail_open = !out.indexes.empty();
  return out;
}

Selection choose_target(const TargetGroup& group, const SelectionInputs& inputs, SelectorState& state) {
  const Candidates candidates = eligible_targets(group, inputs.health);
  if (candidates.indexes.empty())
    return {candidates.any_registered ? SelectionStatus::NoEligibleTargets : SelectionStatus::NoRegisteredTargets,
            std::nullopt};
  if (inputs.preferred &&
      std::find(candidates.indexes.begin(), candidates.indexes.end(), *inputs.preferred) != candidates.indexes.end())
    return {SelectionStatus::PickedSticky, *inputs.preferred};
  std::size_t pick = 0;
  switch (algorithm_of(group)) {
    case Algorithm::RoundRobin:
      pick = pick_round_robin(group, candidates.indexes, inputs, state);
      break;
    case Algorithm::LeastOutstandingRequests:
      pick = pick_least_outstanding(group, candidates.indexes, inputs, state);
      break;
    case Algorithm::WeightedRandom:
      pick = pick_weighted_random(group, candidates.indexes, inputs);
      break;
  }
  return {candidates.fail_open ? SelectionStatus::PickedFailOpen : SelectionStatus::Picked, pick};
}

}  // namespace albatross::routing
