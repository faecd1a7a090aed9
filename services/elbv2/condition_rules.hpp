#pragma once
// The conditions of an ALB listener rule (spec §3.1, §3.2): AWS's checks and the form DescribeRules returns.
// Pure functions: no store, no clock.

#include <cstddef>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace albatross::elbv2 {

inline constexpr std::size_t kMaxConditionValuesPerRule = 5;  // "match evaluations", summed over conditions
inline constexpr std::size_t kMaxWildcardsPerRule = 5;        // '*' and '?', escaped ones excluded
inline constexpr std::size_t kMaxConditionValueLength = 128;
inline constexpr std::size_t kMaxHttpHeaderNameLength = 40;
inline constexpr std::size_t kMaxHttpRequestMethodLength = 40;

// Checks a non-default rule's Conditions (a RuleCondition list as parsed from the request, each in the legacy
// {Field, Values} form or the *Config form) and returns them as DescribeRules shows them: host-header and
// path-pattern carry both Values and their Config block, the other fields their Config block. Throws
// AwsError{"ValidationError", ...} naming the condition and value at fault.
nlohmann::json normalize_conditions(const nlohmann::json& conditions);

// Whether `text` is a CIDR block ("10.0.0.0/8", "2001:db8::/32") a source-ip condition accepts.
bool is_source_ip_cidr(std::string_view text);

}  // namespace albatross::elbv2
