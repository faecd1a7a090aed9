// AddTags, RemoveTags, DescribeTags for load balancers, target groups, listeners and rules.

#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/elbv2_tags.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxResourcesPerDescribeTags = 20;

}  // namespace

// Each ARN must name an existing resource; the kind comes from the ARN's resource part.
static void require_taggable(Elbv2Service& service, const storage::Scope& scope, const std::string& arn) {
  if (arn.find(":listener-rule/") != std::string::npos) service.require_rule(scope, arn);
  else if (arn.find(":listener/") != std::string::npos) service.require_listener(scope, arn);
  else if (arn.find(":targetgroup/") != std::string::npos) service.require_target_group(scope, arn);
  else if (arn.find(":loadbalancer/") != std::string::npos) service.require_load_balancer(scope, arn);
  else if (arn.find(":truststore/") != std::string::npos)
    throw AwsError{"TrustStoreNotFoundException", "One or more trust stores not found"};  // none can exist
  else throw AwsError{"ValidationError", "'" + arn + "' is not a valid load balancing resource ARN"};
}

Json Elbv2Service::add_tags(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  for (const auto& arn : in.at("ResourceArns")) require_taggable(*this, scope, arn);
  for (const auto& arn : in.at("ResourceArns")) apply_tags(store(), scope, arn, in.at("Tags"));
  return Json::object();
}

Json Elbv2Service::remove_tags(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto keys = in.at("TagKeys").get<std::vector<std::string>>();
  for (const auto& arn : in.at("ResourceArns")) require_taggable(*this, scope, arn);
  for (const auto& arn : in.at("ResourceArns")) store().remove_tags(scope, arn, keys);
  return Json::object();
}

Json Elbv2Service::describe_tags(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  if (in.at("ResourceArns").size() > kMaxResourcesPerDescribeTags)
    throw AwsError{"ValidationError", "You can describe the tags of at most 20 resources at a time"};
  Json descriptions = Json::array();
  for (const auto& arn : in.at("ResourceArns")) {
    require_taggable(*this, scope, arn);
    descriptions.push_back({{"ResourceArn", arn}, {"Tags", store().tags(scope, arn)}});
  }
  return {{"TagDescriptions", descriptions}};
}

}  // namespace albatross::elbv2
