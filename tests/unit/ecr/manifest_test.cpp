#include "services/ecr/manifest.hpp"

#include <doctest/doctest.h>

using namespace albatross::ecr;

namespace {
const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
const std::string kDigestC = "sha256:" + std::string(64, 'c');
}  // namespace

TEST_CASE("a Docker schema 2 manifest lists its config and layers and sums the layer sizes") {
  const std::string manifest = R"({"schemaVersion":2,"mediaType":")" + std::string(kDockerManifest) +
                               R"(","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":")" +
                               kDigestA + R"("},"layers":[{"size":100,"digest":")" + kDigestB +
                               R"("},{"size":23,"digest":")" + kDigestC + R"("}]})";
  const auto info = parse_manifest(manifest, "");
  CHECK(info.media_type == kDockerManifest);
  CHECK(info.artifact_media_type == "application/vnd.docker.container.image.v1+json");
  CHECK(info.blobs == std::vector<std::string>{kDigestA, kDigestB, kDigestC});
  CHECK(info.layers_size == 123);
  CHECK_FALSE(info.is_index());
}

TEST_CASE("an OCI index without mediaType is recognised by its manifests list") {
  const std::string index = R"({"schemaVersion":2,"manifests":[{"digest":")" + kDigestA + R"(","size":1}]})";
  const auto info = parse_manifest(index, "");
  CHECK(info.media_type == kOciIndex);
  CHECK(info.children == std::vector<std::string>{kDigestA});
  CHECK(info.is_index());
  CHECK(parse_manifest(index, kDockerManifestList).media_type == kDockerManifestList);
}

TEST_CASE("invalid manifests are refused with a reason") {
  CHECK_THROWS_AS(parse_manifest("not json", ""), ManifestError);
  CHECK_THROWS_AS(parse_manifest(R"({"schemaVersion":1})", ""), ManifestError);
  CHECK_THROWS_AS(parse_manifest(R"({"schemaVersion":2,"mediaType":"text/plain","config":{}})", ""), ManifestError);
  CHECK_THROWS_AS(parse_manifest(R"({"schemaVersion":2,"layers":[]})", kOciManifest), ManifestError);  // no config
  CHECK_THROWS_AS(parse_manifest(R"({"schemaVersion":2,"config":{"digest":"nope"},"layers":[]})", kOciManifest),
                  ManifestError);
  const std::string image = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) +
                            R"(","config":{"digest":")" + kDigestA + R"("},"layers":[]})";
  CHECK_THROWS_AS(parse_manifest(image, kDockerManifest), ManifestError);  // declared type contradicts the body
}

TEST_CASE("digests and tags") {
  CHECK(sha256_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(is_sha256_digest(kDigestA));
  CHECK_FALSE(is_sha256_digest("sha256:ABC"));
  CHECK_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
  CHECK(is_digest_syntax("sha512:abcDEF0"));
  CHECK_FALSE(is_digest_syntax("sha256"));
  CHECK_FALSE(is_digest_syntax("sha256:xyz"));
  CHECK(is_valid_tag("v1.2_3-rc"));
  CHECK(is_valid_tag("_x"));
  CHECK_FALSE(is_valid_tag("-x"));
  CHECK_FALSE(is_valid_tag(".x"));
  CHECK_FALSE(is_valid_tag("a b"));
  CHECK_FALSE(is_valid_tag(std::string(129, 'a')));
}
