// Lifecycle policies and their previews (evaluated at once: the preview is COMPLETE when started).

#include <algorithm>
#include <map>

#include "services/common/pagination.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/lifecycle_policy.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

namespace {

AwsError policy_not_found(const RepoKey& repo) {
  return AwsError{"LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the repository with name '" +
                                                          repo.repository + "' in the registry with id '" +
                                                          repo.account_id + "'"};
}

Json policy_answer(const RepoKey& repo, const std::string& text) {
  return {{"registryId", repo.account_id}, {"repositoryName", repo.repository}, {"lifecyclePolicyText", text}};
}

}  // namespace

Json EcrService::put_lifecycle_policy(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  const std::string text = in["lifecyclePolicyText"];
  parse_lifecycle_policy(text);
  resource.document["lifecyclePolicyText"] = text;
  resources_.put({repo.account_id, repo.region}, resource);
  return policy_answer(repo, text);
}

Json EcrService::get_lifecycle_policy(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const auto resource = require_repository(repo);
  if (!resource.document.contains("lifecyclePolicyText")) throw policy_not_found(repo);
  Json out = policy_answer(repo, resource.document["lifecyclePolicyText"]);
  if (resource.document.contains("lifecycleEvaluatedAt")) out["lastEvaluatedAt"] = resource.document["lifecycleEvaluatedAt"];
  return out;
}

Json EcrService::delete_lifecycle_policy(RequestContext& ctx, const Json& in) {
  Json out = get_lifecycle_policy(ctx, in);
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  resource.document.erase("lifecyclePolicyText");
  resources_.put({repo.account_id, repo.region}, resource);
  return out;
}

Json EcrService::start_lifecycle_policy_preview(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  auto resource = require_repository(repo);
  std::string text;
  if (in.contains("lifecyclePolicyText")) text = in["lifecyclePolicyText"];
  else if (resource.document.contains("lifecyclePolicyText")) text = resource.document["lifecyclePolicyText"];
  else throw policy_not_found(repo);
  const auto rules = parse_lifecycle_policy(text);
  std::vector<LifecycleImage> images;
  std::map<std::string, ImageRecord> by_digest;
  for (auto& image : store_.images(repo)) {
    images.push_back({image.digest, image.tags, image.pushed_at});
    by_digest.emplace(image.digest, std::move(image));
  }
  Json results = Json::array();
  for (const auto& expiry : evaluate_lifecycle(rules, images, now())) {
    const auto& image = by_digest.at(expiry.digest);
    results.push_back({{"imageTags", image.tags},
                       {"imageDigest", image.digest},
                       {"imagePushedAt", image.pushed_at},
                       {"action", {{"type", "EXPIRE"}}},
                       {"appliedRulePriority", expiry.rule_priority}});
  }
  resource.document["lifecyclePreview"] = {{"lifecyclePolicyText", text}, {"results", results}};
  resources_.put({repo.account_id, repo.region}, resource);
  Json out = policy_answer(repo, text);
  out["status"] = "IN_PROGRESS";
  return out;
}

Json EcrService::get_lifecycle_policy_preview(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const auto resource = require_repository(repo);
  if (!resource.document.contains("lifecyclePreview"))
    throw AwsError{"LifecyclePolicyPreviewNotFoundException",
                   "There is no dry run for the repository with name '" + repo.repository +
                       "' in the registry with id '" + repo.account_id + "'"};

  if (in.contains("imageIds") && (in.contains("nextToken") || in.contains("maxResults")))
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                                "'maxResults and nextToken cannot be used with imageIds'"};
  const Json& preview = resource.document["lifecyclePreview"];
  Json results = Json::array();
  for (const auto& result : preview["results"]) {
    if (in.contains("imageIds")) {
      bool listed = false;
      for (const auto& id : in["imageIds"]) {
        const auto tags = result.value("imageTags", Json::array());
        if (id.value("imageDigest", "") == result["imageDigest"] ||
            (id.contains("imageTag") && std::find(tags.begin(), tags.end(), id["imageTag"]) != tags.end()))
          listed = true;
      }
      if (!listed) continue;
    }
    results.push_back(result);
  }
  const auto page = pagination::page(results, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = policy_answer(repo, preview["lifecyclePolicyText"]);
  out["status"] = "COMPLETE";
  out["previewResults"] = page.items;
  out["summary"] = {{"expiringImageTotalCount", preview["results"].size()}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ecr
