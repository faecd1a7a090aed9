#pragma once
// The load balancers' data plane: worker threads with their own io_contexts, the listening sockets of
// every listener (reconciled with each published snapshot), the HTTP(S) proxy and the health checker.
// publish() and target_health() are called from the control thread.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "routing/health_registry.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

struct DataPlaneOptions {
  double time_scale = 1.0;
  int workers = 2;
  std::string state_dir;  // access logs go to <state_dir>/access-logs/<lb name>/; empty: no access logs
  // Addresses besides 127.0.0.1 where every shared listener port also listens (e.g. the Docker bridge gateway
  // 172.17.0.1, so that containers reach load balancers). Default none.
  std::vector<std::string> extra_listen_addresses;
};

// A target group's traffic as the auto scaler reads it: RequestCount through one load balancer so far, and
// its targets now (CloudWatch's RequestCountPerTarget divides by the healthy ones, else by all registered).
struct TargetGroupTraffic {
  unsigned long long requests = 0;
  int healthy_targets = 0;
  int registered_targets = 0;  // not draining
};

// A listening socket as it really is (the port may differ from the listener's when it could not be bound).
struct BoundEndpoint {
  std::string address;
  int configured_port = 0;
  int bound_port = 0;  // 0 = could not listen at all
  std::string protocol;
  std::vector<std::string> listener_arns;
  std::string error;  // why the configured port was not used
};

class DataPlane {
 public:
  explicit DataPlane(DataPlaneOptions options);
  ~DataPlane();
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  void start();
  void stop();
  // Swaps in a new configuration: opens/closes listening sockets, starts/stops health checks.
  void publish(SnapshotPtr snapshot);
  SnapshotPtr snapshot() const;
  std::optional<TargetHealthView> target_health(const std::string& target_group_arn, const std::string& target_id,
                                                int port) const;
  std::vector<BoundEndpoint> endpoints() const;
  // nullopt when the target group is not in the published configuration.
  std::optional<TargetGroupTraffic> target_group_traffic(const std::string& load_balancer_arn,
                                                         const std::string& target_group_arn) const;
  // GET /_albatross/metrics: CloudWatch-named counters in the Prometheus text format.
  std::string metrics_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace albatross::routing
