#include "routing/target_choice.hpp"

#include "routing/health_state.hpp"
#include "routing/target_selector.hpp"

namespace albatross::routing {

TargetChoice choose_target(const Snapshot& snapshot, const Action& action, const HealthMap& health,
                           std::map<std::string, std::size_t>& cursors, const std::map<std::string, int>& outstanding,
                           std::uint64_t random) {
  TargetChoice choice;
  const auto group_index = choose_target_group(action.target_groups, random);
  if (!group_index) return choice;
  const auto found = snapshot.target_groups.find(action.target_groups[*group_index].arn);
  if (found == snapshot.target_groups.end()) return choice;
  const TargetGroup& group = found->second;
  choice.group = &group;
  SelectionInputs inputs;
  inputs.health = [&](const Target& target) {
    if (!group.health_check.enabled) return HealthState::Healthy;
    const auto entry = health.find(target_key(group.arn, target.id, target.port));
    if (entry == health.end()) return HealthState::Initial;
    return parse_health_state(entry->second.state).value_or(HealthState::Initial);
  };
  inputs.in_flight = [&](const Target& target) {
    const auto entry = outstanding.find(target_key(group.arn, target.id, target.port));
    return entry == outstanding.end() ? 0 : entry->second;
  };
  inputs.random = random >> 7;
  SelectorState state{cursors[group.arn]};
  const Selection selection = routing::choose_target(group, inputs, state);
  cursors[group.arn] = state.cursor;
  if (!selection.index) {
    choice.reason = selection.status == SelectionStatus::NoEligibleTargets ? LocalReplyReason::NoHealthyTargets
                                                                          : LocalReplyReason::NoRegisteredTargets;
    return choice;
  }
  choice.target = &group.targets[*selection.index];
  choice.key = target_key(group.arn, choice.target->id, choice.target->port);
  return choice;
}

}  // namespace albatross::routing
