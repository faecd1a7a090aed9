#include "services/ecr/ecr_service.hpp"

#include <algorithm>
#include <set>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "services/common/arn.hpp"
#include "services/ecr/blob_store.hpp"
#include "services/ecr/lifecycle_policy.hpp"
#include "services/ecr/manifest.hpp"
#include "storage/database.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

EcrService::EcrService(storage::Database& db, BlobStore& blobs, ChangeFeed& changes)
    : db_(db), blobs_(blobs), resources_(db), store_(db), changes_(changes) {}

double EcrService::now() const { return Clock::now(); }

void EcrService::in_transaction(const std::function<void()>& work) { db_.in_transaction(work); }

std::string EcrService::registry_of(const RequestContext& ctx, const Json& in) {
  return in.contains("registryId") ? in["registryId"].get<std::string>() : ctx.account_id;
}

RepoKey EcrService::repo_key(const RequestContext& ctx, const Json& in) {
  return RepoKey{registry_of(ctx, in), ctx.region, in.value("repositoryName", "")};
}

std::string EcrService::repository_arn(const RepoKey& repo) const {
  return arn::make("ecr", repo.region, repo.account_id, "repository/" + repo.repository);
}

storage::Resource EcrService::require_repository(const RepoKey& repo) {
  auto found = resources_.get({repo.account_id, repo.region}, kRepositoryKind, repo.repository);
  if (!found)
    throw AwsError{"RepositoryNotFoundException", "The repository with name '" + repo.repository +
                                                      "' does not exist in the registry with id '" + repo.account_id + "'"};
  found->document["repository"]["repositoryUri"] = registry_host_ + "/" + repo.repository;
  return *found;
}

bool EcrService::tag_is_immutable(const Json& repository, const std::string& tag) {
  const std::string mutability = repository.value("imageTagMutability", "MUTABLE");
  const bool immutable_default = mutability.starts_with("IMMUTABLE");
  if (mutability.ends_with("_WITH_EXCLUSION"))
    for (const auto& filter : repository.value("imageTagMutabilityExclusionFilters", Json::array()))
      if (wildcard_tag_match(filter.value("filter", ""), tag)) return !immutable_default;
  return immutable_default;
}

Json EcrService::image_detail(const RepoKey& repo, const ImageRecord& image) const {
  Json detail = {{"registryId", repo.account_id},
                 {"repositoryName", repo.repository},
                 {"imageDigest", image.digest},
                 {"imageSizeInBytes", image.size_bytes},
                 {"imagePushedAt", image.pushed_at},
                 {"imageManifestMediaType", image.media_type},
                 {"imageStatus", "ACTIVE"}};
  if (!image.tags.empty()) detail["imageTags"] = image.tags;
  if (!image.artifact_media_type.empty()) detail["artifactMediaType"] = image.artifact_media_type;
  if (image.last_pull_at) detail["lastRecordedPullTime"] = *image.last_pull_at;
  if (image.scanned_at) {
    detail["imageScanStatus"] = {{"status", "COMPLETE"}, {"description", "The scan was completed successfully."}};
    detail["imageScanFindingsSummary"] = {{"imageScanCompletedAt", *image.scanned_at},
                                          {"vulnerabilitySourceUpdatedAt", *image.scanned_at},
                                          {"findingSeverityCounts", Json::object()}};
  }
  return detail;
}

ImageRecord EcrService::require_image(const RepoKey& repo, const Json& image_id) {
  std::optional<ImageRecord> image;
  const std::string digest = image_id.value("imageDigest", "");
  const std::string tag = image_id.value("imageTag", "");
  if (!digest.empty()) {
    image = store_.image(repo, digest);
    if (image && !tag.empty() && std::find(image->tags.begin(), image->tags.end(), tag) == image->tags.end())
      image.reset();
  } else if (!tag.empty()) {
    if (auto found = store_.digest_for_tag(repo, tag)) image = store_.image(repo, *found);
  }
  if (!image) {
    // ECR prints a member the request left out as Java's null: {imageDigest:'null', imageTag:'latest'}.
    const auto shown = [&](const char* key) {
      return image_id.contains(key) ? image_id[key].get<std::string>() : std::string("null");
    };
    throw AwsError{"ImageNotFoundException", "The image with imageId {imageDigest:'" + shown("imageDigest") +
                                                 "', imageTag:'" + shown("imageTag") +
                                                 "'} does not exist within the repository with name '" + repo.repository +
                                                 "' in the registry with id '" + repo.account_id + "'"};
  }
  return *image;
}

