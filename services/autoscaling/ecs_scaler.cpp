#include "services/autoscaling/ecs_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <memory>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/docker/docker_client.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "storage/database.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

namespace {

constexpr std::chrono::milliseconds kMinPeriod{200};
constexpr std::size_t kParallelStats = 8;
constexpr std::chrono::milliseconds kStatsTimeout{5000};

std::string state_key(const storage::Scope& scope, const std::string& resource_id) {
  return scope.account_id + "|" + scope.region + "|" + resource_id;
}

std::string alarm_named(const Json& policy, const std::string& kind) {
  for (const auto& alarm : policy.value("Alarms", Json::array())) {
    const std::string name = alarm.value("AlarmName", "");
    if (name.find("-" + kind + "-") != std::string::npos) return name;
  }
  return "";
}

// The ECS service metrics this scaler can measure; others (customized metrics) never have data here.
bool tracked_metric(const std::string& type) {
  return type == "ECSServiceAverageCPUUtilization" || type == "ECSServiceAverageMemoryUtilization" ||
         type == "ALBRequestCountPerTarget";
}

bool needs_docker(const Json& policy) {
  const std::string type = predefined_metric_type(policy);
  return type == "ECSServiceAverageCPUUtilization" || type == "ECSServiceAverageMemoryUtilization";
}

// Samples every container, in parallel a few at a time (the daemon may take up to a second for one).
void sample_containers(docker::DockerClient& client, const std::vector<std::string>& container_ids,
                       std::map<std::string, docker::ContainerStats>& stats) {
  for (std::size_t first = 0; first < container_ids.size(); first += kParallelStats) {
    std::vector<std::future<std::optional<docker::ContainerStats>>> calls;
    const std::size_t last = std::min(container_ids.size(), first + kParallelStats);
    for (std::size_t i = first; i < last; ++i)
      calls.push_back(std::async(std::launch::async, [&client, id = container_ids[i]] {
        try {
          return client.container_stats(id);
        } catch (const std::exception& e) {  // no datapoint for this container this minute
          log::debug(std::string("autoscaling: ") + e.what());
          return std::optional<docker::ContainerStats>();
        }
      }));
    for (std::size_t i = first; i < last; ++i)
      if (auto sample = calls[i - first].get()) stats[container_ids[i]] = *sample;
  }
}

}  // namespace

std::string predefined_metric_type(const Json& policy) {
  return policy.value("TargetTrackingScalingPolicyConfiguration", Json::object())
      .value("PredefinedMetricSpecification", Json::object())
      .value("PredefinedMetricType", "");
}

EcsScaler::EcsScaler(EcsScalerDependencies deps) : deps_(std::move(deps)) {
  // A short timeout: a stuck daemon costs this minute's datapoint, never a worker for long.
  docker::DockerClientOptions options;
  options.timeout = kStatsTimeout;
  docker_ = std::make_shared<docker::DockerClient>(options);
}

double EcsScaler::period_seconds() const {
  return std::max(kMinPeriod, deps_.clock.scaled(60)).count() / 1000.0;
}

void EcsScaler::start() { schedule(); }

void EcsScaler::reset() {
  ++epoch_;
  targets_.clear();
  last_stats_.clear();
  last_evaluation_ = 0;
  sampling_ = false;
  schedule();
}

void EcsScaler::schedule() {
  const auto period = std::max(kMinPeriod, deps_.clock.scaled(60));
  const auto epoch = epoch_;
  deps_.scheduler.after(period, [this, epoch] {
    if (epoch != epoch_) return;
    try {
      tick();
    } catch (const AwsError& e) {
      log::warn("autoscaling: " + e.message);
    } catch (const std::exception& e) {
      log::warn(std::string("autoscaling: ") + e.what());
    }
    schedule();
  });
}

