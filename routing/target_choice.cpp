#include "routing/target_choice.hpp"

#include <algorithm>

#include "routing/health_state.hpp"
#include "routing/stickiness.hpp"

namespace albatross::routing {
namespace {

const HeaderList& headers_of(const ChoiceContext& context) {
  static const HeaderList kNone;
  return context.request_headers ? *context.request_headers : kNone;
}

// The client's valid pin among the values of one cookie, for `group_arn`.
std::optional<StickyPin> valid_pin(const std::vector<std::string>& values, const std::string& group_arn,
                                   const ChoiceContext& context) {
  for (const auto& value : values) {
    auto pin = decode_sticky_pin(value, context.cookie_key);
    if (pin && pin->group_arn == group_arn && pin->valid_until > context.now) return pin;
  }
  return std::nullopt;
}

// The target group of a forward action: the client's AWSALBTG group while its stickiness lasts and the group
// still has weight, else by weight.
std::optional<std::size_t> choose_group(const Action& action, const ChoiceContext& context, TargetChoice& choice) {
  std::optional<std::size_t> index;
  std::optional<StickyPin> pin;
  if (action.group_stickiness) {
    for (const auto& value : request_cookie_values(headers_of(context), "AWSALBTG")) {
      pin = decode_sticky_pin(value, context.cookie_key);
      if (!pin || pin->valid_until <= context.now) continue;
      for (std::size_t i = 0; i < action.target_groups.size(); ++i)
        if (action.target_groups[i].arn == pin->group_arn && action.target_groups[i].weight > 0) index = i;
      if (index) break;
    }
  }
  if (!index) {
    index = choose_target_group(action.target_groups, context.random);
    if (!index) return std::nullopt;
    pin = StickyPin{action.target_groups[*index].arn, "", 0,
                    context.now + action.group_stickiness_seconds * context.time_scale};
  }
  if (action.group_stickiness)
    for (auto& header : pin_cookie_headers("AWSALBTG", encode_sticky_pin(*pin, context.cookie_key), context.now))
      choice.set_cookies.push_back(std::move(header));
  return index;
}

std::optional<std::size_t> index_of(const TargetGroup& group, const StickyPin& pin) {
  for (std::size_t i = 0; i < group.targets.size(); ++i)
    if (group.targets[i].id == pin.target_id && group.targets[i].port == pin.port) return i;
  return std::nullopt;
}

}  // namespace

double slow_start_weight(const TargetHealthView& health, int duration_seconds, double time_scale, double steady_now) {
  if (health.slow_start_since <= 0 || duration_seconds <= 0) return 1.0;
  const double ramp = duration_seconds * time_scale;
  const double elapsed = steady_now - health.slow_start_since;
  return elapsed >= ramp ? 1.0 : std::max(0.0, elapsed / ramp);
}

TargetChoice choose_target(const Snapshot& snapshot, const Action& action, const HealthMap& health,
                           std::map<std::string, SelectorState>& states, const std::map<std::string, int>& outstanding,
                           const ChoiceContext& context) {
  TargetChoice choice;
  const auto group_index = choose_group(action, context, choice);
  if (!group_index) return choice;
  const auto found = snapshot.target_groups.find(action.target_groups[*group_index].arn);
  if (found == snapshot.target_groups.end()) return choice;
  const TargetGroup& group = found->second;
  choice.group = &group;
  auto health_entry = [&](const Target& target) -> const TargetHealthView* {
    const auto entry = health.find(target_key(group.arn, target.id, target.port));
    return entry == health.end() ? nullptr : &entry->second;
  };
  SelectionInputs inputs;
  inputs.health = [&](const Target& target) {
    if (!group.health_check.enabled) return HealthState::Healthy;
    const auto* entry = health_entry(target);
    return entry ? parse_health_state(entry->state).value_or(HealthState::Initial) : HealthState::Initial;
  };
  inputs.in_flight = [&](const Target& target) {
    const auto entry = outstanding.find(target_key(group.arn, target.id, target.port));
    return entry == outstanding.end() ? 0 : entry->second;
  };
  if (const int ramp = slow_start_duration(group); ramp > 0)
    inputs.weight = [&, ramp](const Target& target) {
      const auto* entry = health_entry(target);
      return entry ? slow_start_weight(*entry, ramp, context.time_scale, context.steady_now) : 1.0;
    };
  inputs.random = context.random >> 7;

  const StickinessConfig stickiness = stickiness_of(group);
  std::optional<StickyPin> pin;
  if (stickiness.type == StickinessConfig::Type::LbCookie) {
    pin = valid_pin(request_cookie_values(headers_of(context), "AWSALB"), group.arn, context);
  } else if (stickiness.type == StickinessConfig::Type::AppCookie &&
             !request_cookie_values(headers_of(context), stickiness.app_cookie_name).empty()) {
    // Clients send both cookies back: the application's and ours (AWS: both are needed to stay sticky).
    const std::string joined = joined_app_cookie(headers_of(context));
    if (!joined.empty()) pin = valid_pin({joined}, group.arn, context);
  }
  if (pin) inputs.preferred = index_of(group, *pin);

  const Selection selection = routing::choose_target(group, inputs, states[group.arn]);
  if (!selection.index) {
    choice.reason = selection.status == SelectionStatus::NoEligibleTargets ? LocalReplyReason::NoHealthyTargets
                                                                          : LocalReplyReason::NoRegisteredTargets;
    return choice;
  }
  choice.target = &group.targets[*selection.index];
  choice.key = target_key(group.arn, choice.target->id, choice.target->port);
  if (stickiness.type == StickinessConfig::Type::None) return choice;
  // A new pick (first request, expired, or the pinned target can no longer take traffic) gets a new pin.
  const double valid_until = selection.status == SelectionStatus::PickedSticky
                                  ? pin->valid_until
                                  : context.now + stickiness.duration_seconds * context.time_scale;
  if (stickiness.type == StickinessConfig::Type::LbCookie) {
    const std::string value = encode_sticky_pin({group.arn, choice.target->id, choice.target->port, valid_until},
                                                context.cookie_key);
    for (auto& header : pin_cookie_headers("AWSALB", value, context.now)) choice.set_cookies.push_back(std::move(header));
  } else {
    choice.app_cookie_name = stickiness.app_cookie_name;
    // The application refreshing its cookie restarts the stickiness duration.
    choice.app_cookie_value = encode_sticky_pin(
        {group.arn, choice.target->id, choice.target->port, context.now + stickiness.duration_seconds * context.time_scale},
        context.cookie_key);
  }
  return choice;
}

}  // namespace albatross::routing
