#pragma once
// Converting an image manifest between Docker schema 2 and OCI (what ECR does when a client pulls by tag
// and does not accept the stored type): the manifest's, the config's and each layer's media type are
// mapped; everything else is kept in its order. Pure, no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::ecr {

// The manifest `body` of type `from` rewritten as `to`, serialised compactly; nullopt when there is no
// faithful conversion (other manifest types, indexes, artifacts, a layer type with no counterpart).
std::optional<std::string> convert_manifest(std::string_view body, std::string_view from, std::string_view to);

}  // namespace albatross::ecr
