#pragma once
// The Task documents DescribeTasks returns (pure): a new task built from its task definition, launch type,
// network configuration and overrides, and the lifecycle transitions (status, timestamps, version,
// stopCode/stoppedReason in AWS's wording, task health from the essential containers).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace albatross::ecs {

inline constexpr char kStopUserInitiated[] = "UserInitiated";
inline constexpr char kStopEssentialContainerExited[] = "EssentialContainerExited";
inline constexpr char kStopServiceSchedulerInitiated[] = "ServiceSchedulerInitiated";
inline constexpr char kStopTaskFailedToStart[] = "TaskFailedToStart";
inline constexpr char kEssentialContainerExitedReason[] = "Essential container in task exited";
inline constexpr char kUserStopReason[] = "Task stopped by user";

struct NewTask {
  std::string region, account_id;
  std::string cluster_arn, cluster_name;
  std::string task_id;  // 32 lowercase hex
  const nlohmann::json* task_definition = nullptr;
  std::string launch_type;             // EC2 | FARGATE | EXTERNAL
  std::string capacity_provider_name;  // empty when launched by launch type
  nlohmann::json network_configuration;  // awsvpcConfiguration, or null
  nlohmann::json overrides;              // TaskOverride, or null
  std::string group, started_by;
  std::string container_instance_arn;  // EC2 launch type: the cluster's emulated instance
  double now = 0;
};

// PROVISIONING, desiredStatus RUNNING, version 1; containers PENDING; an ENI attachment (PRECREATED) for awsvpc.
nlohmann::json new_task_document(const NewTask& task);

// Validates RunTask/StartTask overrides against the task definition (InvalidParameterException).
void check_overrides(const nlohmann::json& task_definition, const nlohmann::json& overrides);

// Moves lastStatus forward (never backward), bumps version, sets the state's timestamp.
void set_last_status(nlohmann::json& task, const std::string& status, double now);

// Records a stop request: desiredStatus STOPPED, stopCode, stoppedReason, stoppingAt. The first reason wins.
void request_stop(nlohmann::json& task, const std::string& stop_code, const std::string& reason, double now);

// Task healthStatus from its essential containers' healthStatus (§6.6).
std::string task_health(const nlohmann::json& task, const nlohmann::json& task_definition);

// The container entry of a task by name, or nullptr.
nlohmann::json* container_named(nlohmann::json& task, const std::string& name);

// The task's awsvpc private IPv4 address (attachment details), or empty.
std::string task_private_ip(const nlohmann::json& task);

// The id part of a task ARN (or the id itself).
std::string task_id_of(const std::string& task_arn_or_id);

}  // namespace albatross::ecs
