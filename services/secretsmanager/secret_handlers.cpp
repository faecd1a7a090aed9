// CreateSecret, GetSecretValue, PutSecretValue, UpdateSecret, DescribeSecret, ListSecrets, DeleteSecret,
// RestoreSecret.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/secretsmanager/secret_names.hpp"
#include "services/secretsmanager/secrets_service.hpp"

namespace albatross::secretsmanager {
namespace {

using Json = nlohmann::json;

constexpr int kDefaultRecoveryDays = 30;
constexpr char kMarkedForDeletion[] =
    "You can't perform this operation on the secret because it was marked for deletion.";

storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }

double now_seconds() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count()) / 1000.0;
}

std::string suffix() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  const std::string hex = ids::random_hex(12);
  for (std::size_t i = 0; i < 6; ++i) out += kAlphabet[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 62];
  return out;
}

std::string token_of(const Json& in) { return in.contains("ClientRequestToken") ? in["ClientRequestToken"].get<std::string>() : ids::uuid4(); }

void require_not_deleted(const storage::Resource& secret) {
  if (secret.document.contains("DeletedDate")) throw AwsError{"InvalidRequestException", kMarkedForDeletion};
}

Json versions_to_stages(const Json& secret) {
  Json out = Json::object();
  const Json versions = secret.value("Versions", Json::object());  // items() must not outlive it
  for (const auto& [id, version] : versions.items())
    if (!version["VersionStages"].empty()) out[id] = version["VersionStages"];
  return out;
}

Json description_of(const storage::ResourceStore& store, const storage::Scope& scope, const Json& secret,
                    const char* stages_field) {
  Json out = {{"ARN", secret["ARN"]}, {"Name", secret["Name"]}, {"LastChangedDate", secret["LastChangedDate"]},
              {"CreatedDate", secret["CreatedDate"]}, {stages_field, versions_to_stages(secret)}};
  for (const char* field : {"Description", "KmsKeyId", "LastAccessedDate", "DeletedDate"})
    if (secret.contains(field)) out[field] = secret[field];
  const Json tags = store.tags(scope, secret["ARN"]);
  if (!tags.empty()) out["Tags"] = tags;
  return out;
}

bool has_value(const Json& in) { return in.contains("SecretString") || in.contains("SecretBinary"); }

}  // namespace

Json SecretsService::create_secret(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in["Name"];
  check_secret_name(name);
  if (const auto existing = find(scope, name, true)) {
    if (existing->document.contains("DeletedDate"))
      throw AwsError{"InvalidRequestException",
                     "You can't create this secret because a secret with this name is already scheduled for deletion."};
    throw AwsError{"ResourceExistsException", "The operation failed because the secret " + name + " already exists."};
  }
  const double now = now_seconds();
  const std::string arn = secret_arn(ctx.region, ctx.account_id, name, suffix());
  Json secret = {{"ARN", arn}, {"Name", name}, {"CreatedDate", now}, {"LastChangedDate", now},
                 {"Versions", Json::object()}};
  if (in.contains("Description")) secret["Description"] = in["Description"];
  if (in.contains("KmsKeyId")) secret["KmsKeyId"] = in["KmsKeyId"];
  Json out = {{"ARN", arn}, {"Name", name}};
  if (has_value(in)) out["VersionId"] = add_version(secret, in, token_of(in), Json::array({"AWSCURRENT"}), now);
  store_.put(scope, {kSecret, arn, "", name, secret});
  if (in.contains("Tags") && !in["Tags"].empty()) store_.add_tags(scope, arn, in["Tags"]);
  return out;
}

Json SecretsService::get_secret_value(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto secret = require(scope, in["SecretId"]);
  require_not_deleted(secret);
  const auto [id, version] = select_version(secret.document, in.value("VersionId", ""), in.value("VersionStage", ""));
  Json out = {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}, {"VersionId", id},
              {"VersionStages", version["VersionStages"]}, {"CreatedDate", version["CreatedDate"]}};
  if (version.contains("SecretString")) out["SecretString"] = version["SecretString"];
  if (version.contains("SecretBinary")) out["SecretBinary"] = version["SecretBinary"];
  // AWS records the day of the last access (time truncated to midnight UTC).
  secret.document["LastAccessedDate"] = std::floor(now_seconds() / 86400.0) * 86400.0;
  store_.put(scope, secret);
  return out;
}

