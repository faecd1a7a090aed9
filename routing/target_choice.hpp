#pragma once
// Glue between a forward action and the target selector: picks the target group by weight (or by the client's
// AWSALBTG cookie), then the target using the live health map, the shared round-robin state and in-flight
// counts, the group's stickiness cookies and slow-start ramps. Says which cookies the response must carry.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "routing/health_registry.hpp"
#include "routing/local_reply.hpp"
#include "routing/snapshot.hpp"
#include "routing/target_selector.hpp"

namespace albatross::routing {

struct ChoiceContext {
  const HeaderList* request_headers = nullptr;  // the client's Cookie headers (stickiness); may be null
  double now = 0;                               // epoch seconds (cookie validity)
  double steady_now = 0;                        // steady-clock seconds (slow-start ramps)
  double time_scale = 1.0;                      // stickiness and slow-start durations are emulated delays
  std::string_view cookie_key;                  // HMAC key of sticky cookie values
  std::uint64_t random = 0;
};

struct TargetChoice {
  const TargetGroup* group = nullptr;
  const Target* target = nullptr;  // nullptr: answer `reason` (503)
  std::string key;                 // target_key() of the chosen target
  LocalReplyReason reason = LocalReplyReason::NoRegisteredTargets;
  std::vector<std::string> set_cookies;  // Set-Cookie values to add to the target's response
  // Application-based stickiness: when the target's response sets cookie `app_cookie_name`, add
  // app_cookie_headers(app_cookie_value).
  std::string app_cookie_name;
  std::string app_cookie_value;
};

TargetChoice choose_target(const Snapshot& snapshot, const Action& action, const HealthMap& health,
                           std::map<std::string, SelectorState>& states, const std::map<std::string, int>& outstanding,
                           const ChoiceContext& context);

// A slow-starting target's share [0, 1]: linear from when it became healthy over duration × time scale.
double slow_start_weight(const TargetHealthView& health, int duration_seconds, double time_scale, double steady_now);

}  // namespace albatross::routing
