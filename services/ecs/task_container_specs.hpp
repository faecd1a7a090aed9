#pragma once
// How one ECS task becomes Docker containers (pure): a ContainerSpec per container definition with the
// ECS agent's labels plus the emulator's owner/instance labels, overrides applied, ports published on
// 127.0.0.1 only, health checks (time-scaled intervals), volumes, links, volumesFrom, limits and stop timeouts.
// awsvpc: the first container that depends on nothing owns the task's network namespace and publishes every
// container's ports; the others join it ("container:<id>"), so they reach each other on localhost.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/docker/container_spec.hpp"

namespace albatross::ecs {

inline constexpr char kOwnerLabel[] = "albatross.owner";
inline constexpr char kOwnerValue[] = "albatross-ecs";
inline constexpr char kInstanceLabel[] = "albatross.instance";
inline constexpr char kTaskArnLabel[] = "com.amazonaws.ecs.task-arn";
inline constexpr char kContainerNameLabel[] = "com.amazonaws.ecs.container-name";
inline constexpr char kClusterLabel[] = "com.amazonaws.ecs.cluster";

struct Dependency {
  std::string container;
  std::string condition;  // START | COMPLETE | SUCCESS | HEALTHY
};

struct ContainerLaunch {
  std::string name;
  bool essential = true;
  std::vector<Dependency> depends_on;
  int stop_timeout_seconds = 30;
  bool joins_owner = false;  // awsvpc: network_mode is set to container:<owner id> once the owner exists
  docker::ContainerSpec spec;
};

struct TaskLaunchPlan {
  std::string network_mode;    // awsvpc | bridge | host | none
  std::string network_owner;   // awsvpc: the container owning the namespace
  std::vector<ContainerLaunch> containers;  // owner first, then in definition order, link/volumesFrom sources first
  std::vector<std::string> volumes;         // Docker volumes created for the task (removed with it)
};

struct LaunchOptions {
  std::string instance_id;
  std::function<double(double seconds)> scale_seconds;  // emulated delays (health-check interval, start period)
  std::map<std::string, std::string> image_references;  // image in the task definition → what to pull/run
  std::vector<std::string> extra_hosts;                 // "name:ip" added to every container
};

// Builds the containers of `task` (a Task document) from `task_definition`.
TaskLaunchPlan plan_task_containers(const nlohmann::json& task_definition, const nlohmann::json& task,
                                    const LaunchOptions& options);

// Whether `dependency` is met, given each container's state: started, exited (with its exit code), health.
struct ContainerState {
  bool created = false, started = false, exited = false;
  int exit_code = 0;
  std::string health;  // HEALTHY | UNHEALTHY | UNKNOWN
};
enum class DependencyStatus { Met, Waiting, Failed };
DependencyStatus dependency_status(const Dependency& dependency, const std::map<std::string, ContainerState>& states);

}  // namespace albatross::ecs
