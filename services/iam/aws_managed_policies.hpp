#pragma once
// A catalogue of AWS managed policies (arn:aws:iam::aws:policy/...) that ECS/ELB/ECR set-ups attach: they
// exist in every account, can be attached and read (GetPolicy, GetPolicyVersion, ListPolicies Scope=AWS),
// never created, changed or deleted.

#include <string>
#include <string_view>
#include <vector>

namespace albatross::iam {

struct AwsManagedPolicy {
  std::string name;
  std::string path;         // "/", "/service-role/" or "/aws-service-role/"
  std::string document;     // JSON text of the default version
  std::string version_id;   // default version, e.g. "v1"
  std::string created;      // ISO-8601
  std::string updated;      // ISO-8601
  std::string description;
};

const std::vector<AwsManagedPolicy>& aws_managed_policies();
// The policy an ARN names (any partition), or nullptr.
const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn);
// arn:<partition>:iam::aws:policy<path><name>
std::string aws_managed_policy_arn(const AwsManagedPolicy& policy, std::string_view partition);
// A stable ANPA… id derived from the name (the same in every account, as in AWS).
std::string aws_managed_policy_id(const AwsManagedPolicy& policy);

}  // namespace albatross::iam
