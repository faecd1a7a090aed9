#pragma once
// IAM (global, query protocol): roles, customer managed policies with versions, AWS managed policies,
// role attachments, inline role policies, service-linked roles and instance profiles, kept as JSON documents
// in the ResourceStore under the region "global" (IAM has no regions). Names are unique per account without
// regard to case, as in AWS, so the store id is the lower-cased name. PassRole and policy evaluation are not
// emulated: policies are stored and returned, never enforced.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::iam {

inline constexpr char kRole[] = "iam:role";                  // id: lower-cased role name
inline constexpr char kPolicy[] = "iam:policy";              // id: policy ARN; name: lower-cased policy name
inline constexpr char kInstanceProfile[] = "iam:instance-profile";  // id: lower-cased profile name
inline constexpr char kGlobalRegion[] = "global";

// Read access for other services (STS, later ECS task roles). Role documents hold the Role shape's fields
// plus "AttachedPolicies" (ARNs) and "InlinePolicies" ({name: document}).
std::optional<storage::Resource> find_role(storage::Database& db, const std::string& account_id,
                                           const std::string& role_name);
// "arn:<partition>:iam::<account>:role/<path>name" → (account, name); nothing when it is not a role ARN.
std::optional<std::pair<std::string, std::string>> parse_role_arn(const std::string& arn);

class IamService {
 public:
  explicit IamService(storage::Database& db) : store_(db) {}
  ServiceDefinition definition();

  using Json = nlohmann::json;

  // role_handlers.cpp
  Json create_role(RequestContext& ctx, const Json& in);
  Json get_role(RequestContext& ctx, const Json& in);
  Json delete_role(RequestContext& ctx, const Json& in);
  Json list_roles(RequestContext& ctx, const Json& in);
  Json update_role(RequestContext& ctx, const Json& in);
  Json update_role_description(RequestContext& ctx, const Json& in);
  Json update_assume_role_policy(RequestContext& ctx, const Json& in);
  Json tag_role(RequestContext& ctx, const Json& in);
  Json untag_role(RequestContext& ctx, const Json& in);
  Json list_role_tags(RequestContext& ctx, const Json& in);
  // service_linked_roles.cpp
  Json create_service_linked_role(RequestContext& ctx, const Json& in);
  Json delete_service_linked_role(RequestContext& ctx, const Json& in);
  Json get_service_linked_role_deletion_status(RequestContext& ctx, const Json& in);
  // policy_handlers.cpp
  Json create_policy(RequestContext& ctx, const Json& in);
  Json get_policy(RequestContext& ctx, const Json& in);
  Json delete_policy(RequestContext& ctx, const Json& in);
  Json list_policies(RequestContext& ctx, const Json& in);
  Json tag_policy(RequestContext& ctx, const Json& in);
  Json untag_policy(RequestContext& ctx, const Json& in);
  Json list_policy_tags(RequestContext& ctx, const Json& in);
  // policy_version_handlers.cpp
  Json get_policy_version(RequestContext& ctx, const Json& in);
  Json create_policy_version(RequestContext& ctx, const Json& in);
  Json delete_policy_version(RequestContext& ctx, const Json& in);
  Json list_policy_versions(RequestContext& ctx, const Json& in);
  Json set_default_policy_version(RequestContext& ctx, const Json& in);
  // role_policy_handlers.cpp
  Json attach_role_policy(RequestContext& ctx, const Json& in);
  Json detach_role_policy(RequestContext& ctx, const Json& in);
  Json list_attached_role_policies(RequestContext& ctx, const Json& in);
  Json put_role_policy(RequestContext& ctx, const Json& in);
  Json get_role_policy(RequestContext& ctx, const Json& in);
  Json delete_role_policy(RequestContext& ctx, const Json& in);
  Json list_role_policies(RequestContext& ctx, const Json& in);
  // instance_profile_handlers.cpp
  Json create_instance_profile(RequestContext& ctx, const Json& in);
  Json get_instance_profile(RequestContext& ctx, const Json& in);
  Json delete_instance_profile(RequestContext& ctx, const Json& in);
  Json list_instance_profiles(RequestContext& ctx, const Json& in);
  Json add_role_to_instance_profile(RequestContext& ctx, const Json& in);
  Json remove_role_from_instance_profile(RequestContext& ctx, const Json& in);
  Json list_instance_profiles_for_role(RequestContext& ctx, const Json& in);

  // ---- Shared by the topic files ----
  static storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, kGlobalRegion}; }
  storage::ResourceStore& store() { return store_; }
  // NoSuchEntity with AWS's wording when missing.
  storage::Resource require_role(const storage::Scope& scope, const std::string& name);
  // The Role shape: GetRole's view has Tags and RoleLastUsed, CreateRole's Tags only, ListRoles' neither.
  enum class RoleView { Get, Create, List };
  Json role_output(const storage::Scope& scope, const storage::Resource& role, RoleView view);
  // The role's name is taken by a service-linked role: AWS refuses changes with UnmodifiableEntity.
  static void require_modifiable(const storage::Resource& role);
  // A customer managed policy of the account (NoSuchEntity "Policy <arn> was not found." when missing and not
  // an AWS managed one; AWS managed policies answer nothing here).
  std::optional<storage::Resource> customer_policy(const storage::Scope& scope, const std::string& arn);
  // How many roles use each policy: as an attached policy (first) and as a permissions boundary (second).
  using PolicyUsage = std::map<std::string, std::pair<int, int>>;
  PolicyUsage policy_usage(const storage::Scope& scope);
  // The Policy shape for either kind (`with_details`: Description and Tags, as GetPolicy answers). `usage`
  // saves a scan of the roles when many policies are described at once.
  Json policy_output(const RequestContext& ctx, const std::string& arn, bool with_details,
                     const PolicyUsage* usage = nullptr);
  // Creates the service's service-linked role unless it exists (as AWS services do when first used, e.g.
  // Application Auto Scaling for "ecs.application-autoscaling.amazonaws.com"). Unknown services: nothing.
  void ensure_service_linked_role(const RequestContext& ctx, const std::string& service);
  // How many roles in the account have the policy attached.
  int attachment_count(const storage::Scope& scope, const std::string& policy_arn);

 private:
  storage::Resource store_linked_role(const RequestContext& ctx, const std::string& service, const std::string& name,
                                      const std::string& description);
  storage::ResourceStore store_;
};

}  // namespace albatross::iam
