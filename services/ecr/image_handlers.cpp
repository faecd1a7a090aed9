// Images: describe, list, get, put, delete, scans.

#include <algorithm>

#include "services/common/pagination.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/manifest.hpp"
#include "services/ecr/manifest_conversion.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

namespace {

Json failure(const Json& image_id, const char* code, const std::string& reason) {
  return {{"imageId", image_id}, {"failureCode", code}, {"failureReason", reason}};
}

constexpr char kMissingDigestAndTag[] = "Invalid request parameters: both tag and digest cannot be null";
constexpr char kInvalidDigest[] = "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'";
constexpr char kTagDoesNotMatch[] = "Invalid request parameters: given tag does not map to the given digest";
constexpr char kNotFound[] = "Requested image not found";

bool wanted(const std::string& tag_status, const ImageRecord& image) {
  if (tag_status == "TAGGED") return !image.tags.empty();
  if (tag_status == "UNTAGGED") return image.tags.empty();
  return true;
}

void no_paging_with_ids(const Json& in) {
  if (in.contains("imageIds") && (in.contains("nextToken") || in.contains("maxResults")))
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                                "'maxResults and nextToken cannot be used with imageIds'"};
}

// The outcome of resolving one imageId of a batch call: the image, or a failure entry.
struct Resolved {
  std::optional<ImageRecord> image;
  Json failure;
};

Resolved resolve(EcrStore& store, const RepoKey& repo, const Json& id) {
  const std::string digest = id.value("imageDigest", "");
  const std::string tag = id.value("imageTag", "");
  if (digest.empty() && tag.empty()) return {std::nullopt, failure(id, "MissingDigestAndTag", kMissingDigestAndTag)};
  if (!digest.empty() && !is_digest_syntax(digest)) return {std::nullopt, failure(id, "InvalidImageDigest", kInvalidDigest)};
  std::optional<std::string> found_digest = digest.empty() ? store.digest_for_tag(repo, tag) : std::optional(digest);
  if (!digest.empty() && !tag.empty()) {
    const auto tagged = store.digest_for_tag(repo, tag);
    if (tagged && *tagged != digest) return {std::nullopt, failure(id, "ImageTagDoesNotMatchDigest", kTagDoesNotMatch)};
    if (!tagged) found_digest.reset();
  }
  std::optional<ImageRecord> image = found_digest ? store.image(repo, *found_digest) : std::nullopt;
  if (!image) return {std::nullopt, failure(id, "ImageNotFound", kNotFound)};
  return {image, Json()};
}

}  // namespace

