#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/regions.hpp"
#include "services/ec2/resource_types.hpp"

using namespace albatross::ec2;

TEST_SUITE("ec2.ids") {
  TEST_CASE("ids are the prefix and 17 lowercase hex digits, and differ") {
    std::set<std::string> seen;
    for (const char* prefix : {"vpc", "subnet", "sg", "sgr", "igw", "rtb"}) {
      const auto id = new_id(prefix);
      CHECK(std::regex_match(id, std::regex(std::string(prefix) + "-[0-9a-f]{17}")));
      CHECK(seen.insert(id).second);
      CHECK(has_prefix(id, prefix));
      CHECK(id_prefix(id) == prefix);
    }
    CHECK(new_id("vpc") != new_id("vpc"));
    CHECK_FALSE(has_prefix("vpc-", "vpc"));
    CHECK_FALSE(has_prefix("sg-1", "sgr"));
    CHECK_FALSE(has_prefix("sgr-1", "sg"));
    CHECK_FALSE(has_prefix("foo", "vpc"));
    CHECK(id_prefix("foo").empty());
  }

  TEST_CASE("ARNs and resource types by id") {
    CHECK(ec2_arn("eu-west-1", "123456789012", "subnet", "subnet-1") ==
          "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1");
    CHECK(resource_type_of_id("vpc-0a") == &kVpcType);
    CHECK(resource_type_of_id("sg-0a") == &kSecurityGroupType);
    CHECK(resource_type_of_id("sgr-0a") == &kSecurityGroupRuleType);
    CHECK(resource_type_of_id("i-0a") == nullptr);
    CHECK(not_found_error(kVpcType, "vpc-123").message == "The vpc ID 'vpc-123' does not exist");
    CHECK(not_found_error(kSecurityGroupType, "sg-1").code == "InvalidGroup.NotFound");
    CHECK(malformed_error(kSecurityGroupType, "x").code == "InvalidGroupId.Malformed");
  }

  TEST_CASE("zones and zone ids per region") {
    CHECK(region_code("us-east-1") == "use1");
    CHECK(region_code("eu-west-2") == "euw2");
    CHECK(region_code("ap-southeast-2") == "apse2");
    CHECK(region_code("ca-central-1") == "cac1");
    CHECK(zone_name("us-east-1", 0) == "us-east-1a");
    CHECK(zone_name("eu-west-1", 2) == "eu-west-1c");
    CHECK(zone_id("us-east-1", 0) == "use1-az1");
    CHECK(zone_index_by_name("us-east-1", "us-east-1b") == 1);
    CHECK_FALSE(zone_index_by_name("us-east-1", "us-east-1d"));
    CHECK(zone_index_by_id("eu-west-1", "euw1-az3") == 2);
    CHECK_FALSE(zone_index_by_id("eu-west-1", "use1-az1"));
  }
}
