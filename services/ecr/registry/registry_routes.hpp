#pragma once
// Parses Docker Registry HTTP API v2 paths (/v2/<name>/manifests/<reference>, ...). Pure, no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::ecr {

enum class RegistryRouteKind { Base, Catalog, Tags, Manifest, Blob, UploadStart, Upload };

struct RegistryRoute {
  RegistryRouteKind kind = RegistryRouteKind::Base;
  std::string name;       // repository name (may contain '/')
  std::string reference;  // tag or digest (Manifest), digest (Blob), upload id (Upload)
};

// Empty when the path is not part of the API (404). Names are not validated here.
std::optional<RegistryRoute> parse_registry_path(std::string_view path);
// The repository name grammar ECR accepts.
bool is_valid_repository_name(std::string_view name);
// One query parameter's (percent-decoded) value, empty when absent.
std::string query_parameter(std::string_view query, std::string_view name);

}  // namespace albatross::ecr
