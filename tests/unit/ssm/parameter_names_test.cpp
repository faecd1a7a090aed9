#include "services/ssm/parameter_names.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross::ssm;

TEST_CASE("parameter names follow AWS's rules") {
  CHECK_NOTHROW(check_parameter_name("/app/db/host"));
  CHECK_NOTHROW(check_parameter_name("plain.name-1_x"));
  CHECK_THROWS_AS(check_parameter_name("a/b"), albatross::AwsError);
  CHECK_THROWS_AS(check_parameter_name("/AWS/x"), albatross::AwsError);
  CHECK_THROWS_AS(check_parameter_name("ssm-thing"), albatross::AwsError);
  CHECK_THROWS_AS(check_parameter_name("/a b"), albatross::AwsError);
  CHECK_THROWS_AS(check_parameter_name("/a//b"), albatross::AwsError);
}

TEST_CASE("references: names, selectors and ARNs") {
  auto plain = parse_parameter_reference("/a/b:3");
  REQUIRE(plain);
  CHECK(plain->name == "/a/b");
  CHECK(plain->version == 3);
  CHECK(plain->selector == ":3");
  auto labelled = parse_parameter_reference("name:prod");
  REQUIRE(labelled);
  CHECK(labelled->label == "prod");
  CHECK_FALSE(labelled->version);
  auto arn = parse_parameter_reference("arn:aws:ssm:eu-west-1:123456789012:parameter/a/b");
  REQUIRE(arn);
  CHECK(arn->name == "/a/b");
  CHECK(arn->region == "eu-west-1");
  CHECK(arn->account == "123456789012");
  auto single = parse_parameter_reference("arn:aws:ssm:eu-west-1:123456789012:parameter/key:2");
  REQUIRE(single);
  CHECK(single->name == "key");
  CHECK(single->alternative_name == "/key");
  CHECK(single->version == 2);
  CHECK_FALSE(parse_parameter_reference("arn:aws:s3:::bucket/key"));
  CHECK(parameter_arn("us-east-1", "1", "/a/b") == "arn:aws:ssm:us-east-1:1:parameter/a/b");
  CHECK(parameter_arn("us-east-1", "1", "x") == "arn:aws:ssm:us-east-1:1:parameter/x");
}

TEST_CASE("path membership") {
  CHECK(parameter_in_path("/a/b", "/a", false));
  CHECK(parameter_in_path("/a/b", "/a/", false));
  CHECK_FALSE(parameter_in_path("/a/b/c", "/a", false));
  CHECK(parameter_in_path("/a/b/c", "/a", true));
  CHECK_FALSE(parameter_in_path("/ab", "/a", true));
}
