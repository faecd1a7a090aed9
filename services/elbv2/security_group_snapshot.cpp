#include "services/elbv2/security_group_snapshot.hpp"

#include <algorithm>
#include <set>

#include "routing/rule_matcher.hpp"
#include "routing/security_group_filter.hpp"
#include "services/ec2/resource_types.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

std::optional<routing::IngressRule> ingress_rule_of(const Json& doc) {
  if (doc.value("IsEgress", false)) return std::nullopt;
  routing::IngressRule rule;
  const std::string protocol = doc.value("IpProtocol", "-1");
  rule.all_protocols = protocol == "-1";
  rule.tcp = protocol == "tcp" || protocol == "6";
  if (rule.tcp) {
    rule.from_port = doc.value("FromPort", 0);
    rule.to_port = doc.value("ToPort", 65535);
  }
  if (doc.contains("CidrIpv4")) rule.cidr = routing::parse_cidr(doc.value("CidrIpv4", ""));
  else if (doc.contains("CidrIpv6")) rule.cidr = routing::parse_cidr(doc.value("CidrIpv6", ""));
  else if (const auto ref = doc.find("ReferencedGroupInfo"); ref != doc.end()) rule.source_group = ref->value("GroupId", "");
  return rule;
}

std::vector<routing::Cidr> subnet_cidrs(const storage::ResourceStore& store, const storage::Scope& scope,
                                        const std::vector<std::string>& subnet_ids) {
  std::vector<routing::Cidr> out;
  for (const auto& id : subnet_ids) {
    const auto subnet = store.get(scope, ec2::kind::kSubnet, id);
    if (!subnet) continue;
    if (auto cidr = routing::parse_cidr(subnet->document.value("CidrBlock", ""))) out.push_back(*cidr);
    for (const auto& association : subnet->document.value("Ipv6CidrBlockAssociationSet", Json::array()))
      if (auto cidr = routing::parse_cidr(association.value("Ipv6CidrBlock", ""))) out.push_back(*cidr);
  }
  return out;
}

// An awsvpc task without security groups gets its VPC's default group, as on AWS.
std::vector<std::string> task_groups(const storage::ResourceStore& store, const TaskNetwork& task) {
  if (!task.security_groups.empty() || task.subnets.empty()) return task.security_groups;
  const auto subnet = store.get(task.scope, ec2::kind::kSubnet, task.subnets.front());
  if (!subnet) return {};
  const auto group = store.find_by_name(task.scope, ec2::kind::kSecurityGroup,
                                        subnet->document.value("VpcId", "") + "/default");
  if (!group) return {};
  return {group->id};
}

std::string task_key(const std::string& account, const std::string& region, const std::string& address) {
  return account + "/" + region + "/" + address;
}

// Load balancers (ARNs) whose listeners or rules forward to each target group.
std::map<std::string, std::set<std::string>> users_of_groups(const routing::Snapshot& snapshot) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& listener : snapshot.listeners)
    for (const auto& rule : listener.rules)
      for (const auto& group : rule.action.target_groups) out[group.arn].insert(listener.load_balancer_arn);
  return out;
}

}  // namespace

routing::SecurityPolicy ingress_policy(const storage::ResourceStore& store, const storage::Scope& scope,
                                       const std::vector<std::string>& group_ids) {
  routing::SecurityPolicy policy;
  policy.enforced = true;
  for (const auto& group : group_ids)
    for (const auto& rule : store.children(scope, ec2::kind::kSecurityGroupRule, group))
      if (auto ingress = ingress_rule_of(rule.document)) policy.rules.push_back(std::move(*ingress));
  return policy;
}

void apply_security_groups(routing::Snapshot& snapshot, const storage::ResourceStore& store,
                           const LoadBalancerSubnets& subnets, const std::vector<TaskNetwork>& tasks) {
  // Load balancers: their own policy, and how their targets see them (their groups, their subnets).
  std::map<std::string, routing::TrafficSource> as_seen_by_targets;
  for (auto& [arn, lb] : snapshot.load_balancers) {
    const storage::Scope scope{lb.account_id, lb.region};
    if (!lb.security_groups.empty()) lb.ingress = ingress_policy(store, scope, lb.security_groups);
    routing::TrafficSource source;
    source.security_groups = lb.security_groups;
    if (const auto found = subnets.find(arn); found != subnets.end())
      source.networks = subnet_cidrs(store, scope, found->second);
    as_seen_by_targets.emplace(arn, std::move(source));
  }
  // Tasks: as clients of load balancers, and as targets.
  std::map<std::string, routing::SecurityPolicy> task_targets;  // by account/region/address
  for (const auto& task : tasks) {
    const auto groups = task_groups(store, task);
    routing::TaskSource client{task.scope.account_id, task.scope.region, {}};
    client.source.address = routing::host_cidr(task.address);
    client.source.security_groups = groups;
    client.source.networks = subnet_cidrs(store, task.scope, task.subnets);
    snapshot.task_sources[task.address] = std::move(client);
    task_targets[task_key(task.scope.account_id, task.scope.region, task.address)] =
        ingress_policy(store, task.scope, groups);
  }
  const auto users = users_of_groups(snapshot);
  for (auto& [arn, group] : snapshot.target_groups) {
    const auto used_by = users.find(arn);
    if (used_by == users.end()) continue;  // no load balancer sends anything to it
    for (auto& target : group.targets) {
      const auto task = task_targets.find(task_key(group.account_id, group.region, target.id));
      if (task == task_targets.end()) continue;  // not an ECS task: its security groups are unknown
      auto admits = [&](int port) {
        return std::any_of(used_by->second.begin(), used_by->second.end(), [&](const std::string& lb) {
          const auto source = as_seen_by_targets.find(lb);
          return source != as_seen_by_targets.end() && routing::allows_tcp(task->second, port, source->second);
        });
      };
      target.traffic_blocked = !admits(target.port);
      target.health_check_blocked = !admits(routing::health_check_port_of(group, target));
    }
  }
}

}  // namespace albatross::elbv2
