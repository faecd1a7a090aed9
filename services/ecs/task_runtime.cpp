// TaskRuntime, launching: PROVISIONING → PENDING (pull when missing, create) → containers started as their
// dependencies allow → RUNNING once every essential container runs.

#include "services/ecs/task_runtime.hpp"

#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/common/digest.hpp"
#include "services/docker/docker_client.hpp"
#include "services/docker/event_stream.hpp"
#include "services/docker/image_reference.hpp"
#include "services/docker/log_follower.hpp"
#include "services/logs/log_sink.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/task_documents.hpp"
#include "storage/database.hpp"

namespace albatross::ecs {

using Json = nlohmann::json;

// What the worker pool reports back after pulling and creating a task's containers.
struct TaskRuntime::Created {
  std::map<std::string, std::string> ids;
  std::map<std::string, std::string> digests;  // container name → imageDigest
  std::string error;  // AWS-style stoppedReason when the task cannot start
  double pull_started = 0, pull_stopped = 0;
};

TaskRuntime::TaskRuntime(EcsService& ecs, std::string instance_id)
    : ecs_(ecs), instance_id_(std::move(instance_id)), docker_(std::make_shared<docker::DockerClient>()) {}

TaskRuntime::~TaskRuntime() { shutdown(); }

std::string TaskRuntime::instance_id_for(const std::string& container_instance_arn) {
  return "i-" + digest::sha256_hex(container_instance_arn).substr(0, 17);
}

bool TaskRuntime::update_task(const storage::Scope& scope, const std::string& arn,
                              const std::function<void(Json&)>& change) {
  bool found = false;
  ecs_.db().in_transaction([&] {
    auto task = ecs_.store().get(scope, kTask, arn);
    if (!task) return;
    found = true;
    change(task->document);
    ecs_.store().put(scope, *task);
  });
  return found;
}

void TaskRuntime::notify(const storage::Scope& scope, const std::string& arn) {
  if (listener_) listener_(scope, arn);
}

std::optional<Json> TaskRuntime::task_definition_of(const storage::Scope& scope, const Json& task) {
  const auto found = ecs_.store().get(scope, kTaskDefinition, task.value("taskDefinitionArn", ""));
  if (!found) return std::nullopt;
  return found->document;
}

LaunchOptions TaskRuntime::launch_options(const storage::Scope& scope, const Json& task_definition) {
  LaunchOptions options;
  options.instance_id = instance_id_;
  const Clock& clock = ecs_.clock();
  options.scale_seconds = [&clock](double seconds) { return clock.scaled(seconds).count() / 1000.0; };
  if (ecs_.extra_hosts_provider()) options.extra_hosts = ecs_.extra_hosts_provider()(scope);
  for (const auto& container : task_definition["containerDefinitions"]) {
    const std::string image = container["image"];
    if (!ecs_.image_resolver()) continue;
    const auto [reference, auth] = ecs_.image_resolver()(scope, image);
    options.image_references[image] = reference;
    registry_auth_[reference] = auth;
  }
  return options;
}

void TaskRuntime::reconcile() {
  for (const auto& [scope, task] : ecs_.store().list_everywhere(kTask)) {
    const std::string status = task.document.value("lastStatus", "");
    const std::string desired = task.document.value("desiredStatus", "");
    if (status == "STOPPED") continue;
    if (desired == "STOPPED") {
      if (!task.document.value("_holdStop", false)) begin_stop(scope, task.id);
    } else if (status == "PROVISIONING" && !tracked_.count(task.id)) {
      launch(scope, task);
    }
  }
}

void TaskRuntime::launch(const storage::Scope& scope, const storage::Resource& task) {
  const auto definition = task_definition_of(scope, task.document);
  if (!definition) {
    fail_start(task.id, "ClientException: the task definition of this task no longer exists");
    return;
  }
  const TaskSecrets secrets = resolve_task_secrets(*definition, task.document, scope, ecs_.secret_sources());
  if (!secrets.error.empty()) {
    fail_start(task.id, secrets.error);
    return;
  }
  Tracked& tracked = tracked_[task.id];
  tracked.scope = scope;
  tracked.arn = task.id;
  tracked.plan = plan_task_containers(*definition, task.document, launch_options(scope, *definition));
  for (auto& container : tracked.plan.containers) {  // secrets win over same-named environment variables
    const auto found = secrets.environment.find(container.name);
    if (found == secrets.environment.end()) continue;
    auto& env = container.spec.env;
    for (const auto& entry : found->second) {
      const std::string prefix = entry.substr(0, entry.find('=') + 1);
      std::erase_if(env, [&prefix](const std::string& item) { return item.starts_with(prefix); });
      env.push_back(entry);
    }
  }
  tracked.launching = true;
  for (const auto& container : tracked.plan.containers) tracked.states[container.name] = {};
  const double now = ecs_.now();
  update_task(scope, task.id, [&](Json& doc) { set_last_status(doc, "PENDING", now); });
  notify(scope, task.id);

  auto result = std::make_shared<Created>();
  auto docker = docker_;
  std::map<std::string, std::string> auth;
  for (const auto& container : tracked.plan.containers) auth[container.spec.image] = registry_auth_[container.spec.image];
  const TaskLaunchPlan plan = tracked.plan;
  const std::string arn = task.id;
  auto epoch = epoch_;
  const std::uint64_t started_epoch = epoch->load();
  ecs_.scheduler().offload(
      [docker, result, plan, auth, epoch, started_epoch] {
        // A reset meanwhile drops on_created: remove what this launch created so nothing is left behind.
        struct Cleanup {
          docker::DockerClient& docker;
          Created& result;
          std::atomic<std::uint64_t>& epoch;
          std::uint64_t started;
          ~Cleanup() {
            if (epoch.load() == started) return;
            for (const auto& [name, id] : result.ids) {
              try {
                docker.remove_container(id, true, true);
              } catch (const std::exception&) {
              }
            }
          }
        } cleanup{*docker, *result, *epoch, started_epoch};
        result->pull_started = Clock::now();
        for (const auto& container : plan.containers) {
          const std::string& image = container.spec.image;
          try {
            auto info = docker->inspect_image(image);
            if (!info) {
              log::info("ecs: pulling " + image);
              docker->pull_image(image, {auth.at(image), {}});
              info = docker->inspect_image(image);
            }
            // AWS reports the manifest digest it pulled; an image only built locally has none: its id stands in.
            if (info) {
              const std::string digest = docker::repo_digest_for(image, info->repo_digests);
              result->digests[container.name] = digest.empty() ? info->id : digest;
            }
          } catch (const docker::DockerError& e) {
            result->error = e.unreachable()
                                ? "ResourceInitializationError: unable to reach the Docker daemon: " + std::string(e.what())
                                : "CannotPullContainerError: pull image manifest has been retried 1 time(s): " +
                                      std::string(e.what());
            return;
          } catch (const std::exception& e) {
            result->error = "CannotPullContainerError: " + std::string(e.what());
            return;
          }
        }
        result->pull_stopped = Clock::now();
        for (const auto& container : plan.containers) {
          docker::ContainerSpec spec = container.spec;
          if (container.joins_owner) spec.network_mode = "container:" + result->ids.at(plan.network_owner);
          try {
            result->ids[container.name] = docker->create_container(spec);
          } catch (const std::exception& e) {
            result->error = "CannotCreateContainerError: " + std::string(e.what());
            return;
          }
        }
      },
      [this, arn, result] { on_created(arn, result); });
}

void TaskRuntime::on_created(const std::string& arn, const std::shared_ptr<Created>& result) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) {  // reset meanwhile
    std::vector<std::string> ids;
    for (const auto& [name, id] : result->ids) ids.push_back(id);
    remove_containers(ids, {});
    return;
  }
  Tracked& task = found->second;
  task.launching = false;
  task.ids = result->ids;
  for (const auto& [name, id] : result->ids) task.states[name].created = true;
  if (!result->error.empty()) {
    fail_start(arn, result->error);
    return;
  }
  bool stop_wanted = false;
  update_task(task.scope, arn, [&](Json& doc) {
    doc["pullStartedAt"] = std::round(result->pull_started * 1000) / 1000;
    doc["pullStoppedAt"] = std::round(result->pull_stopped * 1000) / 1000;
    for (auto& container : doc["containers"]) {
      const auto id = result->ids.find(container["name"]);
      if (id != result->ids.end()) container["runtimeId"] = id->second;
      const auto digest = result->digests.find(container["name"]);
      if (digest != result->digests.end() && !digest->second.empty()) container["imageDigest"] = digest->second;
    }
    stop_wanted = doc.value("desiredStatus", "") == "STOPPED";
  });
  if (stop_wanted) begin_stop(task.scope, arn);
  else start_ready(arn);
}

