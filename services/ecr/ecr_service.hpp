#pragma once
// ECR control plane: repositories (documents in storage::ResourceStore, kind "ecr:repository"), images,
// tags and layers (EcrStore), and the operations the registry server needs. Everything here runs on the
// control thread inside a transaction: the gateway's for API calls, in_transaction() for the registry's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/ecr/ecr_store.hpp"
#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross {
class ChangeFeed;
}

namespace albatross::ecr {

class BlobStore;
struct ManifestInfo;

inline constexpr char kRepositoryKind[] = "ecr:repository";

// Who may continue a blob upload (BlobStore owner): the repository it was started for.
inline std::string upload_owner(const RepoKey& repo) {
  return repo.account_id + "/" + repo.region + "/" + repo.repository;
}
inline constexpr long long kLayerPartSize = 10 * 1024 * 1024;  // what InitiateLayerUpload advertises
inline constexpr std::size_t kMaxImagesPerRepository = 100000;  // AWS's default quota

// A manifest as stored, for the registry.
struct StoredManifest {
  std::string digest;
  std::string media_type;
  std::string body;
};

class EcrService {
 public:
  using Json = nlohmann::json;

  EcrService(storage::Database& db, BlobStore& blobs, ChangeFeed& changes);
  ServiceDefinition definition();

  // The registry's host as clients use it ("localhost:4510"), set once it listens.
  void set_registry_host(std::string host) { registry_host_ = std::move(host); }
  const std::string& registry_host() const { return registry_host_; }

  // repository_handlers.cpp
  Json create_repository(RequestContext& ctx, const Json& in);
  Json describe_repositories(RequestContext& ctx, const Json& in);
  Json delete_repository(RequestContext& ctx, const Json& in);
  Json put_image_tag_mutability(RequestContext& ctx, const Json& in);
  Json put_image_scanning_configuration(RequestContext& ctx, const Json& in);
  Json set_repository_policy(RequestContext& ctx, const Json& in);
  Json get_repository_policy(RequestContext& ctx, const Json& in);
  Json delete_repository_policy(RequestContext& ctx, const Json& in);
  Json tag_resource(RequestContext& ctx, const Json& in);
  Json untag_resource(RequestContext& ctx, const Json& in);
  Json list_tags_for_resource(RequestContext& ctx, const Json& in);
  Json get_authorization_token(RequestContext& ctx, const Json& in);
  // image_handlers.cpp
  Json describe_images(RequestContext& ctx, const Json& in);
  Json list_images(RequestContext& ctx, const Json& in);
  Json batch_get_image(RequestContext& ctx, const Json& in);
  Json put_image(RequestContext& ctx, const Json& in);
  Json batch_delete_image(RequestContext& ctx, const Json& in);
  Json start_image_scan(RequestContext& ctx, const Json& in);
  Json describe_image_scan_findings(RequestContext& ctx, const Json& in);
  // layer_handlers.cpp
  Json batch_check_layer_availability(RequestContext& ctx, const Json& in);
  Json initiate_layer_upload(RequestContext& ctx, const Json& in);
  Json upload_layer_part(RequestContext& ctx, const Json& in);
  Json complete_layer_upload(RequestContext& ctx, const Json& in);
  Json get_download_url_for_layer(RequestContext& ctx, const Json& in);
  // lifecycle_handlers.cpp
  Json put_lifecycle_policy(RequestContext& ctx, const Json& in);
  Json get_lifecycle_policy(RequestContext& ctx, const Json& in);
  Json delete_lifecycle_policy(RequestContext& ctx, const Json& in);
  Json start_lifecycle_policy_preview(RequestContext& ctx, const Json& in);
  Json get_lifecycle_policy_preview(RequestContext& ctx, const Json& in);
  // registry_settings_handlers.cpp
  Json describe_registry(RequestContext& ctx, const Json& in);
  Json put_registry_policy(RequestContext& ctx, const Json& in);
  Json get_registry_policy(RequestContext& ctx, const Json& in);
  Json delete_registry_policy(RequestContext& ctx, const Json& in);
  Json put_registry_scanning_configuration(RequestContext& ctx, const Json& in);
  Json get_registry_scanning_configuration(RequestContext& ctx, const Json& in);
  Json batch_get_repository_scanning_configuration(RequestContext& ctx, const Json& in);
  Json put_replication_configuration(RequestContext& ctx, const Json& in);
  Json put_account_setting(RequestContext& ctx, const Json& in);
  Json get_account_setting(RequestContext& ctx, const Json& in);
  Json create_pull_through_cache_rule(RequestContext& ctx, const Json& in);
  Json describe_pull_through_cache_rules(RequestContext& ctx, const Json& in);
  Json delete_pull_through_cache_rule(RequestContext& ctx, const Json& in);
  Json update_pull_through_cache_rule(RequestContext& ctx, const Json& in);
  Json validate_pull_through_cache_rule(RequestContext& ctx, const Json& in);
  Json create_repository_creation_template(RequestContext& ctx, const Json& in);
  Json describe_repository_creation_templates(RequestContext& ctx, const Json& in);
  Json update_repository_creation_template(RequestContext& ctx, const Json& in);
  Json delete_repository_creation_template(RequestContext& ctx, const Json& in);
  Json put_signing_configuration(RequestContext& ctx, const Json& in);
  Json get_signing_configuration(RequestContext& ctx, const Json& in);
  Json delete_signing_configuration(RequestContext& ctx, const Json& in);

