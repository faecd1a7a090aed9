// Tags of Auto Scaling groups (ResourceType "auto-scaling-group"): CreateOrUpdateTags, DeleteTags, DescribeTags.
// They live in the group's document with their PropagateAtLaunch flag, which the generic tag table lacks.
#include <algorithm>

#include "services/ec2_autoscaling/auto_scaling_service.hpp"
#include "services/ec2_autoscaling/group_support.hpp"

namespace albatross::ec2_autoscaling {

using Json = nlohmann::json;

namespace {

constexpr std::size_t kMaxTags = 50;

void check_resource_type(const Json& tag) {
  const std::string type = tag.value("ResourceType", "auto-scaling-group");
  if (type != "auto-scaling-group")
    throw AwsError{"ValidationError", "Invalid resource type: " + type + ". Only auto-scaling-group is supported."};
  if (!tag.contains("ResourceId"))
    throw AwsError{"ValidationError", "ResourceId is required for the tag " + tag.value("Key", "") + "."};
}

bool matches(const Json& tag, const Json& filters) {
  for (const auto& filter : filters) {
    const std::string name = filter.value("Name", "");
    const Json values = filter.value("Values", Json::array());
    const char* field = name == "auto-scaling-group" ? "ResourceId"
                        : name == "key"              ? "Key"
                        : name == "value"            ? "Value"
                        : name == "propagate-at-launch" ? "PropagateAtLaunch"
                                                        : nullptr;
    if (!field)
      throw AwsError{"ValidationError", "Filter type " + name + " is not correct. Allowed Filter types are: "
                                        "auto-scaling-group key value and propagate-at-launch"};
    Json actual = tag[field];
    if (actual.is_boolean()) actual = actual.get<bool>() ? "true" : "false";
    if (std::find(values.begin(), values.end(), actual) == values.end()) return false;
  }
  return true;
}

}  // namespace

Json AutoScalingService::create_or_update_tags(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  for (const auto& tag : in.at("Tags")) {
    check_resource_type(tag);
    auto group = require_group(scope, tag["ResourceId"]);
    Json& tags = group.document["Tags"];
    const Json entry = {{"ResourceId", group.name},
                        {"ResourceType", "auto-scaling-group"},
                        {"Key", tag.at("Key")},
                        {"Value", tag.value("Value", "")},
                        {"PropagateAtLaunch", tag.value("PropagateAtLaunch", false)}};
    const auto found = std::find_if(tags.begin(), tags.end(), [&](const Json& t) { return t["Key"] == entry["Key"]; });
    if (found != tags.end()) *found = entry;
    else tags.push_back(entry);
    if (tags.size() > kMaxTags)
      throw AwsError{"LimitExceededFault", "The number of tags for the Auto Scaling group " + group.name +
                                               " exceeds the limit of 50."};
    store_.put(scope, std::move(group));
  }
  return Json::object();
}

Json AutoScalingService::delete_tags(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  for (const auto& tag : in.at("Tags")) {
    check_resource_type(tag);
    auto group = require_group(scope, tag["ResourceId"]);
    Json kept = Json::array();
    for (const auto& existing : group.document["Tags"])
      if (existing["Key"] != tag.at("Key")) kept.push_back(existing);
    group.document["Tags"] = kept;
    store_.put(scope, std::move(group));
  }
  return Json::object();
}

Json AutoScalingService::describe_tags(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const Json filters = in.value("Filters", Json::array());
  Json all = Json::array();
  for (const auto& group : store_.list(scope, kGroup))
    for (const auto& tag : group.document["Tags"])
      if (matches(tag, filters)) all.push_back(tag);
  return records_page(all, in, "Tags");
}

}  // namespace albatross::ec2_autoscaling
