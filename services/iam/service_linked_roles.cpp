// CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus for the services
// Albatross emulates (and EC2 Auto Scaling, which ECS capacity providers use). The role lives under
// /aws-service-role/<service principal>/, trusts that principal and has the service's AWS managed policy.

#include <algorithm>

#include "emulator/clock.hpp"
#include "services/common/arn.hpp"
#include "services/common/ids.hpp"
#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

struct LinkedRole {
  const char* service;
  const char* role_name;
  const char* policy_arn;  // AWS managed policy, partition "aws"
  const char* description;
  bool custom_suffix;  // whether the service accepts CustomSuffix
};

constexpr LinkedRole kLinkedRoles[] = {
    {"ecs.amazonaws.com", "AWSServiceRoleForECS", "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy",
     "Role to enable Amazon ECS to manage your cluster.", false},
    {"elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing",
     "arn:aws:iam::aws:policy/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy",
     "Allows ELB to call AWS services on your behalf.", false},
    {"ecs.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_ECSService",
     "arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoscalingECSServicePolicy", "", false},
    {"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling",
     "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy",
     "Default Service-Linked Role enables access to AWS Services and Resources used or managed by Auto Scaling",
     true},
};

const LinkedRole* linked_role_for(const std::string& service) {
  for (const auto& linked : kLinkedRoles)
    if (service == linked.service) return &linked;
  return nullptr;
}

std::string trust_policy_for(const std::string& service) {
  return Json{{"Version", "2012-10-17"},
              {"Statement", Json::array({{{"Effect", "Allow"},
                                          {"Principal", {{"Service", service}}},
                                          {"Action", "sts:AssumeRole"}}})}}
      .dump();
}

}  // namespace

storage::Resource IamService::store_linked_role(const RequestContext& ctx, const std::string& service,
                                                const std::string& name, const std::string& description) {
  const auto scope = scope_of(ctx);
  const LinkedRole* linked = linked_role_for(service);
  const std::string path = "/aws-service-role/" + service + "/";
  Json doc = {{"Path", path},
              {"RoleName", name},
              {"RoleId", unique_id("AROA")},
              {"Arn", iam_arn(ctx, "role", path, name)},
              {"CreateDate", Clock::now()},
              {"AssumeRolePolicyDocument", trust_policy_for(service)},
              {"MaxSessionDuration", 3600},
              {"AttachedPolicies", Json::array()},
              {"InlinePolicies", Json::object()}};
  // The managed policy ARN in the caller's partition.
  const auto* policy = find_aws_managed_policy(linked->policy_arn);
  if (policy) doc["AttachedPolicies"].push_back(aws_managed_policy_arn(*policy, arn::partition_for_region(ctx.region)));
  if (!description.empty()) doc["Description"] = description;
  return store().put(scope, {kRole, lower(name), "", name, doc});
}

void IamService::ensure_service_linked_role(const RequestContext& ctx, const std::string& service) {
  const LinkedRole* linked = linked_role_for(service);
  if (!linked || store().get(scope_of(ctx), kRole, lower(linked->role_name))) return;
  store_linked_role(ctx, service, linked->role_name, linked->description);
}

Json IamService::create_service_linked_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string service = in.at("AWSServiceName");
  const LinkedRole* linked = linked_role_for(service);
  if (!linked) throw AwsError{"InvalidInputException", "Invalid ServiceName: " + service};
  std::string name = linked->role_name;
  if (in.contains("CustomSuffix")) {
    if (!linked->custom_suffix)
      throw AwsError{"InvalidInputException", "Custom suffix is not allowed for " + service};
    name += "_" + in["CustomSuffix"].get<std::string>();
  }
  if (store().get(scope, kRole, lower(name)))
    throw AwsError{"InvalidInputException",
                   "Service role name " + name + " has been taken in this account, please try a different suffix."};
  const std::string description = in.value("Description", std::string(linked->description));
  auto role = store_linked_role(ctx, service, name, description);
  return {{"Role", role_output(scope, role, RoleView::Create)}};
}

Json IamService::delete_service_linked_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  const std::string path = role.document["Path"];
  if (!path.starts_with("/aws-service-role/"))
    throw AwsError{"InvalidInputException", "Role " + role.document["RoleName"].get<std::string>() +
                                                " is not a service-linked role."};
  for (const auto& profile : store().list(scope, kInstanceProfile))
    if (profile.document.value("RoleName", "") == role.document["RoleName"])
      throw AwsError{"DeleteConflictException", "Cannot delete entity, must remove roles from instance profile first."};
  // "/aws-service-role/<service>/" → the service principal; the deletion completes at once.
  const std::string service = path.substr(18, path.size() - 19);
  const std::string task = "task/aws-service-role/" + service + "/" + role.document["RoleName"].get<std::string>() +
                           "/" + ids::uuid4();
  store().remove(scope, kRole, role.id);
  return {{"DeletionTaskId", task}};
}

Json IamService::get_service_linked_role_deletion_status(RequestContext& ctx, const Json& in) {
  (void)ctx;
  const std::string task = in.at("DeletionTaskId");
  // task/aws-service-role/<service>/<role>/<uuid>
  if (!task.starts_with("task/aws-service-role/") || std::count(task.begin(), task.end(), '/') != 4)
    throw AwsError{"InvalidInputException", "Invalid deletion task id: " + task};
  return {{"Status", "SUCCEEDED"}};
}

}  // namespace albatross::iam