void TaskRuntime::start_ready(const std::string& arn) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end() || found->second.stopping || found->second.launching) return;
  Tracked& task = found->second;
  for (const auto& container : task.plan.containers) {
    const auto& state = task.states[container.name];
    if (!state.created || state.started || state.exited || task.starting.count(container.name)) continue;
    auto dependencies = container.depends_on;
    if (container.joins_owner) dependencies.push_back({task.plan.network_owner, "START"});
    bool ready = true;
    for (const auto& dependency : dependencies) {
      const auto status = dependency_status(dependency, task.states);
      if (status == DependencyStatus::Failed) {
        fail_start(arn, "CannotStartContainerError: dependency " + dependency.container + " of container " +
                            container.name + " cannot reach the " + dependency.condition + " condition");
        return;
      }
      ready = ready && status == DependencyStatus::Met;
    }
    if (!ready) continue;
    task.starting.insert(container.name);
    auto docker = docker_;
    const std::string id = task.ids[container.name], name = container.name;
    auto info = std::make_shared<docker::ContainerInfo>();
    auto error = std::make_shared<std::string>();
    ecs_.scheduler().offload(
        [docker, id, info, error] {
          try {
            docker->start_container(id);
            if (auto inspected = docker->inspect_container(id)) *info = *inspected;
          } catch (const std::exception& e) {
            *error = e.what();
          }
        },
        [this, arn, name, info, error] { on_started(arn, name, info, *error); });
  }
}

