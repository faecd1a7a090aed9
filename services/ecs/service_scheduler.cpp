#include "services/ecs/service_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/ecs/deployment_planner.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/service_events.hpp"
#include "services/ecs/service_state.hpp"
#include "services/ecs/task_documents.hpp"
#include "services/ecs/task_runtime.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "storage/database.hpp"

namespace albatross::ecs {

using Json = nlohmann::json;

namespace {

constexpr std::chrono::milliseconds kMinTickInterval{100};
constexpr double kStoppedTaskRetentionSeconds = 3600;

RequestContext elbv2_context(const storage::Scope& scope, const char* operation) {
  return {scope.account_id, scope.region, "ecs-service-scheduler", "elbv2", operation};
}

// The target a load balancer entry of the service gets for a RUNNING task, or empty Id while unknown.
Json target_for(const Json& task, const Json& load_balancer) {
  const int container_port = load_balancer.value("containerPort", 0);
  const std::string ip = task_private_ip(task);
  if (!ip.empty()) return {{"Id", ip}, {"Port", container_port}};
  for (const auto& container : task.value("containers", Json::array())) {
    if (container.value("name", "") != load_balancer.value("containerName", "")) continue;
    for (const auto& binding : container.value("networkBindings", Json::array()))
      if (binding.value("containerPort", 0) == container_port)
        return {{"Id", TaskRuntime::instance_id_for(task.value("containerInstanceArn", ""))},
                {"Port", binding.value("hostPort", 0)}};
  }
  return {{"Id", ""}, {"Port", 0}};
}

struct TargetHealth {
  routing::HealthState state = routing::HealthState::Initial;
  std::string description;
};

TargetHealth health_of(elbv2::Elbv2Service& elbv2, const storage::Scope& scope, const Json& target) {
  auto ctx = elbv2_context(scope, "DescribeTargetHealth");
  TargetHealth out;
  try {
    const Json reply = elbv2.describe_target_health(
        ctx, {{"TargetGroupArn", target["targetGroupArn"]},
              {"Targets", Json::array({{{"Id", target["id"]}, {"Port", target["port"]}}})}});
    const auto& health = reply["TargetHealthDescriptions"][0]["TargetHealth"];
    out.state = routing::parse_health_state(health.value("State", "initial")).value_or(routing::HealthState::Initial);
    out.description = health.value("Description", "");
  } catch (const AwsError&) {  // target group deleted: nothing to wait for
    out.state = routing::HealthState::Unused;
  }
  return out;
}

ContainerHealth container_health_of(const Json& task, const Json* definition) {
  if (!definition) return ContainerHealth::NotConfigured;
  bool checked = false;
  for (const auto& container : (*definition)["containerDefinitions"])
    checked = checked || (container.value("essential", true) && container.contains("healthCheck"));
  if (!checked) return ContainerHealth::NotConfigured;
  const std::string status = task.value("healthStatus", "UNKNOWN");
  return status == "HEALTHY" ? ContainerHealth::Healthy : status == "UNHEALTHY" ? ContainerHealth::Unhealthy
                                                                                : ContainerHealth::Unknown;
}

}  // namespace

ServiceScheduler::ServiceScheduler(EcsService& ecs) : ecs_(ecs) {}

void ServiceScheduler::start() { schedule_periodic(); }

void ServiceScheduler::restart() {
  tick_pending_ = false;
  schedule_periodic();
}

void ServiceScheduler::schedule_periodic() {
  // Target health has no change notification: the tick notices it within a (scaled) second.
  const auto interval = std::max(kMinTickInterval, ecs_.clock().scaled(1));
  ecs_.scheduler().after(interval, [this] {
    tick();
    schedule_periodic();
  });
}

void ServiceScheduler::poke() {
  if (tick_pending_) return;
  tick_pending_ = true;
  ecs_.scheduler().after(std::chrono::milliseconds(0), [this] {
    tick_pending_ = false;
    tick();
  });
}

void ServiceScheduler::tick() {
  if (ticking_) return;
  ticking_ = true;
  forget_old_stopped_tasks();
  for (auto& [scope, service] : ecs_.store().list_everywhere(kService)) {
    if (service.document.value("status", "") == "INACTIVE") continue;
    try {
      ecs_.db().in_transaction([&] {
        auto fresh = ecs_.store().get(scope, kService, service.id);
        if (fresh) reconcile(scope, *fresh);
      });
      ecs_.changes().publish();
    } catch (const std::exception& e) {
      ecs_.changes().discard();
      log::error("ecs: service " + service.id + ": " + e.what());
    }
  }
  ticking_ = false;
}

// STOPPED tasks stay describable for an hour (AWS keeps them at least that long), then they go.
void ServiceScheduler::forget_old_stopped_tasks() {
  const double cutoff = ecs_.now() - kStoppedTaskRetentionSeconds;
  std::vector<std::pair<storage::Scope, std::string>> expired;
  for (const auto& [scope, task] : ecs_.store().list_everywhere(kTask))
    if (task.document.value("lastStatus", "") == "STOPPED" && task.document.value("stoppedAt", cutoff) < cutoff)
      expired.emplace_back(scope, task.id);
  if (expired.empty()) return;
  ecs_.db().in_transaction([&] {
    for (const auto& [scope, arn] : expired) ecs_.store().remove(scope, kTask, arn);
  });
}

void ServiceScheduler::reconcile(const storage::Scope& scope, storage::Resource& service) {
  Json& svc = service.document;
  if (svc.value("deploymentController", Json::object()).value("type", "ECS") == "EXTERNAL") {
    // An external controller places tasks through task sets; the scheduler only completes a deletion.
    if (svc.value("status", "") == "DRAINING") {
      svc["status"] = "INACTIVE";
      ecs_.store().put(scope, service);
    }
    return;
  }
  const std::string name = svc.value("serviceName", "");
  const double now = ecs_.now();
  const TimePoint now_tp = time_point(now);
  const Json load_balancers = svc.value("loadBalancers", Json::array());
  elbv2::Elbv2Service* elbv2 = ecs_.elbv2();
  std::map<std::string, Json> definitions;
  auto definition_of = [&](const std::string& arn) -> const Json* {
    if (!definitions.count(arn)) {
      const auto found = ecs_.store().get(scope, kTaskDefinition, arn);
      definitions[arn] = found ? found->document : Json();
    }
    return definitions[arn].is_null() ? nullptr : &definitions[arn];
  };

  std::vector<storage::Resource> tasks;
  for (auto& task : ecs_.store().children(scope, kTask, service.parent))
    if (task.document.value("_service", "") == service.id) tasks.push_back(std::move(task));

  // The planner's view of the tasks.
  PlanInput input;
  const int grace = svc.value("healthCheckGracePeriodSeconds", 0);
  input.service = planner_service(svc, grace == 0 ? 0 : static_cast<int>(std::ceil(ecs_.clock().scaled(grace).count() / 1000.0)));
  input.deployments = planner_deployments(svc);
  input.now = now_tp;
  auto scaled = [&](double seconds) {
    return std::chrono::seconds(std::max<long long>(1, std::llround(ecs_.clock().scaled(seconds).count() / 1000.0)));
  };
  input.timings.healthy_settle = std::chrono::duration_cast<std::chrono::seconds>(ecs_.clock().scaled(40));
  input.timings.throttle_base = scaled(15);
  input.timings.throttle_max = scaled(27 * 60);
  for (const auto& task : tasks) {
    const Json& doc = task.document;
    const bool stopped = doc.value("lastStatus", "") == "STOPPED";
    if (stopped && doc.value("_acknowledged", false)) continue;
    Task t;
    t.id = task_id_of(task.id);
    t.deployment_id = doc.value("startedBy", "");
    t.last_status = doc.value("lastStatus", "");
    t.desired_status = doc.value("desiredStatus", "");
    t.availability_zone = doc.value("availabilityZone", "");
    if (doc.contains("startedAt")) t.started_at = time_point(doc["startedAt"].get<double>());
    t.container_health = container_health_of(doc, definition_of(doc.value("taskDefinitionArn", "")));
    t.stop_code = doc.value("stopCode", "");
    if (elbv2 && !stopped && t.desired_status == "RUNNING")
      for (const auto& target : doc.value("_targets", Json::array())) {
        const auto health = health_of(*elbv2, scope, target);
        t.targets.push_back({target["targetGroupArn"], target["port"], health.state, health.description});
      }
    input.tasks.push_back(t);
  }

  const Plan plan = ecs::plan(input);
  std::vector<std::string> messages = plan.events;

  // Launches, grouped by task definition.
  const auto cluster = ecs_.store().get(scope, kCluster, service.parent);
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> launches;  // td → (deployment, ids)
  for (const auto& launch : plan.launches) {
    auto& group = launches[launch.task_definition];
    group.first = launch.deployment_id;
    group.second.push_back(launch.task_id);
  }
  for (const auto& [definition_arn, group] : launches) {
    const auto definition = ecs_.store().get(scope, kTaskDefinition, definition_arn);
    if (!definition || !cluster) continue;
    EcsService::LaunchRequest request;
    request.count = static_cast<int>(group.second.size());
    request.launch_type = svc.value("launchType", "EC2");
    request.capacity_provider = svc.contains("capacityProviderStrategy") && !svc["capacityProviderStrategy"].empty()
                                    ? svc["capacityProviderStrategy"][0].value("capacityProvider", "")
                                    : "";
    request.network_configuration = svc.value("networkConfiguration", Json());
    request.group = "service:" + name;
    request.started_by = group.first;
    request.task_ids = group.second;
    request.service_arn = service.id;
    request.managed_tags = svc.value("enableECSManagedTags", false);
    const std::string propagate = svc.value("propagateTags", "NONE");
    if (propagate == "SERVICE") request.tags = ecs_.tags_of(scope, service.id);
    if (propagate == "TASK_DEFINITION") request.tags = ecs_.tags_of(scope, definition->id);
    ecs_.launch_tasks(scope, *cluster, *definition, request);
  }

  // Stops, then deregistration and draining of every stopping task that has targets.
  std::map<std::string, const TaskStop*> stops;
  for (const auto& stop : plan.stops) stops[stop.task_id] = &stop;
  const std::set<std::string> acknowledged(plan.acknowledged.begin(), plan.acknowledged.end());
  std::map<std::string, int> deregistered_per_group;
  std::map<std::string, int> draining_per_deployment;
  bool task_changes = false;
  for (auto& task : tasks) {
    Json& doc = task.document;
    const std::string id = task_id_of(task.id);
    const Json before = doc;
    if (const auto stop = stops.find(id); stop != stops.end()) {
      request_stop(doc, stop->second->stop_code, stop->second->stopped_reason, now);
      if (!doc.value("_targets", Json::array()).empty()) doc["_holdStop"] = true;
    }
    if (acknowledged.count(id)) doc["_acknowledged"] = true;
    const auto& targets = doc.value("_targets", Json::array());
    if (doc.value("desiredStatus", "") == "STOPPED" && !targets.empty() && !doc.value("_deregistered", false)) {
      for (const auto& target : targets) {
        if (elbv2) {
          auto ctx = elbv2_context(scope, "DeregisterTargets");
          try {
            elbv2->deregister_targets(ctx, {{"TargetGroupArn", target["targetGroupArn"]},
                                            {"Targets", Json::array({{{"Id", target["id"]}, {"Port", target["port"]}}})}});
          } catch (const AwsError&) {  // target group gone
          }
        }
        ++deregistered_per_group[target["targetGroupArn"]];
      }
      doc["_deregistered"] = true;
      if (doc.value("lastStatus", "") != "STOPPED") {
        set_last_status(doc, "DEACTIVATING", now);
        ++draining_per_deployment[doc.value("startedBy", "")];
      }
    }
    if (doc.value("_holdStop", false) && doc.value("_deregistered", false)) {
      bool drained = true;
      if (elbv2)
        for (const auto& target : targets)
          drained = drained && health_of(*elbv2, scope, target).state != routing::HealthState::Draining;
      if (drained) doc.erase("_holdStop");
    }
    if (doc != before) {
      ecs_.store().put(scope, task);
      task_changes = true;
    }
  }
  for (const auto& [group, count] : deregistered_per_group)
    messages.push_back(events::targets_deregistered(name, count, group));
  for (const auto& [deployment, count] : draining_per_deployment)
    messages.push_back(events::draining_began(name, deployment, count));

  // Registration of RUNNING tasks' targets.
  if (elbv2 && !load_balancers.empty()) {
    std::map<std::string, int> registered_per_group;
    for (auto& task : tasks) {
      Json& doc = task.document;
      if (doc.value("lastStatus", "") != "RUNNING" || doc.value("desiredStatus", "") != "RUNNING" ||
          doc.contains("_targets"))
        continue;
      Json targets = Json::array();
      for (const auto& load_balancer : load_balancers) {
        const Json target = target_for(doc, load_balancer);
        if (target["Id"].get<std::string>().empty()) {
          targets = Json::array();
          break;
        }
        targets.push_back({{"targetGroupArn", load_balancer["targetGroupArn"]}, {"id", target["Id"]}, {"port", target["Port"]}});
      }
      if (targets.empty()) continue;
      for (const auto& target : targets) {
        auto ctx = elbv2_context(scope, "RegisterTargets");
        try {
          elbv2->register_targets(ctx, {{"TargetGroupArn", target["targetGroupArn"]},
                                        {"Targets", Json::array({{{"Id", target["id"]}, {"Port", target["port"]}}})}});
          ++registered_per_group[target["targetGroupArn"]];
        } catch (const AwsError& e) {
          log::warn("ecs: cannot register " + target.dump() + ": " + e.message);
        }
      }
      doc["_targets"] = targets;
      ecs_.store().put(scope, task);
    }
    for (const auto& [group, count] : registered_per_group) messages.push_back(events::targets_registered(name, count, group));
  }

  // The service document.
  store_deployments(svc, plan.deployments);
  for (const auto& deployment : plan.deployments)
    if (deployment.status == "PRIMARY") svc["taskDefinition"] = deployment.task_definition;
  add_events(svc, messages, now);
  int running = 0, pending = 0, live = 0;
  for (const auto& task : tasks) {
    const Json& doc = task.document;
    const std::string status = doc.value("lastStatus", "");
    if (status != "STOPPED") ++live;
    if (doc.value("desiredStatus", "") != "RUNNING") continue;
    if (status == "RUNNING") ++running;
    else if (status != "STOPPED") ++pending;
  }
  svc["runningCount"] = running;
  svc["pendingCount"] = pending + static_cast<int>(plan.launches.size());
  if (svc.value("status", "") == "DRAINING" && live == 0 && plan.launches.empty()) {
    svc["status"] = "INACTIVE";
    svc["deployments"] = Json::array();
  }
  ecs_.store().put(scope, service);
  if (task_changes || !plan.launches.empty()) ecs_.changes().mark("ecs");
}

}  // namespace albatross::ecs
