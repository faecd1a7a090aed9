#include "routing/target_selector.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

using namespace albatross::routing;

namespace {

TargetGroup group_of(std::vector<std::string> ids, std::string algorithm = "round_robin") {
  TargetGroup g;
  g.arn = "tg";
  for (auto& id : ids) g.targets.push_back({id, 80});
  g.attributes["load_balancing.algorithm.type"] = algorithm;
  return g;
}

// Health by target id; unknown targets are healthy.
std::function<HealthState(const Target&)> health(std::map<std::string, HealthState> states) {
  return [states = std::move(states)](const Target& t) {
    const auto it = states.find(t.id);
    return it == states.end() ? HealthState::Healthy : it->second;
  };
}

std::map<std::string, int> spread(const TargetGroup& g, SelectionInputs inputs, int picks,
                                  std::uint64_t seed = 42) {
  std::mt19937_64 rng(seed);
  SelectorState state;
  std::map<std::string, int> counts;
  for (int i = 0; i < picks; ++i) {
    inputs.random = rng();
    const auto selection = choose_target(g, inputs, state);
    REQUIRE(selection.index);
    ++counts[g.targets[*selection.index].id];
  }
  return counts;
}

}  // namespace

TEST_SUITE("routing.target_selector") {
  TEST_CASE("target group weights: share within tolerance, weight 0 never") {
    const std::vector<WeightedTargetGroup> groups = {{"a", 1}, {"b", 3}, {"c", 0}, {"d", 6}};
    std::mt19937_64 rng(7);
    std::map<std::size_t, int> counts;
    const int picks = 100000;
    for (int i = 0; i < picks; ++i) ++counts[*choose_target_group(groups, rng())];
    CHECK(counts[2] == 0);
    CHECK(counts[0] == doctest::Approx(picks * 0.1).epsilon(0.05));
    CHECK(counts[1] == doctest::Approx(picks * 0.3).epsilon(0.05));
    CHECK(counts[3] == doctest::Approx(picks * 0.6).epsilon(0.05));
  }

  TEST_CASE("target group choice is deterministic in the random input") {
    const std::vector<WeightedTargetGroup> groups = {{"a", 1}, {"b", 2}};
    CHECK(choose_target_group(groups, 0) == 0u);
    CHECK(choose_target_group(groups, 1) == 1u);
    CHECK(choose_target_group(groups, 2) == 1u);
    CHECK(choose_target_group(groups, 3) == 0u);
    CHECK_FALSE(choose_target_group({{"a", 0}}, 5));
    CHECK_FALSE(choose_target_group({}, 5));
    CHECK(choose_target_group({{"only", 1}}, 12345) == 0u);
  }

  TEST_CASE("round robin rotates over healthy targets in order") {
    const auto g = group_of({"a", "b", "c"});
    SelectorState state;
    SelectionInputs inputs{health({})};
    std::string order;
    for (int i = 0; i < 6; ++i) order += g.targets[*choose_target(g, inputs, state).index].id;
    CHECK(order == "abcabc");
  }

  TEST_CASE("round robin skips unhealthy, initial and draining targets") {
    auto g = group_of({"a", "b", "c", "d"});
    g.targets[3].draining = true;
    SelectorState state;
    SelectionInputs inputs{health({{"b", HealthState::Unhealthy}, {"c", HealthState::Initial}})};
    for (int i = 0; i < 5; ++i) {
      const auto s = choose_target(g, inputs, state);
      CHECK(s.status == SelectionStatus::Picked);
      CHECK(g.targets[*s.index].id == "a");
    }
  }

  TEST_CASE("a target leaving the set does not disturb the rotation of the others") {
    const auto g = group_of({"a", "b", "c"});
    SelectorState state;
    std::map<std::string, HealthState> states;
    SelectionInputs inputs{[&](const Target& t) { return states.count(t.id) ? states[t.id] : HealthState::Healthy; }};
    CHECK(g.targets[*choose_target(g, inputs, state).index].id == "a");
    states["b"] = HealthState::Unhealthy;
    CHECK(g.targets[*choose_target(g, inputs, state).index].id == "c");
    CHECK(g.targets[*choose_target(g, inputs, state).index].id == "a");
  }

  TEST_CASE("draining is never chosen, even failing open; health Draining counts too") {
    auto g = group_of({"a", "b", "c"});
    g.targets[0].draining = true;
    const auto inputs = SelectionInputs{health({{"a", HealthState::Unhealthy},
                                                {"b", HealthState::Draining},
                                                {"c", HealthState::Unhealthy}})};
    const auto counts = spread(g, inputs, 50);
    CHECK(counts.size() == 1);
    CHECK(counts.at("c") == 50);
  }

  TEST_CASE("fail open: no healthy target routes to all registered non-draining ones") {
    const auto g = group_of({"a", "b"});
    SelectorState state;
    SelectionInputs inputs{health({{"a", HealthState::Unhealthy}, {"b", HealthState::Unhealthy}})};
    const auto first = choose_target(g, inputs, state);
    CHECK(first.status == SelectionStatus::PickedFailOpen);
    const auto second = choose_target(g, inputs, state);
    CHECK(second.status == SelectionStatus::PickedFailOpen);
    CHECK(*first.index != *second.index);
  }

  TEST_CASE("minimum_healthy_targets.count raises the fail-open threshold") {
    auto g = group_of({"a", "b", "c"});
    g.attributes["target_group_health.unhealthy_state_routing.minimum_healthy_targets.count"] = "2";
    const SelectionInputs inputs{health({{"b", HealthState::Unhealthy}, {"c", HealthState::Unhealthy}})};
    const auto counts = spread(g, inputs, 30);
    CHECK(counts.size() == 3);  // one healthy < 2: everyone takes traffic
    g.attributes["target_group_health.unhealthy_state_routing.minimum_healthy_targets.count"] = "1";
    CHECK(spread(g, inputs, 30).size() == 1);
    CHECK(fail_open_threshold(group_of({})).count == 1);
    CHECK_FALSE(fail_open_threshold(group_of({})).percentage);
  }

  TEST_CASE("minimum_healthy_targets.percentage fails open below the share") {
    auto g = group_of({"a", "b", "c", "d"});
    g.attributes["target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage"] = "50";
    SelectorState state;
    const SelectionInputs one_healthy{health({{"b", HealthState::Unhealthy},
                                              {"c", HealthState::Unhealthy},
                                              {"d", HealthState::Unhealthy}})};
    CHECK(choose_target(g, one_healthy, state).status == SelectionStatus::PickedFailOpen);
    const SelectionInputs two_healthy{health({{"c", HealthState::Unhealthy}, {"d", HealthState::Unhealthy}})};
    CHECK(choose_target(g, two_healthy, state).status == SelectionStatus::Picked);
    g.attributes["target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage"] = "off";
    CHECK(choose_target(g, one_healthy, state).status == SelectionStatus::Picked);
  }

  TEST_CASE("503 cases: nothing registered, everything draining, only initial targets") {
    SelectorState state;
    const SelectionInputs inputs{health({})};
    auto empty = choose_target(group_of({}), inputs, state);
    CHECK(empty.status == SelectionStatus::NoRegisteredTargets);
    CHECK_FALSE(empty.index);
    auto g = group_of({"a"});
    g.targets[0].draining = true;
    CHECK(choose_target(g, inputs, state).status == SelectionStatus::NoRegisteredTargets);
    const auto initial = choose_target(group_of({"a", "b"}), SelectionInputs{health({{"a", HealthState::Initial},
                                                                                     {"b", HealthState::Initial}})},
                                       state);
    CHECK(initial.status == SelectionStatus::NoEligibleTargets);
    CHECK_FALSE(initial.index);
  }

  TEST_CASE("fail open excludes targets still in initial") {
    const auto g = group_of({"a", "b"});
    const SelectionInputs inputs{health({{"a", HealthState::Initial}, {"b", HealthState::Unhealthy}})};
    const auto counts = spread(g, inputs, 10);
    CHECK(counts.size() == 1);
    CHECK(counts.at("b") == 10);
  }

  TEST_CASE("health checks disabled: every registered target is eligible") {
    auto g = group_of({"a", "b"});
    g.health_check.enabled = false;
    const SelectionInputs inputs{health({{"a", HealthState::Unavailable}, {"b", HealthState::Unavailable}})};
    SelectorState state;
    CHECK(choose_target(g, inputs, state).status == SelectionStatus::Picked);
    CHECK(spread(g, inputs, 10).size() == 2);
  }

  TEST_CASE("least outstanding requests picks the fewest in flight, ties rotate") {
    const auto g = group_of({"a", "b", "c"}, "least_outstanding_requests");
    std::map<std::string, int> in_flight = {{"a", 5}, {"b", 1}, {"c", 3}};
    SelectionInputs inputs{health({}), [&](const Target& t) { return in_flight[t.id]; }};
    SelectorState state;
    CHECK(g.targets[*choose_target(g, inputs, state).index].id == "b");
    in_flight = {{"a", 0}, {"b", 0}, {"c", 0}};
    std::string order;
    for (int i = 0; i < 3; ++i) order += g.targets[*choose_target(g, inputs, state).index].id;
    CHECK(order == "cab");  // after b, the rotation continues at c
    in_flight = {{"a", 2}, {"b", 9}, {"c", 0}};
    inputs.health = health({{"c", HealthState::Unhealthy}});
    CHECK(g.targets[*choose_target(g, inputs, state).index].id == "a");
  }

  TEST_CASE("weighted random: uniform without weights, slow-start hook shifts the share") {
    const auto g = group_of({"a", "b", "c", "d"}, "weighted_random");
    const int picks = 40000;
    auto counts = spread(g, SelectionInputs{health({})}, picks);
    for (const auto& [id, count] : counts) CHECK(count == doctest::Approx(picks / 4.0).epsilon(0.05));
    SelectionInputs ramp{health({})};
    ramp.weight = [](const Target& t) { return t.id == "a" ? 0.25 : 1.0; };
    counts = spread(g, ramp, picks);
    CHECK(counts["a"] == doctest::Approx(picks * 0.25 / 3.25).epsilon(0.08));
    CHECK(counts["b"] == doctest::Approx(picks * 1.0 / 3.25).epsilon(0.05));
  }

  TEST_CASE("weighted random is deterministic in the random input") {
    const auto g = group_of({"a", "b"}, "weighted_random");
    SelectorState state;
    SelectionInputs inputs{health({})};
    inputs.random = 0;
    CHECK(*choose_target(g, inputs, state).index == 0);
    inputs.random = ~std::uint64_t{0};
    CHECK(*choose_target(g, inputs, state).index == 1);
  }

  TEST_CASE("algorithm attribute") {
    CHECK(algorithm_of(group_of({}, "round_robin")) == Algorithm::RoundRobin);
    CHECK(algorithm_of(group_of({}, "least_outstanding_requests")) == Algorithm::LeastOutstandingRequests);
    CHECK(algorithm_of(group_of({}, "weighted_random")) == Algorithm::WeightedRandom);
    CHECK(algorithm_of(TargetGroup{}) == Algorithm::RoundRobin);
  }
}

