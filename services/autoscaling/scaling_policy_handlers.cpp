// PutScalingPolicy (create or replace by name), DescribeScalingPolicies, DeleteScalingPolicy. A target
// tracking policy gets the two CloudWatch alarms AWS creates for it (only the scale-out one when scale-in
// is disabled); they are named and returned, not evaluated.

#include <algorithm>

#include "emulator/clock.hpp"
#include "services/autoscaling/autoscaling_service.hpp"
#include "services/autoscaling/autoscaling_support.hpp"
#include "services/autoscaling/scaling_validation.hpp"
#include "services/common/arn.hpp"
#include "services/common/ids.hpp"

namespace albatross::autoscaling {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kPoliciesPerTarget = 50;

Json tracking_alarms(const RequestContext& ctx, const Json& in) {
  const std::string resource_id = in.at("ResourceId");
  const bool scale_in = !in["TargetTrackingScalingPolicyConfiguration"].value("DisableScaleIn", false);
  Json alarms = Json::array();
  for (const char* kind : {"AlarmHigh", "AlarmLow"}) {
    if (std::string(kind) == "AlarmLow" && !scale_in) continue;
    const std::string name = "TargetTracking-" + resource_id + "-" + kind + "-" + ids::uuid4();
    alarms.push_back({{"AlarmName", name}, {"AlarmARN", arn::make("cloudwatch", ctx.region, ctx.account_id, "alarm:" + name)}});
  }
  return alarms;
}

std::string policy_name_key(const std::string& target, const std::string& name) { return target + "|" + name; }

}  // namespace

Json AutoscalingService::put_scaling_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string type = check_scaling_policy(in);
  const auto target = require_target(scope, in);
  const std::string name = in.at("PolicyName");
  auto existing = store().find_by_name(scope, kPolicy, policy_name_key(target.id, name));
  if (!existing && store().children(scope, kPolicy, target.id).size() >= kPoliciesPerTarget)
    throw AwsError{"LimitExceededException", "A scalable target can have at most 50 scaling policies"};
  const std::string resource_id = in.at("ResourceId");
  const std::string policy_arn =
      existing ? existing->id
               : arn::make("autoscaling", ctx.region, ctx.account_id,
                           "scalingPolicy:" + ids::uuid4() + ":resource/" + in.at("ServiceNamespace").get<std::string>() +
                               "/" + resource_id + ":policyName/" + name);
  Json doc = {{"PolicyARN", policy_arn},
              {"PolicyName", name},
              {"ServiceNamespace", in["ServiceNamespace"]},
              {"ResourceId", resource_id},
              {"ScalableDimension", in["ScalableDimension"]},
              {"PolicyType", type},
              {"Alarms", type == "TargetTrackingScaling" ? tracking_alarms(ctx, in) : Json::array()},
              {"CreationTime", existing ? existing->document["CreationTime"] : Json(Clock::now())}};
  for (const char* config : {"StepScalingPolicyConfiguration", "TargetTrackingScalingPolicyConfiguration",
                             "PredictiveScalingPolicyConfiguration"})
    if (in.contains(config)) doc[config] = in[config];
  store().put(scope, {kPolicy, policy_arn, target.id, policy_name_key(target.id, name), doc});
  Json out = {{"PolicyARN", policy_arn}};
  if (type == "TargetTrackingScaling") out["Alarms"] = doc["Alarms"];
  return out;
}

Json AutoscalingService::describe_scaling_policies(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const Json names = in.value("PolicyNames", Json::array());
  Json policies = Json::array();
  for (const auto& policy : store().list(scope, kPolicy)) {
    const Json& doc = policy.document;
    if (doc["ServiceNamespace"] != in.at("ServiceNamespace")) continue;
    if (in.contains("ResourceId") && doc["ResourceId"] != in["ResourceId"]) continue;
    if (in.contains("ScalableDimension") && doc["ScalableDimension"] != in["ScalableDimension"]) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), doc["PolicyName"]) == names.end()) continue;
    policies.push_back(doc);
  }
  return next_token_page(policies, in, "ScalingPolicies");
}

Json AutoscalingService::delete_scaling_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("PolicyName");
  const std::string id = target_id(in.at("ServiceNamespace"), in.at("ScalableDimension"), in.at("ResourceId"));
  const auto policy = store().find_by_name(scope, kPolicy, policy_name_key(id, name));
  if (!policy)
    throw AwsError{"ObjectNotFoundException",
                   "No scaling policy found for service namespace: " + in["ServiceNamespace"].get<std::string>() +
                       ", resource ID: " + in["ResourceId"].get<std::string>() + ", scalable dimension: " +
                       in["ScalableDimension"].get<std::string>() + ", policy name: " + name};
  store().remove(scope, kPolicy, policy->id);
  return Json::object();
}

}  // namespace albatross::autoscaling
