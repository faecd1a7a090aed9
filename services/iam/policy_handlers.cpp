// Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies and policy tags. Customer managed
// policies are stored with their versions; AWS managed ones come from the catalogue and are read-only.

#include <algorithm>
#include <cctype>

#include "emulator/clock.hpp"
#include "services/common/arn.hpp"
#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kPoliciesPerAccount = 1500;

[[noreturn]] void aws_managed_is_read_only(const RequestContext& ctx, const std::string& action, const std::string& arn) {
  throw AwsError{"AccessDenied",
                 "User: arn:" + arn::partition_for_region(ctx.region) + ":iam::" + ctx.account_id +
                     ":root is not authorized to perform: iam:" + action + " on resource: policy " + arn,
                 403};
}

}  // namespace

std::optional<storage::Resource> IamService::customer_policy(const storage::Scope& scope, const std::string& arn) {
  if (find_aws_managed_policy(arn)) return std::nullopt;
  auto policy = store().get(scope, kPolicy, arn);
  if (!policy) throw AwsError{"NoSuchEntityException", "Policy " + arn + " was not found."};
  return policy;
}

IamService::PolicyUsage IamService::policy_usage(const storage::Scope& scope) {
  PolicyUsage usage;
  for (const auto& role : store().list(scope, kRole)) {
    for (const auto& attached : role.document.value("AttachedPolicies", Json::array())) ++usage[attached].first;
    if (role.document.contains("PermissionsBoundary")) ++usage[role.document["PermissionsBoundary"]].second;
  }
  return usage;
}

Json IamService::policy_output(const RequestContext& ctx, const std::string& arn, bool with_details,
                               const PolicyUsage* usage) {
  const auto scope = scope_of(ctx);
  Json out;
  if (const auto* managed = find_aws_managed_policy(arn)) {
    out = {{"PolicyName", managed->name},
           {"PolicyId", aws_managed_policy_id(*managed)},
           {"Arn", aws_managed_policy_arn(*managed, arn::partition_for_region(ctx.region))},
           {"Path", managed->path},
           {"DefaultVersionId", managed->version_id},
           {"CreateDate", managed->created},
           {"UpdateDate", managed->updated}};
    if (with_details) out["Description"] = managed->description;
  } else {
    const auto policy = customer_policy(scope, arn);
    const Json& doc = policy->document;
    out = {{"PolicyName", doc["PolicyName"]}, {"PolicyId", doc["PolicyId"]},     {"Arn", doc["Arn"]},
           {"Path", doc["Path"]},             {"DefaultVersionId", doc["DefaultVersionId"]},
           {"CreateDate", doc["CreateDate"]}, {"UpdateDate", doc["UpdateDate"]}};
    if (with_details) {
      if (doc.contains("Description")) out["Description"] = doc["Description"];
      auto tags = store().tags(scope, arn);
      if (!tags.empty()) out["Tags"] = tags;
    }
  }
  const PolicyUsage own_usage = usage ? PolicyUsage() : policy_usage(scope);
  const PolicyUsage& counts = usage ? *usage : own_usage;
  const auto found = counts.find(out["Arn"].get<std::string>());
  out["AttachmentCount"] = found == counts.end() ? 0 : found->second.first;
  out["PermissionsBoundaryUsageCount"] = found == counts.end() ? 0 : found->second.second;
  out["IsAttachable"] = true;
  return out;
}

