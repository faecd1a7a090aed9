#include "services/logs/log_names.hpp"

#include <doctest/doctest.h>

using namespace albatross::logs;

TEST_CASE("log group ARNs and identifiers") {
  CHECK(log_group_arn("us-east-1", "123456789012", "/ecs/web", true) == "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*");
  CHECK(log_group_arn("us-east-1", "123456789012", "/ecs/web", false) == "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web");
  CHECK(log_stream_arn("eu-west-1", "1", "g", "s") == "arn:aws:logs:eu-west-1:1:log-group:g:log-stream:s");
  CHECK(log_group_name_from_identifier("/ecs/web") == "/ecs/web");
  CHECK(log_group_name_from_identifier("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*") == "/ecs/web");
  CHECK(log_group_name_from_identifier("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web") == "/ecs/web");
  CHECK_FALSE(log_group_name_from_identifier("arn:aws:logs:us-east-1:123456789012:destination:d"));
  CHECK_FALSE(log_group_name_from_identifier("arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"));
  CHECK_FALSE(log_group_name_from_identifier("arn:aws:logs"));
}

TEST_CASE("retention periods are AWS's enumeration") {
  CHECK(valid_retention_days(1));
  CHECK(valid_retention_days(3653));
  CHECK_FALSE(valid_retention_days(2));
  CHECK_FALSE(valid_retention_days(0));
  CHECK(retention_days_text().starts_with("[1, 3, 5, 7, 14, 30,"));
}

TEST_CASE("event keys encode to 56 digits that sort like the keys") {
  const EventKey a{1700000000000, 7};
  const EventKey b{1700000000000, 12};
  const EventKey c{1700000000001, 1};
  CHECK(encode_event_key(a).size() == 56);
  CHECK(encode_event_key(a) < encode_event_key(b));
  CHECK(encode_event_key(b) < encode_event_key(c));
  CHECK(decode_event_key(encode_event_key(b)) == b);
  CHECK_FALSE(decode_event_key("123"));
  CHECK_FALSE(decode_event_key(std::string(55, '0') + "x"));
}
