#pragma once
// Reading image manifests (Docker schema 2, OCI manifests, manifest lists / image indexes): which media
// type they are, which blobs and child manifests they reference, and their size. Pure, no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::ecr {

inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";

// Why a manifest was refused (the registry answers MANIFEST_INVALID, the API InvalidParameterException).
struct ManifestError {
  std::string message;
};

struct ManifestInfo {
  std::string media_type;           // the manifest's own type
  std::string artifact_media_type;  // config media type (or artifactType); empty for indexes
  std::vector<std::string> blobs;   // config and layer digests
  std::vector<std::string> children;  // manifests an index references
  std::int64_t layers_size = 0;     // sum of the layers' sizes
  bool is_index() const { return !children.empty() || media_type == kDockerManifestList || media_type == kOciIndex; }
};

// Parses `bytes`. `declared` is the Content-Type / imageManifestMediaType given with it (may be empty; then
// the manifest's own mediaType decides). Throws ManifestError.
ManifestInfo parse_manifest(std::string_view bytes, std::string_view declared);

// "sha256:<64 lowercase hex>" of the bytes.
std::string sha256_digest(std::string_view bytes);
// A well-formed digest we can verify: sha256 with 64 hex digits.
bool is_sha256_digest(std::string_view digest);
// The syntax ECR accepts for digests in the API ('[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+').
bool is_digest_syntax(std::string_view digest);
// A tag the registry accepts: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
bool is_valid_tag(std::string_view tag);

}  // namespace albatross::ecr
