#pragma once
// Image references and registry credentials as the Engine API wants them (pure).

#include <string>
#include <string_view>
#include <vector>

namespace albatross::docker {

struct ImageReference {
  std::string repository;  // "localhost:5000/team/app", "busybox"
  std::string tag;         // "latest" when neither tag nor digest was given
  std::string digest;      // "sha256:…" when pinned by digest (then tag is empty)
};

// Splits "registry:port/repo:tag" or "repo@sha256:…"; the colon of a registry port is not a tag.
ImageReference parse_image_reference(std::string_view reference);

// The X-Registry-Auth header value: base64url of {"username","password","serveraddress"}.
std::string registry_auth_header(std::string_view username, std::string_view password, std::string_view server);

}  // namespace albatross::docker

namespace albatross::docker {

// The manifest digest ("sha256:…") among an image's RepoDigests ("repo@sha256:…") that belongs to the repository
// `reference` names, or the reference's own digest when pinned; empty when the image did not come from it.
std::string repo_digest_for(std::string_view reference, const std::vector<std::string>& repo_digests);

}  // namespace albatross::docker