Json IamService::create_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("PolicyName");
  const std::string path = in.value("Path", "/");
  check_path(path);
  if (store().find_by_name(scope, kPolicy, lower(name)))
    throw AwsError{"EntityAlreadyExistsException",
                   "A policy called " + name + " already exists. Duplicate names are not allowed."};
  const std::string document = in.at("PolicyDocument");
  check_policy_document(document, PolicyKind::Identity);
  check_managed_policy_size(document);
  if (store().list(scope, kPolicy).size() >= kPoliciesPerAccount)
    throw AwsError{"LimitExceededException", "Cannot exceed quota for PoliciesPerAccount: 1500"};
  const Json tags = in.value("Tags", Json::array());
  check_new_tags(Json::array(), tags, "policy");
  const double now = Clock::now();
  const std::string arn = iam_arn(ctx, "policy", path, name);
  Json doc = {{"PolicyName", name},
              {"PolicyId", unique_id("ANPA")},
              {"Arn", arn},
              {"Path", path},
              {"DefaultVersionId", "v1"},
              {"CreateDate", now},
              {"UpdateDate", now},
              {"NextVersion", 2},
              {"Versions", Json::array({{{"VersionId", "v1"}, {"Document", document}, {"CreateDate", now}}})}};
  if (in.contains("Description")) doc["Description"] = in["Description"];
  store().put(scope, {kPolicy, arn, "", lower(name), doc});
  if (!tags.empty()) store().add_tags(scope, arn, tags);
  Json out = policy_output(ctx, arn, true);
  out.erase("Description");  // CreatePolicy does not echo it
  return {{"Policy", out}};
}

Json IamService::get_policy(RequestContext& ctx, const Json& in) {
  return {{"Policy", policy_output(ctx, in.at("PolicyArn"), true)}};
}

Json IamService::delete_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  const auto policy = customer_policy(scope, arn);
  if (!policy) aws_managed_is_read_only(ctx, "DeletePolicy", arn);
  if (attachment_count(scope, arn) > 0)
    throw AwsError{"DeleteConflictException", "Cannot delete a policy attached to entities."};
  if (policy->document["Versions"].size() > 1)
    throw AwsError{"DeleteConflictException",
                   "This policy has more than one version. Before you delete a policy, you must delete the policy's "
                   "versions. The default version is deleted with the policy."};
  std::vector<std::string> keys;
  for (const auto& tag : store().tags(scope, arn)) keys.push_back(tag["Key"]);
  store().remove_tags(scope, arn, keys);
  store().remove(scope, kPolicy, arn);
  return Json::object();
}

Json IamService::list_policies(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string which = in.value("Scope", "All");
  const bool only_attached = in.value("OnlyAttached", false);
  // With OnlyAttached, PolicyUsageFilter picks which use counts: as a permissions policy (default) or a boundary.
  const char* count_key =
      in.value("PolicyUsageFilter", "") == "PermissionsBoundary" ? "PermissionsBoundaryUsageCount" : "AttachmentCount";
  std::vector<std::string> arns;
  if (which != "Local")
    for (const auto& managed : aws_managed_policies())
      arns.push_back(aws_managed_policy_arn(managed, arn::partition_for_region(ctx.region)));
  if (which != "AWS")
    for (const auto& policy : store().list(scope, kPolicy)) arns.push_back(policy.id);
  const PolicyUsage usage = policy_usage(scope);
  Json policies = Json::array();
  for (const auto& arn : arns) {
    Json policy = policy_output(ctx, arn, false, &usage);
    if (!path_matches(in, policy["Path"])) continue;
    if (only_attached && policy[count_key] == 0) continue;
    policies.push_back(policy);
  }
  std::sort(policies.begin(), policies.end(), [](const Json& a, const Json& b) {
    return lower(a["PolicyName"].get<std::string>()) < lower(b["PolicyName"].get<std::string>());
  });
  return marker_page(policies, in, "Policies");
}

Json IamService::tag_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  if (!customer_policy(scope, arn)) aws_managed_is_read_only(ctx, "TagPolicy", arn);
  check_new_tags(store().tags(scope, arn), in.at("Tags"), "policy");
  store().add_tags(scope, arn, in.at("Tags"));
  return Json::object();
}

Json IamService::untag_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  if (!customer_policy(scope, arn)) aws_managed_is_read_only(ctx, "UntagPolicy", arn);
  store().remove_tags(scope, arn, in.at("TagKeys").get<std::vector<std::string>>());
  return Json::object();
}

Json IamService::list_policy_tags(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("PolicyArn");
  if (!customer_policy(scope, arn)) return marker_page(Json::array(), in, "Tags");
  return marker_page(store().tags(scope, arn), in, "Tags");
}

}  // namespace albatross::iam
