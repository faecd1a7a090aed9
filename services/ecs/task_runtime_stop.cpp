// TaskRuntime, stopping and watching: STOPPING (SIGTERM, SIGKILL after stopTimeout) → STOPPED once every
// container exited; Docker events (die, oom, health_status) on the control thread; re-adoption at start.

#include <algorithm>
#include <chrono>
#include <thread>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/docker/docker_client.hpp"
#include "services/docker/event_stream.hpp"
#include "services/docker/log_follower.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/task_documents.hpp"
#include "services/ecs/task_runtime.hpp"
#include "storage/database.hpp"

namespace albatross::ecs {

using Json = nlohmann::json;

namespace {
constexpr std::chrono::milliseconds kExitCheckDelay{2000};  // after SIGKILL, in case an event was lost
}

void TaskRuntime::start() {
  docker::EventStreamOptions options;
  options.label_filter = {{kInstanceLabel, instance_id_}};
  options.types = {"container"};
  options.on_event = [this](const docker::DockerEvent& event) { enqueue_event(event); };
  options.on_connected = [this] {
    std::lock_guard lock(queue_mutex_);
    resync_wanted_ = true;
    queue_.push_back({});  // an empty event asks the drain to resync
    if (!drain_posted_) {
      drain_posted_ = true;
      ecs_.scheduler().offload([] {}, [this] { drain_events(); });
    }
  };
  options.on_disconnected = [](const std::string& why) { log::warn("ecs: Docker event stream lost: " + why); };
  events_ = std::make_unique<docker::EventStream>(*docker_, options);

  auto docker = docker_;
  auto found = std::make_shared<std::vector<docker::ContainerInfo>>();
  const docker::Labels labels = {{kInstanceLabel, instance_id_}};
  ecs_.scheduler().offload(
      [docker, found, labels] {
        for (const auto& summary : docker->list_containers(labels))
          if (auto info = docker->inspect_container(summary.id)) found->push_back(*info);
      },
      [this, found] { adopt(*found); });
}

void TaskRuntime::shutdown() {
  if (events_) events_->stop();
  events_.reset();
  // Followers push into the CloudWatch Logs sink from their own threads: stop them all while it still exists.
  for (auto& [arn, task] : tracked_)
    for (const auto& follower : task.log_followers) follower->stop();
  for (const auto& follower : draining_followers_) follower->stop();
  draining_followers_.clear();
}

void TaskRuntime::reset() {
  ++*epoch_;
  // Synchronous on purpose: after a reset none of this instance's containers may remain. A removal already
  // in progress elsewhere (a task that just stopped) answers 409, so wait a little for the list to empty.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  try {
    for (;;) {
      const auto left = docker_->list_containers({{kInstanceLabel, instance_id_}});
      if (left.empty() || std::chrono::steady_clock::now() > deadline) break;
      for (const auto& summary : left) {
        try {
          docker_->remove_container(summary.id, true, true);
        } catch (const std::exception& e) {
          log::debug("ecs: reset: " + std::string(e.what()));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (const std::exception& e) {
    log::warn(std::string("ecs: reset could not remove containers: ") + e.what());
  }
  tracked_.clear();
  {
    // The scheduler dropped everything posted before the reset, a pending drain included.
    std::lock_guard lock(queue_mutex_);
    queue_.clear();
    drain_posted_ = false;
  }
  std::lock_guard lock(endpoints_mutex_);
  endpoints_.clear();
}

void TaskRuntime::remove_containers(std::vector<std::string> ids, std::vector<std::string> volumes) {
  if (ids.empty() && volumes.empty()) return;
  auto docker = docker_;
  ecs_.scheduler().offload(
      [docker, ids, volumes] {
        for (const auto& id : ids) {
          try {
            docker->remove_container(id, true, true);
          } catch (const std::exception& e) {
            log::warn("ecs: cannot remove container " + id + ": " + e.what());
          }
        }
        (void)volumes;  // task-scoped volumes are anonymous-by-name; removed with `volumes=true` where possible
      },
      [] {});
}

void TaskRuntime::fail_start(const std::string& arn, const std::string& reason) {
  const auto found = tracked_.find(arn);
  storage::Scope scope;
  if (found != tracked_.end()) {
    scope = found->second.scope;
  } else {
    for (const auto& [where, task] : ecs_.store().list_everywhere(kTask))
      if (task.id == arn) scope = where;
  }
  const double now = ecs_.now();
  update_task(scope, arn, [&](Json& doc) { request_stop(doc, kStopTaskFailedToStart, reason, now); });
  log::info("ecs: task " + arn + " failed to start: " + reason);
  if (found == tracked_.end()) {
    update_task(scope, arn, [&](Json& doc) {
      set_last_status(doc, "STOPPED", now);
      for (auto& container : doc["containers"]) container["lastStatus"] = "STOPPED";
    });
    notify(scope, arn);
    return;
  }
  begin_stop(scope, arn);
}

void TaskRuntime::begin_stop(const storage::Scope& scope, const std::string& arn) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) {  // never launched (or from a previous run): nothing to stop in Docker
    const double now = ecs_.now();
    update_task(scope, arn, [&](Json& doc) {
      set_last_status(doc, "STOPPED", now);
      for (auto& container : doc["containers"]) container["lastStatus"] = "STOPPED";
    });
    notify(scope, arn);
    return;
  }
  Tracked& task = found->second;
  if (task.launching || task.stopping) return;  // on_created stops it / already stopping
  task.stopping = true;
  std::vector<std::string> running;
  int timeout = 0;
  for (const auto& container : task.plan.containers) {
    auto& state = task.states[container.name];
    // created but never started: nothing to signal (a start in flight reports back in on_started)
    if (!state.started && !task.starting.count(container.name)) state.exited = true;
    if (state.exited || !task.ids.count(container.name)) continue;
    running.push_back(task.ids[container.name]);
    timeout = std::max(timeout, container.stop_timeout_seconds);
  }
  const double now = ecs_.now();
  update_task(task.scope, arn, [&](Json& doc) { set_last_status(doc, "STOPPING", now); });
  notify(task.scope, arn);
  if (running.empty()) {
    if (all_exited(task)) finish_stop(arn);  // else the start in flight finishes it (on_started)
    return;
  }
  auto docker = docker_;
  ecs_.scheduler().offload(
      [docker, running] {
        for (const auto& id : running) {
          try {
            docker->kill_container(id, "SIGTERM");
          } catch (const std::exception&) {  // not running any more: its die event follows
          }
        }
      },
      [] {});
  ecs_.scheduler().after(std::chrono::seconds(timeout), [this, arn] { escalate(arn); });
}

void TaskRuntime::escalate(const std::string& arn) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) return;
  std::vector<std::string> running;
  for (const auto& [name, state] : found->second.states)
    if (!state.exited && found->second.ids.count(name)) running.push_back(found->second.ids[name]);
  if (running.empty()) return;
  auto docker = docker_;
  ecs_.scheduler().offload(
      [docker, running] {
        for (const auto& id : running) {
          try {
            docker->kill_container(id, "SIGKILL");
          } catch (const std::exception&) {
          }
        }
      },
      [] {});
  ecs_.scheduler().after(kExitCheckDelay, [this, arn] { verify_exits(arn); });
}

