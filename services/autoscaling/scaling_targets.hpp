#pragma once
// What the ECS service scaler (ecs_scaler.hpp) reads and writes: which ECS services are scalable targets, with
// their capacities, suspended state and scaling policies, and a way to record what the scaler did so that
// DescribeScalingActivities shows it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::autoscaling {

struct EcsScalableService {
  storage::Scope scope;
  std::string resource_id;  // service/<cluster>/<service>
  std::string cluster;
  std::string service;
  long long min_capacity = 0;
  long long max_capacity = 0;
  nlohmann::json suspended_state;          // SuspendedState shape
  std::vector<nlohmann::json> policies;    // ScalingPolicy shapes, in creation order
};

// Every ECS service registered as a scalable target (ecs:service:DesiredCount), in every account and region.
std::vector<EcsScalableService> ecs_scalable_services(storage::Database& db);

struct ScalingActivityRecord {
  std::string description;  // e.g. "Setting desired count to 3."
  std::string cause;        // e.g. "monitor alarm ... in state ALARM triggered policy cpu"
  std::string status_code = "Successful";  // Pending, InProgress, Successful, Overridden, Unfulfilled, Failed
  std::string status_message;
};
// Adds an activity for the ECS service's scalable target (no-op when the target is gone). Returns its ActivityId.
std::string record_ecs_scaling_activity(storage::Database& db, const storage::Scope& scope,
                                        const std::string& resource_id, const ScalingActivityRecord& record);

}  // namespace albatross::autoscaling
