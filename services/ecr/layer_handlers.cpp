// The layer half of the JSON API (what the ECR proxy and some SDK tools use instead of the registry):
// availability, uploads in parts, download URLs. Uploads share the registry's BlobStore.

#include "emulator/change_feed.hpp"
#include "services/common/base64.hpp"
#include "services/ecr/blob_store.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/manifest.hpp"
#include "services/ecr/registry_token.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

namespace {

Json upload_answer(const RepoKey& repo, const std::string& upload_id) {
  return {{"registryId", repo.account_id}, {"repositoryName", repo.repository}, {"uploadId", upload_id}};
}

BlobStore::UploadStatus require_upload(BlobStore& blobs, const RepoKey& repo, const std::string& id) {
  auto status = blobs.upload_status(id);
  if (!status || status->owner != upload_owner(repo))
    throw AwsError{"UploadNotFoundException", "The upload with id '" + id + "' does not exist in the repository with name '" +
                                                  repo.repository + "' in the registry with id '" + repo.account_id + "'"};
  return *status;
}

}  // namespace

Json EcrService::batch_check_layer_availability(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  Json layers = Json::array();
  Json failures = Json::array();
  for (const auto& item : in["layerDigests"]) {
    const std::string digest = item;
    if (!is_digest_syntax(digest)) {
      failures.push_back({{"layerDigest", digest},
                          {"failureCode", "InvalidLayerDigest"},
                          {"failureReason", "Invalid layer digest: '" + digest + "'"}});
      continue;
    }
    const auto size = store_.repository_blob_size(repo, digest);
    Json layer = {{"layerDigest", digest}, {"layerAvailability", size ? "AVAILABLE" : "UNAVAILABLE"}};
    if (size) layer["layerSize"] = *size;
    layers.push_back(layer);
  }
  return {{"layers", layers}, {"failures", failures}};
}

Json EcrService::initiate_layer_upload(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  return {{"uploadId", blobs_.begin_upload(upload_owner(repo))}, {"partSize", kLayerPartSize}};
}

Json EcrService::upload_layer_part(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const std::string id = in["uploadId"];
  const auto status = require_upload(blobs_, repo, id);
  const auto bytes = base64::decode(in["layerPartBlob"].get<std::string>());
  if (!bytes) throw AwsError{"InvalidParameterException", "Invalid parameter at 'layerPartBlob': not valid base64"};
  const long long first = in["partFirstByte"];
  const long long last = in["partLastByte"];
  if (first != static_cast<long long>(status.size) || last < first ||
      static_cast<std::size_t>(last - first + 1) != bytes->size())
    throw AwsError{"InvalidLayerPartException", "The layer part with first byte " + std::to_string(first) +
                                                    " and last byte " + std::to_string(last) +
                                                    " is not valid; the last valid byte received is " +
                                                    std::to_string(static_cast<long long>(status.size) - 1)};
  const auto appended = blobs_.append(id, bytes->data(), bytes->size());
  if (appended == BlobStore::AppendResult::TooLarge)
    throw AwsError{"LimitExceededException", "The layer exceeds the maximum layer size of 52000 MiB"};
  if (appended != BlobStore::AppendResult::Ok)
    throw AwsError{"ServerException", "The layer part could not be stored", 500};
  Json out = upload_answer(repo, id);
  out["lastByteReceived"] = last;
  return out;
}

Json EcrService::complete_layer_upload(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const std::string id = in["uploadId"];
  const auto status = require_upload(blobs_, repo, id);
  const std::string digest = in["layerDigests"].front();
  if (status.size == 0) {
    blobs_.cancel(id);
    throw AwsError{"EmptyUploadException", "The upload with id '" + id + "' contains no layer parts"};
  }
  if (!is_sha256_digest(digest)) {
    blobs_.cancel(id);
    throw AwsError{"InvalidLayerException", "Invalid parameter at 'layerDigest' failed to satisfy constraint: 'The layer "
                                            "digest " + digest + " is not a sha256 digest'"};
  }
  if (store_.repository_blob_size(repo, digest)) {
    blobs_.cancel(id);
    throw AwsError{"LayerAlreadyExistsException", "The layer with digest '" + digest +
                                                      "' already exists in the repository with name '" + repo.repository +
                                                      "' in the registry with id '" + repo.account_id + "'"};
  }
  auto finished = blobs_.finish(id, digest);
  if (const auto* error = std::get_if<BlobStore::FinishError>(&finished)) {
    if (*error == BlobStore::FinishError::DigestMismatch)
      throw AwsError{"InvalidLayerException", "Invalid parameter at 'layerDigest' failed to satisfy constraint: 'The "
                                              "calculated digest of the uploaded layer does not match " + digest + "'"};
    throw AwsError{"ServerException", "The layer could not be stored", 500};
  }
  const auto& verified = std::get<BlobStore::Verified>(finished);
  blobs_.commit(verified, digest);
  store_.add_blob(digest, static_cast<std::int64_t>(verified.size));
  store_.link_blob(repo, digest);
  Json out = upload_answer(repo, id);
  out["layerDigest"] = digest;
  return out;
}

Json EcrService::get_download_url_for_layer(RequestContext& ctx, const Json& in) {
  const RepoKey repo = repo_key(ctx, in);
  require_repository(repo);
  const std::string digest = in["layerDigest"];
  if (!is_digest_syntax(digest))
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'layerDigest' failed to satisfy constraint: "
                                                "'Invalid digest " + digest + "'"};
  if (!store_.repository_blob_size(repo, digest))
    throw AwsError{"LayersNotFoundException", "The layer with digest '" + digest + "' does not exist in the repository "
                                              "with name '" + repo.repository + "' in the registry with id '" +
                                              repo.account_id + "'"};
  const std::string token = url_encoded_password({repo.account_id, repo.region, now() + kDownloadUrlLifetimeSeconds});
  return {{"downloadUrl", "http://" + registry_host_ + "/v2/" + repo.repository + "/blobs/" + digest + "?" +
                              kDownloadTokenParameter + "=" + token},
          {"layerDigest", digest}};
}

}  // namespace albatross::ecr
