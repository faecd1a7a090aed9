// TagResource, UntagResource, ListTagsForResource for clusters, task definitions, tasks, services and
// capacity providers; the ARN's resource type says where to look.

#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

// Throws AWS's error when the ARN does not name an existing ECS resource.
void require_taggable(EcsService& service, const storage::Scope& scope, const std::string& arn) {
  if (!arn.starts_with("arn:") || arn.find(":ecs:") == std::string::npos)
    throw AwsError{"InvalidParameterException", "Invalid resource arn: " + arn};
  if (arn.find(":cluster/") != std::string::npos) {
    const auto found = service.store().get(scope, kCluster, arn);
    if (!found || found->document.value("status", "") != "ACTIVE")
      throw AwsError{"ClusterNotFoundException", "Cluster not found."};
    return;
  }
  const char* kind = arn.find(":task-definition/") != std::string::npos   ? kTaskDefinition
                     : arn.find(":task/") != std::string::npos            ? kTask
                     : arn.find(":service/") != std::string::npos         ? kService
                     : arn.find(":task-set/") != std::string::npos        ? kTaskSet
                     : arn.find(":capacity-provider/") != std::string::npos ? kCapacityProvider
                                                                            : nullptr;
  if (!kind) throw AwsError{"InvalidParameterException", "Invalid resource arn: " + arn};
  if (!service.store().get(scope, kind, arn))
    throw AwsError{"InvalidParameterException", "The specified resource is not found."};
}

}  // namespace

Json EcsService::tag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("resourceArn");
  require_taggable(*this, scope, arn);
  apply_tags(scope, arn, in.at("tags"));
  return Json::object();
}

Json EcsService::untag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("resourceArn");
  require_taggable(*this, scope, arn);
  store().remove_tags(scope, arn, in.at("tagKeys").get<std::vector<std::string>>());
  return Json::object();
}

Json EcsService::list_tags_for_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("resourceArn");
  require_taggable(*this, scope, arn);
  return {{"tags", tags_of(scope, arn)}};
}

}  // namespace albatross::ecs
