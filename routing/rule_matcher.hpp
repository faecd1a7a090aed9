#pragma once
// Chooses the listener rule for a request (AWS §3.1–3.2): non-default rules in ascending priority, the first
// whose conditions all match wins (values within one condition are OR-ed), else the default rule.
// Pure functions over the immutable snapshot; safe on any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/request_view.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

// The winning rule, or nullptr when no rule matches and the listener has no default rule.
// `rules` must be ordered as the snapshot keeps them (ascending priority); the default rule may be anywhere.
const Rule* match_rule(const std::vector<Rule>& rules, const RequestView& request);

bool rule_matches(const Rule& rule, const RequestView& request);
bool condition_matches(const Condition& condition, const RequestView& request);

// "10.0.0.0/8", "2001:db8::/32" -> network address (host bits cleared) and prefix; nullopt when malformed.
std::optional<Cidr> parse_cidr(std::string_view text);
// Whether the textual address (IPv4, IPv6, or IPv4-mapped IPv6 "::ffff:a.b.c.d") lies in `cidr`.
bool cidr_contains(const Cidr& cidr, std::string_view address);

// A query string's pairs, split on '&' and the first '=', each percent-decoded ("a=1&b" -> a:1, b:"").
struct QueryPair {
  std::string key;
  std::string value;
};
std::vector<QueryPair> parse_query(std::string_view raw_query);
std::string percent_decode(std::string_view text);  // invalid escapes are kept as written

}  // namespace albatross::routing