Json SecretsService::put_secret_value(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto secret = require(scope, in["SecretId"]);
  require_not_deleted(secret);
  if (!has_value(in))
    throw AwsError{"InvalidRequestException", "You must provide either SecretString or SecretBinary."};
  const Json stages = in.contains("VersionStages") ? in["VersionStages"] : Json::array({"AWSCURRENT"});
  const std::string id = add_version(secret.document, in, token_of(in), stages, now_seconds());
  store_.put(scope, secret);
  return {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}, {"VersionId", id},
          {"VersionStages", secret.document["Versions"][id]["VersionStages"]}};
}

Json SecretsService::update_secret(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto secret = require(scope, in["SecretId"]);
  require_not_deleted(secret);
  const double now = now_seconds();
  if (in.contains("Description")) secret.document["Description"] = in["Description"];
  if (in.contains("KmsKeyId")) secret.document["KmsKeyId"] = in["KmsKeyId"];
  secret.document["LastChangedDate"] = now;
  Json out = {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}};
  if (has_value(in)) out["VersionId"] = add_version(secret.document, in, token_of(in), Json::array({"AWSCURRENT"}), now);
  store_.put(scope, secret);
  return out;
}

Json SecretsService::describe_secret(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto secret = require(scope, in["SecretId"]);
  return description_of(store_, scope, secret.document, "VersionIdsToStages");
}

Json SecretsService::list_secrets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const bool planned = in.value("IncludePlannedDeletion", false);
  auto secrets = store_.list(scope, kSecret);
  const bool ascending = in.value("SortOrder", "desc") == "asc";
  std::stable_sort(secrets.begin(), secrets.end(), [ascending](const auto& a, const auto& b) {
    return ascending ? a.sequence < b.sequence : a.sequence > b.sequence;
  });
  Json all = Json::array();
  for (const auto& secret : secrets) {
    if (!find(scope, secret.id, false)) continue;  // past its deletion date
    if (secret.document.contains("DeletedDate") && !planned) continue;
    const Json tags = store_.tags(scope, secret.id);
    bool keep = true;
    for (const auto& filter : in.value("Filters", Json::array())) {
      const std::string key = filter.value("Key", "");
      bool any = false;
      for (const auto& item : filter.value("Values", Json::array())) {
        std::string value = item;
        const bool negated = value.starts_with("!");
        if (negated) value = value.substr(1);
        auto prefixed = [&value](const std::string& text) { return text.starts_with(value); };
        bool hit = false;
        if (key == "name" || key == "all") hit = hit || prefixed(secret.name);
        if (key == "description" || key == "all") hit = hit || prefixed(secret.document.value("Description", ""));
        for (const auto& tag : tags) {
          if (key == "tag-key" || key == "all") hit = hit || prefixed(tag["Key"]);
          if (key == "tag-value" || key == "all") hit = hit || prefixed(tag["Value"]);
        }
        if (key == "primary-region") hit = hit || prefixed(ctx.region);
        any = any || (negated ? !hit : hit);
      }
      keep = keep && any;
    }
    if (keep) all.push_back(description_of(store_, scope, secret.document, "SecretVersionsToStages"));
  }
  const std::size_t limit = in.contains("MaxResults") ? in["MaxResults"].get<std::size_t>() : 100;
  pagination::Page page;
  try {
    page = pagination::page(all, in.value("NextToken", std::string()), limit, "InvalidNextTokenException");
  } catch (const AwsError&) {
    throw AwsError{"InvalidNextTokenException", "The NextToken value is invalid."};
  }
  Json out = {{"SecretList", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json SecretsService::delete_secret(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const bool force = in.value("ForceDeleteWithoutRecovery", false);
  if (force && in.contains("RecoveryWindowInDays"))
    throw AwsError{"InvalidParameterException",
                   "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."};
  const long days = in.value("RecoveryWindowInDays", static_cast<long>(kDefaultRecoveryDays));
  if (days < 7 || days > 30)
    throw AwsError{"InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."};
  auto secret = require(scope, in["SecretId"]);
  const double now = now_seconds();
  if (force) {
    store_.remove(scope, kSecret, secret.id);
    return {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}, {"DeletionDate", now}};
  }
  if (secret.document.contains("DeletedDate"))
    throw AwsError{"InvalidRequestException",
                   "You can't perform this operation on the secret because it was already scheduled for deletion."};
  const double deletion = now + static_cast<double>(days) * 86400.0;
  secret.document["DeletedDate"] = now;
  secret.document["_DeletionDate"] = deletion;
  store_.put(scope, secret);
  return {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}, {"DeletionDate", deletion}};
}

Json SecretsService::restore_secret(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto secret = require(scope, in["SecretId"]);
  secret.document.erase("DeletedDate");
  secret.document.erase("_DeletionDate");
  store_.put(scope, secret);
  return {{"ARN", secret.document["ARN"]}, {"Name", secret.document["Name"]}};
}

}  // namespace albatross::secretsmanager
