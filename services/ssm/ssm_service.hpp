#pragma once
// SSM Parameter Store (awsJson1_1, target prefix AmazonSSM): Put/Get/GetParameters/GetParametersByPath/
// Delete/DeleteParameters/DescribeParameters, GetParameterHistory, tags. Parameters are JSON documents in the
// ResourceStore (id = name) with their earlier versions; SecureString values are kept as given and answered as
// an opaque ciphertext unless WithDecryption is set (there is no KMS here). ECS resolves container secrets
// through parameter_value().

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
  // parameter_tag_handlers.cpp
  Json get_parameter_history(RequestContext& ctx, const Json& in);
  Json add_tags_to_resource(RequestContext& ctx, const Json& in);
  Json remove_tags_from_resource(RequestContext& ctx, const Json& in);
  Json list_tags_for_resource(RequestContext& ctx, const Json& in);

  // What AWS answers for a SecureString read without decryption: KMS ciphertext. There is no KMS here, so an
  // opaque, stable stand-in that does not reveal the value (from the parameter's ARN, Version and Value).
  static std::string secure_string_ciphertext(const Json& parameter);

  // The decrypted value a name or ARN (with an optional :version) refers to, as ECS reads it; nullopt when
  // there is no such parameter (version). An ARN's account and region override `scope`.
  std::optional<std::string> parameter_value(const storage::Scope& scope, const std::string& reference) const;

 private:
  // The stored parameter (as of the reference's version) or nullopt.
  std::optional<Json> find(const storage::Scope& scope, const std::string& reference, bool& version_missing) const;
  // The parameter a tagging call names (ResourceType Parameter, ResourceId = name).
  storage::Resource require_tagged_parameter(const RequestContext& ctx, const Json& in);
  storage::ResourceStore store_;
};

}  // namespace albatross::ssm
