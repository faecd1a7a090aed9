#include "services/ecr/image_reference.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "services/common/base64.hpp"
#include "services/ecr/registry_token.hpp"

using namespace albatross;
using namespace albatross::ecr;

TEST_CASE("the AWS form maps to the local registry with its own account and region") {
  const auto local = resolve_local_image("000000000000", "us-east-1",
                                         "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2", "localhost:4510");
  REQUIRE(local);
  CHECK(local->reference == "localhost:4510/team/web:1.2");
  CHECK(local->repository == "team/web");
  CHECK(local->account_id == "123456789012");
  CHECK(local->region == "eu-west-1");
}

TEST_CASE("the repositoryUri form keeps the caller's account; the default tag is latest; digests stay") {
  const auto local = resolve_local_image("111111111111", "us-west-2", "localhost:4510/app", "localhost:4510");
  REQUIRE(local);
  CHECK(local->reference == "localhost:4510/app:latest");
  CHECK(local->account_id == "111111111111");
  CHECK(local->region == "us-west-2");
  const std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(resolve_local_image("1", "r", "127.0.0.1:4510/app@" + digest, "localhost:4510")->reference ==
        "localhost:4510/app@" + digest);
  CHECK(resolve_local_image("1", "r", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@" + digest, "localhost:4510")
            ->reference == "localhost:4510/app@" + digest);
}

TEST_CASE("images that are not ECR images are left alone") {
  CHECK_FALSE(resolve_local_image("1", "r", "nginx:latest", "localhost:4510"));
  CHECK_FALSE(resolve_local_image("1", "r", "docker.io/library/nginx", "localhost:4510"));
  CHECK_FALSE(resolve_local_image("1", "r", "localhost:5000/app:v1", "localhost:4510"));  // another local registry
  CHECK_FALSE(resolve_local_image("1", "r", "123.dkr.ecr.us-east-1.amazonaws.com/app", "localhost:4510"));
  CHECK_FALSE(resolve_local_image("1", "r", "123456789012.dkr.ecr.us-east-1.amazonaws.com/Bad_Name", "localhost:4510"));
  CHECK_FALSE(resolve_local_image("1", "r", "localhost:4510/app", ""));  // no registry running
}

TEST_CASE("the pull credentials are the registry's own token for the image's account and region") {
  const auto local = resolve_local_image("1", "r", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1", "localhost:4510");
  REQUIRE(local);
  std::string header = registry_auth_header(*local, "localhost:4510", 1000);
  for (char& c : header) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  const auto decoded = base64::decode(header);
  REQUIRE(decoded);
  const auto auth = nlohmann::json::parse(*decoded);
  CHECK(auth["username"] == "AWS");
  CHECK(auth["serveraddress"] == "localhost:4510");
  const auto credentials = parse_registry_password(auth["password"].get<std::string>());
  REQUIRE(credentials);
  CHECK(credentials->account_id == "123456789012");
  CHECK(credentials->region == "eu-west-1");
  CHECK(credentials->expires_at == doctest::Approx(1000 + kTokenLifetimeSeconds));
}

TEST_CASE("the process-wide helpers use the running registry's host") {
  set_local_registry_host("localhost:45100");
  CHECK(local_image_reference("1", "r", "localhost:45100/app:v2") == "localhost:45100/app:v2");
  CHECK(local_image_reference("1", "r", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v2") == "localhost:45100/app:v2");
  CHECK_FALSE(local_image_reference("1", "r", "busybox"));
  CHECK(local_image_pull_auth("1", "r", "localhost:45100/app:v2"));
  CHECK_FALSE(local_image_pull_auth("1", "r", "busybox"));
  set_local_registry_host("");
}
