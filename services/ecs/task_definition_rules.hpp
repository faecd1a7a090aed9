#pragma once
// RegisterTaskDefinition's rules (pure): AWS's per-launch-type checks (Fargate cpu/memory combinations,
// awsvpc and host port rules, container memory, essential containers, dependsOn, health checks, volumes)
// and the normalized document DescribeTaskDefinition returns (defaults filled in, cpu/memory as unit
// strings, compatibilities and requiresAttributes computed).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace albatross::ecs {

// "1 vCPU" / "1024" → 1024 CPU units; "2GB" / "2 GB" / "2048" → 2048 MiB. Empty optional when unreadable.
std::optional<int> parse_cpu_units(const std::string& text);
std::optional<int> parse_memory_mib(const std::string& text);

// Whether AWS Fargate offers a task size of `cpu` units with `memory` MiB.
bool fargate_size_supported(int cpu, int memory);

// Validates the RegisterTaskDefinition input (throws AwsError ClientException with AWS's wording) and
// returns the TaskDefinition document without taskDefinitionArn/revision/status/registeredAt/registeredBy.
nlohmann::json normalize_task_definition(const nlohmann::json& in);

// Whether a normalized task definition can run with `launch_type` (EC2, FARGATE, EXTERNAL).
bool supports_launch_type(const nlohmann::json& task_definition, const std::string& launch_type);

}  // namespace albatross::ecs
