#include "services/ecs/service_events.hpp"

namespace albatross::ecs::events {
namespace {

std::string svc(const std::string& service) { return "(service " + service + ")"; }

std::string task_list(const std::vector<std::string>& task_ids) {
  std::string out;
  for (const auto& id : task_ids) {
    if (!out.empty()) out += ' ';
    out += "(task " + id + ")";
  }
  return out;
}

}  // namespace

std::string tasks_started(const std::string& service, const std::vector<std::string>& task_ids,
                          int replaced_unhealthy) {
  std::string out =
      svc(service) + " has started " + std::to_string(task_ids.size()) + " tasks: " + task_list(task_ids) + ".";
  if (replaced_unhealthy > 0)
    out += " Amazon ECS replaced " + std::to_string(replaced_unhealthy) + " tasks due to an unhealthy status.";
  return out;
}

std::string running_tasks_stopped(const std::string& service, const std::vector<std::string>& task_ids) {
  return svc(service) + " has stopped " + std::to_string(task_ids.size()) + " running tasks: " + task_list(task_ids) +
         ".";
}

std::string pending_tasks_stopped(const std::string& service, int count) {
  return svc(service) + " stopped " + std::to_string(count) + " pending tasks.";
}

// AWS writes these two without a final period.
std::string targets_registered(const std::string& service, int count, const std::string& target_group_arn) {
  return svc(service) + " registered " + std::to_string(count) + " targets in (target-group " + target_group_arn + ")";
}

std::string targets_deregistered(const std::string& service, int count, const std::string& target_group_arn) {
  return svc(service) + " deregistered " + std::to_string(count) + " targets in (target-group " + target_group_arn +
         ")";
}

std::string draining_began(const std::string& service, const std::string& deployment_id, int count) {
  return "(service " + service + ", taskSet " + deployment_id + ") has begun draining connections on " +
         std::to_string(count) + " tasks.";
}

std::string target_unhealthy(const std::string& service, const std::string& task_id, int port,
                             const std::string& target_group_arn, const std::string& reason) {
  return svc(service) + " (task " + task_id + ") (port " + std::to_string(port) + ") is unhealthy in (target-group " +
         target_group_arn + ") due to (reason " + reason + ").";
}

std::string container_health_failed(const std::string& service, const std::string& task_id) {
  return svc(service) + " (task " + task_id + ") failed container health checks.";
}

std::string deployment_completed(const std::string& service, const std::string& deployment_id) {
  return svc(service) + " (deployment " + deployment_id + ") deployment completed.";
}

std::string steady_state(const std::string& service) { return svc(service) + " has reached a steady state."; }

std::string deployment_failed(const std::string& service, const std::string& deployment_id) {
  return svc(service) + " (deployment " + deployment_id + ") deployment failed: tasks failed to start.";
}

std::string rolling_back(const std::string& service, const std::string& deployment_id) {
  return svc(service) + " rolling back to deployment " + deployment_id + ".";
}

std::string unable_to_start_consistently(const std::string& service) {
  return svc(service) + " is unable to consistently start tasks successfully.";
}

// Note the different prefix: AWS writes "service (<name>)" in these two messages.
std::string deployment_stuck(const std::string& service) {
  return "service (" + service +
         ") was unable to stop or start tasks during a deployment because of the service deployment "
         "configuration. Update the minimumHealthyPercent or maximumPercent value and try again.";
}

std::string unable_to_place(const std::string& service) {
  return "service (" + service +
         ") was unable to place a task because no container instance met all of its requirements.";
}

std::string scaling_stop_reason(const std::string& deployment_id) {
  return "Scaling activity initiated by (deployment " + deployment_id + ")";
}

std::string elb_health_stop_reason(const std::string& target_group_arn) {
  return "Task failed ELB health checks in (target-group " + target_group_arn + ")";
}

std::string rollout_in_progress_reason(const std::string& deployment_id) {
  return "ECS deployment " + deployment_id + " in progress.";
}

std::string rollout_completed_reason(const std::string& deployment_id) {
  return "ECS deployment " + deployment_id + " completed.";
}

std::string rollout_rollback_reason(const std::string& completed_deployment_id) {
  return "ECS deployment circuit breaker: rolling back to deploymentId " + completed_deployment_id + ".";
}

}  // namespace albatross::ecs::events
