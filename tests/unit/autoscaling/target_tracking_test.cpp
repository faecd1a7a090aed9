#include "services/autoscaling/target_tracking.hpp"

#include <doctest/doctest.h>

using namespace albatross::autoscaling;

namespace {

DatapointWindow window_of(std::initializer_list<std::optional<double>> values) {
  DatapointWindow window;
  for (const auto& value : values) window.add(value);
  return window;
}

PolicyView policy(const std::string& name, AlarmState alarm, long long proposed, bool scale_in = true) {
  PolicyView view;
  view.name = name;
  view.alarm = alarm;
  view.proposed = proposed;
  view.scale_in_enabled = scale_in;
  view.scale_out_cooldown = 60;
  view.scale_in_cooldown = 120;
  view.alarm_high = name + "-AlarmHigh";
  view.alarm_low = name + "-AlarmLow";
  return view;
}

TargetView target(long long current, long long low = 1, long long high = 10) {
  TargetView view;
  view.current = current;
  view.min_capacity = low;
  view.max_capacity = high;
  return view;
}

}  // namespace

TEST_CASE("AlarmHigh needs 3 consecutive datapoints above the target") {
  CHECK(alarm_state(window_of({80, 80}), 50, true) == AlarmState::Ok);
  CHECK(alarm_state(window_of({80, 80, 80}), 50, true) == AlarmState::High);
  CHECK(alarm_state(window_of({80, 40, 80, 80}), 50, true) == AlarmState::Ok);
  CHECK(alarm_state(window_of({80, 80, 50}), 50, true) == AlarmState::Ok);  // equal is not above
  CHECK(alarm_state(window_of({80, std::nullopt, 80, 80}), 50, true) == AlarmState::Ok);  // missing data breaks it
  CHECK(alarm_state(window_of({std::nullopt, 80, 80, 80}), 50, true) == AlarmState::High);
}

TEST_CASE("AlarmLow needs 15 consecutive datapoints under 90 % of the target, and scale-in enabled") {
  DatapointWindow window;
  for (int i = 0; i < 14; ++i) window.add(44.9);
  CHECK(alarm_state(window, 50, true) == AlarmState::Ok);
  window.add(44.9);
  CHECK(alarm_state(window, 50, true) == AlarmState::Low);
  CHECK(alarm_state(window, 50, false) == AlarmState::Ok);
  window.add(45.0);  // 90 % of 50 is not below it
  CHECK(alarm_state(window, 50, true) == AlarmState::Ok);
  DatapointWindow gap;
  for (int i = 0; i < 20; ++i) gap.add(i == 10 ? std::nullopt : std::optional<double>(1));
  CHECK(alarm_state(gap, 50, true) == AlarmState::Ok);
  CHECK(gap.size() == 15);  // only what the longest alarm needs is kept
}

TEST_CASE("the tracking capacity brings the metric back to the target, rounding up") {
  CHECK(tracking_capacity(1, 100, 50) == 2);
  CHECK(tracking_capacity(2, 75, 50) == 3);
  CHECK(tracking_capacity(4, 50, 50) == 4);
  CHECK(tracking_capacity(4, 50.0000000001, 50) == 4);  // no extra task for rounding noise
  CHECK(tracking_capacity(3, 10, 70) == 1);
  CHECK(tracking_capacity(3, 0, 70) == 0);
  CHECK(tracking_capacity(0, 90, 70) == 0);
}

TEST_CASE("scale out to the largest capacity asked for, within MaxCapacity") {
  CooldownState cooldowns;
  auto decision = decide(target(2, 1, 5), {policy("cpu", AlarmState::High, 4), policy("mem", AlarmState::High, 9)},
                         cooldowns, 1000);
  REQUIRE(decision);
  CHECK(decision->scale_out);
  CHECK(decision->capacity == 5);
  CHECK(decision->policy == "mem");
  CHECK(decision->alarm == "mem-AlarmHigh");
  // Already at the maximum: nothing to do.
  CHECK_FALSE(decide(target(5, 1, 5), {policy("cpu", AlarmState::High, 9)}, cooldowns, 1000));
}

