// GetParameterHistory, AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (parameters only).
#include "services/common/pagination.hpp"
#include "services/ssm/ssm_service.hpp"

namespace albatross::ssm {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTags = 50;

storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }

}  // namespace

storage::Resource SsmService::require_tagged_parameter(const RequestContext& ctx, const Json& in) {
  if (in["ResourceType"] != "Parameter")
    throw AwsError{"InvalidResourceType", "The resource type isn't supported: " + in["ResourceType"].get<std::string>()};
  const auto found = store_.get(scope_of(ctx), kParameter, in["ResourceId"]);
  if (!found) throw AwsError{"InvalidResourceId", "The resource ID isn't valid. Verify that the resource ID is correct."};
  return *found;
}

Json SsmService::add_tags_to_resource(RequestContext& ctx, const Json& in) {
  const auto parameter = require_tagged_parameter(ctx, in);
  const auto scope = scope_of(ctx);
  Json merged = store_.tags(scope, parameter.id);
  for (const auto& tag : in["Tags"]) {
    bool replaced = false;
    for (auto& existing : merged)
      if (existing["Key"] == tag["Key"]) existing["Value"] = tag["Value"], replaced = true;
    if (!replaced) merged.push_back(tag);
  }
  if (merged.size() > kMaxTags)
    throw AwsError{"TooManyTagsError", "The Targets parameter includes too many tags. Remove one or more tags and try "
                                       "the command again."};
  store_.add_tags(scope, parameter.id, in["Tags"]);
  return Json::object();
}

Json SsmService::remove_tags_from_resource(RequestContext& ctx, const Json& in) {
  const auto parameter = require_tagged_parameter(ctx, in);
  store_.remove_tags(scope_of(ctx), parameter.id, in["TagKeys"].get<std::vector<std::string>>());
  return Json::object();
}

Json SsmService::list_tags_for_resource(RequestContext& ctx, const Json& in) {
  const auto parameter = require_tagged_parameter(ctx, in);
  return {{"TagList", store_.tags(scope_of(ctx), parameter.id)}};
}

Json SsmService::get_parameter_history(RequestContext& ctx, const Json& in) {
  const auto found = store_.get(scope_of(ctx), kParameter, in["Name"]);
  if (!found) throw AwsError{"ParameterNotFound", ""};
  Json versions = found->document.value("History", Json::array());
  Json current = found->document;
  current.erase("History");
  versions.push_back(current);
  const bool decrypt = in.value("WithDecryption", false);
  Json all = Json::array();
  for (auto version : versions) {
    Json entry = {{"Name", found->document["Name"]}, {"Type", version["Type"]}, {"Value", version["Value"]},
                  {"Version", version["Version"]}, {"LastModifiedDate", version["LastModifiedDate"]},
                  {"LastModifiedUser", version.value("LastModifiedUser", "")}, {"Labels", Json::array()},
                  {"Tier", version.value("Tier", "Standard")}, {"Policies", Json::array()},
                  {"DataType", version.value("DataType", "text")}};
    for (const char* field : {"KeyId", "Description", "AllowedPattern"})
      if (version.contains(field)) entry[field] = version[field];
    if (version["Type"] == "SecureString" && !decrypt) {
      version["ARN"] = found->document["ARN"];
      entry["Value"] = secure_string_ciphertext(version);
    }
    all.push_back(entry);
  }
  const std::size_t limit = in.contains("MaxResults") ? in["MaxResults"].get<std::size_t>() : 50;
  pagination::Page page;
  try {
    page = pagination::page(all, in.value("NextToken", std::string()), limit, "InvalidNextToken");
  } catch (const AwsError&) {
    throw AwsError{"InvalidNextToken", "The specified token is not valid."};
  }
  Json out = {{"Parameters", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ssm
