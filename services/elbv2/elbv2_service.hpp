#pragma once
// ELBv2 control plane: load balancers, listeners, rules, target groups, targets, attributes and tags,
// stored as JSON documents (in the model's output shapes) in the ResourceStore. Handlers run on the
// control thread inside the gateway's transaction; every change marks the "elbv2" topic of the
// ChangeFeed so the data plane rebuilds its routing snapshot after commit.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross {
class ChangeFeed;
class Clock;
namespace storage {
class Database;
}
namespace acm {
class AcmService;
}
namespace ec2 {
class Ec2Service;
}
}  // namespace albatross

namespace albatross::elbv2 {

// Resource kinds in the store. Rules (the default one included) have their listener as parent,
// listeners their load balancer, targets their target group.
inline constexpr char kLoadBalancer[] = "elbv2:load-balancer";
inline constexpr char kListener[] = "elbv2:listener";
inline constexpr char kRule[] = "elbv2:rule";
inline constexpr char kTargetGroup[] = "elbv2:target-group";
inline constexpr char kTarget[] = "elbv2:target";

struct Elbv2Dependencies {
  storage::Database& db;
  const Clock& clock;
  ChangeFeed& changes;
  acm::AcmService& acm;
  ec2::Ec2Service& ec2;
};

class Elbv2Service {
 public:
  explicit Elbv2Service(Elbv2Dependencies deps);
  ServiceDefinition definition();

  using Json = nlohmann::json;

  // load_balancer_handlers.cpp
  Json create_load_balancer(RequestContext& ctx, const Json& in);
  Json describe_load_balancers(RequestContext& ctx, const Json& in);
  Json delete_load_balancer(RequestContext& ctx, const Json& in);
  Json set_security_groups(RequestContext& ctx, const Json& in);
  Json set_subnets(RequestContext& ctx, const Json& in);
  Json set_ip_address_type(RequestContext& ctx, const Json& in);
  // attribute_handlers.cpp
  Json describe_load_balancer_attributes(RequestContext& ctx, const Json& in);
  Json modify_load_balancer_attributes(RequestContext& ctx, const Json& in);
  Json describe_target_group_attributes(RequestContext& ctx, const Json& in);
  Json modify_target_group_attributes(RequestContext& ctx, const Json& in);
  Json describe_listener_attributes(RequestContext& ctx, const Json& in);
  Json modify_listener_attributes(RequestContext& ctx, const Json& in);
  // target_group_handlers.cpp
  Json create_target_group(RequestContext& ctx, const Json& in);
  Json describe_target_groups(RequestContext& ctx, const Json& in);
  Json modify_target_group(RequestContext& ctx, const Json& in);
  Json delete_target_group(RequestContext& ctx, const Json& in);
  // target_handlers.cpp
  Json register_targets(RequestContext& ctx, const Json& in);
  Json deregister_targets(RequestContext& ctx, const Json& in);
  Json describe_target_health(RequestContext& ctx, const Json& in);
  // listener_handlers.cpp
  Json create_listener(RequestContext& ctx, const Json& in);
  Json describe_listeners(RequestContext& ctx, const Json& in);
  Json modify_listener(RequestContext& ctx, const Json& in);
  Json delete_listener(RequestContext& ctx, const Json& in);
  Json add_listener_certificates(RequestContext& ctx, const Json& in);
  Json remove_listener_certificates(RequestContext& ctx, const Json& in);
  Json describe_listener_certificates(RequestContext& ctx, const Json& in);
  // rule_handlers.cpp
  Json create_rule(RequestContext& ctx, const Json& in);
  Json describe_rules(RequestContext& ctx, const Json& in);
  Json modify_rule(RequestContext& ctx, const Json& in);
  Json delete_rule(RequestContext& ctx, const Json& in);
  Json set_rule_priorities(RequestContext& ctx, const Json& in);
  // tag_handlers.cpp
  Json add_tags(RequestContext& ctx, const Json& in);
  Json remove_tags(RequestContext& ctx, const Json& in);
  Json describe_tags(RequestContext& ctx, const Json& in);
  // account_handlers.cpp
  Json describe_ssl_policies(RequestContext& ctx, const Json& in);
  Json describe_account_limits(RequestContext& ctx, const Json& in);
  // trust_store_handlers.cpp
  Json create_trust_store(RequestContext& ctx, const Json& in);
  Json describe_trust_stores(RequestContext& ctx, const Json& in);
  Json require_trust_store(RequestContext& ctx, const Json& in);  // the operations naming one trust store
  Json get_resource_policy(RequestContext& ctx, const Json& in);
  // capacity_handlers.cpp
  Json describe_capacity_reservation(RequestContext& ctx, const Json& in);
  Json modify_capacity_reservation(RequestContext& ctx, const Json& in);
  Json modify_ip_pools(RequestContext& ctx, const Json& in);

  // ---- Shared by the topic files ----
  static storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }
  storage::ResourceStore& store() { return store_; }
  // Each throws the model's NotFound error with AWS's wording when the resource does not exist.
  storage::Resource require_load_balancer(const storage::Scope& scope, const std::string& arn);
  storage::Resource require_listener(const storage::Scope& scope, const std::string& arn);
  storage::Resource require_rule(const storage::Scope& scope, const std::string& arn);
  storage::Resource require_target_group(const storage::Scope& scope, const std::string& arn);
  // The load balancers whose listeners or rules forward to the target group.
  std::vector<std::string> load_balancers_using(const storage::Scope& scope, const std::string& target_group_arn);
  // Validates and normalizes a list of actions (DefaultActions of a listener, Actions of a rule) for a listener
  // of `protocol` on `load_balancer_arn`: AWS's checks (one routing action, Order, target groups exist and
  // fit, at most one load balancer per target group, redirect/fixed-response configs) and the form
  // Describe returns (forward both as TargetGroupArn and ForwardConfig). Defined in action_rules.cpp.
  Json normalize_actions(const storage::Scope& scope, const Json& actions, const std::string& protocol,
                         const std::string& load_balancer_arn);
  // True while a load balancer uses the VPC, subnet or security group with this id, or a target group the
  // VPC (EC2 then refuses to delete it with DependencyViolation). Wired into Ec2Service::add_dependency_check.
  bool uses_network_resource(const storage::Scope& scope, const std::string& resource_id);
  // Marks the routing configuration changed (the data plane rebuilds after commit).
  void changed();
  double now() const;
  const Clock& clock() const { return deps_.clock; }
  acm::AcmService& acm() { return deps_.acm; }
  ec2::Ec2Service& ec2() { return deps_.ec2; }

  // The data plane reports target health through this (TargetHealth JSON, or nothing = not checked yet).
  using HealthSource = std::function<std::optional<Json>(const storage::Scope&, const std::string& target_group_arn,
                                                         const std::string& target_id, int port)>;
  void set_health_source(HealthSource source) { health_source_ = std::move(source); }

 private:
  Elbv2Dependencies deps_;
  storage::ResourceStore store_;
  HealthSource health_source_;
};

}  // namespace albatross::elbv2
