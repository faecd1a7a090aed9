#include "services/sts/sts_service.hpp"

#include <algorithm>

#include "emulator/clock.hpp"
#include "emulator/request_identity.hpp"
#include "services/common/arn.hpp"
#include "services/iam/iam_service.hpp"
#include "services/sts/temporary_credentials.hpp"
#include "storage/resource_store.hpp"

namespace albatross::sts {
namespace {

using Json = nlohmann::json;

constexpr int kMaxPackedPolicyChars = 2048;
// Sessions of AssumeRole credentials (by access key id), so that calls signed with them know their role.
constexpr char kSession[] = "sts:session";
constexpr char kSessionRegion[] = "global";

std::string root_arn(const RequestContext& ctx) {
  return "arn:" + arn::partition_for_region(ctx.region) + ":iam::" + ctx.account_id + ":root";
}

// Session policies must be valid JSON. AWS reports their packed (compressed) size as a percentage of its limit;
// we estimate the packed size as a third of the characters of the policies and tags.
int packed_policy_percent(const Json& in) {
  std::size_t size = 0;
  if (in.contains("Policy")) {
    const std::string text = in["Policy"];
    const Json policy = Json::parse(text, nullptr, false);
    if (policy.is_discarded() || !policy.is_object())
      throw AwsError{"MalformedPolicyDocumentException", "The policy is not in the valid JSON format."};
    size += policy.dump().size();
  }
  for (const auto& arn : in.value("PolicyArns", Json::array())) size += arn.value("arn", "").size();
  for (const auto& tag : in.value("Tags", Json::array()))
    size += tag.value("Key", "").size() + tag.value("Value", "").size();
  const int percent = static_cast<int>((size * 100 + kMaxPackedPolicyChars - 1) / kMaxPackedPolicyChars) / 3;
  if (percent > 100)
    throw AwsError{"PackedPolicyTooLargeException",
                   "Packed policy consumes " + std::to_string(percent) + "% of allotted space, please use smaller policy."};
  return percent;
}

}  // namespace

Json StsService::get_caller_identity(RequestContext& ctx, const Json&) {
  // Credentials from AssumeRole act as the assumed role; anything else is the account's root.
  storage::ResourceStore store(db_);
  if (const auto session = store.get({ctx.account_id, kSessionRegion}, kSession, ctx.access_key_id))
    return {{"UserId", session->document["AssumedRoleId"]},
            {"Account", ctx.account_id},
            {"Arn", session->document["Arn"]}};
  return {{"UserId", ctx.account_id}, {"Account", ctx.account_id}, {"Arn", root_arn(ctx)}};
}

Json StsService::assume_role(RequestContext& ctx, const Json& in) {
  const std::string role_arn = in.at("RoleArn");
  const std::string session = in.at("RoleSessionName");
  // As AWS answers: a string that is not an ARN, or a well-formed ARN of something other than a role (a user,
  // a SAML provider), is invalid; a malformed role ARN or a role that does not exist looks like a role the
  // caller may not assume.
  const bool well_formed = std::count(role_arn.begin(), role_arn.end(), ':') >= 5;
  const auto parsed = iam::parse_role_arn(role_arn);
  if (!role_arn.starts_with("arn:") || (well_formed && !parsed))
    throw AwsError{"ValidationError", "Request ARN is invalid"};
  const auto role = parsed ? iam::find_role(db_, parsed->first, parsed->second) : std::nullopt;
  if (!role || role->document["Arn"] != role_arn)
    throw AwsError{"AccessDenied",
                   "User: " + root_arn(ctx) + " is not authorized to perform: sts:AssumeRole on resource: " + role_arn,
                   403};
  const int duration = in.value("DurationSeconds", 3600);
  if (duration > role->document.value("MaxSessionDuration", 3600))
    throw AwsError{"ValidationError",
                   "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."};
  const bool session_policies = in.contains("Policy") || in.contains("PolicyArns") || in.contains("Tags");
  const int packed = packed_policy_percent(in);
  const std::string role_name = role->document["RoleName"];
  Json user = {{"AssumedRoleId", role->document["RoleId"].get<std::string>() + ":" + session},
               {"Arn", "arn:" + arn::partition_for_region(ctx.region) + ":sts::" + parsed->first + ":assumed-role/" +
                           role_name + "/" + session}};
  Json out = {{"Credentials", temporary_credentials(parsed->first, duration)}, {"AssumedRoleUser", user}};
  remember_session(parsed->first, out["Credentials"], user);
  if (session_policies) out["PackedPolicySize"] = packed;
  if (in.contains("SourceIdentity")) out["SourceIdentity"] = in["SourceIdentity"];
  return out;
}

void StsService::remember_session(const std::string& account, const Json& credentials, Json user) {
  storage::ResourceStore store(db_);
  const storage::Scope scope{account, kSessionRegion};
  const double now = Clock::now();
  for (const auto& old : store.list(scope, kSession))  // expired sessions are forgotten
    if (old.document.value("Expires", 0.0) < now) store.remove(scope, kSession, old.id);
  user["Expires"] = credentials.at("Expiration");
  store.put(scope, {kSession, credentials.at("AccessKeyId"), "", "", std::move(user)});
}

Json StsService::get_session_token(RequestContext& ctx, const Json& in) {
  // The caller is a root user: AWS keeps its session tokens to 900..3600 seconds (default 3600).
  const int duration = std::min(in.value("DurationSeconds", 3600), 3600);
  return {{"Credentials", temporary_credentials(ctx.account_id, duration)}};
}

Json StsService::get_access_key_info(RequestContext&, const Json& in) {
  return {{"Account", account_for_access_key(in.at("AccessKeyId").get<std::string>(), default_account_)}};
}

ServiceDefinition StsService::definition() {
  ServiceDefinition definition;
  definition.model_name = "sts";
  using Method = Json (StsService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"GetCallerIdentity", &StsService::get_caller_identity},
      {"AssumeRole", &StsService::assume_role},
      {"GetSessionToken", &StsService::get_session_token},
      {"GetAccessKeyInfo", &StsService::get_access_key_info},
  };
  for (const auto& [name, method] : table)
    definition.handlers.emplace(name, [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  return definition;
}

}  // namespace albatross::sts
