#pragma once
// Builds the data plane's routing snapshot from the committed ELBv2 state of every account and region
// (load balancers, listeners, rules, target groups, targets) and the ACM certificates the listeners use.
// Runs on the control thread after each committed change.

#include <cstdint>

#include "routing/snapshot.hpp"

namespace albatross::storage {
class ResourceStore;
}
namespace albatross::acm {
class AcmService;
}

namespace albatross::elbv2 {

routing::SnapshotPtr build_snapshot(const storage::ResourceStore& store, const acm::AcmService& acm,
                                    std::uint64_t version);

}  // namespace albatross::elbv2
