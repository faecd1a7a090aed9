#include "services/ec2/cidr.hpp"

#include <array>
#include <charconv>
#include <vector>

namespace albatross::ec2 {
namespace {

// A decimal number of at most `max_digits` digits without leading zeros (a lone "0" is fine).
std::optional<unsigned> decimal(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int i = 0; i < 4; ++i) {
    const auto dot = text.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
    const auto octet = decimal(text.substr(0, dot), 3);
    if (!octet || *octet > 255) return std::nullopt;
    address = (address << 8) | *octet;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return address;
}

std::optional<unsigned> hex_group(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_groups(std::string_view text) {
  std::vector<std::string_view> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto colon = text.find(':', start);
    out.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return out;
}

// 16 bytes of an IPv6 address in RFC 4291 text form (no zone, no embedded IPv4).
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text) {
  std::vector<unsigned> head, tail;
  const auto gap = text.find("::");
  auto fill = [](std::string_view part, std::vector<unsigned>& groups) {
    for (auto group : split_groups(part)) {
      const auto value = hex_group(group);
      if (!value) return false;
      groups.push_back(*value);
    }
    return true;
  };
  if (gap == std::string_view::npos) {
    if (!fill(text, head) || head.size() != 8) return std::nullopt;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!fill(text.substr(0, gap), head) || !fill(text.substr(gap + 2), tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(head[i] & 0xff);
  }
  return bytes;
}

}  // namespace

std::string Ipv4Cidr::text() const {
  return std::to_string(network >> 24) + "." + std::to_string((network >> 16) & 0xff) + "." +
         std::to_string((network >> 8) & 0xff) + "." + std::to_string(network & 0xff) + "/" + std::to_string(prefix);
}

std::optional<Ipv4Cidr> parse_ipv4_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = parse_ipv4(text.substr(0, slash));
  const auto prefix = decimal(text.substr(slash + 1), 2);
  if (!address || !prefix || *prefix > 32) return std::nullopt;
  const std::uint32_t mask = *prefix == 0 ? 0 : 0xffffffffu << (32 - *prefix);
  if ((*address & ~mask) != 0) return std::nullopt;
  return Ipv4Cidr{*address, static_cast<int>(*prefix)};
}

bool contains(const Ipv4Cidr& outer, const Ipv4Cidr& inner) {
  return inner.prefix >= outer.prefix && inner.first() >= outer.first() && inner.last() <= outer.last();
}

bool overlaps(const Ipv4Cidr& a, const Ipv4Cidr& b) { return a.first() <= b.last() && b.first() <= a.last(); }

std::optional<Ipv6Cidr> parse_ipv6_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto address = parse_ipv6(text.substr(0, slash));
  const auto prefix = decimal(text.substr(slash + 1), 3);
  if (!address || !prefix || *prefix > 128) return std::nullopt;
  for (unsigned bit = *prefix; bit < 128; ++bit)
    if ((*address)[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;
  return Ipv6Cidr{*address, static_cast<int>(*prefix)};
}

bool valid_ipv6_cidr(std::string_view text) { return parse_ipv6_cidr(text).has_value(); }

bool contains(const Ipv6Cidr& outer, const Ipv6Cidr& inner) {
  if (inner.prefix < outer.prefix) return false;
  for (int bit = 0; bit < outer.prefix; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if ((outer.network[bit / 8] & mask) != (inner.network[bit / 8] & mask)) return false;
  }
  return true;
}

// Two aligned blocks overlap exactly when one contains the other.
bool overlaps(const Ipv6Cidr& a, const Ipv6Cidr& b) { return contains(a, b) || contains(b, a); }

}  // namespace albatross::ec2
