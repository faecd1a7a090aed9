// Repositories and registry-wide calls: create, describe, delete, settings, policies, tags, tokens.

#include <algorithm>

#include "emulator/change_feed.hpp"
#include "services/common/arn.hpp"
#include "services/common/pagination.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/registry_token.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

namespace {

constexpr std::size_t kMaxTags = 50;

void check_tags(const Json& tags) {
  for (const auto& tag : tags) {
    const std::string key = tag.value("Key", "");
    if (key.starts_with("aws:"))
      throw AwsError{"InvalidTagParameterException", "Invalid parameter at 'tags' failed to satisfy constraint: "
                                                     "'Tag keys may not start with aws:'"};
    if (!tag.contains("Value"))
      throw AwsError{"InvalidTagParameterException", "Invalid parameter at 'tags' failed to satisfy constraint: "
                                                     "'Tag value must not be null'"};
  }
}

void check_mutability(const Json& in) {
  const std::string mutability = in.value("imageTagMutability", "MUTABLE");
  const bool with_exclusion = mutability.ends_with("_WITH_EXCLUSION");
  const bool has_filters = in.contains("imageTagMutabilityExclusionFilters");
  if (with_exclusion && !has_filters)
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to "
                                                "satisfy constraint: 'Exclusion filters are required when "
                                                "imageTagMutability is " + mutability + "'"};
  if (!with_exclusion && has_filters)
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to "
                                                "satisfy constraint: 'Exclusion filters can only be used when "
                                                "imageTagMutability is MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION'"};
}

// The repository named by an ECR ARN: arn:<partition>:ecr:<region>:<account>:repository/<name>.
RepoKey repo_of_arn(const std::string& arn) {
  const auto parts = arn::parse(arn);
  if (!parts || parts->service != "ecr" || !parts->resource.starts_with("repository/") || parts->resource.size() <= 11)
    throw AwsError{"InvalidParameterException",
                   "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN: " + arn + "'"};
  return RepoKey{parts->account_id, parts->region, parts->resource.substr(11)};
}

Json settings_answer(const RepoKey& repo) { return {{"registryId", repo.account_id}, {"repositoryName", repo.repository}}; }

}  // namespace

Json EcrService::create_repository(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const storage::Scope scope{repo.account_id, repo.region};
  if (resources_.get(scope, kRepositoryKind, repo.repository))
    throw AwsError{"RepositoryAlreadyExistsException", "The repository with name '" + repo.repository +
                                                           "' already exists in the registry with id '" + repo.account_id + "'"};
  const Json tags = in.value("tags", Json::array());
  check_tags(tags);
  if (tags.size() > kMaxTags) throw AwsError{"TooManyTagsException", "Exceeded the maximum number of tags: 50"};
  check_mutability(in);
  Json encryption = in.value("encryptionConfiguration", Json{{"encryptionType", "AES256"}});
  if (encryption.value("encryptionType", "") == "AES256" && encryption.contains("kmsKey"))
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'encryptionConfiguration' failed to satisfy "
                                                "constraint: 'kmsKey can only be specified when encryptionType is KMS'"};
  if (encryption.value("encryptionType", "").starts_with("KMS") && !encryption.contains("kmsKey"))
    encryption["kmsKey"] = "arn:aws:kms:" + repo.region + ":" + repo.account_id + ":alias/aws/ecr";
  Json repository = {{"repositoryArn", repository_arn(repo)},
                     {"registryId", repo.account_id},
                     {"repositoryName", repo.repository},
                     {"repositoryUri", registry_host_ + "/" + repo.repository},
                     {"createdAt", now()},
                     {"imageTagMutability", in.value("imageTagMutability", "MUTABLE")},
                     {"imageScanningConfiguration",
                      {{"scanOnPush", in.value("imageScanningConfiguration", Json::object()).value("scanOnPush", false)}}},
                     {"encryptionConfiguration", encryption}};
  if (in.contains("imageTagMutabilityExclusionFilters"))
    repository["imageTagMutabilityExclusionFilters"] = in["imageTagMutabilityExclusionFilters"];
  resources_.put(scope, storage::Resource{kRepositoryKind, repo.repository, "", repo.repository, {{"repository", repository}}});
  if (!tags.empty()) resources_.add_tags(scope, repository_arn(repo), tags);
  return {{"repository", repository}};
}

