// TagResource, UntagResource, ListSecretVersionIds.
#include "services/common/pagination.hpp"
#include "services/secretsmanager/secrets_service.hpp"

namespace albatross::secretsmanager {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTags = 50;

storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }

}  // namespace

Json SecretsService::tag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto secret = require(scope, in["SecretId"]);
  std::size_t count = store_.tag_count(scope, secret.id);
  const Json existing = store_.tags(scope, secret.id);
  for (const auto& tag : in["Tags"]) {
    bool known = false;
    for (const auto& item : existing) known = known || item["Key"] == tag["Key"];
    if (!known) ++count;
  }
  if (count > kMaxTags) throw AwsError{"InvalidParameterException", "A secret can have at most 50 tags."};
  store_.add_tags(scope, secret.id, in["Tags"]);
  return Json::object();
}

Json SecretsService::untag_resource(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto secret = require(scope, in["SecretId"]);
  store_.remove_tags(scope, secret.id, in["TagKeys"].get<std::vector<std::string>>());
  return Json::object();
}

Json SecretsService::list_secret_version_ids(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto secret = require(scope, in["SecretId"]);
  const bool deprecated = in.value("IncludeDeprecated", false);
  const Json versions = secret.document.value("Versions", Json::object());  // items() must not outlive it
  Json all = Json::array();
  for (const auto& [id, version] : versions.items()) {
    if (version["VersionStages"].empty() && !deprecated) continue;
    all.push_back({{"VersionId", id}, {"VersionStages", version["VersionStages"]},
                   {"CreatedDate", version["CreatedDate"]}});
  }
  const std::size_t limit = in.contains("MaxResults") ? in["MaxResults"].get<std::size_t>() : 100;
  pagination::Page page;
  try {
    page = pagination::page(all, in.value("NextToken", std::string()), limit, "InvalidNextTokenException");
  } catch (const AwsError&) {
    throw AwsError{"InvalidNextTokenException", "The NextToken value is invalid."};
  }
  Json out = {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}, {"Versions", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::secretsmanager