Json EcrService::describe_images(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  no_paging_with_ids(in);
  Json details = Json::array();
  if (in.contains("imageIds")) {
    for (const auto& id : in["imageIds"]) {
      if (!id.contains("imageDigest") && !id.contains("imageTag"))
        throw AwsError{"InvalidParameterException", kMissingDigestAndTag};
      const auto image = require_image(repo, id);
      if (std::none_of(details.begin(), details.end(), [&](const Json& d) { return d["imageDigest"] == image.digest; }))
        details.push_back(image_detail(repo, image));
    }
    return {{"imageDetails", details}};
  }
  const std::string tag_status = in.value("filter", Json::object()).value("tagStatus", "ANY");
  for (const auto& image : store_.images(repo))
    if (wanted(tag_status, image)) details.push_back(image_detail(repo, image));
  const auto page = pagination::page(details, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"imageDetails", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcrService::list_images(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const std::string tag_status = in.value("filter", Json::object()).value("tagStatus", "ANY");
  Json ids = Json::array();
  for (const auto& image : store_.images(repo)) {
    if (!wanted(tag_status, image)) continue;
    if (image.tags.empty()) ids.push_back({{"imageDigest", image.digest}});
    for (const auto& tag : image.tags) ids.push_back({{"imageDigest", image.digest}, {"imageTag", tag}});
  }
  const auto page = pagination::page(ids, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"imageIds", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcrService::batch_get_image(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  Json images = Json::array();
  Json failures = Json::array();
  std::vector<std::string> accepted;
  for (const auto& type : in.value("acceptedMediaTypes", Json::array())) accepted.push_back(type);
  for (const auto& id : in["imageIds"]) {
    auto resolved = resolve(store_, repo, id);
    if (!resolved.image) {
      failures.push_back(resolved.failure);
      continue;
    }
    Json image_id = {{"imageDigest", resolved.image->digest}};
    if (id.contains("imageTag")) image_id["imageTag"] = id["imageTag"];
    std::string manifest = resolved.image->manifest;
    std::string media_type = resolved.image->media_type;
    if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), media_type) == accepted.end()) {
      // Pulled by tag, a Docker schema 2 / OCI manifest is converted to an accepted type (a new digest);
      // by digest it cannot be, since the digest names the stored bytes.
      std::optional<std::string> converted;
      if (!id.contains("imageDigest"))
        for (const auto& type : accepted)
          if ((converted = convert_manifest(manifest, media_type, type))) {
            media_type = type;
            break;
          }
      if (!converted) {
        failures.push_back(failure(image_id, "UnsupportedImageType",
                                   "Image with media type " + media_type + " is not in the list of accepted media types"));
        continue;
      }
      manifest = *converted;
      image_id["imageDigest"] = sha256_digest(manifest);
    }
    images.push_back({{"registryId", repo.account_id},
                      {"repositoryName", repo.repository},
                      {"imageId", image_id},
                      {"imageManifest", manifest},
                      {"imageManifestMediaType", media_type}});
    store_.set_pulled(repo, resolved.image->digest, now());
  }
  return {{"images", images}, {"failures", failures}};
}

Json EcrService::put_image(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  const std::string manifest = in["imageManifest"];
  const std::string computed = sha256_digest(manifest);
  if (in.contains("imageDigest") && in["imageDigest"] != computed)
    throw AwsError{"ImageDigestDoesNotMatchException", "Invalid parameter at 'imageDigest' failed to satisfy constraint: "
                                                       "'The provided digest " + in["imageDigest"].get<std::string>() +
                                                       " does not match the digest of the image manifest " + computed + "'"};
  // Through the API the media type must be named, in the manifest or beside it (the registry path has
  // the Content-Type header instead).
  const Json parsed = Json::parse(manifest, nullptr, false);
  require_repository(repo);
  if (!in.contains("imageManifestMediaType") && parsed.is_object() && !parsed.contains("mediaType"))
    throw AwsError{"InvalidParameterException", "image manifest mediatype not provided in manifest or parameter"};
  const std::string reference = in.contains("imageTag") ? in["imageTag"].get<std::string>() : computed;
  const std::string digest = push_manifest(repo, reference, manifest, in.value("imageManifestMediaType", ""), true);
  const auto image = store_.image(repo, digest);
  Json image_id = {{"imageDigest", digest}};
  if (in.contains("imageTag")) image_id["imageTag"] = in["imageTag"];
  return {{"image",
           {{"registryId", repo.account_id},
            {"repositoryName", repo.repository},
            {"imageId", image_id},
            {"imageManifest", manifest},
            {"imageManifestMediaType", image->media_type}}}};
}

Json EcrService::batch_delete_image(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  Json deleted = Json::array();
  Json failures = Json::array();
  for (const auto& id : in["imageIds"]) {
    auto resolved = resolve(store_, repo, id);
    if (!resolved.image) {
      failures.push_back(resolved.failure);
      continue;
    }
    const ImageRecord& image = *resolved.image;
    const bool by_tag = id.contains("imageTag");
    const bool last_tag = by_tag && image.tags.size() <= 1;
    if (!by_tag || last_tag) {
      const auto parents = store_.referencing_images(repo, image.digest);
      if (!parents.empty() && !by_tag) {
        failures.push_back(failure(id, "ImageReferencedByManifestList",
                                   "Requested image referenced by manifest list: [" + parents.front() + "]"));
        continue;
      }
      if (by_tag) store_.remove_tag(repo, id["imageTag"]);
      if (parents.empty()) remove_image(repo, image.digest);
    } else {
      store_.remove_tag(repo, id["imageTag"]);
    }
    if (by_tag) {
      deleted.push_back({{"imageDigest", image.digest}, {"imageTag", id["imageTag"]}});
    } else if (image.tags.empty()) {
      deleted.push_back({{"imageDigest", image.digest}});
    } else {
      for (const auto& tag : image.tags) deleted.push_back({{"imageDigest", image.digest}, {"imageTag", tag}});
    }
  }
  return {{"imageIds", deleted}, {"failures", failures}};
}

Json EcrService::start_image_scan(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const auto image = require_image(repo, in["imageId"]);
  store_.set_scanned(repo, image.digest, now());
  Json image_id = {{"imageDigest", image.digest}};
  if (in["imageId"].contains("imageTag")) image_id["imageTag"] = in["imageId"]["imageTag"];
  return {{"registryId", repo.account_id},
          {"repositoryName", repo.repository},
          {"imageId", image_id},
          {"imageScanStatus", {{"status", "IN_PROGRESS"}}}};
}

Json EcrService::describe_image_scan_findings(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const auto image = require_image(repo, in["imageId"]);
  Json image_id = {{"imageDigest", image.digest}};
  if (in["imageId"].contains("imageTag")) image_id["imageTag"] = in["imageId"]["imageTag"];
  if (!image.scanned_at)
    // Like ImageNotFoundException, the message echoes the request's imageId, an omitted member as null.
    throw AwsError{"ScanNotFoundException", "Image scan does not exist for the image with '{imageDigest:'" +
                                                in["imageId"].value("imageDigest", "null") +
                                                "', imageTag:'" + in["imageId"].value("imageTag", "null") +
                                                "'}' in the repository with name '" + repo.repository +
                                                "' in the registry with id '" + repo.account_id + "'"};
  return {{"registryId", repo.account_id},
          {"repositoryName", repo.repository},
          {"imageId", image_id},
          {"imageScanStatus", {{"status", "COMPLETE"}, {"description", "The scan was completed successfully."}}},
          {"imageScanFindings",
           {{"imageScanCompletedAt", *image.scanned_at},
            {"vulnerabilitySourceUpdatedAt", *image.scanned_at},
            {"findingSeverityCounts", Json::object()},
            {"findings", Json::array()}}}};
}

}  // namespace albatross::ecr