TEST_SUITE("routing.target_selector.sticky_and_slow_start") {
  TEST_CASE("a preferred (sticky) target is chosen while eligible, without moving the rotation") {
    const auto g = group_of({"a", "b", "c"});
    SelectorState state;
    SelectionInputs inputs;
    inputs.health = health({});
    inputs.preferred = 2;
    const auto sticky = choose_target(g, inputs, state);
    CHECK(sticky.status == SelectionStatus::PickedSticky);
    CHECK(sticky.index == 2u);
    CHECK(state.cursor == 0u);
    // the pinned target turns unhealthy: a new target is picked by the algorithm
    inputs.health = health({{"c", HealthState::Unhealthy}});
    const auto moved = choose_target(g, inputs, state);
    CHECK(moved.status == SelectionStatus::Picked);
    CHECK(moved.index == 0u);
    // draining never keeps a sticky client
    inputs.health = health({{"a", HealthState::Draining}});
    inputs.preferred = 0;
    CHECK(choose_target(g, inputs, state).index != 0u);
  }

  TEST_CASE("round robin gives a slow-starting target its weight's share, interleaved") {
    const auto g = group_of({"a", "b"});
    SelectionInputs inputs;
    inputs.health = health({});
    inputs.weight = [](const Target& t) { return t.id == "b" ? 0.25 : 1.0; };
    SelectorState state;
    std::map<std::string, int> counts;
    for (int i = 0; i < 100; ++i) ++counts[g.targets[*choose_target(g, inputs, state).index].id];
    CHECK(counts["b"] == 20);  // 0.25 / 1.25 of the picks, exactly
    CHECK(counts["a"] == 80);
    // full weight again: plain alternation
    inputs.weight = [](const Target&) { return 1.0; };
    CHECK(spread(g, inputs, 10) == std::map<std::string, int>{{"a", 5}, {"b", 5}});
  }
}
