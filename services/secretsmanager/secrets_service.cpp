#include "services/secretsmanager/secrets_service.hpp"

#include <algorithm>
#include <chrono>

#include "services/secretsmanager/secret_names.hpp"

namespace albatross::secretsmanager {
namespace {

using Json = nlohmann::json;

double now_seconds() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count()) / 1000.0;
}

bool has_stage(const Json& version, const std::string& stage) {
  for (const auto& item : version.value("VersionStages", Json::array()))
    if (item == stage) return true;
  return false;
}

}  // namespace

std::optional<storage::Resource> SecretsService::find(const storage::Scope& scope, const std::string& secret_id,
                                                      bool purge) {
  std::optional<storage::Resource> found = store_.get(scope, kSecret, secret_id);
  if (!found && !secret_id.starts_with("arn:")) found = store_.find_by_name(scope, kSecret, secret_id);
  if (!found && secret_id.starts_with("arn:"))
    for (auto& secret : store_.list(scope, kSecret))
      if (secret_id_matches(secret_id, secret.id, secret.name)) found = std::move(secret);
  if (found && found->document.contains("_DeletionDate") && found->document["_DeletionDate"].get<double>() <= now_seconds()) {
    if (purge) store_.remove(scope, kSecret, found->id);
    return std::nullopt;
  }
  return found;
}

storage::Resource SecretsService::require(const storage::Scope& scope, const std::string& secret_id) {
  auto found = find(scope, secret_id, true);
  if (!found) throw AwsError{"ResourceNotFoundException", "Secrets Manager can't find the specified secret."};
  return *found;
}

std::pair<std::string, Json> SecretsService::select_version(const Json& secret, const std::string& version_id,
                                                           const std::string& version_stage) {
  const Json versions = secret.value("Versions", Json::object());
  if (!version_id.empty()) {
    if (!versions.contains(version_id) || (!version_stage.empty() && !has_stage(versions[version_id], version_stage)))
      throw AwsError{"ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret value for VersionId: " + version_id};
    return {version_id, versions[version_id]};
  }
  const std::string stage = version_stage.empty() ? "AWSCURRENT" : version_stage;
  for (const auto& [id, version] : versions.items())
    if (has_stage(version, stage)) return {id, version};
  throw AwsError{"ResourceNotFoundException",
                 "Secrets Manager can't find the specified secret value for staging label: " + stage};
}

std::string SecretsService::add_version(Json& secret, const Json& in, const std::string& token, Json stages, double now) {
  Json& versions = secret["Versions"];
  if (!versions.is_object()) versions = Json::object();
  if (in.contains("SecretString") && in.contains("SecretBinary"))
    throw AwsError{"InvalidParameterException",
                   "You can't specify both a binary secret value and a string secret value in the same secret."};
  if (versions.contains(token)) {
    const Json& existing = versions[token];
    if (existing.value("SecretString", Json()) == in.value("SecretString", Json()) &&
        existing.value("SecretBinary", Json()) == in.value("SecretBinary", Json()))
      return token;  // the same request again: idempotent
    throw AwsError{"ResourceExistsException", "You can't modify an existing version, you can only create a new version."};
  }
  const bool becomes_current = std::find(stages.begin(), stages.end(), Json("AWSCURRENT")) != stages.end();
  for (auto& [id, version] : versions.items()) {
    Json kept = Json::array();
    const bool was_current = has_stage(version, "AWSCURRENT");
    for (const auto& stage : version["VersionStages"]) {
      const bool moved = std::find(stages.begin(), stages.end(), stage) != stages.end();
      if (!moved && !(becomes_current && stage == "AWSPREVIOUS")) kept.push_back(stage);
    }
    if (becomes_current && was_current) kept.push_back("AWSPREVIOUS");
    version["VersionStages"] = kept;
  }
  Json version = {{"CreatedDate", now}, {"VersionStages", stages}};
  if (in.contains("SecretString")) version["SecretString"] = in["SecretString"];
  if (in.contains("SecretBinary")) version["SecretBinary"] = in["SecretBinary"];
  versions[token] = version;
  // AWS keeps about 100 versions: drop the oldest unlabelled ones beyond that.
  while (versions.size() > 100) {
    std::string oldest;
    double oldest_date = 0;
    for (const auto& [id, item] : versions.items())
      if (item["VersionStages"].empty() && (oldest.empty() || item["CreatedDate"].get<double>() < oldest_date))
        oldest = id, oldest_date = item["CreatedDate"].get<double>();
    if (oldest.empty()) break;
    versions.erase(oldest);
  }
  secret["LastChangedDate"] = now;
  return token;
}

SecretRead SecretsService::secret_value(const storage::Scope& scope, const std::string& secret_id,
                                        const std::string& version_stage, const std::string& version_id) {
  const auto found = find(scope, secret_id, false);
  if (!found) return {std::nullopt, "ResourceNotFoundException: Secrets Manager can't find the specified secret."};
  if (found->document.contains("DeletedDate"))
    return {std::nullopt,
            "InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion."};
  try {
    const auto [id, version] = select_version(found->document, version_id, version_stage);
    if (version.contains("SecretString")) return {version["SecretString"].get<std::string>(), ""};
    return {version.value("SecretBinary", ""), ""};
  } catch (const AwsError& e) {
    return {std::nullopt, e.code + ": " + e.message};
  }
}

ServiceDefinition SecretsService::definition() {
  ServiceDefinition definition;
  definition.model_name = "secretsmanager";
  using Method = Json (SecretsService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateSecret", &SecretsService::create_secret},
      {"GetSecretValue", &SecretsService::get_secret_value},
      {"PutSecretValue", &SecretsService::put_secret_value},
      {"UpdateSecret", &SecretsService::update_secret},
      {"DescribeSecret", &SecretsService::describe_secret},
      {"ListSecrets", &SecretsService::list_secrets},
      {"DeleteSecret", &SecretsService::delete_secret},
      {"RestoreSecret", &SecretsService::restore_secret},
      {"TagResource", &SecretsService::tag_resource},
      {"UntagResource", &SecretsService::untag_resource},
      {"ListSecretVersionIds", &SecretsService::list_secret_version_ids},
  };
  for (const auto& [name, method] : table)
    definition.handlers[name] = [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); };
  return definition;
}

}  // namespace albatross::secretsmanager