void EcsScaler::tick() {
  if (sampling_) return;  // the previous round still waits for Docker: skip this minute rather than pile up
  std::vector<ServiceRound> rounds;
  std::vector<std::string> container_ids;
  storage::ResourceStore store(deps_.db);
  std::map<std::string, bool> live;
  for (auto& target : ecs_scalable_services(deps_.db)) {
    bool tracked = false, docker = false;
    for (const auto& policy : target.policies) {
      if (policy.value("PolicyType", "") != "TargetTrackingScaling" || !tracked_metric(predefined_metric_type(policy))) continue;
      tracked = true;
      docker = docker || needs_docker(policy);
    }
    if (!tracked) continue;
    live[state_key(target.scope, target.resource_id)] = true;
    ServiceRound round{target, {}};
    const std::string cluster_arn = ecs::ecs_arn(target.scope.region, target.scope.account_id, "cluster/" + target.cluster);
    const std::string service_arn =
        ecs::ecs_arn(target.scope.region, target.scope.account_id, "service/" + target.cluster + "/" + target.service);
    for (const auto& task : store.children(target.scope, ecs::kTask, cluster_arn)) {
      const Json& doc = task.document;
      if (doc.value("_service", "") != service_arn || doc.value("lastStatus", "") != "RUNNING") continue;
      TaskContainers item;
      item.reservation = task_reservation(doc);
      for (const auto& container : doc.value("containers", Json::array()))
        if (container.contains("runtimeId")) item.container_ids.push_back(container["runtimeId"]);
      if (docker) container_ids.insert(container_ids.end(), item.container_ids.begin(), item.container_ids.end());
      round.tasks.push_back(std::move(item));
    }
    rounds.push_back(std::move(round));
  }
  // Targets deregistered (or whose policies went) since: their alarms and cooldowns go with them.
  std::erase_if(targets_, [&](const auto& entry) { return !live.count(entry.first); });
  if (rounds.empty()) {
    last_stats_.clear();
    last_evaluation_ = 0;
    return;
  }
  if (container_ids.empty()) {
    evaluate(rounds, {});
    return;
  }
  sampling_ = true;
  auto stats = std::make_shared<StatsMap>();
  auto client = docker_;  // shared: a round still on the pool at shutdown outlives this scaler
  const auto epoch = epoch_;
  deps_.scheduler.offload(
      [client, container_ids, stats] {
        // Never throws: the continuation must run, or the next rounds would wait for this one forever.
        try {
          sample_containers(*client, container_ids, *stats);
        } catch (const std::exception& e) {
          log::warn(std::string("autoscaling: no Docker stats this minute: ") + e.what());
        }
      },
      [this, epoch, rounds = std::move(rounds), stats] {
        if (epoch != epoch_) return;
        sampling_ = false;
        try {
          evaluate(rounds, *stats);
        } catch (const AwsError& e) {
          log::warn("autoscaling: " + e.message);
        }
      });
}

void EcsScaler::evaluate(const std::vector<ServiceRound>& rounds, const StatsMap& stats) {
  const double now = Clock::now();
  // A round that took several (scaled) minutes — Docker can be slow — stands for each of them, so the alarms'
  // 3 and 15 datapoints keep their scaled duration.
  const int minutes = last_evaluation_ <= 0 ? 1
                                            : std::clamp(static_cast<int>(std::lround((now - last_evaluation_) / period_seconds())),
                                                         1, kScaleInDatapoints);
  last_evaluation_ = now;
  for (const auto& round : rounds) {
    const auto& target = round.target;
    TargetState& state = targets_[state_key(target.scope, target.resource_id)];
    std::vector<PolicyView> views;
    std::map<std::string, bool> present;
    for (const auto& policy : target.policies) {
      if (policy.value("PolicyType", "") != "TargetTrackingScaling" || !tracked_metric(predefined_metric_type(policy))) continue;
      const std::string arn = policy.value("PolicyARN", "");
      present[arn] = true;
      PolicyState& policy_state = state.policies[arn];
      long long measured = 0;
      const auto value = datapoint(round, policy, policy_state, stats, measured);
      for (int i = 0; i < minutes; ++i) policy_state.window.add(value);
      const Json& config = policy["TargetTrackingScalingPolicyConfiguration"];
      const double target_value = config.value("TargetValue", 0.0);
      PolicyView view;
      view.name = policy.value("PolicyName", "");
      view.scale_in_enabled = !config.value("DisableScaleIn", false);
      view.alarm = alarm_state(policy_state.window, target_value, view.scale_in_enabled);
      view.proposed = value ? tracking_capacity(measured, *value, target_value) : 0;
      view.scale_out_cooldown = deps_.clock.scaled(config.value("ScaleOutCooldown", kDefaultEcsCooldownSeconds)).count() / 1000.0;
      view.scale_in_cooldown = deps_.clock.scaled(config.value("ScaleInCooldown", kDefaultEcsCooldownSeconds)).count() / 1000.0;
      view.alarm_high = alarm_named(policy, "AlarmHigh");
      view.alarm_low = alarm_named(policy, "AlarmLow");
      log::debug("autoscaling: " + target.resource_id + " " + view.name + ": " +
                 (value ? std::to_string(*value) + " on " + std::to_string(measured) : std::string("no data")) +
                 (view.alarm == AlarmState::High ? ", AlarmHigh" : view.alarm == AlarmState::Low ? ", AlarmLow" : ""));
      views.push_back(std::move(view));
    }
    std::erase_if(state.policies, [&](const auto& entry) { return !present.count(entry.first); });
    const auto current = desired_count(target.scope, target.cluster, target.service);
    if (!current || views.empty()) continue;  // service gone or not ACTIVE
    TargetView view;
    view.current = *current;
    view.min_capacity = target.min_capacity;
    view.max_capacity = target.max_capacity;
    view.scale_out_suspended = target.suspended_state.value("DynamicScalingOutSuspended", false);
    view.scale_in_suspended = target.suspended_state.value("DynamicScalingInSuspended", false);
    if (const auto decision = decide(view, views, state.cooldowns, now)) apply(round, *decision, state, now);
  }
  last_stats_ = stats;
}

