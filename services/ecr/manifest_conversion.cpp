#include "services/ecr/manifest_conversion.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "services/ecr/manifest.hpp"

namespace albatross::ecr {

namespace {

using Ordered = nlohmann::ordered_json;

// Docker type, OCI type.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kBlobTypes = {{
    {"application/vnd.docker.container.image.v1+json", "application/vnd.oci.image.config.v1+json"},
    {"application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip"},
    {"application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar"},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
     "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar"},
}};

std::optional<std::string> map_blob_type(std::string_view type, bool to_oci) {
  for (const auto& [docker, oci] : kBlobTypes)
    if (type == (to_oci ? docker : oci)) return std::string(to_oci ? oci : docker);
  return std::nullopt;
}

bool map_descriptor(Ordered& descriptor, bool to_oci) {
  if (!descriptor.is_object() || !descriptor.contains("mediaType") || !descriptor["mediaType"].is_string()) return false;
  const auto mapped = map_blob_type(descriptor["mediaType"].get<std::string>(), to_oci);
  if (!mapped) return false;
  descriptor["mediaType"] = *mapped;
  return true;
}

}  // namespace

std::optional<std::string> convert_manifest(std::string_view body, std::string_view from, std::string_view to) {
  const bool to_oci = from == kDockerManifest && to == kOciManifest;
  const bool to_docker = from == kOciManifest && to == kDockerManifest;
  if (!to_oci && !to_docker) return std::nullopt;
  Ordered manifest = Ordered::parse(body, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || manifest.value("schemaVersion", 0) != 2) return std::nullopt;
  // Artifacts and referrers have no Docker form.
  if (to_docker && (manifest.contains("artifactType") || manifest.contains("subject"))) return std::nullopt;
  if (!manifest.contains("config") || !map_descriptor(manifest["config"], to_oci)) return std::nullopt;
  if (!manifest.contains("layers") || !manifest["layers"].is_array()) return std::nullopt;
  for (auto& layer : manifest["layers"])
    if (!map_descriptor(layer, to_oci)) return std::nullopt;
  if (manifest.contains("mediaType") || to_docker) {
    if (manifest.contains("mediaType")) {
      manifest["mediaType"] = std::string(to);
    } else {
      // Docker schema 2 requires mediaType: place it after schemaVersion as Docker writes it.
      Ordered rebuilt = Ordered::object();
      for (auto it = manifest.begin(); it != manifest.end(); ++it) {
        rebuilt[it.key()] = it.value();
        if (it.key() == "schemaVersion") rebuilt["mediaType"] = std::string(to);
      }
      manifest = std::move(rebuilt);
    }
  }
  return manifest.dump();
}

}  // namespace albatross::ecr
