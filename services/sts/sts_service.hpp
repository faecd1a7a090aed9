#pragma once
// STS (query protocol): GetCallerIdentity, AssumeRole, GetSessionToken, GetAccessKeyInfo. Only sessions are stored:
// credentials are fresh random values in AWS's shapes (ASIA… key ids, an expiry), accepted by every API
// since signatures are not checked. The caller is always the account's root user (the emulator knows only
// access key ids) — except with credentials from AssumeRole, whose sessions are remembered until they expire:
// those calls act as the assumed role. AssumeRole checks the role exists in IAM and honours its MaxSessionDuration.

#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::sts {

class StsService {
 public:
  StsService(storage::Database& db, std::string default_account) : db_(db), default_account_(std::move(default_account)) {}
  ServiceDefinition definition();

  using Json = nlohmann::json;
  Json get_caller_identity(RequestContext& ctx, const Json& in);
  Json assume_role(RequestContext& ctx, const Json& in);
  Json get_session_token(RequestContext& ctx, const Json& in);
  Json get_access_key_info(RequestContext& ctx, const Json& in);

 private:
  void remember_session(const std::string& account, const Json& credentials, Json user);

  storage::Database& db_;
  std::string default_account_;
};

}  // namespace albatross::sts
