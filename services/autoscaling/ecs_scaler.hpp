#pragma once
// Runs the target tracking policies of ECS services registered with Application Auto Scaling. Every minute
// (scaled by the time scale, like AWS's one-minute metrics) it takes one datapoint per policy —
// ECSServiceAverageCPUUtilization / MemoryUtilization from the RUNNING tasks' Docker stats,
// ALBRequestCountPerTarget from the data plane's request counter of the policy's target group — evaluates the
// policy's AlarmHigh/AlarmLow (target_tracking.hpp) and changes the service's desiredCount through ECS's own
// UpdateService, recording a scaling activity in AWS's wording. Lives on the control thread; Docker calls go
// to the worker pool, and a failing or slow daemon only costs datapoints (no data: no scaling).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/autoscaling/scaling_targets.hpp"
#include "services/autoscaling/target_tracking.hpp"
#include "services/autoscaling/task_usage.hpp"
#include "services/service.hpp"

namespace albatross {
class ChangeFeed;
class Clock;
class Scheduler;
}  // namespace albatross
namespace albatross::ecs {
class EcsService;
}
namespace albatross::docker {
class DockerClient;
}

namespace albatross::autoscaling {

// A target group's requests so far through one load balancer and its targets now (from the data plane).
struct TargetGroupRequests {
  unsigned long long requests = 0;
  int healthy_targets = 0;
  int registered_targets = 0;
};
using TrafficSource =
    std::function<std::optional<TargetGroupRequests>(const std::string& load_balancer_arn, const std::string& target_group_arn)>;

// TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType, or "".
std::string predefined_metric_type(const nlohmann::json& policy);

struct EcsScalerDependencies {
  storage::Database& db;
  const Clock& clock;
  Scheduler& scheduler;
  ChangeFeed& changes;
  ecs::EcsService& ecs;
  TrafficSource traffic;
};

class EcsScaler {
 public:
  explicit EcsScaler(EcsScalerDependencies deps);

  // Starts the periodic evaluation.
  void start();
  // Forgets all datapoints and cooldowns (after /_albatross/reset cancelled the timers) and starts again.
  void reset();
  // RegisterScalableTarget on AWS moves the resource's current capacity into the new range: sets the service's
  // desiredCount to the nearest bound when it is outside [min, max]. Inside the caller's transaction.
  void clamp_to_range(const RequestContext& ctx, const std::string& resource_id, long long min_capacity,
                      long long max_capacity);

 private:
  struct TaskContainers {
    std::vector<std::string> container_ids;
    TaskReservation reservation;
  };
  struct ServiceRound {
    EcsScalableService target;
    std::vector<TaskContainers> tasks;  // RUNNING tasks
  };
  using StatsMap = std::map<std::string, docker::ContainerStats>;
  struct PolicyState {
    DatapointWindow window;
    std::optional<unsigned long long> last_requests;
    double last_read = 0;
  };
  struct TargetState {
    CooldownState cooldowns;
    std::map<std::string, PolicyState> policies;  // by PolicyARN
  };

  void schedule();
  void tick();
  void evaluate(const std::vector<ServiceRound>& rounds, const StatsMap& stats);
  // ecs_service_metrics.cpp
  std::optional<double> datapoint(const ServiceRound& round, const nlohmann::json& policy, PolicyState& state,
                                  const StatsMap& stats, long long& measured_capacity);
  void apply(const ServiceRound& round, const ScalingDecision& decision, TargetState& state, double now);
  // Sets desiredCount through ECS's UpdateService handler and records the activity; in the caller's transaction.
  void set_desired_count(const storage::Scope& scope, const EcsScalableService& target, long long count,
                         const std::string& cause);
  std::optional<long long> desired_count(const storage::Scope& scope, const std::string& cluster,
                                         const std::string& service);
  double period_seconds() const;

  EcsScalerDependencies deps_;
  std::shared_ptr<docker::DockerClient> docker_;
  std::map<std::string, TargetState> targets_;  // by account|region|resource id
  StatsMap last_stats_;                         // previous sample per container id
  double last_evaluation_ = 0;                  // epoch seconds of the previous round
  bool sampling_ = false;                       // a round is waiting for Docker
  std::uint64_t epoch_ = 0;                     // bumped by reset: a round in flight is dropped
};

}  // namespace albatross::autoscaling
