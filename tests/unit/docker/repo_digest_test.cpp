#include <doctest/doctest.h>

#include "services/docker/image_reference.hpp"

using albatross::docker::repo_digest_for;

TEST_CASE("the RepoDigests entry of the repository an image was pulled from") {
  const std::vector<std::string> digests = {"localhost:5000/other@sha256:aaa", "localhost:5000/123/app@sha256:bbb",
                                            "busybox@sha256:ccc"};
  CHECK(repo_digest_for("localhost:5000/123/app:v1", digests) == "sha256:bbb");
  CHECK(repo_digest_for("localhost:5000/123/app", digests) == "sha256:bbb");
  CHECK(repo_digest_for("docker.io/library/busybox:1.36", digests) == "sha256:ccc");
  CHECK(repo_digest_for("busybox", digests) == "sha256:ccc");
  CHECK(repo_digest_for("localhost:5000/123/ap:v1", digests).empty());
  CHECK(repo_digest_for("local-only:tag", {}).empty());
  CHECK(repo_digest_for("localhost:5000/x@sha256:ddd", digests) == "sha256:ddd");
}
