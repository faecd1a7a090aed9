// Instance profiles: a named container for at most one role.

#include "emulator/clock.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kInstanceProfilesPerAccount = 1000;

}  // namespace

static storage::Resource require_profile(IamService& iam, const storage::Scope& scope, const std::string& name) {
  auto profile = iam.store().get(scope, kInstanceProfile, lower(name));
  if (!profile) throw AwsError{"NoSuchEntityException", "Instance Profile " + name + " cannot be found."};
  return *profile;
}

// The InstanceProfile shape with its role (if any) in full.
static Json profile_output(IamService& iam, const storage::Scope& scope, const storage::Resource& profile,
                           bool with_tags) {
  Json out = profile.document;
  const std::string role_name = out.value("RoleName", "");
  out.erase("RoleName");
  out["Roles"] = Json::array();
  if (!role_name.empty())
    if (auto role = iam.store().get(scope, kRole, lower(role_name)))
      out["Roles"].push_back(iam.role_output(scope, *role, IamService::RoleView::List));
  if (with_tags) {
    auto tags = iam.store().tags(scope, profile.document["Arn"]);
    if (!tags.empty()) out["Tags"] = tags;
  }
  return out;
}

Json IamService::create_instance_profile(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("InstanceProfileName");
  const std::string path = in.value("Path", "/");
  check_path(path);
  if (store().get(scope, kInstanceProfile, lower(name)))
    throw AwsError{"EntityAlreadyExistsException", "Instance Profile " + name + " already exists."};
  if (store().list(scope, kInstanceProfile).size() >= kInstanceProfilesPerAccount)
    throw AwsError{"LimitExceededException", "Cannot exceed quota for InstanceProfilesPerAccount: 1000"};
  const Json tags = in.value("Tags", Json::array());
  check_new_tags(Json::array(), tags, "instance profile");
  Json doc = {{"Path", path},
              {"InstanceProfileName", name},
              {"InstanceProfileId", unique_id("AIPA")},
              {"Arn", iam_arn(ctx, "instance-profile", path, name)},
              {"CreateDate", Clock::now()}};
  auto profile = store().put(scope, {kInstanceProfile, lower(name), "", name, doc});
  if (!tags.empty()) store().add_tags(scope, doc["Arn"], tags);
  return {{"InstanceProfile", profile_output(*this, scope, profile, true)}};
}

Json IamService::get_instance_profile(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return {{"InstanceProfile", profile_output(*this, scope, require_profile(*this, scope, in.at("InstanceProfileName")), true)}};
}

Json IamService::delete_instance_profile(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto profile = require_profile(*this, scope, in.at("InstanceProfileName"));
  if (!profile.document.value("RoleName", "").empty())
    throw AwsError{"DeleteConflictException", "Cannot delete entity, must remove roles from instance profile first."};
  const std::string arn = profile.document["Arn"];
  std::vector<std::string> keys;
  for (const auto& tag : store().tags(scope, arn)) keys.push_back(tag["Key"]);
  store().remove_tags(scope, arn, keys);
  store().remove(scope, kInstanceProfile, profile.id);
  return Json::object();
}

Json IamService::list_instance_profiles(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json profiles = Json::array();
  for (const auto& profile : store().list(scope, kInstanceProfile))
    if (path_matches(in, profile.document["Path"])) profiles.push_back(profile_output(*this, scope, profile, false));
  return marker_page(profiles, in, "InstanceProfiles");
}

Json IamService::add_role_to_instance_profile(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto profile = require_profile(*this, scope, in.at("InstanceProfileName"));
  const auto role = require_role(scope, in.at("RoleName"));
  const std::string current = profile.document.value("RoleName", "");
  if (!current.empty())
    throw AwsError{"LimitExceededException", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"};
  profile.document["RoleName"] = role.document["RoleName"];
  store().put(scope, profile);
  return Json::object();
}

Json IamService::remove_role_from_instance_profile(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto profile = require_profile(*this, scope, in.at("InstanceProfileName"));
  const auto role = require_role(scope, in.at("RoleName"));
  if (lower(profile.document.value("RoleName", "")) != role.id)
    throw AwsError{"NoSuchEntityException", "The role with name " + role.document["RoleName"].get<std::string>() +
                                                " cannot be found in instance profile " +
                                                profile.document["InstanceProfileName"].get<std::string>() + "."};
  profile.document.erase("RoleName");
  store().put(scope, profile);
  return Json::object();
}

Json IamService::list_instance_profiles_for_role(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  Json profiles = Json::array();
  for (const auto& profile : store().list(scope, kInstanceProfile))
    if (lower(profile.document.value("RoleName", "")) == role.id)
      profiles.push_back(profile_output(*this, scope, profile, false));
  return marker_page(profiles, in, "InstanceProfiles");
}

}  // namespace albatross::iam