// Asks Docker about containers we still believe run (an event may have been lost while reconnecting).
void TaskRuntime::verify_exits(const std::string& arn) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) return;
  auto ids = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& [name, state] : found->second.states)
    if (state.started && !state.exited && found->second.ids.count(name)) (*ids)[name] = found->second.ids[name];
  auto exits = std::make_shared<std::map<std::string, std::optional<int>>>();
  auto docker = docker_;
  ecs_.scheduler().offload(
      [docker, ids, exits] {
        for (const auto& [name, id] : *ids) {
          const auto info = docker->inspect_container(id);
          if (!info) (*exits)[name] = std::nullopt;
          else if (!info->running) (*exits)[name] = info->exit_code;
        }
      },
      [this, arn, exits] {
        for (const auto& [name, code] : *exits) container_exited(arn, name, code);
      });
}

void TaskRuntime::container_exited(const std::string& arn, const std::string& name, std::optional<int> exit_code) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) return;
  Tracked& task = found->second;
  auto& state = task.states[name];
  if (state.exited) return;
  state.exited = true;
  state.exit_code = exit_code.value_or(-1);
  bool essential = false;
  for (const auto& container : task.plan.containers)
    if (container.name == name) essential = container.essential;
  const double now = ecs_.now();
  const bool oom = task.oom_killed.count(name) > 0;
  update_task(task.scope, arn, [&](Json& doc) {
    if (Json* container = container_named(doc, name)) {
      (*container)["lastStatus"] = "STOPPED";
      if (exit_code) (*container)["exitCode"] = *exit_code;
      if (oom) (*container)["reason"] = "OutOfMemoryError: Container killed due to memory usage";
    }
    if (essential) request_stop(doc, kStopEssentialContainerExited, kEssentialContainerExitedReason, now);
  });
  notify(task.scope, arn);
  if (essential || task.stopping) {
    if (!task.stopping) begin_stop(task.scope, arn);  // may finish (and forget) the task: look it up again
    const auto still = tracked_.find(arn);
    if (still == tracked_.end() || !still->second.stopping) return;
    if (all_exited(still->second)) finish_stop(arn);
  } else {
    start_ready(arn);  // COMPLETE / SUCCESS dependencies
  }
}

