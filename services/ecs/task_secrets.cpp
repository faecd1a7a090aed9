#include "services/ecs/task_secrets.hpp"

#include "services/secretsmanager/secret_names.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr char kSecretsPrefix[] =
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

// The value a Secrets Manager reference selects: the whole secret or one key of its JSON object.
std::pair<std::optional<std::string>, std::string> secret_value(const secretsmanager::SecretValueReference& reference,
                                                                const storage::Scope& scope,
                                                                const SecretSources& sources) {
  const storage::Scope where{reference.account.empty() ? scope.account_id : reference.account,
                             reference.region.empty() ? scope.region : reference.region};
  if (!sources.secret) return {std::nullopt, "ResourceNotFoundException: Secrets Manager can't find the specified secret."};
  auto [value, error] = sources.secret(where, reference.secret_id, reference.version_stage, reference.version_id);
  if (!value || reference.json_key.empty()) return {value, error};
  const Json parsed = Json::parse(*value, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return {std::nullopt, "failed to unmarshal secret value as JSON to retrieve key " + reference.json_key};
  if (!parsed.contains(reference.json_key))
    return {std::nullopt, "retrieved secret from Secrets Manager did not contain json key " + reference.json_key};
  const Json& item = parsed[reference.json_key];
  return {item.is_string() ? item.get<std::string>() : item.dump(), ""};
}

}  // namespace

TaskSecrets resolve_task_secrets(const Json& task_definition, const Json& task, const storage::Scope& scope,
                                 const SecretSources& sources) {
  TaskSecrets out;
  std::vector<std::string> missing_parameters;
  std::string secret_error;
  bool environment_files = false;
  if (task.contains("overrides"))
    for (const auto& item : task["overrides"].value("containerOverrides", Json::array()))
      environment_files = environment_files || !item.value("environmentFiles", Json::array()).empty();
  for (const auto& container : task_definition.value("containerDefinitions", Json::array())) {
    const std::string name = container.value("name", "");
    environment_files = environment_files || !container.value("environmentFiles", Json::array()).empty();
    for (const auto& secret : container.value("secrets", Json::array())) {
      const std::string variable = secret.value("name", "");
      const std::string value_from = secret.value("valueFrom", "");
      if (const auto reference = secretsmanager::parse_secret_value_reference(value_from)) {
        const auto [value, error] = secret_value(*reference, scope, sources);
        if (!value) {
          if (secret_error.empty())
            secret_error = "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch "
                           "secret " + reference->secret_id + " from secrets manager: " + error;
          continue;
        }
        out.environment[name].push_back(variable + "=" + *value);
        continue;
      }
      const auto value = sources.parameter ? sources.parameter(scope, value_from) : std::nullopt;
      if (!value) {
        missing_parameters.push_back(value_from);
        continue;
      }
      out.environment[name].push_back(variable + "=" + *value);
    }
  }
  // The agent fetches SSM parameters first, then Secrets Manager secrets, then environment files.
  if (!missing_parameters.empty()) {
    std::string names;
    for (const auto& parameter : missing_parameters) names += (names.empty() ? "" : ",") + parameter;
    out.error = std::string(kSecretsPrefix) +
                "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " +
                names;
  } else if (!secret_error.empty()) {
    out.error = kSecretsPrefix + secret_error;
  } else if (environment_files) {
    // There is no S3 in this emulator: every environment file is unreadable, as a missing bucket is on AWS.
    out.error = "ResourceInitializationError: failed to download env files: file download command: non empty error "
                "stream: NoSuchBucket: The specified bucket does not exist";
  }
  return out;
}

}  // namespace albatross::ecs
