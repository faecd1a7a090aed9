#include "services/ec2/cidr.hpp"

#include <doctest/doctest.h>

using namespace albatross::ec2;

TEST_SUITE("ec2.cidr") {
  TEST_CASE("IPv4 CIDR blocks parse strictly") {
    const auto block = parse_ipv4_cidr("172.31.16.0/20");
    REQUIRE(block);
    CHECK(block->prefix == 20);
    CHECK(block->text() == "172.31.16.0/20");
    CHECK(block->size() == 4096);
    CHECK(block->last() == ((172u << 24) | (31u << 16) | (31u << 8) | 255u));
    const auto host = parse_ipv4_cidr("10.0.0.1/32");
    REQUIRE(host);
    CHECK(host->first() == host->last());
    CHECK(host->size() == 1);
    const auto everything = parse_ipv4_cidr("0.0.0.0/0");
    REQUIRE(everything);
    CHECK(everything->last() == 0xffffffffu);
    CHECK(everything->size() == (std::uint64_t{1} << 32));
    CHECK(parse_ipv4_cidr("0.0.0.0/0"));
    CHECK(parse_ipv4_cidr("10.0.0.1/32"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.1/24"));  // host bits set
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.0/33"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.0"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0/16"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.0.0/16"));
    CHECK_FALSE(parse_ipv4_cidr("256.0.0.0/8"));
    CHECK_FALSE(parse_ipv4_cidr("010.0.0.0/8"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.0/016"));
    CHECK_FALSE(parse_ipv4_cidr("10.0.0.0/"));
    CHECK_FALSE(parse_ipv4_cidr("a.b.c.d/8"));
    CHECK_FALSE(parse_ipv4_cidr(" 10.0.0.0/8"));
    CHECK_FALSE(parse_ipv4_cidr(""));
  }

  TEST_CASE("containment and overlap") {
    const auto vpc = *parse_ipv4_cidr("10.0.0.0/16");
    CHECK(contains(vpc, *parse_ipv4_cidr("10.0.1.0/24")));
    CHECK(contains(vpc, vpc));
    CHECK(contains(vpc, *parse_ipv4_cidr("10.0.255.240/28")));
    CHECK_FALSE(contains(vpc, *parse_ipv4_cidr("10.1.0.0/24")));
    CHECK_FALSE(contains(vpc, *parse_ipv4_cidr("10.0.0.0/8")));
    CHECK(contains(*parse_ipv4_cidr("0.0.0.0/0"), *parse_ipv4_cidr("255.255.255.255/32")));
    CHECK(overlaps(*parse_ipv4_cidr("10.0.1.0/24"), *parse_ipv4_cidr("10.0.1.128/25")));
    CHECK(overlaps(*parse_ipv4_cidr("10.0.0.0/16"), *parse_ipv4_cidr("10.0.200.0/24")));
    CHECK_FALSE(overlaps(*parse_ipv4_cidr("10.0.1.0/24"), *parse_ipv4_cidr("10.0.2.0/24")));
    CHECK_FALSE(overlaps(*parse_ipv4_cidr("172.31.0.0/20"), *parse_ipv4_cidr("172.31.16.0/20")));
  }

  TEST_CASE("IPv6 CIDR blocks") {
    CHECK(valid_ipv6_cidr("::/0"));
    CHECK(valid_ipv6_cidr("2001:db8::/32"));
    CHECK(valid_ipv6_cidr("2001:db8:1234:1a00::/56"));
    CHECK(valid_ipv6_cidr("2001:0db8:0000:0000:0000:0000:0000:0001/128"));
    CHECK_FALSE(valid_ipv6_cidr("2001:db8::1/64"));  // host bits
    CHECK_FALSE(valid_ipv6_cidr("2001:db8::/129"));
    CHECK_FALSE(valid_ipv6_cidr("2001:db8::"));
    CHECK_FALSE(valid_ipv6_cidr("2001::db8::/32"));
    CHECK_FALSE(valid_ipv6_cidr("12345::/16"));
    CHECK_FALSE(valid_ipv6_cidr("10.0.0.0/8"));
  }

  TEST_CASE("IPv6 containment and overlap") {
    const auto vpc = *parse_ipv6_cidr("2600:1f18:abc:de00::/56");
    CHECK(contains(vpc, *parse_ipv6_cidr("2600:1f18:abc:de00::/64")));
    CHECK(contains(vpc, *parse_ipv6_cidr("2600:1f18:abc:deff::/64")));
    CHECK_FALSE(contains(vpc, *parse_ipv6_cidr("2600:1f18:abc:df00::/64")));
    CHECK_FALSE(contains(vpc, *parse_ipv6_cidr("2600:1f18:abc::/48")));
    CHECK(contains(*parse_ipv6_cidr("::/0"), vpc));
    CHECK(overlaps(*parse_ipv6_cidr("2600:1f18:abc:de01::/64"), vpc));
    CHECK_FALSE(overlaps(*parse_ipv6_cidr("2600:1f18:abc:de01::/64"), *parse_ipv6_cidr("2600:1f18:abc:de02::/64")));
  }
}
