#include "services/common/arn.hpp"

#include <doctest/doctest.h>

using namespace albatross;

TEST_SUITE("common.arn") {
  TEST_CASE("an ARN splits into its six fields; the resource keeps its own colons") {
    const auto parts = arn::parse("arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/app");
    REQUIRE(parts);
    CHECK(parts->partition == "aws-cn");
    CHECK(parts->service == "ecr");
    CHECK(parts->region == "cn-north-1");
    CHECK(parts->account_id == "123456789012");
    CHECK(parts->resource == "repository/team/app");
    CHECK(arn::parse("arn:aws:logs:us-east-1:1:log-group:/ecs/web:*")->resource == "log-group:/ecs/web:*");
  }

  TEST_CASE("text that is not an ARN") {
    CHECK_FALSE(arn::parse(""));
    CHECK_FALSE(arn::parse("invalid"));
    CHECK_FALSE(arn::parse("arn:aws:ecr:us-east-1"));
    CHECK_FALSE(arn::parse("urn:aws:ecr:us-east-1:1:repository/x"));
  }

  TEST_CASE("make and parse agree") {
    const auto parts = arn::parse(arn::make("acm", "us-gov-west-1", "123456789012", "certificate/abc"));
    REQUIRE(parts);
    CHECK(parts->partition == "aws-us-gov");
    CHECK(parts->resource == "certificate/abc");
  }
}