void EcsScaler::apply(const ServiceRound& round, const ScalingDecision& decision, TargetState& state, double now) {
  const auto& target = round.target;
  const std::string cause =
      "monitor alarm " + decision.alarm + " in state ALARM triggered policy " + decision.policy;
  std::string failure;
  try {
    deps_.db.in_transaction([&] { set_desired_count(target.scope, target, decision.capacity, cause); });
    deps_.changes.publish();
  } catch (const AwsError& e) {
    failure = e.message;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    deps_.changes.discard();
    const std::string& message = failure;
    log::warn("autoscaling: cannot scale " + target.resource_id + ": " + message);
    // The attempt shows as a Failed activity, as on AWS; a failure to record even that only loses the record.
    try {
      deps_.db.in_transaction([&] {
        record_ecs_scaling_activity(deps_.db, target.scope, target.resource_id,
                                    {"Setting desired count to " + std::to_string(decision.capacity) + ".", cause,
                                     "Failed", "Failed to set desired count to " + std::to_string(decision.capacity) +
                                                   ". " + message});
      });
    } catch (...) {
    }
    return;
  }
  note_scaling(state.cooldowns, decision, now);
  log::info("autoscaling: " + target.resource_id + " desired count " + std::to_string(decision.capacity) + " (" +
            decision.policy + ")");
}

std::optional<long long> EcsScaler::desired_count(const storage::Scope& scope, const std::string& cluster,
                                                  const std::string& service) {
  const std::string arn = ecs::ecs_arn(scope.region, scope.account_id, "service/" + cluster + "/" + service);
  const auto found = storage::ResourceStore(deps_.db).get(scope, ecs::kService, arn);
  if (!found || found->document.value("status", "") != "ACTIVE") return std::nullopt;
  if (found->document.value("schedulingStrategy", "REPLICA") != "REPLICA") return std::nullopt;
  return found->document.value("desiredCount", 0LL);
}

void EcsScaler::set_desired_count(const storage::Scope& scope, const EcsScalableService& target, long long count,
                                  const std::string& cause) {
  // The same path as an UpdateService call: validation, deployments and the scheduler's reconcile.
  RequestContext ctx{scope.account_id, scope.region, "application-autoscaling", "ecs", "UpdateService"};
  deps_.ecs.update_service(ctx, {{"cluster", target.cluster}, {"service", target.service}, {"desiredCount", count}});
  ScalingActivityRecord record;
  record.description = "Setting desired count to " + std::to_string(count) + ".";
  record.cause = cause;
  record.status_message = "Successfully set desired count to " + std::to_string(count) +
                          ". Change successfully fulfilled by ecs.";
  record_ecs_scaling_activity(deps_.db, scope, target.resource_id, record);
}

void EcsScaler::clamp_to_range(const RequestContext& ctx, const std::string& resource_id, long long min_capacity,
                               long long max_capacity) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  for (const auto& target : ecs_scalable_services(deps_.db)) {
    if (target.scope.account_id != scope.account_id || target.scope.region != scope.region ||
        target.resource_id != resource_id)
      continue;
    const auto current = desired_count(scope, target.cluster, target.service);
    if (!current) return;  // AWS leaves a resource that is not active alone
    const long long wanted = clamp_capacity(*current, min_capacity, max_capacity);
    if (wanted == *current) return;
    const std::string cause = wanted > *current ? "minimum capacity was set to " + std::to_string(min_capacity)
                                                : "maximum capacity was set to " + std::to_string(max_capacity);
    set_desired_count(scope, target, wanted, cause);
    return;
  }
}

}  // namespace albatross::autoscaling
