#pragma once
// Image references and registry credentials as the Engine API wants them (pure).

#include <string>
#include <string_view>

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
