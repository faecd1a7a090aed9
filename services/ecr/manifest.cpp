#include "services/ecr/manifest.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "services/common/digest.hpp"

namespace albatross::ecr {
namespace {

using Json = nlohmann::json;

bool is_known_type(std::string_view type) {
  return type == kDockerManifest || type == kDockerManifestList || type == kOciManifest || type == kOciIndex;
}

std::string descriptor_digest(const Json& descriptor, const char* where) {
  if (!descriptor.is_object() || !descriptor.contains("digest") || !descriptor["digest"].is_string())
    throw ManifestError{std::string("a ") + where + " descriptor has no digest"};
  const std::string digest = descriptor["digest"];
  if (!is_digest_syntax(digest)) throw ManifestError{"invalid digest '" + digest + "' in " + where};
  return digest;
}

void read_image(const Json& manifest, ManifestInfo& info) {
  if (!manifest.contains("config")) throw ManifestError{"image manifest has no config"};
  info.blobs.push_back(descriptor_digest(manifest["config"], "config"));
  info.artifact_media_type = manifest.value("artifactType", manifest["config"].value("mediaType", ""));
  const Json layers = manifest.value("layers", Json::array());
  if (!layers.is_array()) throw ManifestError{"layers is not a list"};
  for (const auto& layer : layers) {
    info.blobs.push_back(descriptor_digest(layer, "layer"));
    if (layer.contains("size") && layer["size"].is_number_integer()) info.layers_size += layer["size"].get<std::int64_t>();
  }
}

}  // namespace

ManifestInfo parse_manifest(std::string_view bytes, std::string_view declared) {
  Json manifest = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) throw ManifestError{"manifest is not a JSON object"};
  const Json version = manifest.value("schemaVersion", Json());
  if (!version.is_number_integer() || version.get<int>() != 2)
    throw ManifestError{"unsupported manifest schemaVersion (only schema 2 and OCI manifests are accepted)"};
  const std::string own = manifest.value("mediaType", "");
  ManifestInfo info;
  info.media_type = !own.empty() ? own : std::string(declared);
  if (info.media_type.empty()) {
    // OCI allows omitting mediaType; tell an index from an image by its members.
    info.media_type = manifest.contains("manifests") ? kOciIndex : kOciManifest;
  }
  if (!own.empty() && !declared.empty() && own != declared && is_known_type(declared))
    throw ManifestError{"manifest media type '" + own + "' does not match the declared '" + std::string(declared) + "'"};
  if (!is_known_type(info.media_type)) throw ManifestError{"unsupported manifest media type '" + info.media_type + "'"};
  if (info.media_type == kDockerManifestList || info.media_type == kOciIndex) {
    const Json children = manifest.value("manifests", Json());
    if (!children.is_array()) throw ManifestError{"index has no manifests list"};
    for (const auto& child : children) info.children.push_back(descriptor_digest(child, "manifest"));
    info.artifact_media_type = manifest.value("artifactType", "");
  } else {
    read_image(manifest, info);
  }
  return info;
}

std::string sha256_digest(std::string_view bytes) { return "sha256:" + digest::sha256_hex(bytes); }

bool is_sha256_digest(std::string_view digest) {
  if (digest.size() != 71 || !digest.starts_with("sha256:")) return false;
  for (char c : digest.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_digest_syntax(std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == digest.size()) return false;
  for (char c : digest.substr(0, colon))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '.')) return false;
  for (char c : digest.substr(colon + 1))
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (!(word || (i > 0 && (c == '.' || c == '-')))) return false;
  }
  return true;
}

}  // namespace albatross::ecr
