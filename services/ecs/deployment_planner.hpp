#pragma once
// The decision core of the ECS service scheduler (rolling update, deploymentController ECS; spec §6.3–6.5).
// Pure: the caller snapshots one service, its deployments and its tasks, passes `now`, and applies the
// returned Plan (launch tasks, stop tasks, store the deployments, append the events). No I/O, no clock.
//
// Decisions (AWS documentation where it says something, our choice where it does not):
// - Bounds: at most floor(D × maximumPercent / 100) tasks with desiredStatus RUNNING and lastStatus not
//   STOPPED ("RUNNING or PENDING"; tasks already told to stop do not count); at least
//   ceil(D × minimumHealthyPercent / 100) healthy tasks while stopping healthy ones.
// - Healthy: RUNNING, and every target healthy (with load balancers), and the container health HEALTHY
//   (when an essential container has a health check). Without both, a task counts as healthy
//   `healthy_settle` (AWS: 40 s) after it reached RUNNING.
// - Unhealthy past healthCheckGracePeriodSeconds (from startedAt): any target `unhealthy`, or container
//   health UNHEALTHY. Such tasks are replaced first (a new task launched within maximumPercent) and stopped
//   once a healthy task covers them; when maximumPercent leaves no room, one is stopped per plan to make room.
// - Stop order: old deployments first (oldest first), pending before running, not healthy before healthy;
//   ties go to the availability zone holding most of the service's tasks, then to the newest task.
// - Circuit breaker: threshold clamp(ceil(D / 2), 3, 200). A failure is a task of the PRIMARY deployment
//   that stops on its own (not by the user or the scheduler) or that the scheduler stops for failed health
//   checks. Once the deployment has one healthy task, failedTasks resets to 0 and is no longer evaluated.
//   FAILED with rollback: a new PRIMARY deployment of the newest COMPLETED deployment's task definition;
//   that COMPLETED deployment goes back to IN_PROGRESS, so a failing rollback cannot roll back again (AWS).
//   FAILED without rollback: the service stalls (nothing started or stopped).
// - Throttle: after `throttle_after` consecutive tasks that never reached RUNNING, launches wait
//   throttle_base × 2^(n - throttle_after), at most throttle_max (AWS: up to 27 min); reset when a task of
//   the deployment is RUNNING or by a new deployment.
// - Completion / steady state: only the PRIMARY's tasks remain (none still stopping or draining), exactly
//   desiredCount of them, all healthy. An IN_PROGRESS PRIMARY becomes COMPLETED ("deployment completed."
//   then "has reached a steady state.") and the other deployments are dropped.
// - Nothing possible during a deployment (no start within the max, no stop within the min, every task
//   healthy, nothing draining): the "unable to stop or start tasks" event.
// - Repeated conditions (steady state, stuck, throttled) are not re-emitted while the newest event already
//   says so and is younger than `repeat_interval` (AWS repeats the steady state about every 6 hours).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "routing/health_state.hpp"

