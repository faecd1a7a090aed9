#include "routing/stickiness.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <ctime>

#include "services/common/base64.hpp"

namespace albatross::routing {
namespace {

constexpr std::size_t kMacBytes = 16;  // truncated HMAC-SHA256: enough to reject forgeries of a session pin

std::string mac_of(std::string_view payload, std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), std::min<std::size_t>(length, kMacBytes));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits "a=1; b=2" into name/value pairs.
template <class Visit>
void for_each_cookie(std::string_view header, Visit visit) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const std::string_view pair = trim(header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos) visit(trim(pair.substr(0, equals)), trim(pair.substr(equals + 1)));
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
}

std::optional<int> attribute_int(const TargetGroup& group, const char* key) {
  const auto found = group.attributes.find(key);
  if (found == group.attributes.end()) return std::nullopt;
  int value = 0;
  const auto& text = found->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string attribute(const TargetGroup& group, const char* key) {
  const auto found = group.attributes.find(key);
  return found == group.attributes.end() ? std::string() : found->second;
}

}  // namespace

std::string encode_sticky_pin(const StickyPin& pin, std::string_view key) {
  const std::string payload = pin.group_arn + "\n" + pin.target_id + "\n" + std::to_string(pin.port) + "\n" +
                              std::to_string(static_cast<long long>(pin.valid_until * 1000));
  return base64::encode(payload + mac_of(payload, key));
}

std::optional<StickyPin> decode_sticky_pin(std::string_view value, std::string_view key) {
  const auto bytes = base64::decode(value);
  if (!bytes || bytes->size() <= kMacBytes) return std::nullopt;
  const std::string payload = bytes->substr(0, bytes->size() - kMacBytes);
  if (bytes->substr(payload.size()) != mac_of(payload, key)) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t newline; (newline = payload.find('\n', start)) != std::string::npos; start = newline + 1)
    parts.push_back(payload.substr(start, newline - start));
  parts.push_back(payload.substr(start));
  if (parts.size() != 4) return std::nullopt;
  StickyPin pin{parts[0], parts[1], 0, 0};
  long long millis = 0;
  if (std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), pin.port).ec != std::errc{} ||
      std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), millis).ec != std::errc{})
    return std::nullopt;
  pin.valid_until = static_cast<double>(millis) / 1000.0;
  return pin;
}

std::vector<std::string> request_cookie_values(const HeaderList& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& header : headers) {
    if (!ascii_iequals(header.name, "Cookie")) continue;
    for_each_cookie(header.value, [&](std::string_view cookie, std::string_view value) {
      if (cookie == name) out.emplace_back(value);
    });
  }
  return out;
}

bool response_sets_cookie(const std::vector<std::string>& set_cookie_values, std::string_view name) {
  for (const auto& value : set_cookie_values) {
    const std::string_view text = value;
    const auto equals = text.find('=');
    if (equals != std::string_view::npos && trim(text.substr(0, equals)) == name) return true;
  }
  return false;
}

std::string joined_app_cookie(const HeaderList& headers) {
  std::string out;
  for (int shard = 0; shard < 4; ++shard) {
    const auto values = request_cookie_values(headers, "AWSALBAPP-" + std::to_string(shard));
    if (values.empty() || values.front() == "_remove_") break;
    out += values.front();
  }
  return out;
}

StickinessConfig stickiness_of(const TargetGroup& group) {
  StickinessConfig config;
  if (attribute(group, "stickiness.enabled") != "true") return config;
  if (attribute(group, "stickiness.type") == "app_cookie") {
    config.type = StickinessConfig::Type::AppCookie;
    config.app_cookie_name = attribute(group, "stickiness.app_cookie.cookie_name");
    config.duration_seconds = attribute_int(group, "stickiness.app_cookie.duration_seconds").value_or(86400);
    if (config.app_cookie_name.empty()) config.type = StickinessConfig::Type::None;
  } else {
    config.type = StickinessConfig::Type::LbCookie;
    config.duration_seconds = attribute_int(group, "stickiness.lb_cookie.duration_seconds").value_or(86400);
  }
  return config;
}

std::string cookie_date(double epoch_seconds) {
  const std::time_t when = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

std::vector<std::string> pin_cookie_headers(std::string_view name, std::string_view value, double now) {
  const std::string attributes = "; Expires=" + cookie_date(now + kStickyCookieLifetimeSeconds) + "; Path=/";
  const std::string cookie = std::string(name) + "=" + std::string(value) + attributes;
  return {cookie, std::string(name) + "CORS=" + std::string(value) + attributes + "; SameSite=None; Secure"};
}

std::vector<std::string> app_cookie_headers(std::string_view value, double now) {
  const std::string attributes = "; Expires=" + cookie_date(now + kStickyCookieLifetimeSeconds) + "; Path=/";
  std::vector<std::string> out{"AWSALBAPP-0=" + std::string(value) + attributes};
  for (int shard = 1; shard < 4; ++shard) out.push_back("AWSALBAPP-" + std::to_string(shard) + "=_remove_" + attributes);
  return out;
}

}  // namespace albatross::routing
