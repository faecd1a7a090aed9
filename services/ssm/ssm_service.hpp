#pragma once
// SSM Parameter Store (awsJson1_1, target prefix AmazonSSM): Put/Get/GetParameters/GetParametersByPath/
// Delete/DeleteParameters/DescribeParameters. Parameters are JSON documents in the ResourceStore (id = name) with
// their earlier versions; SecureString values are kept as given and answered as an opaque ciphertext unless
// WithDecryption is set (there is no KMS here). ECS resolves container secrets through parameter_value().

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::ssm {

inline constexpr char kParameter[] = "ssm:parameter";  // id = name

class SsmService {
 public:
  explicit SsmService(storage::Database& db) : store_(db) {}
  ServiceDefinition definition();

  using Json = nlohmann::json;
  Json put_parameter(RequestContext& ctx, const Json& in);
  Json get_parameter(RequestContext& ctx, const Json& in);
  Json get_parameters(RequestContext& ctx, const Json& in);
  Json get_parameters_by_path(RequestContext& ctx, const Json& in);
  Json delete_parameter(RequestContext& ctx, const Json& in);
  Json delete_parameters(RequestContext& ctx, const Json& in);
  Json describe_parameters(RequestContext& ctx, const Json& in);

  // The decrypted value a name or ARN (with an optional :version) refers to, as ECS reads it; nullopt when
  // there is no such parameter (version). An ARN's account and region override `scope`.
  std::optional<std::string> parameter_value(const storage::Scope& scope, const std::string& reference) const;

 private:
  // The stored parameter (as of the reference's version) or nullopt.
  std::optional<Json> find(const storage::Scope& scope, const std::string& reference, bool& version_missing) const;
  storage::ResourceStore store_;
};

}  // namespace albatross::ssm
