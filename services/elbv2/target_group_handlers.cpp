// CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup.

#include <algorithm>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/ec2/ec2_service.hpp"
#include "services/elbv2/elbv2_attributes.hpp"
#include "services/elbv2/elbv2_names.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/elbv2_tags.hpp"
#include "services/elbv2/target_group_settings.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTargetGroupsPerRegion = 3000;

Json described(Elbv2Service& service, const storage::Scope& scope, const storage::Resource& resource) {
  Json doc = resource.document;
  doc["LoadBalancerArns"] = service.load_balancers_using(scope, resource.id);
  return doc;
}

bool same_settings(const Json& existing, const Json& wanted) {
  for (const auto& [key, value] : wanted.items())
    if (existing.value(key, Json()) != value) return false;
  return true;
}

}  // namespace

Json Elbv2Service::create_target_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("Name");
  if (const auto problem = target_group_name_problem(name); !problem.empty()) throw AwsError{"ValidationError", problem};
  Json settings = target_group_settings(in);
  if (in.contains("VpcId")) {
    if (!ec2().vpc(scope, in["VpcId"]))
      throw AwsError{"ValidationError", "The VPC ID '" + in["VpcId"].get<std::string>() + "' is not found"};
    settings["VpcId"] = in["VpcId"];
  }
  if (const auto existing = store().find_by_name(scope, kTargetGroup, name)) {
    if (!same_settings(existing->document, settings))
      throw AwsError{"DuplicateTargetGroupNameException",
                     "A target group with the same name '" + name + "' exists, but with different settings"};
    return {{"TargetGroups", Json::array({described(*this, scope, *existing)})}};
  }
  if (store().list(scope, kTargetGroup).size() >= kMaxTargetGroupsPerRegion)
    throw AwsError{"TooManyTargetGroupsException", "The quota for the number of target groups has been reached"};
  const std::string arn = target_group_arn(ctx.region, ctx.account_id, name, ids::random_hex(16));
  Json doc = {{"TargetGroupArn", arn}, {"TargetGroupName", name}};
  doc.update(settings);
  doc["_Attributes"] = resource_defaults(doc);
  const auto stored = store().put(scope, {kTargetGroup, arn, "", name, doc});
  apply_tags(store(), scope, arn, in.value("Tags", Json::array()));
  changed();
  return {{"TargetGroups", Json::array({described(*this, scope, stored)})}};
}

Json Elbv2Service::describe_target_groups(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json matching = Json::array();
  if (in.contains("TargetGroupArns")) {
    for (const auto& arn : in["TargetGroupArns"]) matching.push_back(described(*this, scope, require_target_group(scope, arn)));
  } else if (in.contains("Names")) {
    for (const auto& name : in["Names"]) {
      const auto found = store().find_by_name(scope, kTargetGroup, name);
      if (!found)
        throw AwsError{"TargetGroupNotFoundException", "One or more target groups not found"};
      matching.push_back(described(*this, scope, *found));
    }
  } else {
    const std::string load_balancer = in.value("LoadBalancerArn", "");
    if (!load_balancer.empty()) require_load_balancer(scope, load_balancer);
    auto all = store().list(scope, kTargetGroup);
    // AWS lists target groups by name.
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& resource : all) {
      Json doc = described(*this, scope, resource);
      const auto& users = doc["LoadBalancerArns"];
      if (!load_balancer.empty() && std::find(users.begin(), users.end(), load_balancer) == users.end()) continue;
      matching.push_back(doc);
    }
  }
  const auto page = pagination::page(matching, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"TargetGroups", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

Json Elbv2Service::modify_target_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_target_group(scope, in.at("TargetGroupArn"));
  resource.document = modified_health_check(resource.document, in);
  store().put(scope, resource);
  changed();
  return {{"TargetGroups", Json::array({described(*this, scope, resource)})}};
}

Json Elbv2Service::delete_target_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("TargetGroupArn");
  if (!store().get(scope, kTargetGroup, arn)) return Json::object();
  if (!load_balancers_using(scope, arn).empty())
    throw AwsError{"ResourceInUseException", "Target group '" + arn + "' is currently in use by a listener or a rule"};
  for (const auto& target : store().children(scope, kTarget, arn)) store().remove(scope, kTarget, target.id);
  store().remove(scope, kTargetGroup, arn);
  changed();
  return Json::object();
}

}  // namespace albatross::elbv2
