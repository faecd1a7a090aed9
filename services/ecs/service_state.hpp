#pragma once
// Conversions between the stored service documents (DescribeServices shapes plus private bookkeeping) and
// the deployment planner's plain structs (pure).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/ecs/deployment_planner.hpp"

namespace albatross::ecs {

double epoch_seconds(TimePoint time);
TimePoint time_point(double epoch_seconds);

// A new deployment entry (PRIMARY, IN_PROGRESS) in the API shape.
nlohmann::json new_deployment(const std::string& id, const nlohmann::json& service, double now);

// The planner's view of a stored service (its deployments and recent events).
Service planner_service(const nlohmann::json& service, int scaled_grace_seconds);
std::vector<Deployment> planner_deployments(const nlohmann::json& service);
// Writes the planner's deployments back: the API shape in "deployments", bookkeeping in "_deploymentState".
void store_deployments(nlohmann::json& service, const std::vector<Deployment>& deployments);

// Prepends events (given oldest first) as {id, createdAt, message}; keeps the newest 100.
void add_events(nlohmann::json& service, const std::vector<std::string>& messages, double now);

}  // namespace albatross::ecs