namespace albatross::ecs {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct CircuitBreaker {
  bool enable = false;
  bool rollback = false;
};

struct DeploymentConfiguration {
  int minimum_healthy_percent = 100;
  int maximum_percent = 200;
  CircuitBreaker circuit_breaker;
};

struct ServiceEvent {
  std::string message;
  TimePoint created_at;
};

struct Service {
  std::string name;
  int desired_count = 0;
  DeploymentConfiguration deployment_configuration;
  int health_check_grace_period_seconds = 0;
  bool has_load_balancers = false;
  std::vector<ServiceEvent> recent_events;  // newest first (only the newest is looked at)
};

struct Deployment {
  std::string id;               // ecs-svc/<19 digits>
  std::string status;           // PRIMARY | ACTIVE
  std::string task_definition;  // ARN
  int desired_count = 0;
  int pending_count = 0;
  int running_count = 0;
  int failed_tasks = 0;
  std::string rollout_state;  // IN_PROGRESS | COMPLETED | FAILED
  std::string rollout_state_reason;
  TimePoint created_at;
  TimePoint updated_at;
  // Scheduler bookkeeping, kept by the caller between plans (not part of the API shape).
  bool had_healthy_task = false;               // the circuit breaker stops evaluating after the first healthy task
  int consecutive_start_failures = 0;          // tasks that never reached RUNNING, in a row
  std::optional<TimePoint> launch_not_before;  // throttle
};

enum class ContainerHealth { NotConfigured, Unknown, Healthy, Unhealthy };  // over essential containers

struct TaskTarget {
  std::string target_group_arn;
  int port = 0;
  routing::HealthState state = routing::HealthState::Initial;
  std::string description;  // TargetHealth.Description, used in the "is unhealthy" event
};

struct Task {
  std::string id;             // 32 hex
  std::string deployment_id;  // startedBy
  std::string last_status;    // PROVISIONING … RUNNING … STOPPED
  std::string desired_status = "RUNNING";
  std::string availability_zone;        // may be empty
  std::optional<TimePoint> started_at;  // reached RUNNING (required for a RUNNING task to count)
  // One per load balancer of the service; list a target group not registered yet as Initial, else a task
  // registered in only some of its target groups would look healthy.
  std::vector<TaskTarget> targets;
  ContainerHealth container_health = ContainerHealth::NotConfigured;
  // STOPPED tasks: TaskFailedToStart / EssentialContainerExited (or empty) count as circuit-breaker failures
  // of the PRIMARY deployment; UserInitiated / ServiceSchedulerInitiated do not. A failure without
  // started_at (never reached RUNNING) also feeds the launch throttle.
  std::string stop_code;
  bool acknowledged = false;  // STOPPED tasks only: already reported in an earlier Plan::acknowledged
};

// AWS's fixed delays; the caller multiplies them by --time-scale.
struct Timings {
  std::chrono::seconds healthy_settle{40};
  std::chrono::seconds repeat_interval{6 * 3600};
  int throttle_after = 3;
  std::chrono::seconds throttle_base{15};
  std::chrono::seconds throttle_max{27 * 60};
};

struct PlanInput {
  Service service;
  std::vector<Deployment> deployments;  // any order; exactly one PRIMARY
  std::vector<Task> tasks;              // live tasks and not-yet-acknowledged STOPPED ones
  TimePoint now;
  Timings timings;
  // Id makers (tests pass deterministic ones); empty: random ids in AWS's shapes.
  std::function<std::string()> make_task_id;
  std::function<std::string()> make_deployment_id;
};

struct TaskLaunch {
  std::string task_id;
  std::string deployment_id;
  std::string task_definition;
};

struct TaskStop {
  std::string task_id;
  std::string stop_code;       // ServiceSchedulerInitiated
  std::string stopped_reason;  // AWS's wording (§6.2)
};

struct Plan {
  std::vector<TaskLaunch> launches;
  std::vector<TaskStop> stops;
  std::vector<Deployment> deployments;           // the new list, newest first (replaces the input list)
  std::vector<std::string> dropped_deployments;  // ids that became INACTIVE and leave the list
  std::string created_deployment;                // id of a rollback deployment created by this plan, or empty
  std::vector<std::string> acknowledged;         // STOPPED task ids whose consequences are in this plan
  std::vector<std::string> events;               // service event messages, oldest first
  bool steady = false;                           // the service is at its steady state
};

// Applying a plan: store `deployments` (drop the others), mark `acknowledged` tasks so they are not passed
// again as unacknowledged, stop each of `stops` (desiredStatus STOPPED, deregister, drain, SIGTERM), create
// each of `launches` (startedBy = deployment id), then add `events` in order (the newest ends up first).
Plan plan(const PlanInput& input);

// Helpers, exposed for the caller and for tests.
int max_tasks(int desired_count, int maximum_percent);                  // floor
int min_healthy_tasks(int desired_count, int minimum_healthy_percent);  // ceil
int circuit_breaker_threshold(int desired_count);                       // clamp(ceil(D/2), 3, 200)
bool is_healthy(const Task& task, bool has_load_balancers, TimePoint now, const Timings& timings);
// The reason to replace the task (its stoppedReason), or nullopt while it is not unhealthy past the grace.
std::optional<std::string> unhealthy_reason(const Task& task, const Service& service, TimePoint now);

}  // namespace albatross::ecs
