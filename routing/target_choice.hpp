#pragma once
// Glue between a forward action and the target selector: picks the target group by weight, then the target
// using the live health map and this worker's round-robin cursors and in-flight counts.

#include <cstdint>
#include <map>
#include <string>

#include "routing/health_registry.hpp"
#include "routing/local_reply.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

struct TargetChoice {
  const TargetGroup* group = nullptr;
  const Target* target = nullptr;  // nullptr: answer `reason` (503)
  std::string key;                 // target_key() of the chosen target
  LocalReplyReason reason = LocalReplyReason::NoRegisteredTargets;
};

TargetChoice choose_target(const Snapshot& snapshot, const Action& action, const HealthMap& health,
                           std::map<std::string, std::size_t>& cursors, const std::map<std::string, int>& outstanding,
                           std::uint64_t random);

}  // namespace albatross::routing