void EcrService::remove_image(const RepoKey& repo, const std::string& digest) {
  store_.remove_image(repo, digest);
  changes_.mark("ecr");
}

// ---- manifests ----

void EcrService::check_references(const RepoKey& repo, const ManifestInfo& info) {
  std::vector<std::string> missing;
  for (const auto& blob : info.blobs)
    if (!store_.repository_blob_size(repo, blob)) missing.push_back(blob);
  if (!missing.empty()) {
    std::string list;
    for (const auto& digest : missing) list += (list.empty() ? "" : ", ") + digest;
    throw AwsError{"LayersNotFoundException", "Layers with digests '[" + list +
                                                  "]' required for pushing image into repository with name '" +
                                                  repo.repository + "' in the registry with id '" + repo.account_id +
                                                  "' do not exist"};
  }
  for (const auto& child : info.children)
    if (!store_.image(repo, child))
      throw AwsError{"ReferencedImagesNotFoundException",
                     "The image manifest with digest '" + child + "' referenced by the image index does not exist in "
                     "the repository with name '" + repo.repository + "' in the registry with id '" + repo.account_id + "'"};
}

std::string EcrService::push_manifest(const RepoKey& repo, const std::string& reference, const std::string& body,
                                      const std::string& content_type, bool from_api) {
  const auto repository = require_repository(repo).document["repository"];
  ManifestInfo info;
  try {
    info = parse_manifest(body, content_type);
  } catch (const ManifestError& error) {
    throw AwsError{"InvalidParameterException",
                   "Invalid parameter at 'ImageManifest' failed to satisfy constraint: '" + error.message + "'"};
  }
  const std::string digest = sha256_digest(body);
  const bool by_digest = is_digest_syntax(reference);
  if (by_digest && reference != digest)
    throw AwsError{"ImageDigestDoesNotMatchException", "Invalid parameter at 'imageDigest' failed to satisfy constraint: "
                                                       "'The provided digest " + reference +
                                                       " does not match the digest of the image manifest " + digest + "'"};
  const std::string tag = by_digest ? std::string() : reference;
  check_references(repo, info);
  const auto existing = store_.image(repo, digest);
  const auto tagged = tag.empty() ? std::nullopt : store_.digest_for_tag(repo, tag);
  if (from_api && existing && (tag.empty() || tagged == digest))
    throw AwsError{"ImageAlreadyExistsException", "Image with digest '" + digest + "'" +
                                                      (tag.empty() ? "" : " and tag '" + tag + "'") +
                                                      " already exists in the repository with name '" + repo.repository +
                                                      "' in registry with id '" + repo.account_id + "'"};
  if (tagged && tag_is_immutable(repository, tag))
    throw AwsError{"ImageTagAlreadyExistsException", "The image tag '" + tag + "' already exists in the '" +
                                                         repo.repository +
                                                         "' repository and cannot be overwritten because the tag is immutable."};
  if (!existing && store_.image_count(repo) >= kMaxImagesPerRepository)
    throw AwsError{"LimitExceededException", "The maximum number of images per repository (" +
                                                 std::to_string(kMaxImagesPerRepository) + ") has been reached"};
  if (!existing) {
    ImageRecord image;
    image.digest = digest;
    image.manifest = body;
    image.media_type = info.media_type;
    image.artifact_media_type = info.artifact_media_type;
    image.size_bytes = info.layers_size;
    for (const auto& child : info.children)
      if (auto child_image = store_.image(repo, child)) image.size_bytes += child_image->size_bytes;
    image.pushed_at = now();
    std::vector<std::string> references = info.blobs;
    references.insert(references.end(), info.children.begin(), info.children.end());
    store_.insert_image(repo, image, references);
    if (repository.value("imageScanningConfiguration", Json::object()).value("scanOnPush", false))
      store_.set_scanned(repo, digest, image.pushed_at);
  }
  if (!tag.empty()) store_.set_tag(repo, tag, digest);
  return digest;
}

std::string EcrService::store_manifest(const RepoKey& repo, const std::string& reference, const std::string& body,
                                       const std::string& content_type) {
  std::string digest;
  in_transaction([&] { digest = push_manifest(repo, reference, body, content_type); });
  return digest;
}

