#include "services/iam/iam_support.hpp"

#include <doctest/doctest.h>

#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"

namespace iam = albatross::iam;
using albatross::AwsError;

TEST_CASE("IAM returns documents percent-encoded except RFC 3986 unreserved characters") {
  CHECK(iam::url_encode(R"({"a": "b-c_d.e~f"})") == "%7B%22a%22%3A%20%22b-c_d.e~f%22%7D");
}

TEST_CASE("policy documents: JSON, statements with Effect and Action, principals only in trust policies") {
  const char* identity = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})";
  const char* trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  CHECK_NOTHROW(iam::check_policy_document(identity, iam::PolicyKind::Identity));
  CHECK_NOTHROW(iam::check_policy_document(trust, iam::PolicyKind::Trust));
  CHECK_THROWS_AS(iam::check_policy_document(identity, iam::PolicyKind::Trust), AwsError);
  CHECK_THROWS_AS(iam::check_policy_document(trust, iam::PolicyKind::Identity), AwsError);
  CHECK_THROWS_AS(iam::check_policy_document("[]", iam::PolicyKind::Identity), AwsError);
  CHECK_THROWS_AS(iam::check_policy_document(R"({"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]})",
                                             iam::PolicyKind::Identity),
                  AwsError);
}

TEST_CASE("role ARNs name an account and a role, whatever the path") {
  const auto parsed = iam::parse_role_arn("arn:aws:iam::123456789012:role/service-role/app/my-role");
  REQUIRE(parsed);
  CHECK(parsed->first == "123456789012");
  CHECK(parsed->second == "my-role");
  CHECK(!iam::parse_role_arn("arn:aws:iam::123456789012:user/bob"));
  CHECK(!iam::parse_role_arn("arn:aws:iam::12345:role/r"));
  CHECK(!iam::parse_role_arn("arn:aws:sts::123456789012:role/r"));
}

TEST_CASE("AWS managed policies are found by ARN in any partition and have stable ids") {
  const auto* policy = iam::find_aws_managed_policy("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
  REQUIRE(policy);
  CHECK(iam::find_aws_managed_policy("arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy") == policy);
  CHECK(!iam::find_aws_managed_policy("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"));  // wrong path
  CHECK(iam::aws_managed_policy_id(*policy) == iam::aws_managed_policy_id(*policy));
  CHECK(iam::aws_managed_policy_id(*policy).size() == 21);
  for (const auto& managed : iam::aws_managed_policies())
    CHECK_NOTHROW(iam::check_policy_document(managed.document, iam::PolicyKind::Identity));
}
