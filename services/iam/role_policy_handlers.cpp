// Managed policies attached to roles (Attach/Detach/ListAttachedRolePolicies) and inline role policies
// (Put/Get/Delete/ListRolePolicies). Stored in the role's document.

#include <algorithm>
#include <cctype>

#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/iam_service.hpp"
#include "services/iam/iam_support.hpp"

namespace albatross::iam {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kManagedPoliciesPerRole = 10;
constexpr std::size_t kInlinePolicyBytesPerRole = 10240;

std::size_t size_without_whitespace(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); });
}

}  // namespace

Json IamService::attach_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  const std::string arn = in.at("PolicyArn");
  const auto* managed = find_aws_managed_policy(arn);
  if (!managed && !store().get(scope, kPolicy, arn))
    throw AwsError{"NoSuchEntityException", "Policy " + arn + " does not exist or is not attachable."};
  require_modifiable(role);
  if (managed && managed->path == "/aws-service-role/")
    throw AwsError{"PolicyNotAttachableException", "Cannot attach a Service Role Policy to a Customer Role."};
  Json& attached = role.document["AttachedPolicies"];
  if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return Json::object();
  if (attached.size() >= kManagedPoliciesPerRole)
    throw AwsError{"LimitExceededException", "Cannot exceed quota for PoliciesPerRole: 10"};
  attached.push_back(arn);
  store().put(scope, role);
  return Json::object();
}

Json IamService::detach_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  const std::string arn = in.at("PolicyArn");
  Json& attached = role.document["AttachedPolicies"];
  const auto it = std::find(attached.begin(), attached.end(), arn);
  if (it == attached.end()) throw AwsError{"NoSuchEntityException", "Policy " + arn + " was not found."};
  require_modifiable(role);
  attached.erase(it);
  store().put(scope, role);
  return Json::object();
}

Json IamService::list_attached_role_policies(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  Json policies = Json::array();
  for (const auto& arn : role.document["AttachedPolicies"]) {
    std::string name, path;
    if (const auto* managed = find_aws_managed_policy(arn.get<std::string>())) {
      name = managed->name;
      path = managed->path;
    } else if (auto policy = store().get(scope, kPolicy, arn)) {
      name = policy->document["PolicyName"];
      path = policy->document["Path"];
    } else {
      continue;
    }
    if (path_matches(in, path)) policies.push_back({{"PolicyName", name}, {"PolicyArn", arn}});
  }
  return marker_page(policies, in, "AttachedPolicies");
}

Json IamService::put_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  require_modifiable(role);
  const std::string name = in.at("PolicyName");
  const std::string document = in.at("PolicyDocument");
  check_policy_document(document, PolicyKind::Identity);
  Json& inline_policies = role.document["InlinePolicies"];
  std::size_t total = size_without_whitespace(document);
  for (const auto& [other, text] : inline_policies.items())
    if (other != name) total += size_without_whitespace(text.get<std::string>());
  if (total > kInlinePolicyBytesPerRole)
    throw AwsError{"LimitExceededException", "Maximum policy size of 10240 bytes exceeded for role " +
                                                 role.document["RoleName"].get<std::string>()};
  inline_policies[name] = document;
  store().put(scope, role);
  return Json::object();
}

Json IamService::get_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  const std::string name = in.at("PolicyName");
  const Json& inline_policies = role.document["InlinePolicies"];
  if (!inline_policies.contains(name))
    throw AwsError{"NoSuchEntityException", "The role policy with name " + name + " cannot be found."};
  return {{"RoleName", role.document["RoleName"]},
          {"PolicyName", name},
          {"PolicyDocument", url_encode(inline_policies[name].get<std::string>())}};
}

Json IamService::delete_role_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto role = require_role(scope, in.at("RoleName"));
  const std::string name = in.at("PolicyName");
  Json& inline_policies = role.document["InlinePolicies"];
  if (!inline_policies.contains(name))
    throw AwsError{"NoSuchEntityException", "The role policy with name " + name + " cannot be found."};
  require_modifiable(role);
  inline_policies.erase(name);
  store().put(scope, role);
  return Json::object();
}

Json IamService::list_role_policies(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto role = require_role(scope, in.at("RoleName"));
  Json names = Json::array();
  for (const auto& [name, document] : role.document["InlinePolicies"].items()) names.push_back(name);
  return marker_page(names, in, "PolicyNames");
}

}  // namespace albatross::iam