std::optional<StoredManifest> EcrService::find_manifest(const RepoKey& repo, const std::string& reference, bool pulling) {
  std::optional<StoredManifest> found;
  in_transaction([&] {
    std::string digest = reference;
    if (!is_digest_syntax(reference)) {
      auto tagged = store_.digest_for_tag(repo, reference);
      if (!tagged) return;
      digest = *tagged;
    }
    auto image = store_.image(repo, digest);
    if (!image) return;
    if (pulling) store_.set_pulled(repo, digest, now());
    found = StoredManifest{image->digest, image->media_type, image->manifest};
  });
  return found;
}

bool EcrService::delete_manifest(const RepoKey& repo, const std::string& reference) {
  bool deleted = false;
  in_transaction([&] {
    const bool by_digest = is_digest_syntax(reference);
    const auto digest = by_digest ? std::optional(reference) : store_.digest_for_tag(repo, reference);
    if (!digest) return;
    const auto image = store_.image(repo, *digest);
    if (!image) return;
    deleted = true;
    if (!by_digest) {
      store_.remove_tag(repo, reference);
      if (image->tags.size() > 1 || !store_.referencing_images(repo, *digest).empty()) return;
    }
    remove_image(repo, *digest);
  });
  if (deleted) collect_garbage();
  return deleted;
}

// ---- registry helpers ----

bool EcrService::repository_exists(const RepoKey& repo) {
  bool exists = false;
  in_transaction([&] { exists = resources_.get({repo.account_id, repo.region}, kRepositoryKind, repo.repository).has_value(); });
  return exists;
}

