#pragma once
// Picks where a forward action sends a request (AWS §4.4): a target group by weight, then a target inside it
// by the group's algorithm among the eligible targets (healthy, not draining), failing open to every
// registered non-draining target when too few are healthy. Pure: randomness, health and in-flight counts are
// inputs; the round-robin cursor is state the caller keeps per target group (one per worker, no locks).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <optional>
#include <vector>

#include "routing/health_state.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

// The index into `groups` of the target group for this request: weight/sum(weights), weight 0 never.
// `random` is any uniformly distributed number. nullopt when every weight is 0 (or there are no groups).
std::optional<std::size_t> choose_target_group(const std::vector<WeightedTargetGroup>& groups, std::uint64_t random);

enum class Algorithm { RoundRobin, LeastOutstandingRequests, WeightedRandom };
Algorithm algorithm_of(const TargetGroup& group);  // load_balancing.algorithm.type, default round_robin
int slow_start_duration(const TargetGroup& group);  // slow_start.duration_seconds, 0 = off

// The fail-open threshold: fewer healthy targets than this means "route to all" (§5.5 unhealthy_state_routing).
struct FailOpenThreshold {
  int count = 1;                   // minimum_healthy_targets.count
  std::optional<int> percentage;   // minimum_healthy_targets.percentage, nullopt = off
};
FailOpenThreshold fail_open_threshold(const TargetGroup& group);

struct SelectorState {
  std::size_t cursor = 0;  // round robin: the target index to consider first next time
  // Smooth weighted round robin (nginx) while some target is in slow start: credit per "id|port".
  std::map<std::string, double> credits;
};

struct SelectionInputs {
  std::function<HealthState(const Target&)> health;   // required
  std::function<int(const Target&)> in_flight;        // least_outstanding_requests; absent = all 0
  std::uint64_t random = 0;                           // weighted_random
  // Slow start: the share [0, 1] a target currently gets; absent = 1 for all. round_robin turns into a smooth
  // weighted round robin while any candidate is below 1; weighted_random draws with these weights.
  std::function<double(const Target&)> weight;
  // Stickiness: the index of the target the client is pinned to; chosen when it is among the candidates
  // (healthy, or any non-draining one when failing open), otherwise the algorithm picks a new one.
  std::optional<std::size_t> preferred;
};

enum class SelectionStatus {
  Picked,               // a healthy target
  PickedSticky,         // the preferred (sticky) target, still eligible
  PickedFailOpen,       // too few healthy targets: picked among all registered non-draining ones
  NoRegisteredTargets,  // 503: nothing registered (or everything draining)
  NoEligibleTargets,    // 503: targets exist but none may take traffic (e.g. all still initial)
};

struct Selection {
  SelectionStatus status = SelectionStatus::NoRegisteredTargets;
  std::optional<std::size_t> index;  // into group.targets when picked
};

Selection choose_target(const TargetGroup& group, const SelectionInputs& inputs, SelectorState& state);

// The indexes of the targets the algorithm may choose from, and whether that set is the fail-open one.
struct Candidates {
  std::vector<std::size_t> indexes;
  bool fail_open = false;
  bool any_registered = false;  // some non-draining target exists
};
Candidates eligible_targets(const TargetGroup& group, const std::function<HealthState(const Target&)>& health);

}  // namespace albatross::routing
