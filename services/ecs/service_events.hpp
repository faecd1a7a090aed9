#pragma once
// Service event messages (`services[].events[].message`) in AWS's exact wording (spec §6.4).
// Pure string formatting: the caller adds the event id and createdAt.

#include <string>
#include <vector>

namespace albatross::ecs::events {

// "(service s) has started 2 tasks: (task a) (task b)." — with replaced_unhealthy > 0 the sentence
// " Amazon ECS replaced N tasks due to an unhealthy status." is appended.
std::string tasks_started(const std::string& service, const std::vector<std::string>& task_ids,
                          int replaced_unhealthy = 0);
std::string running_tasks_stopped(const std::string& service, const std::vector<std::string>& task_ids);
std::string pending_tasks_stopped(const std::string& service, int count);
std::string targets_registered(const std::string& service, int count, const std::string& target_group_arn);
std::string targets_deregistered(const std::string& service, int count, const std::string& target_group_arn);
std::string draining_began(const std::string& service, const std::string& deployment_id, int count);
std::string target_unhealthy(const std::string& service, const std::string& task_id, int port,
                             const std::string& target_group_arn, const std::string& reason);
std::string container_health_failed(const std::string& service, const std::string& task_id);
std::string deployment_completed(const std::string& service, const std::string& deployment_id);
std::string steady_state(const std::string& service);
std::string deployment_failed(const std::string& service, const std::string& deployment_id);
std::string rolling_back(const std::string& service, const std::string& deployment_id);
std::string unable_to_start_consistently(const std::string& service);
std::string deployment_stuck(const std::string& service);
std::string unable_to_place(const std::string& service);

// Task stoppedReason texts (spec §6.2).
std::string scaling_stop_reason(const std::string& deployment_id);
std::string elb_health_stop_reason(const std::string& target_group_arn);
inline constexpr const char* kContainerHealthStopReason = "Task failed container health checks";

// Deployment rolloutStateReason texts (spec §6.3).
std::string rollout_in_progress_reason(const std::string& deployment_id);
std::string rollout_completed_reason(const std::string& deployment_id);
std::string rollout_rollback_reason(const std::string& completed_deployment_id);
inline constexpr const char* kCircuitBreakerFailedReason = "ECS deployment circuit breaker: tasks failed to start.";

}  // namespace albatross::ecs::events
