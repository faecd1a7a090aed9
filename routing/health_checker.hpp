#pragma once
// Probes every registered, non-draining target of every target group in use by a listener or rule, on the
// group's own schedule (interval, timeout, thresholds, path, port, matcher), all scaled by the time scale,
// and publishes each target's health to the HealthRegistry. Runs on one data-plane worker's io_context.

#include <map>
#include <memory>
#include <string>

#include "routing/health_registry.hpp"
#include "routing/snapshot.hpp"

namespace boost::asio {
class io_context;
}

namespace albatross::routing {

class HealthChecker {
 public:
  HealthChecker(boost::asio::io_context& io, HealthRegistry& registry, double time_scale);
  ~HealthChecker();
  // Starts, reconfigures and stops probing to match the snapshot. Call on the checker's io_context thread.
  void update(const SnapshotPtr& snapshot);

 private:
  struct Session;
  void publish(Session& session);
  boost::asio::io_context& io_;
  HealthRegistry& registry_;
  double time_scale_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
};

}  // namespace albatross::routing
