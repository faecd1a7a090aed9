#pragma once
// For ECS: maps an image named in a task definition to the local registry, when it is an ECR image. Both the
// emulator's repositoryUri form (localhost:<port>/<repo>[:tag|@digest]) and the AWS form
// (<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]) resolve to localhost:<port>/<repo>:<tag>,
// which dockerd pulls over plain HTTP, with the X-Registry-Auth value to hand it.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::ecr {

struct LocalImage {
  std::string reference;   // what dockerd pulls: localhost:<port>/<repo>:<tag> or ...@sha256:...
  std::string repository;  // repository name
  std::string account_id;  // whose registry: the AWS form's account, else the caller's
  std::string region;
};

// Pure forms, with the registry's host ("localhost:4510") given.
std::optional<LocalImage> resolve_local_image(std::string_view account_id, std::string_view region,
                                              std::string_view image, std::string_view registry_host);
// base64url JSON {"username":"AWS","password":<token>,"serveraddress":<host>} for dockerd's X-Registry-Auth.
std::string registry_auth_header(const LocalImage& image, std::string_view registry_host, double now);

// The running registry's host, set once it is bound (thread-safe). Empty before.
void set_local_registry_host(std::string host);
std::string local_registry_host();

// With the running registry: the reference dockerd can pull, or nothing when `image` is not an ECR image.
std::optional<std::string> local_image_reference(std::string_view account_id, std::string_view region,
                                                 std::string_view image);
// The X-Registry-Auth header value for pulling `image` (nothing when it is not an ECR image).
std::optional<std::string> local_image_pull_auth(std::string_view account_id, std::string_view region,
                                                 std::string_view image);

}  // namespace albatross::ecr
