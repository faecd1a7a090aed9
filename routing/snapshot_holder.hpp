#pragma once
// The current routing snapshot, shared between the control thread (which publishes) and the data-plane
// workers (which read once per request). Lock-free swap of an immutable value.

#include <atomic>
#include <memory>

#include "routing/snapshot.hpp"

namespace albatross::routing {

class SnapshotHolder {
 public:
  SnapshotHolder() : current_(std::make_shared<const Snapshot>()) {}
  SnapshotPtr get() const { return current_.load(std::memory_order_acquire); }
  void publish(SnapshotPtr snapshot) { current_.store(std::move(snapshot), std::memory_order_release); }

 private:
  std::atomic<SnapshotPtr> current_;
};

}  // namespace albatross::routing
