#include "services/iam/iam_service.hpp"

#include "services/iam/iam_support.hpp"
#include "storage/database.hpp"

namespace albatross::iam {

using Json = nlohmann::json;

std::optional<storage::Resource> find_role(storage::Database& db, const std::string& account_id,
                                           const std::string& role_name) {
  storage::ResourceStore store(db);
  return store.get({account_id, kGlobalRegion}, kRole, lower(role_name));
}

std::optional<std::pair<std::string, std::string>> parse_role_arn(const std::string& arn) {
  // arn:<partition>:iam::<12 digits>:role/<path>/<name>
  if (!arn.starts_with("arn:")) return std::nullopt;
  const auto iam = arn.find(":iam::");
  if (iam == std::string::npos || arn.find(':', 4) != iam) return std::nullopt;
  const std::string account = arn.substr(iam + 6, 12);
  const std::string rest = arn.substr(std::min(arn.size(), iam + 6 + 12));
  if (account.size() != 12 || account.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (!rest.starts_with(":role/")) return std::nullopt;
  const std::string name = rest.substr(rest.rfind('/') + 1);
  if (name.empty()) return std::nullopt;
  return std::make_pair(account, name);
}

storage::Resource IamService::require_role(const storage::Scope& scope, const std::string& name) {
  auto role = store_.get(scope, kRole, lower(name));
  if (!role) throw AwsError{"NoSuchEntityException", "The role with name " + name + " cannot be found."};
  return *role;
}

void IamService::require_modifiable(const storage::Resource& role) {
  if (role.document.value("Path", "").starts_with("/aws-service-role/"))
    throw AwsError{"UnmodifiableEntityException", "Cannot perform the operation on the protected role '" +
                                                      role.document["RoleName"].get<std::string>() +
                                                      "' - this role is only modifiable by AWS"};
}

Json IamService::role_output(const storage::Scope& scope, const storage::Resource& role, RoleView view) {
  const Json& doc = role.document;
  Json out = {{"Path", doc["Path"]},
              {"RoleName", doc["RoleName"]},
              {"RoleId", doc["RoleId"]},
              {"Arn", doc["Arn"]},
              {"CreateDate", doc["CreateDate"]},
              {"AssumeRolePolicyDocument", url_encode(doc["AssumeRolePolicyDocument"].get<std::string>())},
              {"MaxSessionDuration", doc["MaxSessionDuration"]}};
  if (doc.contains("Description")) out["Description"] = doc["Description"];
  if (doc.contains("PermissionsBoundary"))
    out["PermissionsBoundary"] = {{"PermissionsBoundaryType", "Policy"},
                                  {"PermissionsBoundaryArn", doc["PermissionsBoundary"]}};
  if (view != RoleView::List) {
    auto tags = store_.tags(scope, role.document["Arn"]);
    if (!tags.empty()) out["Tags"] = tags;
  }
  if (view == RoleView::Get) out["RoleLastUsed"] = Json::object();
  return out;
}

int IamService::attachment_count(const storage::Scope& scope, const std::string& policy_arn) {
  int count = 0;
  for (const auto& role : store_.list(scope, kRole))
    for (const auto& attached : role.document.value("AttachedPolicies", Json::array()))
      if (attached == policy_arn) ++count;
  return count;
}

ServiceDefinition IamService::definition() {
  ServiceDefinition definition;
  definition.model_name = "iam";
  using Method = Json (IamService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateRole", &IamService::create_role},
      {"GetRole", &IamService::get_role},
      {"DeleteRole", &IamService::delete_role},
      {"ListRoles", &IamService::list_roles},
      {"UpdateRole", &IamService::update_role},
      {"UpdateRoleDescription", &IamService::update_role_description},
      {"UpdateAssumeRolePolicy", &IamService::update_assume_role_policy},
      {"TagRole", &IamService::tag_role},
      {"UntagRole", &IamService::untag_role},
      {"ListRoleTags", &IamService::list_role_tags},
      {"CreateServiceLinkedRole", &IamService::create_service_linked_role},
      {"DeleteServiceLinkedRole", &IamService::delete_service_linked_role},
      {"GetServiceLinkedRoleDeletionStatus", &IamService::get_service_linked_role_deletion_status},
      {"CreatePolicy", &IamService::create_policy},
      {"GetPolicy", &IamService::get_policy},
      {"DeletePolicy", &IamService::delete_policy},
      {"ListPolicies", &IamService::list_policies},
      {"TagPolicy", &IamService::tag_policy},
      {"UntagPolicy", &IamService::untag_policy},
      {"ListPolicyTags", &IamService::list_policy_tags},
      {"GetPolicyVersion", &IamService::get_policy_version},
      {"CreatePolicyVersion", &IamService::create_policy_version},
      {"DeletePolicyVersion", &IamService::delete_policy_version},
      {"ListPolicyVersions", &IamService::list_policy_versions},
      {"SetDefaultPolicyVersion", &IamService::set_default_policy_version},
      {"AttachRolePolicy", &IamService::attach_role_policy},
      {"DetachRolePolicy", &IamService::detach_role_policy},
      {"ListAttachedRolePolicies", &IamService::list_attached_role_policies},
      {"PutRolePolicy", &IamService::put_role_policy},
      {"GetRolePolicy", &IamService::get_role_policy},
      {"DeleteRolePolicy", &IamService::delete_role_policy},
      {"ListRolePolicies", &IamService::list_role_policies},
      {"CreateInstanceProfile", &IamService::create_instance_profile},
      {"GetInstanceProfile", &IamService::get_instance_profile},
      {"DeleteInstanceProfile", &IamService::delete_instance_profile},
      {"ListInstanceProfiles", &IamService::list_instance_profiles},
      {"AddRoleToInstanceProfile", &IamService::add_role_to_instance_profile},
      {"RemoveRoleFromInstanceProfile", &IamService::remove_role_from_instance_profile},
      {"ListInstanceProfilesForRole", &IamService::list_instance_profiles_for_role},
  };
  for (const auto& [name, method] : table)
    definition.handlers.emplace(name, [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  return definition;
}

}  // namespace albatross::iam