TEST_CASE("during a scale-out cooldown only a larger scale-out goes ahead") {
  CooldownState cooldowns;
  const auto first = decide(target(1), {policy("cpu", AlarmState::High, 3)}, cooldowns, 1000);
  REQUIRE(first);
  note_scaling(cooldowns, *first, 1000);
  CHECK(cooldowns.scale_out_until == 1060);
  CHECK_FALSE(decide(target(3), {policy("cpu", AlarmState::High, 3)}, cooldowns, 1010));
  const auto larger = decide(target(3), {policy("cpu", AlarmState::High, 5)}, cooldowns, 1010);
  REQUIRE(larger);
  CHECK(larger->capacity == 5);
  // A manual scale-in during the cooldown: back up, but only beyond what the cooldown's scale-out set.
  CHECK_FALSE(decide(target(2), {policy("cpu", AlarmState::High, 3)}, cooldowns, 1010));
  CHECK(decide(target(2), {policy("cpu", AlarmState::High, 3)}, cooldowns, 1061));
}

TEST_CASE("scale in only when every policy that may scale in agrees, to the largest of their capacities") {
  CooldownState cooldowns;
  CHECK_FALSE(decide(target(6), {policy("cpu", AlarmState::Low, 2), policy("mem", AlarmState::Ok, 6)}, cooldowns, 1000));
  auto both = decide(target(6), {policy("cpu", AlarmState::Low, 2), policy("mem", AlarmState::Low, 3)}, cooldowns, 1000);
  REQUIRE(both);
  CHECK_FALSE(both->scale_out);
  CHECK(both->capacity == 3);
  CHECK(both->policy == "mem");
  CHECK(both->alarm == "mem-AlarmLow");
  // A policy with DisableScaleIn has no say in scaling in...
  auto disabled = decide(target(6), {policy("cpu", AlarmState::Low, 2), policy("req", AlarmState::Ok, 6, false)},
                         cooldowns, 1000);
  REQUIRE(disabled);
  CHECK(disabled->capacity == 2);
  // ...and alone it never scales in.
  CHECK_FALSE(decide(target(6), {policy("req", AlarmState::Ok, 1, false)}, cooldowns, 1000));
  // Any scale-out wins over scale-in.
  auto out = decide(target(6), {policy("cpu", AlarmState::Low, 2), policy("req", AlarmState::High, 8)}, cooldowns, 1000);
  REQUIRE(out);
  CHECK(out->scale_out);
  CHECK(out->capacity == 8);
}

TEST_CASE("scale-in stops at MinCapacity and waits for its cooldown, which a scale-out ends") {
  CooldownState cooldowns;
  auto in = decide(target(3, 2, 5), {policy("cpu", AlarmState::Low, 0)}, cooldowns, 1000);
  REQUIRE(in);
  CHECK(in->capacity == 2);
  note_scaling(cooldowns, *in, 1000);
  CHECK_FALSE(decide(target(2, 1, 5), {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1100));
  CHECK(decide(target(2, 1, 5), {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1120));
  CHECK_FALSE(decide(target(2, 2, 5), {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1500));  // at the minimum
  auto out = decide(target(2, 1, 5), {policy("cpu", AlarmState::High, 3)}, cooldowns, 1050);
  REQUIRE(out);  // scale-out during the scale-in cooldown: at once
  note_scaling(cooldowns, *out, 1050);
  CHECK(decide(target(3, 1, 5), {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1051));
}

TEST_CASE("suspended directions do not scale") {
  CooldownState cooldowns;
  TargetView no_out = target(2);
  no_out.scale_out_suspended = true;
  CHECK_FALSE(decide(no_out, {policy("cpu", AlarmState::High, 4)}, cooldowns, 1000));
  CHECK(decide(no_out, {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1000));
  TargetView no_in = target(2);
  no_in.scale_in_suspended = true;
  CHECK_FALSE(decide(no_in, {policy("cpu", AlarmState::Low, 1)}, cooldowns, 1000));
  CHECK(decide(no_in, {policy("cpu", AlarmState::High, 4)}, cooldowns, 1000));
}

TEST_CASE("RegisterScalableTarget's range moves the capacity to the nearest bound") {
  CHECK(clamp_capacity(0, 1, 4) == 1);
  CHECK(clamp_capacity(6, 1, 4) == 4);
  CHECK(clamp_capacity(3, 1, 4) == 3);
  CHECK(clamp_capacity(3, 0, 0) == 0);
}