  // ---- For the registry (control thread; each call in its own transaction unless one is open) ----
  bool repository_exists(const RepoKey& repo);
  std::vector<std::string> repository_names(const storage::Scope& scope);
  std::optional<std::int64_t> blob_size(const RepoKey& repo, const std::string& digest);
  // Links a blob another repository of the account has (cross-repository mount); false when it has not.
  bool mount_blob(const RepoKey& repo, const std::string& digest, const std::string& from_repository);
  // Moves a verified upload into the store and links it to the repository.
  void store_blob(const RepoKey& repo, const std::string& digest, const std::string& verified_file, std::uint64_t size);
  // Stores a manifest under a tag or its digest. Throws AwsError (RepositoryNotFoundException,
  // ImageTagAlreadyExistsException, LayersNotFoundException, ImageDigestDoesNotMatchException,
  // InvalidParameterException). Returns the digest.
  // `from_api` = PutImage, which also refuses a manifest and tag already there (ImageAlreadyExistsException).
  // Runs inside the caller's transaction.
  std::string push_manifest(const RepoKey& repo, const std::string& reference, const std::string& body,
                            const std::string& content_type, bool from_api = false);
  // push_manifest in a transaction of its own (the registry's PUT).
  std::string store_manifest(const RepoKey& repo, const std::string& reference, const std::string& body,
                             const std::string& content_type);
  // By tag or digest; records the pull time when `pulling`.
  std::optional<StoredManifest> find_manifest(const RepoKey& repo, const std::string& reference, bool pulling);
  // By digest: deletes the image. By tag: removes the tag (and the image when it was its last tag and no
  // index references it). False when there is no such image or tag.
  bool delete_manifest(const RepoKey& repo, const std::string& reference);
  std::vector<std::string> tags(const RepoKey& repo);
  // Deletes blobs no repository uses any more (rows first, then files); after commit.
  void collect_garbage();
  // Start-up: removes blob files that have no row (left by a crash).
  void remove_orphan_blobs();

  // ---- Shared by the handler files ----
  storage::ResourceStore& resources() { return resources_; }
  EcrStore& store() { return store_; }
  BlobStore& blobs() { return blobs_; }
  // The account whose registry a call addresses: registryId when given, else the caller's.
  static std::string registry_of(const RequestContext& ctx, const Json& in);
  static RepoKey repo_key(const RequestContext& ctx, const Json& in);
  // The repository's stored document ({"repository": <Repository shape>, private fields...}), or
  // RepositoryNotFoundException with AWS's wording.
  storage::Resource require_repository(const RepoKey& repo);
  std::string repository_arn(const RepoKey& repo) const;
  Json image_detail(const RepoKey& repo, const ImageRecord& image) const;
  // Throws ImageNotFoundException for an id that matches nothing.
  ImageRecord require_image(const RepoKey& repo, const Json& image_id);
  // Whether `tag` may not move in the repository (mutability and its exclusion filters).
  static bool tag_is_immutable(const Json& repository, const std::string& tag);
  // Removes an image (tags, references) and marks the "ecr" topic so garbage is collected after commit.
  void remove_image(const RepoKey& repo, const std::string& digest);
  double now() const;

 private:
  void in_transaction(const std::function<void()>& work);
  void check_references(const RepoKey& repo, const ManifestInfo& info);

  storage::Database& db_;
  BlobStore& blobs_;
  storage::ResourceStore resources_;
  EcrStore store_;
  ChangeFeed& changes_;
  std::string registry_host_ = "localhost:4510";
};

}  // namespace albatross::ecr
