#pragma once
// Application Auto Scaling (JSON 1.1): scalable targets, scaling policies (target tracking with predefined or
// customized metrics, step scaling), scaling activities and tags, stored per account and region in the
// ResourceStore with AWS's validation and errors. Policies are stored, not executed: the ECS scaler that will
// act on them reads them through scaling_targets.hpp.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::autoscaling {

// Scalable targets: id "<namespace>|<dimension>|<resource id>", name = ScalableTargetARN.
inline constexpr char kTarget[] = "application-autoscaling:scalable-target";
// Scaling policies: id = PolicyARN, parent = target id, name = "<target id>|<policy name>".
inline constexpr char kPolicy[] = "application-autoscaling:scaling-policy";
// Scaling activities: id = ActivityId, parent = target id.
inline constexpr char kActivity[] = "application-autoscaling:scaling-activity";

std::string target_id(const std::string& service_namespace, const std::string& dimension, const std::string& resource_id);

// Creates a service-linked role (by service principal) in the caller's account unless it exists; IAM's.
using EnsureLinkedRole = std::function<void(const RequestContext&, const std::string& service_principal)>;

// Moves a registered ECS service's desired count into [min, max] (the ECS scaler's clamp_to_range).
using CapacityClamp = std::function<void(const RequestContext&, const std::string& resource_id, long long min_capacity,
                                         long long max_capacity)>;

class AutoscalingService {
 public:
  explicit AutoscalingService(storage::Database& db, EnsureLinkedRole ensure_linked_role = {})
      : store_(db), ensure_linked_role_(std::move(ensure_linked_role)) {}
  ServiceDefinition definition();
  void set_ecs_capacity_clamp(CapacityClamp clamp) { ecs_capacity_clamp_ = std::move(clamp); }

  using Json = nlohmann::json;

  // scalable_target_handlers.cpp
  Json register_scalable_target(RequestContext& ctx, const Json& in);
  Json describe_scalable_targets(RequestContext& ctx, const Json& in);
  Json deregister_scalable_target(RequestContext& ctx, const Json& in);
  // scaling_policy_handlers.cpp
  Json put_scaling_policy(RequestContext& ctx, const Json& in);
  Json describe_scaling_policies(RequestContext& ctx, const Json& in);
  Json delete_scaling_policy(RequestContext& ctx, const Json& in);
  // activity_and_tag_handlers.cpp
  Json describe_scaling_activities(RequestContext& ctx, const Json& in);
  Json tag_resource(RequestContext& ctx, const Json& in);
  Json untag_resource(RequestContext& ctx, const Json& in);
  Json list_tags_for_resource(RequestContext& ctx, const Json& in);

  static storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }
  storage::ResourceStore& store() { return store_; }
  // ObjectNotFoundException with AWS's wording when the request's target is not registered.
  storage::Resource require_target(const storage::Scope& scope, const Json& in);
  void clamp_capacity(const RequestContext& ctx, const Json& target);

 private:
  storage::ResourceStore store_;
  EnsureLinkedRole ensure_linked_role_;
  CapacityClamp ecs_capacity_clamp_;
};

}  // namespace albatross::autoscaling
