#pragma once
// EC2 Auto Scaling (query protocol, model "autoscaling"): launch configurations and Auto Scaling groups as
// stored resources, enough for the seeds' capacity-provider templates to be replayed call by call. No virtual
// machines run: a group's instances are records (InService, Healthy) created and removed at once to follow its
// desired capacity, which keeps AWS's rules that users meet — sizes within bounds, instances protected from
// scale-in stay, a group with instances is deleted only with ForceDelete.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}
namespace albatross::ec2 {
class Ec2Service;
}

namespace albatross::ec2_autoscaling {

inline constexpr char kGroup[] = "autoscaling:group";
inline constexpr char kLaunchConfiguration[] = "autoscaling:launch-configuration";

// Creates the AWSServiceRoleForAutoScaling role on first use, as AWS does (IAM lives in another service).
using EnsureLinkedRole = std::function<void(const RequestContext&, const std::string& service)>;

class AutoScalingService {
 public:
  AutoScalingService(storage::Database& db, ec2::Ec2Service& ec2, EnsureLinkedRole ensure_linked_role = {})
      : store_(db), ec2_(ec2), ensure_linked_role_(std::move(ensure_linked_role)) {}
  ServiceDefinition definition();

  using Json = nlohmann::json;
  // group_handlers.cpp
  Json create_group(RequestContext& ctx, const Json& in);
  Json describe_groups(RequestContext& ctx, const Json& in);
  Json update_group(RequestContext& ctx, const Json& in);
  Json delete_group(RequestContext& ctx, const Json& in);
  Json set_desired_capacity(RequestContext& ctx, const Json& in);
  Json set_instance_protection(RequestContext& ctx, const Json& in);
  Json terminate_instance(RequestContext& ctx, const Json& in);
  Json describe_instances(RequestContext& ctx, const Json& in);
  Json describe_activities(RequestContext& ctx, const Json& in);
  Json attach_target_groups(RequestContext& ctx, const Json& in);
  Json detach_target_groups(RequestContext& ctx, const Json& in);
  Json describe_target_groups(RequestContext& ctx, const Json& in);
  Json suspend_processes(RequestContext& ctx, const Json& in);
  Json resume_processes(RequestContext& ctx, const Json& in);
  Json describe_account_limits(RequestContext& ctx, const Json& in);
  // launch_configuration_handlers.cpp
  Json create_launch_configuration(RequestContext& ctx, const Json& in);
  Json describe_launch_configurations(RequestContext& ctx, const Json& in);
  Json delete_launch_configuration(RequestContext& ctx, const Json& in);
  // tag_handlers.cpp
  Json create_or_update_tags(RequestContext& ctx, const Json& in);
  Json delete_tags(RequestContext& ctx, const Json& in);
  Json describe_tags(RequestContext& ctx, const Json& in);

 private:
  storage::Resource require_group(const storage::Scope& scope, const std::string& name) const;
  // Launches or terminates instance records until the group holds DesiredCapacity (protected instances stay;
  // a suspended Launch or Terminate process stops that direction), recording the scaling activities; `cause`
  // starts the activities' Cause ("a user request …").
  void reconcile_instances(storage::Resource& group, const std::string& cause);

  storage::ResourceStore store_;
  ec2::Ec2Service& ec2_;
  EnsureLinkedRole ensure_linked_role_;
};

}  // namespace albatross::ec2_autoscaling
