#include "services/elbv2/elbv2_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"

namespace albatross::elbv2 {

using Json = nlohmann::json;

Elbv2Service::Elbv2Service(Elbv2Dependencies deps) : deps_(deps), store_(deps.db) {}

storage::Resource Elbv2Service::require_load_balancer(const storage::Scope& scope, const std::string& arn) {
  auto found = store_.get(scope, kLoadBalancer, arn);
  if (!found) throw AwsError{"LoadBalancerNotFoundException", "One or more load balancers not found"};
  return *found;
}

storage::Resource Elbv2Service::require_listener(const storage::Scope& scope, const std::string& arn) {
  auto found = store_.get(scope, kListener, arn);
  if (!found) throw AwsError{"ListenerNotFoundException", "One or more listeners not found"};
  return *found;
}

storage::Resource Elbv2Service::require_rule(const storage::Scope& scope, const std::string& arn) {
  auto found = store_.get(scope, kRule, arn);
  if (!found) throw AwsError{"RuleNotFoundException", "One or more rules not found"};
  return *found;
}

storage::Resource Elbv2Service::require_target_group(const storage::Scope& scope, const std::string& arn) {
  auto found = store_.get(scope, kTargetGroup, arn);
  if (!found) throw AwsError{"TargetGroupNotFoundException", "One or more target groups not found"};
  return *found;
}

bool Elbv2Service::uses_network_resource(const storage::Scope& scope, const std::string& resource_id) {
  for (const auto& load_balancer : store_.list(scope, kLoadBalancer)) {
    const Json& doc = load_balancer.document;
    if (doc.value("VpcId", "") == resource_id) return true;
    for (const auto& zone : doc.value("AvailabilityZones", Json::array()))
      if (zone.value("SubnetId", "") == resource_id) return true;
    for (const auto& group : doc.value("SecurityGroups", Json::array()))
      if (group == resource_id) return true;
  }
  for (const auto& target_group : store_.list(scope, kTargetGroup))
    if (target_group.document.value("VpcId", "") == resource_id) return true;
  return false;
}

namespace {

// Every target group an action list forwards to.
void collect_target_groups(const Json& actions, std::vector<std::string>& out) {
  for (const auto& action : actions) {
    if (action.value("Type", "") != "forward") continue;
    if (action.contains("TargetGroupArn")) out.push_back(action["TargetGroupArn"]);
    if (action.contains("ForwardConfig"))
      for (const auto& group : action["ForwardConfig"].value("TargetGroups", Json::array()))
        if (group.contains("TargetGroupArn")) out.push_back(group["TargetGroupArn"]);
  }
}

}  // namespace

std::vector<std::string> Elbv2Service::load_balancers_using(const storage::Scope& scope,
                                                            const std::string& target_group_arn) {
  std::map<std::string, std::string> load_balancer_of_listener;
  for (const auto& listener : store_.list(scope, kListener)) load_balancer_of_listener[listener.id] = listener.parent;
  std::vector<std::string> load_balancers;
  for (const auto& rule : store_.list(scope, kRule)) {
    std::vector<std::string> groups;
    collect_target_groups(rule.document.value("Actions", Json::array()), groups);
    if (std::find(groups.begin(), groups.end(), target_group_arn) == groups.end()) continue;
    const std::string& load_balancer = load_balancer_of_listener[rule.parent];
    if (!load_balancer.empty() &&
        std::find(load_balancers.begin(), load_balancers.end(), load_balancer) == load_balancers.end())
      load_balancers.push_back(load_balancer);
  }
  return load_balancers;
}

void Elbv2Service::changed() { deps_.changes.mark("elbv2"); }

double Elbv2Service::now() const { return std::round(Clock::now() * 1000) / 1000; }

ServiceDefinition Elbv2Service::definition() {
  ServiceDefinition definition;
  definition.model_name = "elbv2";
  using Method = Json (Elbv2Service::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateLoadBalancer", &Elbv2Service::create_load_balancer},
      {"DescribeLoadBalancers", &Elbv2Service::describe_load_balancers},
      {"DeleteLoadBalancer", &Elbv2Service::delete_load_balancer},
      {"SetSecurityGroups", &Elbv2Service::set_security_groups},
      {"SetSubnets", &Elbv2Service::set_subnets},
      {"SetIpAddressType", &Elbv2Service::set_ip_address_type},
      {"DescribeLoadBalancerAttributes", &Elbv2Service::describe_load_balancer_attributes},
      {"ModifyLoadBalancerAttributes", &Elbv2Service::modify_load_balancer_attributes},
      {"DescribeTargetGroupAttributes", &Elbv2Service::describe_target_group_attributes},
      {"ModifyTargetGroupAttributes", &Elbv2Service::modify_target_group_attributes},
      {"DescribeListenerAttributes", &Elbv2Service::describe_listener_attributes},
      {"ModifyListenerAttributes", &Elbv2Service::modify_listener_attributes},
      {"CreateTargetGroup", &Elbv2Service::create_target_group},
      {"DescribeTargetGroups", &Elbv2Service::describe_target_groups},
      {"ModifyTargetGroup", &Elbv2Service::modify_target_group},
      {"DeleteTargetGroup", &Elbv2Service::delete_target_group},
      {"RegisterTargets", &Elbv2Service::register_targets},
      {"DeregisterTargets", &Elbv2Service::deregister_targets},
      {"DescribeTargetHealth", &Elbv2Service::describe_target_health},
      {"CreateListener", &Elbv2Service::create_listener},
      {"DescribeListeners", &Elbv2Service::describe_listeners},
      {"ModifyListener", &Elbv2Service::modify_listener},
      {"DeleteListener", &Elbv2Service::delete_listener},
      {"AddListenerCertificates", &Elbv2Service::add_listener_certificates},
      {"RemoveListenerCertificates", &Elbv2Service::remove_listener_certificates},
      {"DescribeListenerCertificates", &Elbv2Service::describe_listener_certificates},
      {"CreateRule", &Elbv2Service::create_rule},
      {"DescribeRules", &Elbv2Service::describe_rules},
      {"ModifyRule", &Elbv2Service::modify_rule},
      {"DeleteRule", &Elbv2Service::delete_rule},
      {"SetRulePriorities", &Elbv2Service::set_rule_priorities},
      {"AddTags", &Elbv2Service::add_tags},
      {"RemoveTags", &Elbv2Service::remove_tags},
      {"DescribeTags", &Elbv2Service::describe_tags},
      {"DescribeSSLPolicies", &Elbv2Service::describe_ssl_policies},
      {"DescribeAccountLimits", &Elbv2Service::describe_account_limits},
      {"CreateTrustStore", &Elbv2Service::create_trust_store},
      {"DescribeTrustStores", &Elbv2Service::describe_trust_stores},
      {"DeleteTrustStore", &Elbv2Service::require_trust_store},
      {"ModifyTrustStore", &Elbv2Service::require_trust_store},
      {"AddTrustStoreRevocations", &Elbv2Service::require_trust_store},
      {"RemoveTrustStoreRevocations", &Elbv2Service::require_trust_store},
      {"DescribeTrustStoreRevocations", &Elbv2Service::require_trust_store},
      {"DescribeTrustStoreAssociations", &Elbv2Service::require_trust_store},
      {"DeleteSharedTrustStoreAssociation", &Elbv2Service::require_trust_store},
      {"GetTrustStoreCaCertificatesBundle", &Elbv2Service::require_trust_store},
      {"GetTrustStoreRevocationContent", &Elbv2Service::require_trust_store},
      {"GetResourcePolicy", &Elbv2Service::get_resource_policy},
      {"DescribeCapacityReservation", &Elbv2Service::describe_capacity_reservation},
      {"ModifyCapacityReservation", &Elbv2Service::modify_capacity_reservation},
      {"ModifyIpPools", &Elbv2Service::modify_ip_pools},
  };
  for (const auto& [name, method] : table)
    definition.handlers.emplace(name, [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  return definition;
}

}  // namespace albatross::elbv2
