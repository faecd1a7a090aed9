#include "services/acm/certificate_tags.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross;
using nlohmann::json;

TEST_CASE("tags merge by key and removal honours an optional value") {
  json tags = acm::validated_new_tags(json::parse(R"([{"Key":"env","Value":"dev"},{"Key":"team"}])"));
  tags = acm::merge_tags(tags, json::parse(R"([{"Key":"env","Value":"prod"}])"));
  CHECK(tags == json::parse(R"([{"Key":"env","Value":"prod"},{"Key":"team"}])"));
  CHECK(acm::remove_tags(tags, json::parse(R"([{"Key":"env","Value":"dev"}])")).size() == 2);
  CHECK(acm::remove_tags(tags, json::parse(R"([{"Key":"env"}])")) == json::parse(R"([{"Key":"team"}])"));
}

TEST_CASE("aws: keys and more than 50 tags are refused") {
  CHECK_THROWS_AS(acm::validated_new_tags(json::parse(R"([{"Key":"aws:cloudformation:stack"}])")), AwsError);
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"Key", "k" + std::to_string(i)}});
  try {
    acm::validated_new_tags(many);
    FAIL("expected TooManyTagsException");
  } catch (const AwsError& error) {
    CHECK(error.code == "TooManyTagsException");
  }
}
