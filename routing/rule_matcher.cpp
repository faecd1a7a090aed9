#include "routing/rule_matcher.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "routing/wildcard.hpp"

namespace albatross::routing {
namespace {

bool any_value(const std::vector<std::string>& patterns, std::string_view text, CaseMode mode) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return wildcard_match(pattern, text, mode); });
}

// Repeated headers: each occurrence is tried on its own (AWS §3.2), never the comma-joined value.
bool header_matches(const Condition& condition, const RequestView& request) {
  for (const auto& header : request.headers)
    if (ascii_iequals(header.name, condition.header_name) &&
        any_value(condition.values, header.value, CaseMode::Insensitive))
      return true;
  return false;
}

bool method_matches(const Condition& condition, const RequestView& request) {
  return std::find(condition.values.begin(), condition.values.end(), request.method) != condition.values.end();
}

bool query_matches(const Condition& condition, const RequestView& request) {
  const auto pairs = parse_query(request.query);
  for (const auto& wanted : condition.query_values)
    for (const auto& pair : pairs) {
      if (wanted.key && !wildcard_match_escaped(*wanted.key, pair.key, CaseMode::Insensitive)) continue;
      if (wildcard_match_escaped(wanted.value, pair.value, CaseMode::Insensitive)) return true;
    }
  return false;
}

bool source_matches(const Condition& condition, const RequestView& request) {
  return std::any_of(condition.source_ips.begin(), condition.source_ips.end(),
                     [&](const Cidr& cidr) { return cidr_contains(cidr, request.source_ip); });
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Address {
  bool ipv6 = false;
  unsigned char bytes[16] = {};
};

// IPv4-mapped IPv6 peers (dual-stack sockets) count as IPv4 so that IPv4 CIDRs still match them.
std::optional<Address> parse_address(std::string_view text) {
  Address out;
  const std::string copy(text);
  if (copy.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, copy.c_str(), out.bytes) != 1) return std::nullopt;
    return out;
  }
  if (inet_pton(AF_INET6, copy.c_str(), out.bytes) != 1) return std::nullopt;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.bytes, kMappedPrefix, 12) == 0) {
    std::memmove(out.bytes, out.bytes + 12, 4);
    std::memset(out.bytes + 4, 0, 12);
    return out;
  }
  out.ipv6 = true;
  return out;
}

bool prefix_equal(const unsigned char* a, const unsigned char* b, int bits) {
  const int whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

bool condition_matches(const Condition& condition, const RequestView& request) {
  switch (condition.field) {
    case ConditionField::HostHeader:
      return any_value(condition.values, request.host, CaseMode::Insensitive);
    case ConditionField::PathPattern:
      return any_value(condition.values, request.path, CaseMode::Sensitive);
    case ConditionField::HttpHeader:
      return header_matches(condition, request);
    case ConditionField::HttpRequestMethod:
      return method_matches(condition, request);
    case ConditionField::QueryString:
      return query_matches(condition, request);
    case ConditionField::SourceIp:
      return source_matches(condition, request);
  }
  return false;
}

bool rule_matches(const Rule& rule, const RequestView& request) {
  return std::all_of(rule.conditions.begin(), rule.conditions.end(),
                     [&](const Condition& condition) { return condition_matches(condition, request); });
}

const Rule* match_rule(const std::vector<Rule>& rules, const RequestView& request) {
  const Rule* fallback = nullptr;
  for (const auto& rule : rules) {
    if (rule.is_default) {
      if (!fallback) fallback = &rule;
      continue;
    }
    if (rule_matches(rule, request)) return &rule;
  }
  return fallback;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string address(text.substr(0, slash));
  const std::string_view prefix = text.substr(slash + 1);
  const bool ipv6 = address.find(':') != std::string::npos;
  unsigned char bytes[16] = {};
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, address.c_str(), bytes) != 1) return std::nullopt;
  int length = -1;
  const auto [end, error] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
  if (prefix.empty() || error != std::errc{} || end != prefix.data() + prefix.size()) return std::nullopt;
  if (length < 0 || length > (ipv6 ? 128 : 32)) return std::nullopt;
  Cidr cidr;
  cidr.ipv6 = ipv6;
  cidr.prefix_length = length;
  for (int bit = 0; bit < length; ++bit) {  // copy only the network bits: host bits are cleared
    const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if (bytes[bit / 8] & mask) cidr.address[bit / 8] |= mask;
  }
  return cidr;
}

bool cidr_contains(const Cidr& cidr, std::string_view address) {
  const auto parsed = parse_address(address);
  if (!parsed || parsed->ipv6 != cidr.ipv6) return false;
  return prefix_equal(parsed->bytes, cidr.address, cidr.prefix_length);
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<QueryPair> parse_query(std::string_view raw_query) {
  std::vector<QueryPair> pairs;
  while (!raw_query.empty()) {
    const auto amp = raw_query.find('&');
    const std::string_view piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
    if (piece.empty()) continue;  // "a=1&&b=2": empty pieces carry no pair
    const auto eq = piece.find('=');
    if (eq == std::string_view::npos)
      pairs.push_back({percent_decode(piece), ""});
    else
      pairs.push_back({percent_decode(piece.substr(0, eq)), percent_decode(piece.substr(eq + 1))});
  }
  return pairs;
}

}  // namespace albatross::routing
