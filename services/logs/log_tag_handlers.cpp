// TagResource, UntagResource, ListTagsForResource and the legacy TagLogGroup, UntagLogGroup, ListTagsLogGroup.
#include "services/logs/log_names.hpp"
#include "services/logs/logs_service.hpp"

namespace albatross::logs {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTags = 50;

// The log group a tagging ARN names: arn:aws:logs:<region>:<account>:log-group:<name> (":*" tolerated).
storage::Resource group_of_arn(LogsService& service, const storage::Scope& scope, const std::string& arn) {
  const auto name = arn.starts_with("arn:") ? log_group_name_from_identifier(arn) : std::nullopt;
  if (!name) throw AwsError{"InvalidParameterException", "Invalid resource ARN: " + arn};
  if (arn != log_group_arn(scope.region, scope.account_id, *name, false) &&
      arn != log_group_arn(scope.region, scope.account_id, *name, true))
    throw AwsError{"ResourceNotFoundException", "The specified resource does not exist."};
  auto group = service.store().get(scope, kLogGroup, *name);
  if (!group) throw AwsError{"ResourceNotFoundException", "The specified resource does not exist."};
  return *group;
}

void add_tags(LogsService& service, const storage::Scope& scope, const storage::Resource& group, const Json& tags) {
  const std::string arn = group.document["logGroupArn"];
  auto& store = service.store();
  std::size_t added = 0;
  Json list = Json::array();
  for (const auto& [key, value] : tags.items()) {
    if (key.starts_with("aws:"))
      throw AwsError{"InvalidParameterException", "Tag keys starting with aws: are reserved for AWS use."};
    bool existing = false;
    for (const auto& tag : store.tags(scope, arn)) existing = existing || tag["Key"] == key;
    if (!existing) ++added;
    list.push_back({{"Key", key}, {"Value", value}});
  }
  if (store.tag_count(scope, arn) + added > kMaxTags)
    throw AwsError{"TooManyTagsException", "A resource can have no more than 50 tags."};
  store.add_tags(scope, arn, list);
}

Json tag_map(LogsService& service, const storage::Scope& scope, const storage::Resource& group) {
  Json tags = Json::object();
  for (const auto& tag : service.store().tags(scope, group.document["logGroupArn"])) tags[tag["Key"].get<std::string>()] = tag["Value"];
  return tags;
}

std::vector<std::string> keys_of(const Json& list) {
  std::vector<std::string> keys;
  for (const auto& key : list) keys.push_back(key);
  return keys;
}

}  // namespace

Json LogsService::tag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  add_tags(*this, scope, group_of_arn(*this, scope, in["resourceArn"]), in["tags"]);
  return Json::object();
}

Json LogsService::untag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = group_of_arn(*this, scope, in["resourceArn"]);
  store_.remove_tags(scope, group.document["logGroupArn"], keys_of(in["tagKeys"]));
  return Json::object();
}

Json LogsService::list_tags_for_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return {{"tags", tag_map(*this, scope, group_of_arn(*this, scope, in["resourceArn"]))}};
}

Json LogsService::tag_log_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  add_tags(*this, scope, require_group_named(scope, in["logGroupName"]), in["tags"]);
  return Json::object();
}

Json LogsService::untag_log_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group_named(scope, in["logGroupName"]);
  store_.remove_tags(scope, group.document["logGroupArn"], keys_of(in["tags"]));
  return Json::object();
}

Json LogsService::list_tags_log_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return {{"tags", tag_map(*this, scope, require_group_named(scope, in["logGroupName"]))}};
}

}  // namespace albatross::logs
