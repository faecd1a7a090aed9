#include "services/autoscaling/autoscaling_service.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

std::string target_id(const std::string& service_namespace, const std::string& dimension, const std::string& resource_id) {
  return service_namespace + "|" + dimension + "|" + resource_id;
}

storage::Resource AutoscalingService::require_target(const storage::Scope& scope, const Json& in) {
  const std::string service_namespace = in.at("ServiceNamespace");
  const std::string resource_id = in.at("ResourceId");
  const std::string dimension = in.at("ScalableDimension");
  auto target = store_.get(scope, kTarget, target_id(service_namespace, dimension, resource_id));
  if (!target)
    throw AwsError{"ObjectNotFoundException", "No scalable target registered for service namespace: " +
                                                  service_namespace + ", resource ID: " + resource_id +
                                                  ", scalable dimension: " + dimension};
  return *target;
}

ServiceDefinition AutoscalingService::definition() {
  ServiceDefinition definition;
  definition.model_name = "application-autoscaling";
  using Method = Json (AutoscalingService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"RegisterScalableTarget", &AutoscalingService::register_scalable_target},
      {"DescribeScalableTargets", &AutoscalingService::describe_scalable_targets},
      {"DeregisterScalableTarget", &AutoscalingService::deregister_scalable_target},
      {"PutScalingPolicy", &AutoscalingService::put_scaling_policy},
      {"DescribeScalingPolicies", &AutoscalingService::describe_scaling_policies},
      {"DeleteScalingPolicy", &AutoscalingService::delete_scaling_policy},
      {"DescribeScalingActivities", &AutoscalingService::describe_scaling_activities},
      {"TagResource", &AutoscalingService::tag_resource},
      {"UntagResource", &AutoscalingService::untag_resource},
      {"ListTagsForResource", &AutoscalingService::list_tags_for_resource},
  };
  for (const auto& [name, method] : table)
    definition.handlers.emplace(name, [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  return definition;
}

}  // namespace albatross::autoscaling