void TaskRuntime::record_endpoints(Tracked& task, const std::string& name, const docker::ContainerInfo& info, Json& doc) {
  const bool awsvpc = task.plan.network_mode == "awsvpc";
  Json bindings = Json::array();
  std::lock_guard lock(endpoints_mutex_);
  for (const auto& port : info.ports) {
    if (awsvpc) {
      endpoints_[{info.ip_address, port.container_port}] = {port.host_port, task.arn};
    } else {
      bindings.push_back({{"bindIP", port.host_ip}, {"containerPort", port.container_port},
                          {"hostPort", port.host_port}, {"protocol", port.protocol}});
      if (!info.ip_address.empty()) endpoints_[{info.ip_address, port.container_port}] = {port.host_port, task.arn};
      const std::string instance = instance_id_for(doc.value("containerInstanceArn", ""));
      endpoints_[{instance, port.host_port}] = {port.host_port, task.arn};
    }
  }
  if (Json* container = container_named(doc, name); container && !awsvpc) (*container)["networkBindings"] = bindings;
}

void TaskRuntime::on_started(const std::string& arn, const std::string& name,
                             const std::shared_ptr<docker::ContainerInfo>& info, const std::string& error) {
  const auto found = tracked_.find(arn);
  if (found == tracked_.end()) return;
  Tracked& task = found->second;
  task.starting.erase(name);
  if (!error.empty()) {
    if (task.stopping) {  // stopped meanwhile: this container never ran
      task.states[name].exited = true;
      if (all_exited(task)) finish_stop(arn);
      return;
    }
    fail_start(arn, "CannotStartContainerError: " + error);
    return;
  }
  auto& state = task.states[name];
  state.started = true;
  std::string task_definition_arn;
  const bool awsvpc = task.plan.network_mode == "awsvpc";
  const bool owner = awsvpc && name == task.plan.network_owner;
  const double now = ecs_.now();
  bool all_essential_running = true;
  for (const auto& container : task.plan.containers)
    if (container.essential) all_essential_running = all_essential_running && task.states[container.name].started &&
                                                     !task.states[container.name].exited;
  update_task(task.scope, arn, [&](Json& doc) {
    if (Json* container = container_named(doc, name); container && !state.exited) {
      (*container)["lastStatus"] = "RUNNING";
      (*container)["runtimeId"] = info->id;
    }
    if (owner) {
      for (auto& attachment : doc["attachments"]) {
        attachment["status"] = "ATTACHED";
        attachment["details"].push_back({{"name", "privateDnsName"}, {"value", "ip-" + info->ip_address + ".ec2.internal"}});
        attachment["details"].push_back({{"name", "privateIPv4Address"}, {"value", info->ip_address}});
      }
    }
    const std::string ip = task_private_ip(doc);
    if (awsvpc && !ip.empty()) {
      const std::string attachment = doc["attachments"].empty() ? "" : doc["attachments"][0].value("id", "");
      for (auto& container : doc["containers"])
        container["networkInterfaces"] = Json::array({{{"attachmentId", attachment}, {"privateIpv4Address", ip}}});
    }
    record_endpoints(task, name, *info, doc);
    task_definition_arn = doc.value("taskDefinitionArn", "");
    if (all_essential_running && doc.value("desiredStatus", "") == "RUNNING") set_last_status(doc, "RUNNING", now);
  });
  if (const auto definition = task_definition_of(task.scope, Json{{"taskDefinitionArn", task_definition_arn}}))
    follow_logs(task, name, info->id, *definition);
  notify(task.scope, arn);
  // It may have exited (and the task begun stopping) before this callback ran.
  if (task.stopping && !state.exited) {  // the stop's SIGTERM came before this container ran: signal it now
    auto docker = docker_;
    ecs_.scheduler().offload(
        [docker, id = info->id] {
          try {
            docker->kill_container(id, "SIGTERM");
          } catch (const std::exception&) {  // exited meanwhile: its die event follows
          }
        },
        [] {});
  }
  if (task.stopping && all_exited(task)) finish_stop(arn);
  else start_ready(arn);
}

