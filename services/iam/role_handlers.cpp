// CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole(Description), UpdateAssumeRolePolicy, role tags.

#include <algorithm>
#include <cctype>

#include "emulator/clock.hpp"
#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kRolesPerAccount = 1000;
constexpr std::size_t kTrustPolicySize = 2048;  // ACLSizePerRole, counted without whitespace

void check_trust_policy(const std::string& text) {
  check_policy_document(text, PolicyKind::Trust);
  const auto size = std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); });
  if (static_cast<std::size_t>(size) > kTrustPolicySize)
    throw AwsError{"LimitExceededException", "Cannot exceed quota for ACLSizePerRole: 2048"};
}

}  // namespace

Json IamService::create_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("RoleName");
  const std::string path = in.value("Path", "/");
  check_path(path);
  if (store().get(scope, kRole, lower(name)))
    throw AwsError{"EntityAlreadyExistsException", "Role with name " + name + " already exists."};
  const std::string trust = in.at("AssumeRolePolicyDocument");
  check_trust_policy(trust);
  if (store().list(scope, kRole).size() >= kRolesPerAccount)
    throw AwsError{"LimitExceededException", "Cannot exceed quota for RolesPerAccount: 1000"};
  const Json tags = in.value("Tags", Json::array());
  check_new_tags(Json::array(), tags, "role");
  Json doc = {{"Path", path},
              {"RoleName", name},
              {"RoleId", unique_id("AROA")},
              {"Arn", iam_arn(ctx, "role", path, name)},
              {"CreateDate", Clock::now()},
              {"AssumeRolePolicyDocument", trust},
              {"MaxSessionDuration", in.value("MaxSessionDuration", 3600)},
              {"AttachedPolicies", Json::array()},
              {"InlinePolicies", Json::object()}};
  if (in.contains("Description")) doc["Description"] = in["Description"];
  if (in.contains("PermissionsBoundary")) {
    const std::string boundary = in["PermissionsBoundary"];
    if (!find_aws_managed_policy(boundary) && !store().get(scope, kPolicy, boundary))
      throw AwsError{"NoSuchEntityException", "Scope ARN: " + boundary + " does not exist or is not attachable."};
    doc["PermissionsBoundary"] = boundary;
  }
  auto role = store().put(scope, {kRole, lower(name), "", name, doc});
  if (!tags.empty()) store().add_tags(scope, doc["Arn"], tags);
  return {{"Role", role_output(scope, role, RoleView::Create)}};
}

Json IamService::get_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return {{"Role", role_output(scope, require_role(scope, in.at("RoleName")), RoleView::Get)}};
}

Json IamService::delete_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  require_modifiable(role);
  if (!role.document.value("AttachedPolicies", Json::array()).empty())
    throw AwsError{"DeleteConflictException", "Cannot delete entity, must detach all policies first."};
  if (!role.document.value("InlinePolicies", Json::object()).empty())
    throw AwsError{"DeleteConflictException", "Cannot delete entity, must delete policies first."};
  for (const auto& profile : store().list(scope, kInstanceProfile))
    if (profile.document.value("RoleName", "") == role.document["RoleName"])
      throw AwsError{"DeleteConflictException", "Cannot delete entity, must remove roles from instance profile first."};
  const std::string arn = role.document["Arn"];
  std::vector<std::string> keys;
  for (const auto& tag : store().tags(scope, arn)) keys.push_back(tag["Key"]);
  store().remove_tags(scope, arn, keys);
  store().remove(scope, kRole, role.id);
  return Json::object();
}

Json IamService::list_roles(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json roles = Json::array();
  for (const auto& role : store().list(scope, kRole))
    if (path_matches(in, role.document["Path"])) roles.push_back(role_output(scope, role, RoleView::List));
  std::sort(roles.begin(), roles.end(), [](const Json& a, const Json& b) {
    return lower(a["RoleName"].get<std::string>()) < lower(b["RoleName"].get<std::string>());
  });
  return marker_page(roles, in, "Roles");
}

Json IamService::update_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  require_modifiable(role);
  if (in.contains("Description")) role.document["Description"] = in["Description"];
  if (in.contains("MaxSessionDuration")) role.document["MaxSessionDuration"] = in["MaxSessionDuration"];
  store().put(scope, role);
  return Json::object();
}

Json IamService::update_role_description(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  require_modifiable(role);
  role.document["Description"] = in.at("Description");
  store().put(scope, role);
  return {{"Role", role_output(scope, role, RoleView::Get)}};
}

Json IamService::update_assume_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  require_modifiable(role);
  const std::string trust = in.at("PolicyDocument");
  check_trust_policy(trust);
  role.document["AssumeRolePolicyDocument"] = trust;
  store().put(scope, role);
  return Json::object();
}

Json IamService::tag_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  const std::string arn = role.document["Arn"];
  check_new_tags(store().tags(scope, arn), in.at("Tags"), "role");
  store().add_tags(scope, arn, in.at("Tags"));
  return Json::object();
}

Json IamService::untag_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  store().remove_tags(scope, role.document["Arn"], in.at("TagKeys").get<std::vector<std::string>>());
  return Json::object();
}

Json IamService::list_role_tags(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  return marker_page(store().tags(scope, role.document["Arn"]), in, "Tags");
}

}  // namespace albatross::iam
