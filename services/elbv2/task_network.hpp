#pragma once
// An ECS awsvpc task's place in the network, as security-group filtering needs it: ECS lists its running
// tasks' (services/ecs), the routing snapshot builder (security_group_snapshot) turns them into policies.

#include <string>
#include <vector>

#include "storage/resource_store.hpp"

namespace albatross::elbv2 {

struct TaskNetwork {
  storage::Scope scope;
  std::string address;                       // the task's private IPv4 address (its container's bridge address)
  std::vector<std::string> security_groups;  // as configured; empty: the default group of its subnets' VPC
  std::vector<std::string> subnets;
};

}  // namespace albatross::elbv2
