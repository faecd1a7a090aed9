#pragma once
// Runs ECS tasks as Docker containers. Lives on the control thread: Docker calls run on the scheduler's
// worker pool (Scheduler::offload) and their results come back to the control thread, where each state
// change is committed in its own DB transaction. Container exits and health changes come from the Docker
// event stream (its own thread; events are queued and drained on the control thread in order).
//
// Lifecycle: reconcile() (after every committed "ecs" change) launches PROVISIONING tasks
// (PENDING: pull if missing, create; then start containers as their dependsOn conditions are met; RUNNING
// once every essential container runs) and stops tasks whose desiredStatus is STOPPED (STOPPING: SIGTERM,
// SIGKILL after stopTimeout; STOPPED once every container exited; containers then removed).
// Only containers labelled with this emulator's instance id are ever touched.

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "services/docker/docker_objects.hpp"
#include "services/ecs/task_container_specs.hpp"
#include "storage/resource_store.hpp"

namespace albatross::docker {
class DockerClient;
class EventStream;
class LogFollower;
}  // namespace albatross::docker

namespace albatross::ecs {

class EcsService;

struct PublishedEndpoint {
  std::string host;  // always 127.0.0.1
  int port = 0;
};

class TaskRuntime {
 public:
  TaskRuntime(EcsService& ecs, std::string instance_id);
  ~TaskRuntime();
  TaskRuntime(const TaskRuntime&) = delete;
  TaskRuntime& operator=(const TaskRuntime&) = delete;

  // Starts the event stream and re-adopts (or cleanly stops) the containers of a previous run.
  void start();
  // Stops watching Docker and stops every awslogs follower (none pushes into the log sink once this returns);
  // containers keep running so that the next start re-adopts them.
  void shutdown();
  void reconcile();
  // Removes every container of this instance (synchronously) and forgets all tasks.
  void reset();

  // Where a task's address:port is reachable from this host (thread-safe; called by the data plane).
  // Keys: awsvpc task IP + containerPort, bridge container IP + containerPort, or the cluster's emulated
  // EC2 instance id + hostPort.
  std::optional<PublishedEndpoint> published_endpoint(const std::string& address, int port) const;

  // Called on the control thread after a task's stored state changed (the service scheduler listens).
  using TaskListener = std::function<void(const storage::Scope&, const std::string& task_arn)>;
  void set_task_listener(TaskListener listener) { listener_ = std::move(listener); }

  // The emulated EC2 instance id of a cluster's container instance (bridge/host targets register with it).
  static std::string instance_id_for(const std::string& container_instance_arn);

  docker::DockerClient& docker() { return *docker_; }
  const std::string& instance_id() const { return instance_id_; }

 private:
  struct Tracked {
    storage::Scope scope;
    std::string arn;
    TaskLaunchPlan plan;
    std::map<std::string, std::string> ids;  // container name → Docker id
    std::map<std::string, ContainerState> states;
    std::set<std::string> starting, oom_killed;
    bool launching = false, stopping = false;
    std::vector<std::shared_ptr<docker::LogFollower>> log_followers;  // awslogs
  };
  struct Created;

  // task_runtime.cpp: launching
  void launch(const storage::Scope& scope, const storage::Resource& task);
  void on_created(const std::string& arn, const std::shared_ptr<Created>& result);
  void start_ready(const std::string& arn);
  void on_started(const std::string& arn, const std::string& name, const std::shared_ptr<docker::ContainerInfo>& info,
                  const std::string& error);
  void record_endpoints(Tracked& task, const std::string& name, const docker::ContainerInfo& info, nlohmann::json& doc);
  // task_runtime_stop.cpp: stopping, events, adoption
  void begin_stop(const storage::Scope& scope, const std::string& arn);
  void escalate(const std::string& arn);
  void verify_exits(const std::string& arn);
  void container_exited(const std::string& arn, const std::string& name, std::optional<int> exit_code);
  void finish_stop(const std::string& arn);
  static bool all_exited(const Tracked& task);  // every container exited and no start still in flight
  void fail_start(const std::string& arn, const std::string& reason);
  void enqueue_event(const docker::DockerEvent& event);  // event-stream thread
  void drain_events();
  void on_event(const docker::DockerEvent& event);
  void resync();
  void adopt(const std::vector<docker::ContainerInfo>& containers);
  void remove_containers(std::vector<std::string> ids, std::vector<std::string> volumes);

  // Loads the task, applies `change`, stores it in one transaction; false when the task is gone.
  bool update_task(const storage::Scope& scope, const std::string& arn, const std::function<void(nlohmann::json&)>& change);
  void notify(const storage::Scope& scope, const std::string& arn);
  LaunchOptions launch_options(const storage::Scope& scope, const nlohmann::json& task_definition);
  std::optional<nlohmann::json> task_definition_of(const storage::Scope& scope, const nlohmann::json& task);
  void forget_endpoints(const std::string& arn);
  // awslogs: follows the container's output into CloudWatch Logs (stream <prefix>/<container>/<task id>).
  // from_ms > 0 (re-adoption): only lines written from then on (what came before went to the previous run).
  void follow_logs(Tracked& task, const std::string& name, const std::string& container_id,
                   const nlohmann::json& task_definition, std::int64_t from_ms = 0);

  EcsService& ecs_;
  std::string instance_id_;
  std::shared_ptr<docker::DockerClient> docker_;
  // Bumped by reset(): work already on the pool that created containers for a forgotten task removes them.
  std::shared_ptr<std::atomic<std::uint64_t>> epoch_ = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::unique_ptr<docker::EventStream> events_;
  std::map<std::string, Tracked> tracked_;
  // Followers of stopped tasks still reading their containers' last lines (released once finished).
  std::vector<std::shared_ptr<docker::LogFollower>> draining_followers_;
  std::map<std::string, std::string> registry_auth_;  // image reference → X-Registry-Auth (launch-time)
  TaskListener listener_;

  mutable std::mutex endpoints_mutex_;
  std::map<std::pair<std::string, int>, std::pair<int, std::string>> endpoints_;  // → host port, task ARN

  std::mutex queue_mutex_;
  std::deque<docker::DockerEvent> queue_;
  bool drain_posted_ = false;
  bool resync_wanted_ = false;
};

}  // namespace albatross::ecs
