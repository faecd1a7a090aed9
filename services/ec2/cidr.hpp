#pragma once
// IPv4 and IPv6 CIDR blocks as EC2 accepts them: dotted quad (no leading zeros) or RFC 4291 text, a
// prefix length, and no host bits set.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace albatross::ec2 {

struct Ipv4Cidr {
  std::uint32_t network = 0;  // host bits are zero
  int prefix = 0;             // 0..32

  std::uint32_t first() const { return network; }
  std::uint32_t last() const { return network | static_cast<std::uint32_t>(0xffffffffull >> prefix); }
  std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
  std::string text() const;
};

// Empty when `text` is not "a.b.c.d/n" or has host bits set.
std::optional<Ipv4Cidr> parse_ipv4_cidr(std::string_view text);
// True when `inner` lies entirely inside `outer`.
bool contains(const Ipv4Cidr& outer, const Ipv4Cidr& inner);
bool overlaps(const Ipv4Cidr& a, const Ipv4Cidr& b);

struct Ipv6Cidr {
  std::array<std::uint8_t, 16> network{};  // host bits are zero
  int prefix = 0;                          // 0..128
};

// Empty when `text` is not "addr/n" (n 0..128) or has host bits set.
std::optional<Ipv6Cidr> parse_ipv6_cidr(std::string_view text);
bool valid_ipv6_cidr(std::string_view text);
bool contains(const Ipv6Cidr& outer, const Ipv6Cidr& inner);
bool overlaps(const Ipv6Cidr& a, const Ipv6Cidr& b);

}  // namespace albatross::ec2
