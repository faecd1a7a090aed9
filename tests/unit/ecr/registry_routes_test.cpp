#include "services/ecr/registry/registry_routes.hpp"

#include <doctest/doctest.h>

using namespace albatross::ecr;

TEST_CASE("registry paths, names with slashes included") {
  CHECK(parse_registry_path("/v2/")->kind == RegistryRouteKind::Base);
  CHECK(parse_registry_path("/v2")->kind == RegistryRouteKind::Base);
  CHECK(parse_registry_path("/v2/_catalog")->kind == RegistryRouteKind::Catalog);
  auto tags = parse_registry_path("/v2/team/app/tags/list");
  REQUIRE(tags);
  CHECK(tags->kind == RegistryRouteKind::Tags);
  CHECK(tags->name == "team/app");
  auto manifest = parse_registry_path("/v2/team/app/manifests/v1.0");
  CHECK(manifest->kind == RegistryRouteKind::Manifest);
  CHECK(manifest->name == "team/app");
  CHECK(manifest->reference == "v1.0");
  auto blob = parse_registry_path("/v2/a/blobs/sha256:abc");
  CHECK(blob->kind == RegistryRouteKind::Blob);
  CHECK(blob->reference == "sha256:abc");
  CHECK(parse_registry_path("/v2/a/b/blobs/uploads/")->kind == RegistryRouteKind::UploadStart);
  CHECK(parse_registry_path("/v2/a/b/blobs/uploads")->kind == RegistryRouteKind::UploadStart);
  auto upload = parse_registry_path("/v2/a/b/blobs/uploads/1234-5678");
  CHECK(upload->kind == RegistryRouteKind::Upload);
  CHECK(upload->name == "a/b");
  CHECK(upload->reference == "1234-5678");
  // a repository literally named like a route keyword still parses by the last marker
  auto tricky = parse_registry_path("/v2/manifests/manifests/latest");
  CHECK(tricky->name == "manifests");
}

TEST_CASE("paths outside the API") {
  CHECK_FALSE(parse_registry_path("/"));
  CHECK_FALSE(parse_registry_path("/v1/app/manifests/x"));
  CHECK_FALSE(parse_registry_path("/v2/app/unknown/x"));
  CHECK_FALSE(parse_registry_path("/v2/app/manifests/"));
  CHECK_FALSE(parse_registry_path("/v2/tags/list"));
}

TEST_CASE("repository names and query parameters") {
  CHECK(is_valid_repository_name("team/web-app_1.0"));
  CHECK(is_valid_repository_name("a__b"));
  CHECK_FALSE(is_valid_repository_name("A"));
  CHECK_FALSE(is_valid_repository_name("Upper"));
  CHECK_FALSE(is_valid_repository_name("a//b"));
  CHECK_FALSE(is_valid_repository_name("-a"));
  CHECK(query_parameter("mount=sha256%3Aabc&from=team%2Fapp", "from") == "team/app");
  CHECK(query_parameter("mount=sha256%3Aabc&from=team%2Fapp", "mount") == "sha256:abc");
  CHECK(query_parameter("n=2", "last").empty());
}
