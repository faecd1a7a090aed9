#include "services/docker/image_reference.hpp"

#include <nlohmann/json.hpp>

#include "services/common/base64.hpp"

namespace albatross::docker {

ImageReference parse_image_reference(std::string_view reference) {
  ImageReference out;
  if (const auto at = reference.find('@'); at != std::string_view::npos) {
    out.digest = std::string(reference.substr(at + 1));
    reference = reference.substr(0, at);
    // "repo:tag@digest": the digest wins, as Docker does.
    const auto slash = reference.rfind('/');
    const auto colon = reference.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
      reference = reference.substr(0, colon);
    out.repository = std::string(reference);
    return out;
  }
  const auto slash = reference.rfind('/');
  const auto colon = reference.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.repository = std::string(reference.substr(0, colon));
    out.tag = std::string(reference.substr(colon + 1));
  } else {
    out.repository = std::string(reference);
    out.tag = "latest";
  }
  return out;
}

std::string registry_auth_header(std::string_view username, std::string_view password, std::string_view server) {
  const nlohmann::json auth = {{"username", username}, {"password", password}, {"serveraddress", server}};
  std::string encoded = base64::encode(auth.dump());
  for (char& c : encoded) {  // the daemon decodes URL-safe base64
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return encoded;
}

}  // namespace albatross::docker

namespace albatross::docker {

std::string repo_digest_for(std::string_view reference, const std::vector<std::string>& repo_digests) {
  const ImageReference parsed = parse_image_reference(reference);
  if (!parsed.digest.empty()) return parsed.digest;
  // Docker shortens Docker Hub names in RepoDigests ("busybox@…" for docker.io/library/busybox).
  std::string repository = parsed.repository;
  for (const std::string_view hub : {"docker.io/library/", "docker.io/", "index.docker.io/library/"})
    if (repository.starts_with(hub)) repository = repository.substr(hub.size());
  for (const auto& entry : repo_digests) {
    const auto at = entry.find('@');
    if (at == std::string::npos) continue;
    std::string_view name(entry.data(), at);
    for (const std::string_view hub : {"docker.io/library/", "docker.io/"})
      if (name.starts_with(hub)) name.remove_prefix(hub.size());
    if (name == repository) return entry.substr(at + 1);
  }
  return "";
}

}  // namespace albatross::docker
