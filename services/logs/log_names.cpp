#include "services/logs/log_names.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "services/common/arn.hpp"

namespace albatross::logs {
namespace {

constexpr std::array<std::int64_t, 22> kRetentionDays = {1,   3,   5,   7,    14,   30,   60,   90,   120,  150,  180,
                                                          365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

}  // namespace

std::string log_group_arn(std::string_view region, std::string_view account_id, std::string_view name, bool star) {
  return arn::make("logs", region, account_id, "log-group:" + std::string(name) + (star ? ":*" : ""));
}

std::string log_stream_arn(std::string_view region, std::string_view account_id, std::string_view group,
                           std::string_view stream) {
  return arn::make("logs", region, account_id,
                   "log-group:" + std::string(group) + ":log-stream:" + std::string(stream));
}

std::optional<std::string> log_group_name_from_identifier(std::string_view identifier) {
  if (!identifier.starts_with("arn:")) return std::string(identifier);
  // arn:partition:logs:region:account:log-group:NAME[:*]
  std::size_t pos = 0;
  for (int field = 0; field < 5; ++field) {
    pos = identifier.find(':', pos);
    if (pos == std::string_view::npos) return std::nullopt;
    ++pos;
  }
  auto rest = identifier.substr(pos);
  if (!rest.starts_with("log-group:")) return std::nullopt;
  rest.remove_prefix(10);
  if (rest.ends_with(":*")) rest.remove_suffix(2);
  if (rest.empty() || rest.find(':') != std::string_view::npos) return std::nullopt;
  return std::string(rest);
}

bool valid_retention_days(std::int64_t days) {
  return std::find(kRetentionDays.begin(), kRetentionDays.end(), days) != kRetentionDays.end();
}

std::string retention_days_text() {
  std::string out = "[";
  for (std::size_t i = 0; i < kRetentionDays.size(); ++i) out += (i ? ", " : "") + std::to_string(kRetentionDays[i]);
  return out + "]";
}

std::string encode_event_key(const EventKey& key) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%028lld%028lld", static_cast<long long>(std::max<std::int64_t>(0, key.timestamp)),
                static_cast<long long>(std::max<std::int64_t>(0, key.id)));
  return buffer;
}

std::optional<EventKey> decode_event_key(std::string_view digits) {
  if (digits.size() != 56) return std::nullopt;
  EventKey key;
  for (std::size_t i = 0; i < 56; ++i) {
    const char c = digits[i];
    if (c < '0' || c > '9') return std::nullopt;
    std::int64_t& part = i < 28 ? key.timestamp : key.id;
    if (part > (INT64_MAX - 9) / 10) return std::nullopt;
    part = part * 10 + (c - '0');
  }
  return key;
}

}  // namespace albatross::logs
