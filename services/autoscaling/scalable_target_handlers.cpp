// RegisterScalableTarget (create or update), DescribeScalableTargets, DeregisterScalableTarget.

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

constexpr std::size_t kTagsPerTarget = 50;

}  // namespace

// As on AWS, registering (or updating) a target moves the resource's current capacity into [min, max].
void AutoscalingService::clamp_capacity(const RequestContext& ctx, const Json& target) {
  if (target["ServiceNamespace"] != "ecs" || !ecs_capacity_clamp_) return;
  ecs_capacity_clamp_(ctx, target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]);
}

Json AutoscalingService::register_scalable_target(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string service_namespace = in.at("ServiceNamespace");
  const std::string resource_id = in.at("ResourceId");
  const std::string dimension = in.at("ScalableDimension");
  check_target_identity(service_namespace, dimension, resource_id);
  const std::string id = target_id(service_namespace, dimension, resource_id);
  auto existing = store().get(scope, kTarget, id);
  check_capacities(in, existing ? &existing->document : nullptr);
  if (existing) {
    // An update: only the given fields change; tags are set with TagResource.
    Json& doc = existing->document;
    for (const char* field : {"MinCapacity", "MaxCapacity", "RoleARN"})
      if (in.contains(field)) doc[field] = in[field];
    if (in.contains("SuspendedState"))
      for (const auto& [flag, value] : in["SuspendedState"].items()) doc["SuspendedState"][flag] = value;
    store().put(scope, *existing);
    clamp_capacity(ctx, doc);
    return {{"ScalableTargetARN", doc["ScalableTargetARN"]}};
  }
  const Json tags = in.value("Tags", Json::object());
  if (tags.size() > kTagsPerTarget) throw AwsError{"ValidationException", "A scalable target can have at most 50 tags"};
  const std::string arn = arn::make("application-autoscaling", ctx.region, ctx.account_id,
                                    "scalable-target/" + ids::random_hex(36));
  Json suspended = {{"DynamicScalingInSuspended", false},
                    {"DynamicScalingOutSuspended", false},
                    {"ScheduledScalingSuspended", false}};
  if (in.contains("SuspendedState"))
    for (const auto& [flag, value] : in["SuspendedState"].items()) suspended[flag] = value;
  Json doc = {{"ServiceNamespace", service_namespace},
              {"ResourceId", resource_id},
              {"ScalableDimension", dimension},
              {"MinCapacity", in["MinCapacity"]},
              {"MaxCapacity", in["MaxCapacity"]},
              {"RoleARN", in.value("RoleARN", default_role_arn(ctx, service_namespace))},
              {"CreationTime", Clock::now()},
              {"SuspendedState", suspended},
              {"ScalableTargetARN", arn}};
  // Like AWS, the first use creates the service-linked role the target runs under.
  if (!in.contains("RoleARN") && ensure_linked_role_)
    ensure_linked_role_(ctx, service_namespace + ".application-autoscaling.amazonaws.com");
  store().put(scope, {kTarget, id, "", arn, doc});
  if (!tags.empty()) store().add_tags(scope, arn, tag_list(tags));
  clamp_capacity(ctx, doc);
  return {{"ScalableTargetARN", arn}};
}

Json AutoscalingService::describe_scalable_targets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string service_namespace = in.at("ServiceNamespace");
  const Json resource_ids = in.value("ResourceIds", Json::array());
  Json targets = Json::array();
  for (const auto& target : store().list(scope, kTarget)) {
    const Json& doc = target.document;
    if (doc["ServiceNamespace"] != service_namespace) continue;
    if (in.contains("ScalableDimension") && doc["ScalableDimension"] != in["ScalableDimension"]) continue;
    if (!resource_ids.empty() && std::find(resource_ids.begin(), resource_ids.end(), doc["ResourceId"]) == resource_ids.end())
      continue;
    targets.push_back(doc);
  }
  return next_token_page(targets, in, "ScalableTargets");
}

Json AutoscalingService::deregister_scalable_target(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto target = require_target(scope, in);
  // AWS deletes the target's scaling policies with it.
  for (const auto& policy : store().children(scope, kPolicy, target.id)) store().remove(scope, kPolicy, policy.id);
  for (const auto& activity : store().children(scope, kActivity, target.id)) store().remove(scope, kActivity, activity.id);
  const std::string arn = target.document["ScalableTargetARN"];
  std::vector<std::string> keys;
  for (const auto& tag : store().tags(scope, arn)) keys.push_back(tag["Key"]);
  store().remove_tags(scope, arn, keys);
  store().remove(scope, kTarget, target.id);
  return Json::object();
}

}  // namespace albatross::autoscaling
