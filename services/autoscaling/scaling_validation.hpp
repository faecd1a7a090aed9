#pragma once
// Pure checks of Application Auto Scaling input, throwing ValidationException as AWS does.

#include <string>

#include <nlohmann/json.hpp>

namespace albatross::autoscaling {

// The dimension belongs to the namespace and the resource id has that resource type's form
// (ECS: service/<cluster>/<service>).
void check_target_identity(const std::string& service_namespace, const std::string& dimension,
                           const std::string& resource_id);
// MinCapacity/MaxCapacity of a RegisterScalableTarget call, merged with the target's current ones (none for
// a new target): both required for a new target, non-negative, Min <= Max.
void check_capacities(const nlohmann::json& in, const nlohmann::json* current);
// PutScalingPolicy's PolicyType (default StepScaling) and the configuration it needs.
// Returns the policy type.
std::string check_scaling_policy(const nlohmann::json& in);

}  // namespace albatross::autoscaling
