#pragma once
// Builds the data plane's routing snapshot from the committed ELBv2 state of every account and region
// (load balancers, listeners, rules, target groups, targets) and the ACM certificates the listeners use.
// Runs on the control thread after each committed change.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "routing/snapshot.hpp"
#include "services/elbv2/task_network.hpp"

namespace albatross::storage {
class ResourceStore;
}
namespace albatross::acm {
class AcmService;
}

namespace albatross::elbv2 {

// Maps a registered target (Id, port) to the address the data plane really connects to, e.g. an ECS task's
// private IP and container port to the port Docker published on 127.0.0.1. nullopt: connect to Id:port.
using TargetAddressResolver =
    std::function<std::optional<std::pair<std::string, int>>(const std::string& target_id, int port)>;

// Security groups filter the load balancers' traffic when `enabled` (the --security-groups flag); `tasks` are the
// running ECS awsvpc tasks, as targets and as clients.
struct SecurityGroupFiltering {
  bool enabled = false;
  std::vector<TaskNetwork> tasks;
};

// `resolver` (optional) is applied to each target's traffic port and health-check port.
routing::SnapshotPtr build_snapshot(const storage::ResourceStore& store, const acm::AcmService& acm,
                                    std::uint64_t version, const TargetAddressResolver& resolver = {},
                                    const SecurityGroupFiltering& filtering = {});

}  // namespace albatross::elbv2
