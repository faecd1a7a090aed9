// Policy versions: at most 5 per customer managed policy, one of them the default. AWS managed policies
// have their catalogue version only.

#include <algorithm>

#include "emulator/clock.hpp"
#include "services/common/arn.hpp"
#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kVersionsPerPolicy = 5;

[[noreturn]] void no_such_version(const std::string& arn, const std::string& version) {
  throw AwsError{"NoSuchEntityException", "Policy " + arn + " version " + version + " does not exist or is not attachable."};
}

[[noreturn]] void read_only(const RequestContext& ctx, const char* action, const std::string& arn) {
  throw AwsError{"AccessDenied",
                 "User: arn:" + arn::partition_for_region(ctx.region) + ":iam::" + ctx.account_id +
                     ":root is not authorized to perform: iam:" + action + " on resource: policy " + arn,
                 403};
}

Json version_output(const Json& version, const std::string& default_id, bool with_document) {
  Json out = {{"VersionId", version["VersionId"]},
              {"IsDefaultVersion", version["VersionId"] == default_id},
              {"CreateDate", version["CreateDate"]}};
  if (with_document) out["Document"] = url_encode(version["Document"].get<std::string>());
  return out;
}

// The versions of either kind of policy, newest first.
Json versions_of(IamService& iam, const storage::Scope& scope, const std::string& arn, std::string& default_id) {
  if (const auto* managed = find_aws_managed_policy(arn)) {
    default_id = managed->version_id;
    return Json::array({{{"VersionId", managed->version_id}, {"Document", managed->document}, {"CreateDate", managed->updated}}});
  }
  const auto policy = iam.customer_policy(scope, arn);
  default_id = policy->document["DefaultVersionId"];
  Json versions = policy->document["Versions"];
  std::reverse(versions.begin(), versions.end());
  return versions;
}

}  // namespace

Json IamService::get_policy_version(RequestContext& ctx, const Json& in) {
  const std::string arn = in.at("PolicyArn");
  const std::string id = in.at("VersionId");
  std::string default_id;
  for (const auto& version : versions_of(*this, scope_of(ctx), arn, default_id))
    if (version["VersionId"] == id) return {{"PolicyVersion", version_output(version, default_id, true)}};
  no_such_version(arn, id);
}

Json IamService::list_policy_versions(RequestContext& ctx, const Json& in) {
  std::string default_id;
  Json versions = Json::array();
  for (const auto& version : versions_of(*this, scope_of(ctx), in.at("PolicyArn"), default_id))
    versions.push_back(version_output(version, default_id, false));
  return marker_page(versions, in, "Versions");
}

Json IamService::create_policy_version(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  auto policy = customer_policy(scope, arn);
  if (!policy) read_only(ctx, "CreatePolicyVersion", arn);
  const std::string document = in.at("PolicyDocument");
  check_policy_document(document, PolicyKind::Identity);
  check_managed_policy_size(document);
  Json& doc = policy->document;
  if (doc["Versions"].size() >= kVersionsPerPolicy)
    throw AwsError{"LimitExceededException",
                   "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
                   "existing version."};
  const int number = doc.value("NextVersion", 2);
  const std::string id = "v" + std::to_string(number);
  const double now = Clock::now();
  Json version = {{"VersionId", id}, {"Document", document}, {"CreateDate", now}};
  doc["Versions"].push_back(version);
  doc["NextVersion"] = number + 1;
  if (in.value("SetAsDefault", false)) {
    doc["DefaultVersionId"] = id;
    doc["UpdateDate"] = now;
  }
  store().put(scope, *policy);
  return {{"PolicyVersion", version_output(version, doc["DefaultVersionId"], false)}};
}

Json IamService::delete_policy_version(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  const std::string id = in.at("VersionId");
  auto policy = customer_policy(scope, arn);
  if (!policy) read_only(ctx, "DeletePolicyVersion", arn);
  Json& versions = policy->document["Versions"];
  const auto it = std::find_if(versions.begin(), versions.end(), [&](const Json& v) { return v["VersionId"] == id; });
  if (it == versions.end()) no_such_version(arn, id);
  if (policy->document["DefaultVersionId"] == id)
    throw AwsError{"DeleteConflictException", "Cannot delete the default version of a policy."};
  versions.erase(it);
  store().put(scope, *policy);
  return Json::object();
}

Json IamService::set_default_policy_version(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  const std::string id = in.at("VersionId");
  auto policy = customer_policy(scope, arn);
  if (!policy) read_only(ctx, "SetDefaultPolicyVersion", arn);
  const Json& versions = policy->document["Versions"];
  if (std::none_of(versions.begin(), versions.end(), [&](const Json& v) { return v["VersionId"] == id; }))
    no_such_version(arn, id);
  policy->document["DefaultVersionId"] = id;
  policy->document["UpdateDate"] = Clock::now();
  store().put(scope, *policy);
  return Json::object();
}

}  // namespace albatross::iam
