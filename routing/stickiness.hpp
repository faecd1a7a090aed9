#pragma once
// Sticky sessions (AWS §3.3, §4.4): the cookies an application load balancer issues to pin a client to a target
// (AWSALB/AWSALBCORS for lb_cookie, AWSALBAPP-0..3 for app_cookie) or to a target group of a weighted forward
// (AWSALBTG/AWSALBTGCORS). Cookie values are opaque to clients: base64 of what they pin and until when, with an
// HMAC so that a forged or foreign value reads as "no stickiness". Pure: the clock and the key are inputs.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/request_view.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

// What a sticky cookie pins: a target group (AWSALBTG: target_id empty) or a target inside it.
struct StickyPin {
  std::string group_arn;
  std::string target_id;
  int port = 0;
  double valid_until = 0;  // epoch seconds; the stickiness duration ends here (the cookie itself lasts 7 days)
  bool operator==(const StickyPin&) const = default;
};

std::string encode_sticky_pin(const StickyPin& pin, std::string_view key);
// nullopt when the value is not one we issued with `key` (tampered, truncated, another emulator's).
std::optional<StickyPin> decode_sticky_pin(std::string_view value, std::string_view key);

// The values of cookie `name` in the request's Cookie headers, in order.
std::vector<std::string> request_cookie_values(const HeaderList& headers, std::string_view name);
// Whether any Set-Cookie value (a response's) sets cookie `name`.
bool response_sets_cookie(const std::vector<std::string>& set_cookie_values, std::string_view name);
// The AWSALBAPP-0..3 shards of a request, joined (empty when AWSALBAPP-0 is absent).
std::string joined_app_cookie(const HeaderList& headers);

// A target group's stickiness attributes (stickiness.*), durations in (unscaled) seconds.
struct StickinessConfig {
  enum class Type { None, LbCookie, AppCookie };
  Type type = Type::None;
  int duration_seconds = 86400;
  std::string app_cookie_name;
};
StickinessConfig stickiness_of(const TargetGroup& group);

inline constexpr int kStickyCookieLifetimeSeconds = 7 * 24 * 3600;  // Expires of every ALB cookie (real time)

// "Tue, 01 Dec 2026 19:21:29 GMT"
std::string cookie_date(double epoch_seconds);
// Set-Cookie values for a pin cookie and its CORS twin: `<name>=<v>; Expires=...; Path=/` and
// `<name>CORS=<v>; Expires=...; Path=/; SameSite=None; Secure` (name AWSALB or AWSALBTG).
std::vector<std::string> pin_cookie_headers(std::string_view name, std::string_view value, double now);
// Set-Cookie values for application-based stickiness: AWSALBAPP-0 carries the value, -1..-3 are cleared
// (`_remove_`) because our values fit in one 4 KiB shard.
std::vector<std::string> app_cookie_headers(std::string_view value, double now);

}  // namespace albatross::routing
