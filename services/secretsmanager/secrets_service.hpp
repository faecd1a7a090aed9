#pragma once
// AWS Secrets Manager (awsJson1_1, target prefix secretsmanager): CreateSecret, GetSecretValue, PutSecretValue,
// UpdateSecret, DescribeSecret, ListSecrets, DeleteSecret (recovery window or forced), RestoreSecret, Tag/Untag,
// ListSecretVersionIds. A secret is a JSON document in the ResourceStore (id = ARN, name = Name) holding its
// versions and their staging labels; a secret scheduled for deletion is purged when next looked at after its
// deletion date. ECS reads values through secret_value().

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::secretsmanager {

inline constexpr char kSecret[] = "secretsmanager:secret";  // id = ARN, name = Name

// A value read in-process, or the error GetSecretValue would have answered ("Code: message").
struct SecretRead {
  std::optional<std::string> value;
  std::string error;
};

class SecretsService {
 public:
  explicit SecretsService(storage::Database& db) : store_(db) {}
  ServiceDefinition definition();

  using Json = nlohmann::json;
  Json create_secret(RequestContext& ctx, const Json& in);
  Json get_secret_value(RequestContext& ctx, const Json& in);
  Json put_secret_value(RequestContext& ctx, const Json& in);
  Json update_secret(RequestContext& ctx, const Json& in);
  Json describe_secret(RequestContext& ctx, const Json& in);
  Json list_secrets(RequestContext& ctx, const Json& in);
  Json delete_secret(RequestContext& ctx, const Json& in);
  Json restore_secret(RequestContext& ctx, const Json& in);
  // secret_tag_handlers.cpp
  Json tag_resource(RequestContext& ctx, const Json& in);
  Json untag_resource(RequestContext& ctx, const Json& in);
  Json list_secret_version_ids(RequestContext& ctx, const Json& in);

  // The SecretString (or base64 SecretBinary) of `secret_id` at `version_stage` (default AWSCURRENT) or
  // `version_id`, as ECS reads it. Read-only: call it outside a transaction if you like.
  SecretRead secret_value(const storage::Scope& scope, const std::string& secret_id, const std::string& version_stage,
                          const std::string& version_id);

 private:
  // The secret `secret_id` names (purging it first when its deletion date has passed), or nullopt.
  std::optional<storage::Resource> find(const storage::Scope& scope, const std::string& secret_id, bool purge);
  storage::Resource require(const storage::Scope& scope, const std::string& secret_id);
  // The version a GetSecretValue-style request selects; throws ResourceNotFoundException when there is none.
  static std::pair<std::string, Json> select_version(const Json& secret, const std::string& version_id,
                                                     const std::string& version_stage);
  // Adds a version holding the request's SecretString/SecretBinary, moving `stages` to it.
  static std::string add_version(Json& secret, const Json& in, const std::string& token, Json stages, double now);

  storage::ResourceStore store_;
};

}  // namespace albatross::secretsmanager