bool TaskRuntime::all_exited(const Tracked& task) {
  if (!task.starting.empty()) return false;  // its on_started still has to run (and attach the log follower)
  for (const auto& [name, state] : task.states)
    if (!state.exited) return false;
  return true;
}

void TaskRuntime::finish_stop(const std::string& arn) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) return;
  Tracked task = std::move(found->second);
  tracked_.erase(found);
  forget_endpoints(arn);
  const double now = ecs_.now();
  update_task(task.scope, arn, [&](Json& doc) {
    set_last_status(doc, "DEPROVISIONING", now);
    set_last_status(doc, "STOPPED", now);
    for (auto& container : doc["containers"]) container["lastStatus"] = "STOPPED";
  });
  // Log followers end by themselves once they read the last lines of their exited container; the pool waits
  // for that so the control thread never does. This runtime keeps them too, so shutdown() can stop them.
  auto followers = std::make_shared<std::vector<std::shared_ptr<docker::LogFollower>>>(std::move(task.log_followers));
  draining_followers_.insert(draining_followers_.end(), followers->begin(), followers->end());
  std::vector<std::string> ids;
  for (const auto& [name, id] : task.ids) ids.push_back(id);
  auto docker = docker_;
  ecs_.scheduler().offload(
      [followers] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        for (const auto& follower : *followers)
          while (!follower->finished() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
      },
      [this, ids, followers, volumes = task.plan.volumes] {
        for (const auto& follower : *followers) follower->stop();  // a follower past the deadline ends here
        std::erase_if(draining_followers_, [&](const auto& item) {
          return std::find(followers->begin(), followers->end(), item) != followers->end();
        });
        remove_containers(ids, volumes);
      });
  notify(task.scope, arn);
}

void TaskRuntime::enqueue_event(const docker::DockerEvent& event) {
  std::lock_guard lock(queue_mutex_);
  queue_.push_back(event);
  if (drain_posted_) return;
  drain_posted_ = true;
  ecs_.scheduler().offload([] {}, [this] { drain_events(); });
}

void TaskRuntime::drain_events() {
  std::deque<docker::DockerEvent> events;
  bool resync_now = false;
  {
    std::lock_guard lock(queue_mutex_);
    events.swap(queue_);
    drain_posted_ = false;
    resync_now = resync_wanted_;
    resync_wanted_ = false;
  }
  for (const auto& event : events)
    if (!event.type.empty()) on_event(event);
  if (resync_now) resync();
}

