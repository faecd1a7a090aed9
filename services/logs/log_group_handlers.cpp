// CreateLogGroup, DeleteLogGroup, DescribeLogGroups, Put/DeleteRetentionPolicy.
#include <algorithm>
#include <cctype>

#include "services/common/pagination.hpp"
#include "services/logs/log_names.hpp"
#include "services/logs/logs_service.hpp"

namespace albatross::logs {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kDescribeLimit = 50;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

// One page of `all`, with CloudWatch Logs' wording for a token we did not hand out.
pagination::Page logs_page(const Json& all, const Json& in, std::size_t default_limit) {
  const std::size_t limit = in.contains("limit") ? in["limit"].get<std::size_t>() : default_limit;
  try {
    return pagination::page(all, in.value("nextToken", std::string()), limit, "InvalidParameterException");
  } catch (const AwsError&) {
    throw AwsError{"InvalidParameterException", "The specified nextToken is invalid."};
  }
}

Json LogsService::create_log_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in["logGroupName"];
  if (lower(name).starts_with("aws/"))
    throw AwsError{"InvalidParameterException", "Log groups starting with AWS/ are reserved for AWS."};
  if (store_.get(scope, kLogGroup, name))
    throw AwsError{"ResourceAlreadyExistsException", "The specified log group already exists"};
  const Json tags = in.value("tags", Json::object());
  for (const auto& [key, value] : tags.items())
    if (key.starts_with("aws:"))
      throw AwsError{"InvalidParameterException", "Tag keys starting with aws: are reserved for AWS use."};
  auto group = create_group(scope, name, tags);
  if (in.contains("kmsKeyId")) group.document["kmsKeyId"] = in["kmsKeyId"];
  if (in.contains("logGroupClass")) group.document["logGroupClass"] = in["logGroupClass"];
  if (in.contains("deletionProtectionEnabled")) group.document["deletionProtectionEnabled"] = in["deletionProtectionEnabled"];
  store_.put(scope, group);
  return Json::object();
}

Json LogsService::delete_log_group(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group_named(scope, in["logGroupName"]);
  if (group.document.value("deletionProtectionEnabled", false))
    throw AwsError{"OperationAbortedException",
                   "Log group " + group.id + " has deletion protection enabled; disable it before deleting the group."};
  for (const auto& stream : store_.children(scope, kLogStream, group.id)) store_.remove(scope, kLogStream, stream.id);
  events_.remove_group(scope, group.id);
  store_.remove_tags(scope, group.document["logGroupArn"], [&] {
    std::vector<std::string> keys;
    for (const auto& tag : store_.tags(scope, group.document["logGroupArn"])) keys.push_back(tag["Key"]);
    return keys;
  }());
  store_.remove(scope, kLogGroup, group.id);
  return Json::object();
}

Json LogsService::describe_log_groups(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  if (in.contains("logGroupNamePrefix") && in.contains("logGroupNamePattern"))
    throw AwsError{"InvalidParameterException",
                   "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."};
  if (in.contains("logGroupIdentifiers") && (in.contains("logGroupNamePrefix") || in.contains("logGroupNamePattern")))
    throw AwsError{"InvalidParameterException",
                   "logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern."};
  const std::string prefix = in.value("logGroupNamePrefix", "");
  const std::string pattern = lower(in.value("logGroupNamePattern", ""));
  std::vector<std::string> wanted;
  for (const auto& identifier : in.value("logGroupIdentifiers", Json::array()))
    if (auto name = log_group_name_from_identifier(identifier.get<std::string>())) wanted.push_back(*name);
  auto groups = store_.list(scope, kLogGroup);
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  const auto bytes = events_.stored_bytes(scope);
  Json all = Json::array();
  for (auto& group : groups) {
    if (!group.id.starts_with(prefix)) continue;
    if (!pattern.empty() && lower(group.id).find(pattern) == std::string::npos) continue;
    if (in.contains("logGroupIdentifiers") && std::find(wanted.begin(), wanted.end(), group.id) == wanted.end()) continue;
    if (in.contains("logGroupClass") && group.document.value("logGroupClass", "STANDARD") != in["logGroupClass"]) continue;
    const auto stored = bytes.find(group.id);
    group.document["storedBytes"] = stored == bytes.end() ? 0 : stored->second;
    all.push_back(group.document);
  }
  auto page = logs_page(all, in, kDescribeLimit);
  Json out = {{"logGroups", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json LogsService::put_retention_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto days = in["retentionInDays"].get<std::int64_t>();
  if (!valid_retention_days(days))
    throw AwsError{"InvalidParameterException", "1 validation error detected: Value '" + std::to_string(days) +
                                                    "' at 'retentionInDays' failed to satisfy constraint: Member must "
                                                    "satisfy enum value set: " + retention_days_text()};
  auto group = require_group_named(scope, in["logGroupName"]);
  group.document["retentionInDays"] = days;
  store_.put(scope, group);
  events_.expire(scope, group.id, retention_cutoff(group.document));
  return Json::object();
}

Json LogsService::delete_retention_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto group = require_group_named(scope, in["logGroupName"]);
  group.document.erase("retentionInDays");
  store_.put(scope, group);
  return Json::object();
}

}  // namespace albatross::logs
