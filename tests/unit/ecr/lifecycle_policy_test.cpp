#include "services/ecr/lifecycle_policy.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross;
using namespace albatross::ecr;

namespace {

constexpr double kDay = 86400;

std::vector<std::string> expired_digests(const std::string& policy, const std::vector<LifecycleImage>& images, double now) {
  std::vector<std::string> out;
  for (const auto& expiry : evaluate_lifecycle(parse_lifecycle_policy(policy), images, now)) out.push_back(expiry.digest);
  return out;
}

}  // namespace

TEST_CASE("imageCountMoreThan keeps the newest images") {
  const std::string policy = R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]})";
  const std::vector<LifecycleImage> images = {{"a", {"1"}, 10}, {"b", {}, 30}, {"c", {"3"}, 20}, {"d", {"4"}, 40}};
  CHECK(expired_digests(policy, images, 100) == std::vector<std::string>{"c", "a"});
}

TEST_CASE("sinceImagePushed expires images older than the days given") {
  const std::string policy = R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]})";
  const double now = 100 * kDay;
  const std::vector<LifecycleImage> images = {{"old", {}, now - 8 * kDay}, {"new", {}, now - 6 * kDay},
                                              {"tagged-old", {"v1"}, now - 30 * kDay}};
  CHECK(expired_digests(policy, images, now) == std::vector<std::string>{"old"});
}

TEST_CASE("prefixes must all match, and an image a higher rule selected is invisible to lower rules") {
  const std::string policy = R"({"rules":[
    {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod","v"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
    {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})";
  const std::vector<LifecycleImage> images = {
      {"p1", {"prod", "v1"}, 1}, {"p2", {"prod", "v2"}, 2}, {"only-prod", {"prod"}, 3}, {"x", {"x"}, 4}};
  // rule 1 selects p1, p2 (both prefixes) and expires p1; rule 2 sees only-prod and x, keeps x
  const auto expiries = evaluate_lifecycle(parse_lifecycle_policy(policy), images, 10);
  REQUIRE(expiries.size() == 2);
  CHECK(expiries[0].digest == "p1");
  CHECK(expiries[0].rule_priority == 1);
  CHECK(expiries[1].digest == "only-prod");
  CHECK(expiries[1].rule_priority == 2);
}

TEST_CASE("tag patterns use wildcards") {
  CHECK(wildcard_tag_match("prod*", "prod-1"));
  CHECK(wildcard_tag_match("*-rc*", "v1-rc2"));
  CHECK(wildcard_tag_match("*", ""));
  CHECK_FALSE(wildcard_tag_match("prod*", "dev-prod"));
  CHECK_FALSE(wildcard_tag_match("a*b", "acbx"));
  const std::string policy = R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["*-rc*"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})";
  CHECK(expired_digests(policy, {{"a", {"1-rc1"}, 1}, {"b", {"1-rc2"}, 2}, {"c", {"1"}, 0}}, 3) == std::vector<std::string>{"a"});
}

TEST_CASE("AWS's validation rules") {
  auto invalid = [](const std::string& policy) {
    try {
      parse_lifecycle_policy(policy);
    } catch (const AwsError& error) {
      return error.code == "InvalidParameterException" && error.message.find("Lifecycle policy validation failure") != std::string::npos;
    }
    return false;
  };
  CHECK(invalid("not json"));
  CHECK(invalid(R"({"rules":[]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","tagPrefixList":["a"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
                             {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK(invalid(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
                             {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})"));
  CHECK_FALSE(invalid(R"({"rules":[{"rulePriority":5,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]})"));
}
