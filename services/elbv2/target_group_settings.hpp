#pragma once
// Target group protocol and health-check settings: AWS's defaults per protocol and target type, and
// their validation (CreateTargetGroup, ModifyTargetGroup). Pure functions; errors are AwsError values.

#include <nlohmann/json.hpp>

namespace albatross::elbv2 {

// A new target group's document fields (everything but ARN, name and VpcId) from CreateTargetGroup input,
// defaults filled in. Throws ValidationError for missing or inconsistent settings.
nlohmann::json target_group_settings(const nlohmann::json& in);

// `current` with ModifyTargetGroup's health-check changes applied and validated.
nlohmann::json modified_health_check(const nlohmann::json& current, const nlohmann::json& in);

}  // namespace albatross::elbv2
