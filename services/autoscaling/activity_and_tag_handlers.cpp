// DescribeScalingActivities and the tag operations on scalable targets.

#include <algorithm>

#include "services/autoscaling/autoscaling_service.hpp"
#include "services/autoscaling/autoscaling_support.hpp"

namespace albatross::autoscaling {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kTagsPerTarget = 50;

}  // namespace

Json AutoscalingService::describe_scaling_activities(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const bool include_not_scaled = in.value("IncludeNotScaledActivities", false);
  Json activities = Json::array();
  for (const auto& activity : store().list(scope, kActivity)) {
    Json doc = activity.document;
    if (doc["ServiceNamespace"] != in.at("ServiceNamespace")) continue;
    if (in.contains("ResourceId") && doc["ResourceId"] != in["ResourceId"]) continue;
    if (in.contains("ScalableDimension") && doc["ScalableDimension"] != in["ScalableDimension"]) continue;
    if (doc.contains("NotScaledReasons")) {
      if (!include_not_scaled) continue;
    }
    activities.push_back(doc);
  }
  std::reverse(activities.begin(), activities.end());  // newest first, as AWS lists them
  return next_token_page(activities, in, "ScalingActivities");
}

// The scalable target a tagging call names, by its ARN.
static storage::Resource require_tagged_target(AutoscalingService& service, const storage::Scope& scope,
                                               const std::string& arn) {
  auto target = service.store().find_by_name(scope, kTarget, arn);
  if (!target) throw AwsError{"ResourceNotFoundException", "Scalable target with ARN " + arn + " not found."};
  return *target;
}

Json AutoscalingService::tag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("ResourceARN");
  require_tagged_target(*this, scope, arn);
  Json merged = tag_map(store().tags(scope, arn));
  for (const auto& [key, value] : in.at("Tags").items()) merged[key] = value;
  if (merged.size() > kTagsPerTarget)
    throw AwsError{"TooManyTagsException", "The scalable target " + arn + " can have at most 50 tags."};
  store().add_tags(scope, arn, tag_list(in["Tags"]));
  return Json::object();
}

Json AutoscalingService::untag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("ResourceARN");
  require_tagged_target(*this, scope, arn);
  store().remove_tags(scope, arn, in.at("TagKeys").get<std::vector<std::string>>());
  return Json::object();
}

Json AutoscalingService::list_tags_for_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("ResourceARN");
  require_tagged_target(*this, scope, arn);
  return {{"Tags", tag_map(store().tags(scope, arn))}};
}

}  // namespace albatross::autoscaling
