#pragma once
// CloudWatch Logs names, ARNs, retention values and event positions (pure).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace albatross::logs {

// arn:aws:logs:<region>:<account>:log-group:<name>:* (DescribeLogGroups "arn") and without ":*" ("logGroupArn",
// the form TagResource takes).
std::string log_group_arn(std::string_view region, std::string_view account_id, std::string_view name, bool star);
std::string log_stream_arn(std::string_view region, std::string_view account_id, std::string_view group,
                           std::string_view stream);

// The log group name in a logGroupIdentifier (a name, or a log group ARN with or without ":*"); nullopt for an
// ARN that is not a log group's.
std::optional<std::string> log_group_name_from_identifier(std::string_view identifier);

// Retention periods CloudWatch Logs accepts, and the "[1, 3, 5, …]" text its error lists them with.
bool valid_retention_days(std::int64_t days);
std::string retention_days_text();

// A position in a log: events are ordered by timestamp, then by their ingestion id.
struct EventKey {
  std::int64_t timestamp = 0;
  std::int64_t id = 0;
  auto operator<=>(const EventKey&) const = default;
};

// 56 digits, as AWS's event ids and tokens look: the timestamp and the id, 28 digits each.
std::string encode_event_key(const EventKey& key);
std::optional<EventKey> decode_event_key(std::string_view digits);

}  // namespace albatross::logs
