#pragma once
// Small pieces the IAM handlers share: unique ids, case-insensitive names, policy document checks and the
// URL-encoding IAM applies to documents in its answers, Marker/MaxItems pages, tag checks.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace albatross::iam {

// AWS's unique ids: a 4-letter prefix by kind (AROA role, ANPA policy, AIPA instance profile) and 17 of [A-Z0-9].
std::string unique_id(std::string_view prefix);
std::string lower(std::string_view text);
// arn:<partition>:iam::<account>:<kind>/<path without its leading slash><name>
std::string iam_arn(const RequestContext& ctx, std::string_view kind, std::string_view path, std::string_view name);
// Percent-encoding of everything but RFC 3986 unreserved characters, as IAM returns documents.
std::string url_encode(std::string_view text);

// Paths are "/" or "/…/" of printable ASCII (the model's pattern is unanchored, so it is checked here).
void check_path(const std::string& path);

enum class PolicyKind { Identity, Trust };
// Throws MalformedPolicyDocument with AWS's wording when `text` is not a policy document of that kind.
void check_policy_document(std::string_view text, PolicyKind kind);

// Customer managed policy documents: at most 6144 characters without whitespace (LimitExceeded).
void check_managed_policy_size(std::string_view text);

// One page of `all` (a JSON array) for IAM's Marker/MaxItems (default 100): {<key>: items, IsTruncated, Marker?}.
nlohmann::json marker_page(const nlohmann::json& all, const nlohmann::json& in, const char* key);
// True when `path` starts with the request's PathPrefix (or there is none).
bool path_matches(const nlohmann::json& in, const std::string& path);

// Tags of one call: at most 50, keys unique (InvalidInput), merged into `existing` ([{Key, Value}]) within 50.
void check_new_tags(const nlohmann::json& existing, const nlohmann::json& tags, std::string_view entity);

}  // namespace albatross::iam