void TaskRuntime::follow_logs(Tracked& task, const std::string& name, const std::string& container_id,
                              const Json& task_definition, std::int64_t from_ms) {
  logs::LogSink* sink = ecs_.log_sink();
  if (!sink) return;
  for (const auto& container : task_definition["containerDefinitions"]) {
    if (container["name"] != name) continue;
    const auto& configuration = container.value("logConfiguration", Json::object());
    if (configuration.value("logDriver", "") != "awslogs") return;
    const auto& options = configuration.value("options", Json::object());
    logs::AwslogsDestination destination;
    destination.scope = task.scope;
    destination.group = options.value("awslogs-group", "");
    const std::string prefix = options.value("awslogs-stream-prefix", "");
    destination.stream = prefix.empty() ? container_id : prefix + "/" + name + "/" + task_id_of(task.arn);
    destination.create_group = options.value("awslogs-create-group", "") == "true";
    if (destination.group.empty()) return;
    docker::LogsOptions follow;
    follow.follow = true;
    follow.timestamps = true;
    follow.since_seconds = from_ms / 1000;
    task.log_followers.push_back(std::make_shared<docker::LogFollower>(
        *docker_, container_id, follow, [sink, destination, from_ms](const docker::LogLine& line) {
          if (line.time_ms > 0 && line.time_ms < from_ms) return;
          sink->push(destination, line.time_ms > 0 ? line.time_ms : static_cast<std::int64_t>(Clock::now() * 1000),
                     line.text);
        }));
  }
}

std::optional<PublishedEndpoint> TaskRuntime::published_endpoint(const std::string& address, int port) const {
  std::lock_guard lock(endpoints_mutex_);
  const auto found = endpoints_.find({address, port});
  if (found == endpoints_.end()) return std::nullopt;
  return PublishedEndpoint{"127.0.0.1", found->second.first};
}

void TaskRuntime::forget_endpoints(const std::string& arn) {
  std::lock_guard lock(endpoints_mutex_);
  for (auto it = endpoints_.begin(); it != endpoints_.end();)
    it = it->second.second == arn ? endpoints_.erase(it) : std::next(it);
}

}  // namespace albatross::ecs
