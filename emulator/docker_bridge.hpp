#pragma once
// Where containers on Docker's default bridge network see this host: the bridge's gateway address. The data
// plane also listens there and ECS tasks get the load balancers' DNS names mapped to it in /etc/hosts, so a
// container can call a load balancer by name as on AWS.

#include <optional>
#include <string>

namespace albatross {

// The gateway of Docker's "bridge" network (e.g. 172.17.0.1), or nothing when Docker does not answer within
// a second (no daemon: containers cannot run anyway).
std::optional<std::string> docker_bridge_gateway();

}  // namespace albatross