void TaskRuntime::on_event(const docker::DockerEvent& event) {
  const auto arn = event.attributes.find(kTaskArnLabel);
  const auto name = event.attributes.find(kContainerNameLabel);
  if (arn == event.attributes.end() || name == event.attributes.end()) return;
  const auto found = tracked_.find(arn->second);
  if (found == tracked_.end()) return;
  Tracked& task = found->second;
  const std::string& action = event.action;
  if (action == "oom") {
    task.oom_killed.insert(name->second);
  } else if (action == "die") {
    const auto code = event.attributes.find("exitCode");
    std::optional<int> exit_code;
    if (code != event.attributes.end()) {
      try {
        exit_code = std::stoi(code->second);
      } catch (const std::exception&) {
      }
    }
    container_exited(arn->second, name->second, exit_code);
  } else if (action == "destroy") {
    container_exited(arn->second, name->second, std::nullopt);
  } else if (action.starts_with("health_status")) {
    const std::string health = action.ends_with("unhealthy") ? "UNHEALTHY" : action.ends_with("healthy") ? "HEALTHY" : "UNKNOWN";
    task.states[name->second].health = health;
    const std::string container = name->second;
    update_task(task.scope, arn->second, [&](Json& doc) {
      if (Json* entry = container_named(doc, container)) (*entry)["healthStatus"] = health;
      if (const auto definition = task_definition_of(task.scope, doc)) doc["healthStatus"] = task_health(doc, *definition);
    });
    notify(task.scope, arn->second);
    start_ready(arn->second);  // HEALTHY dependencies
  }
}

void TaskRuntime::resync() {
  for (const auto& [arn, task] : tracked_)
    if (!task.launching) verify_exits(arn);
}

void TaskRuntime::adopt(const std::vector<docker::ContainerInfo>& containers) {
  std::map<std::string, std::vector<const docker::ContainerInfo*>> by_task;
  for (const auto& info : containers) {
    const auto arn = info.labels.find(kTaskArnLabel);
    if (arn != info.labels.end()) by_task[arn->second].push_back(&info);
  }
  std::set<std::string> kept;
  for (const auto& [scope, task] : ecs_.store().list_everywhere(kTask)) {
    const std::string status = task.document.value("lastStatus", "");
    if (status == "STOPPED" || tracked_.count(task.id)) continue;
    const auto& mine = by_task[task.id];
    const auto definition = task_definition_of(scope, task.document);
    bool healthy = status == "RUNNING" && definition && task.document.value("desiredStatus", "") == "RUNNING";
    Tracked tracked;
    tracked.scope = scope;
    tracked.arn = task.id;
    if (healthy) {
      tracked.plan = plan_task_containers(*definition, task.document, launch_options(scope, *definition));
      for (const auto& container : tracked.plan.containers) {
        auto& state = tracked.states[container.name];
        for (const auto* info : mine) {
          if (info->labels.at(kContainerNameLabel) != container.name) continue;
          tracked.ids[container.name] = info->id;
          state.created = state.started = true;
          state.exited = !info->running;
          state.exit_code = info->exit_code;
        }
        if (container.essential && (!state.started || state.exited)) healthy = false;
      }
    }
    if (!healthy) {  // cannot be resumed: stop it cleanly, its containers go
      const double now = ecs_.now();
      const bool started = status == "RUNNING";
      update_task(scope, task.id, [&](Json& doc) {
        request_stop(doc, started ? kStopEssentialContainerExited : kStopTaskFailedToStart,
                     started ? kEssentialContainerExitedReason : "ResourceInitializationError: the emulator restarted while the task was starting",
                     now);
        set_last_status(doc, "STOPPED", now);
        for (auto& container : doc["containers"]) container["lastStatus"] = "STOPPED";
      });
      notify(scope, task.id);
      continue;
    }
    const auto adopted_ms = static_cast<std::int64_t>(Clock::now() * 1000);
    for (const auto* info : mine) {
      kept.insert(info->id);
      if (!info->running) continue;
      update_task(scope, task.id, [&](Json& doc) { record_endpoints(tracked, info->labels.at(kContainerNameLabel), *info, doc); });
      follow_logs(tracked, info->labels.at(kContainerNameLabel), info->id, *definition, adopted_ms);
    }
    log::info("ecs: re-adopted task " + task.id);
    tracked_[task.id] = std::move(tracked);
    notify(scope, task.id);
  }
  std::vector<std::string> orphans;
  for (const auto& info : containers) {
    const auto arn = info.labels.find(kTaskArnLabel);
    const bool launched_since = arn != info.labels.end() && tracked_.count(arn->second);
    if (!kept.count(info.id) && !launched_since) orphans.push_back(info.id);
  }
  remove_containers(orphans, {});
  // Re-adopted tasks' published ports are known again: let the load balancers' snapshot resolve them.
  ecs_.changes().mark("elbv2");
  ecs_.changes().publish();
  reconcile();
}

}  // namespace albatross::ecs