Json EcrService::describe_repositories(RequestContext& ctx, const Json& in) {
  const RepoKey base = repo_key(ctx, in);
  Json all = Json::array();
  if (in.contains("repositoryNames")) {
    if (in.contains("nextToken") || in.contains("maxResults"))
      throw AwsError{"InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                                  "'maxResults and nextToken cannot be used with repositoryNames'"};
    for (const auto& name : in["repositoryNames"]) {
      RepoKey repo = base;
      repo.repository = name.get<std::string>();
      all.push_back(require_repository(repo).document["repository"]);
    }
    return {{"repositories", all}};
  }
  for (auto& resource : resources_.list({base.account_id, base.region}, kRepositoryKind)) {
    resource.document["repository"]["repositoryUri"] = registry_host_ + "/" + resource.id;
    all.push_back(resource.document["repository"]);
  }
  const auto page = pagination::page(all, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"repositories", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcrService::delete_repository(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const auto resource = require_repository(repo);
  if (store_.image_count(repo) > 0 && !in.value("force", false))
    throw AwsError{"RepositoryNotEmptyException", "The repository with name '" + repo.repository + "' in registry with id '" +
                                                      repo.account_id + "' cannot be deleted because it still contains images"};
  store_.remove_repository(repo);
  resources_.remove({repo.account_id, repo.region}, kRepositoryKind, repo.repository);
  std::vector<std::string> keys;
  for (const auto& tag : resources_.tags({repo.account_id, repo.region}, repository_arn(repo))) keys.push_back(tag["Key"]);
  resources_.remove_tags({repo.account_id, repo.region}, repository_arn(repo), keys);
  changes_.mark("ecr");
  return {{"repository", resource.document["repository"]}};
}

Json EcrService::put_image_tag_mutability(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  check_mutability(in);
  auto& repository = resource.document["repository"];
  repository["imageTagMutability"] = in["imageTagMutability"];
  repository.erase("imageTagMutabilityExclusionFilters");
  if (in.contains("imageTagMutabilityExclusionFilters"))
    repository["imageTagMutabilityExclusionFilters"] = in["imageTagMutabilityExclusionFilters"];
  resources_.put({repo.account_id, repo.region}, resource);
  Json out = settings_answer(repo);
  out["imageTagMutability"] = in["imageTagMutability"];
  if (in.contains("imageTagMutabilityExclusionFilters"))
    out["imageTagMutabilityExclusionFilters"] = in["imageTagMutabilityExclusionFilters"];
  return out;
}

Json EcrService::put_image_scanning_configuration(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  const Json configuration = {{"scanOnPush", in["imageScanningConfiguration"].value("scanOnPush", false)}};
  resource.document["repository"]["imageScanningConfiguration"] = configuration;
  resources_.put({repo.account_id, repo.region}, resource);
  Json out = settings_answer(repo);
  out["imageScanningConfiguration"] = configuration;
  return out;
}

// A repository policy is a resource policy: every statement needs an Effect, whom it applies to
// (Principal or NotPrincipal) and what (Action or NotAction).
static bool valid_repository_policy(const Json& policy) {
  if (policy.is_discarded() || !policy.is_object() || !policy.contains("Statement")) return false;
  const Json statements = policy["Statement"].is_array() ? policy["Statement"] : Json::array({policy["Statement"]});
  if (statements.empty()) return false;
  for (const auto& statement : statements) {
    if (!statement.is_object()) return false;
    const auto effect = statement.find("Effect");
    if (effect == statement.end() || (*effect != "Allow" && *effect != "Deny")) return false;
    if (!statement.contains("Principal") && !statement.contains("NotPrincipal")) return false;
    if (!statement.contains("Action") && !statement.contains("NotAction")) return false;
  }
  return true;
}

Json EcrService::set_repository_policy(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  const std::string text = in["policyText"];
  if (!valid_repository_policy(Json::parse(text, nullptr, false)))
    throw AwsError{"InvalidParameterException",
                   "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"};
  resource.document["policyText"] = text;
  resources_.put({repo.account_id, repo.region}, resource);
  Json out = settings_answer(repo);
  out["policyText"] = text;
  return out;
}

Json EcrService::get_repository_policy(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const auto resource = require_repository(repo);
  if (!resource.document.contains("policyText"))
    throw AwsError{"RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '" +
                                                            repo.repository + "' in the registry with id '" + repo.account_id + "'"};
  Json out = settings_answer(repo);
  out["policyText"] = resource.document["policyText"];
  return out;
}

Json EcrService::delete_repository_policy(RequestContext& ctx, const Json& in) {
  Json out = get_repository_policy(ctx, in);
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  resource.document.erase("policyText");
  resources_.put({repo.account_id, repo.region}, resource);
  return out;
}

Json EcrService::tag_resource(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_of_arn(in["resourceArn"]);
  (void)ctx;
  require_repository(repo);
  check_tags(in["tags"]);
  const storage::Scope scope{repo.account_id, repo.region};
  const std::string arn = repository_arn(repo);
  std::size_t added = 0;
  const Json existing = resources_.tags(scope, arn);
  for (const auto& tag : in["tags"])
    if (std::none_of(existing.begin(), existing.end(), [&](const Json& e) { return e["Key"] == tag["Key"]; })) ++added;
  if (existing.size() + added > kMaxTags) throw AwsError{"TooManyTagsException", "Exceeded the maximum number of tags: 50"};
  resources_.add_tags(scope, arn, in["tags"]);
  return Json::object();
}

Json EcrService::untag_resource(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_of_arn(in["resourceArn"]);
  (void)ctx;
  require_repository(repo);
  std::vector<std::string> keys;
  for (const auto& key : in["tagKeys"]) {
    if (key.get<std::string>().starts_with("aws:"))
      throw AwsError{"InvalidTagParameterException", "Invalid parameter at 'tagKeys' failed to satisfy constraint: "
                                                     "'Tag keys may not start with aws:'"};
    keys.push_back(key);
  }
  resources_.remove_tags({repo.account_id, repo.region}, repository_arn(repo), keys);
  return Json::object();
}

Json EcrService::list_tags_for_resource(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_of_arn(in["resourceArn"]);
  (void)ctx;
  require_repository(repo);
  return {{"tags", resources_.tags({repo.account_id, repo.region}, repository_arn(repo))}};
}

Json EcrService::get_authorization_token(RequestContext& ctx, const Json& in) {
  std::vector<std::string> registries;
  for (const auto& id : in.value("registryIds", Json::array())) registries.push_back(id);
  if (registries.empty()) registries.push_back(ctx.account_id);
  const double expires_at = now() + kTokenLifetimeSeconds;
  Json data = Json::array();
  for (const auto& registry : registries)
    data.push_back({{"authorizationToken", make_authorization_token({registry, ctx.region, expires_at})},
                    {"expiresAt", expires_at},
                    {"proxyEndpoint", "http://" + registry_host_}});
  return {{"authorizationData", data}};
}

}  // namespace albatross::ecr