std::vector<std::string> EcrService::repository_names(const storage::Scope& scope) {
  std::vector<std::string> names;
  in_transaction([&] {
    for (const auto& resource : resources_.list(scope, kRepositoryKind)) names.push_back(resource.id);
  });
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::int64_t> EcrService::blob_size(const RepoKey& repo, const std::string& digest) {
  std::optional<std::int64_t> size;
  in_transaction([&] { size = store_.repository_blob_size(repo, digest); });
  return size;
}

bool EcrService::mount_blob(const RepoKey& repo, const std::string& digest, const std::string& from_repository) {
  bool mounted = false;
  in_transaction([&] {
    const RepoKey from{repo.account_id, repo.region, from_repository};
    if (!store_.repository_blob_size(from, digest)) return;
    store_.link_blob(repo, digest);
    mounted = true;
  });
  return mounted;
}

void EcrService::store_blob(const RepoKey& repo, const std::string& digest, const std::string& verified_file,
                            std::uint64_t size) {
  in_transaction([&] {
    blobs_.commit(BlobStore::Verified{verified_file, size}, digest);
    store_.add_blob(digest, static_cast<std::int64_t>(size));
    store_.link_blob(repo, digest);
  });
}

std::vector<std::string> EcrService::tags(const RepoKey& repo) {
  std::vector<std::string> tags;
  in_transaction([&] { tags = store_.tags(repo); });
  return tags;
}

void EcrService::collect_garbage() {
  std::vector<std::string> unreferenced;
  in_transaction([&] { unreferenced = store_.collect_garbage(); });
  for (const auto& digest : unreferenced) blobs_.remove(digest);
  if (!unreferenced.empty()) log::debug("ecr: removed " + std::to_string(unreferenced.size()) + " unreferenced blobs");
}

void EcrService::remove_orphan_blobs() {
  std::set<std::string> known;
  in_transaction([&] {
    for (auto& digest : store_.blob_digests()) known.insert(std::move(digest));
  });
  for (const auto& digest : blobs_.digests_on_disk())
    if (!known.contains(digest)) blobs_.remove(digest);
}

ServiceDefinition EcrService::definition() {
  ServiceDefinition definition;
  definition.model_name = "ecr";
  auto bind = [this](Json (EcrService::*method)(RequestContext&, const Json&)) {
    return Handler([this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  };
  definition.handlers = {
      {"CreateRepository", bind(&EcrService::create_repository)},
      {"DescribeRepositories", bind(&EcrService::describe_repositories)},
      {"DeleteRepository", bind(&EcrService::delete_repository)},
      {"PutImageTagMutability", bind(&EcrService::put_image_tag_mutability)},
      {"PutImageScanningConfiguration", bind(&EcrService::put_image_scanning_configuration)},
      {"SetRepositoryPolicy", bind(&EcrService::set_repository_policy)},
      {"GetRepositoryPolicy", bind(&EcrService::get_repository_policy)},
      {"DeleteRepositoryPolicy", bind(&EcrService::delete_repository_policy)},
      {"TagResource", bind(&EcrService::tag_resource)},
      {"UntagResource", bind(&EcrService::untag_resource)},
      {"ListTagsForResource", bind(&EcrService::list_tags_for_resource)},
      {"DescribeRegistry", bind(&EcrService::describe_registry)},
      {"GetAuthorizationToken", bind(&EcrService::get_authorization_token)},
      {"DescribeImages", bind(&EcrService::describe_images)},
      {"ListImages", bind(&EcrService::list_images)},
      {"BatchGetImage", bind(&EcrService::batch_get_image)},
      {"PutImage", bind(&EcrService::put_image)},
      {"BatchDeleteImage", bind(&EcrService::batch_delete_image)},
      {"StartImageScan", bind(&EcrService::start_image_scan)},
      {"DescribeImageScanFindings", bind(&EcrService::describe_image_scan_findings)},
      {"BatchCheckLayerAvailability", bind(&EcrService::batch_check_layer_availability)},
      {"InitiateLayerUpload", bind(&EcrService::initiate_layer_upload)},
      {"UploadLayerPart", bind(&EcrService::upload_layer_part)},
      {"CompleteLayerUpload", bind(&EcrService::complete_layer_upload)},
      {"GetDownloadUrlForLayer", bind(&EcrService::get_download_url_for_layer)},
      {"PutLifecyclePolicy", bind(&EcrService::put_lifecycle_policy)},
      {"GetLifecyclePolicy", bind(&EcrService::get_lifecycle_policy)},
      {"DeleteLifecyclePolicy", bind(&EcrService::delete_lifecycle_policy)},
      {"StartLifecyclePolicyPreview", bind(&EcrService::start_lifecycle_policy_preview)},
      {"GetLifecyclePolicyPreview", bind(&EcrService::get_lifecycle_policy_preview)},
      {"PutRegistryPolicy", bind(&EcrService::put_registry_policy)},
      {"GetRegistryPolicy", bind(&EcrService::get_registry_policy)},
      {"DeleteRegistryPolicy", bind(&EcrService::delete_registry_policy)},
      {"PutRegistryScanningConfiguration", bind(&EcrService::put_registry_scanning_configuration)},
      {"GetRegistryScanningConfiguration", bind(&EcrService::get_registry_scanning_configuration)},
      {"BatchGetRepositoryScanningConfiguration", bind(&EcrService::batch_get_repository_scanning_configuration)},
      {"PutReplicationConfiguration", bind(&EcrService::put_replication_configuration)},
      {"PutAccountSetting", bind(&EcrService::put_account_setting)},
      {"GetAccountSetting", bind(&EcrService::get_account_setting)},
      {"CreatePullThroughCacheRule", bind(&EcrService::create_pull_through_cache_rule)},
      {"DescribePullThroughCacheRules", bind(&EcrService::describe_pull_through_cache_rules)},
      {"DeletePullThroughCacheRule", bind(&EcrService::delete_pull_through_cache_rule)},
      {"UpdatePullThroughCacheRule", bind(&EcrService::update_pull_through_cache_rule)},
      {"ValidatePullThroughCacheRule", bind(&EcrService::validate_pull_through_cache_rule)},
      {"CreateRepositoryCreationTemplate", bind(&EcrService::create_repository_creation_template)},
      {"DescribeRepositoryCreationTemplates", bind(&EcrService::describe_repository_creation_templates)},
      {"UpdateRepositoryCreationTemplate", bind(&EcrService::update_repository_creation_template)},
      {"DeleteRepositoryCreationTemplate", bind(&EcrService::delete_repository_creation_template)},
      {"PutSigningConfiguration", bind(&EcrService::put_signing_configuration)},
      {"GetSigningConfiguration", bind(&EcrService::get_signing_configuration)},
      {"DeleteSigningConfiguration", bind(&EcrService::delete_signing_configuration)},
  };
  definition.on_reset = [this] { blobs_.clear(); };
  return definition;
}

}  // namespace albatross::ecr
