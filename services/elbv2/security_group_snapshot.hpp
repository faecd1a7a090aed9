#pragma once
// The security-group part of the routing snapshot, read from EC2's stored groups, rules and subnets: each load
// balancer's ingress policy, whether each ECS task target lets its load balancers in (traffic and health-check
// port), and ECS tasks as clients of load balancers. Runs on the control thread while the snapshot is built.

#include <map>
#include <string>
#include <vector>

#include "routing/snapshot.hpp"
#include "services/elbv2/task_network.hpp"

namespace albatross::elbv2 {

// Subnet ids of each load balancer (by ARN), as its AvailabilityZones name them.
using LoadBalancerSubnets = std::map<std::string, std::vector<std::string>>;

void apply_security_groups(routing::Snapshot& snapshot, const storage::ResourceStore& store,
                           const LoadBalancerSubnets& subnets, const std::vector<TaskNetwork>& tasks);

// EC2's stored ingress rules of `group_ids` (unknown groups contribute none), as one enforced policy.
routing::SecurityPolicy ingress_policy(const storage::ResourceStore& store, const storage::Scope& scope,
                                       const std::vector<std::string>& group_ids);

}  // namespace albatross::elbv2
