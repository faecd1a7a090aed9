#pragma once
// What the agent fetches before a task's containers start: `secrets` (SSM Parameter Store names/ARNs and
// Secrets Manager ARNs with optional :json-key:version-stage:version-id) become environment variables;
// `environmentFiles` (S3 objects) cannot be read here (there is no S3), so they fail the task as AWS does when
// it cannot download them. Failures produce the agent's stoppedReason wording.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::ecs {

struct SecretSources {
  // SSM: the value of a parameter name or ARN (with an optional :version), or nullopt when it does not exist.
  std::function<std::optional<std::string>(const storage::Scope&, const std::string& reference)> parameter;
  // Secrets Manager: {value, ""} or {nullopt, "<ErrorCode>: <message>"} for a secret id, version stage and id.
  std::function<std::pair<std::optional<std::string>, std::string>(
      const storage::Scope&, const std::string& secret_id, const std::string& version_stage,
      const std::string& version_id)>
      secret;
};

struct TaskSecrets {
  std::map<std::string, std::vector<std::string>> environment;  // container name → "NAME=value"
  std::string error;  // the task's stoppedReason when something could not be fetched; empty on success
};

// `task` (its overrides.containerOverrides[].environmentFiles count too) of `task_definition`.
TaskSecrets resolve_task_secrets(const nlohmann::json& task_definition, const nlohmann::json& task,
                                 const storage::Scope& scope, const SecretSources& sources);

}  // namespace albatross::ecs
