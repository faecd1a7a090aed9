#include "services/secretsmanager/secret_names.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross::secretsmanager;

TEST_CASE("secret ids: names, full and partial ARNs") {
  const std::string arn = secret_arn("us-east-1", "123456789012", "prod/db", "AbC123");
  CHECK(arn == "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123");
  CHECK(secret_id_matches("prod/db", arn, "prod/db"));
  CHECK(secret_id_matches(arn, arn, "prod/db"));
  CHECK(secret_id_matches("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db", arn, "prod/db"));
  CHECK_FALSE(secret_id_matches("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod", arn, "prod/db"));
  CHECK_THROWS_AS(check_secret_name("bad name"), albatross::AwsError);
  CHECK_NOTHROW(check_secret_name("ok/name_+=.@-"));
}

TEST_CASE("ECS valueFrom with json key, version stage and version id") {
  const auto whole = parse_secret_value_reference("arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123");
  REQUIRE(whole);
  CHECK(whole->secret_id == "arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123");
  CHECK(whole->json_key.empty());
  const auto keyed = parse_secret_value_reference("arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123:password:AWSPREVIOUS:");
  REQUIRE(keyed);
  CHECK(keyed->json_key == "password");
  CHECK(keyed->version_stage == "AWSPREVIOUS");
  CHECK(keyed->version_id.empty());
  const auto by_id = parse_secret_value_reference("arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123:::v-1");
  REQUIRE(by_id);
  CHECK(by_id->version_id == "v-1");
  CHECK_FALSE(parse_secret_value_reference("/ssm/parameter"));
  CHECK_FALSE(parse_secret_value_reference("arn:aws:ssm:us-east-1:1:parameter/x"));
}
