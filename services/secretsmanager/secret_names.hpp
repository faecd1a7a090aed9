#pragma once
// Secrets Manager names and references (pure): AWS's name rules, ARNs with their random 6-character suffix, and
// the ECS `valueFrom` form arn:…:secret:<name>-<suffix>[:json-key[:version-stage[:version-id]]].

#include <optional>
#include <string>

namespace albatross::secretsmanager {

// Throws AwsError (InvalidParameterException) when `name` breaks AWS's rules.
void check_secret_name(const std::string& name);

// arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>
std::string secret_arn(const std::string& region, const std::string& account, const std::string& name,
                       const std::string& suffix);

// Whether `secret_id` (a name, a full ARN or an ARN without the suffix) names the secret with `arn` and `name`.
bool secret_id_matches(const std::string& secret_id, const std::string& arn, const std::string& name);

// ECS container secrets that name a Secrets Manager secret.
struct SecretValueReference {
  std::string secret_id;  // the ARN without the trailing selectors
  std::string account, region;
  std::string json_key, version_stage, version_id;  // empty = whole value, AWSCURRENT, any
};
std::optional<SecretValueReference> parse_secret_value_reference(const std::string& value_from);

}  // namespace albatross::secretsmanager
