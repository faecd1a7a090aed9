#pragma once
// The actions of a listener's default rule or of a listener rule (spec §3.3): AWS's checks that need no store,
// and the form Describe returns. Elbv2Service::normalize_actions (defined in action_rules.cpp) runs these and
// adds the checks against the store (target groups exist, fit the listener, belong to one load balancer).

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace albatross::elbv2 {

inline constexpr long long kMaxActionOrder = 50000;
inline constexpr std::size_t kMaxTargetGroupsPerForward = 5;
inline constexpr long long kMaxTargetGroupWeight = 999;
inline constexpr long long kMaxStickinessDurationSeconds = 604800;  // 7 days
inline constexpr std::size_t kMaxFixedResponseBodyLength = 1024;
inline constexpr std::size_t kMaxRedirectComponentLength = 128;

// Checks an action list for a listener of `listener_protocol` (HTTP or HTTPS on an Application Load Balancer;
// TCP, TLS, UDP, TCP_UDP on a Network Load Balancer) and returns it in the Describe form: sorted by Order,
// Order set on every action (1 for a lone action without one), redirect defaults filled in (#{protocol},
// #{port}, #{host}, /#{path}, #{query}), a forward to one target group carrying both TargetGroupArn and
// ForwardConfig (Weight 1, stickiness off unless given), authenticate-* defaults filled in.
// Throws AwsError: "ValidationError" or "InvalidLoadBalancerActionException".
nlohmann::json normalize_action_list(const nlohmann::json& actions, const std::string& listener_protocol);

// Rejects a redirect (actions in the Describe form) that sends a request to the listener it came in on: none
// of protocol, host, port and path changes. `listener_port` 0 = unknown (then only #{port} counts as unchanged).
// Throws AwsError{"InvalidLoadBalancerActionException", ...}.
void reject_redirect_loops(const nlohmann::json& actions, const std::string& listener_protocol, int listener_port);

// The distinct target group ARNs the actions (Describe form) forward to, in order of appearance.
std::vector<std::string> forwarded_target_groups(const nlohmann::json& actions);

}  // namespace albatross::elbv2
