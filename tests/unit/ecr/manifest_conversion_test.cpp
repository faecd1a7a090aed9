#include "services/ecr/manifest_conversion.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "services/ecr/manifest.hpp"

using namespace albatross::ecr;

namespace {
const std::string kConfig = "sha256:" + std::string(64, 'a');
const std::string kLayer = "sha256:" + std::string(64, 'b');

std::string docker_manifest(const std::string& layer_type = "application/vnd.docker.image.rootfs.diff.tar.gzip") {
  return R"({"schemaVersion":2,"mediaType":")" + std::string(kDockerManifest) +
         R"(","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":")" + kConfig +
         R"("},"layers":[{"mediaType":")" + layer_type + R"(","size":100,"digest":")" + kLayer + R"("}]})";
}
}  // namespace

TEST_CASE("a Docker schema 2 manifest converts to OCI with config and layer types mapped, order kept") {
  const auto oci = convert_manifest(docker_manifest(), kDockerManifest, kOciManifest);
  REQUIRE(oci);
  CHECK(*oci == R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7,"digest":")" +
                    kConfig + R"("},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":100,"digest":")" +
                    kLayer + R"("}]})");
  CHECK(parse_manifest(*oci, "").media_type == kOciManifest);
  // And back again: the original bytes.
  CHECK(convert_manifest(*oci, kOciManifest, kDockerManifest) == docker_manifest());
}

TEST_CASE("an OCI manifest without mediaType gains Docker's after schemaVersion") {
  const std::string oci = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7,"digest":")" +
                          kConfig + R"("},"layers":[]})";
  const auto docker = convert_manifest(oci, kOciManifest, kDockerManifest);
  REQUIRE(docker);
  CHECK(docker->starts_with(R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config")"));
}

TEST_CASE("conversions without a faithful counterpart are refused") {
  CHECK_FALSE(convert_manifest(docker_manifest("application/x-unknown"), kDockerManifest, kOciManifest));
  CHECK_FALSE(convert_manifest(docker_manifest(), kDockerManifest, kDockerManifestList));
  CHECK_FALSE(convert_manifest(docker_manifest(), kDockerManifest, kDockerManifest));
  CHECK_FALSE(convert_manifest("not json", kDockerManifest, kOciManifest));
  const std::string artifact = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/x-sbom",)"
                               R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7,"digest":")" +
                               kConfig + R"("},"layers":[]})";
  CHECK_FALSE(convert_manifest(artifact, kOciManifest, kDockerManifest));
  const std::string zstd = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7,"digest":")" +
                           kConfig + R"("},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","size":1,"digest":")" +
                           kLayer + R"("}]})";
  CHECK_FALSE(convert_manifest(zstd, kOciManifest, kDockerManifest));
}
