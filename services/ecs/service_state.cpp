#include "services/ecs/service_state.hpp"

#include <cmath>

#include "services/common/ids.hpp"
#include "services/ecs/service_events.hpp"

namespace albatross::ecs {

using Json = nlohmann::json;

namespace {
constexpr std::size_t kMaxEvents = 100;
}

double epoch_seconds(TimePoint time) {
  const double seconds = std::chrono::duration<double>(time.time_since_epoch()).count();
  return std::round(seconds * 1000) / 1000;
}

TimePoint time_point(double epoch_seconds) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(epoch_seconds)));
}

Json new_deployment(const std::string& id, const Json& service, double now) {
  Json out = {{"id", id},
              {"status", "PRIMARY"},
              {"taskDefinition", service["taskDefinition"]},
              {"desiredCount", service.value("desiredCount", 0)},
              {"pendingCount", 0},
              {"runningCount", 0},
              {"failedTasks", 0},
              {"createdAt", now},
              {"updatedAt", now},
              {"rolloutState", "IN_PROGRESS"},
              {"rolloutStateReason", events::rollout_in_progress_reason(id)}};
  for (const char* member : {"launchType", "capacityProviderStrategy", "platformVersion", "platformFamily",
                             "networkConfiguration"})
    if (service.contains(member)) out[member] = service[member];
  return out;
}

Service planner_service(const Json& service, int scaled_grace_seconds) {
  Service out;
  out.name = service.value("serviceName", "");
  out.desired_count = service.value("desiredCount", 0);
  const auto& configuration = service.value("deploymentConfiguration", Json::object());
  out.deployment_configuration.minimum_healthy_percent = configuration.value("minimumHealthyPercent", 100);
  out.deployment_configuration.maximum_percent = configuration.value("maximumPercent", 200);
  const auto& breaker = configuration.value("deploymentCircuitBreaker", Json::object());
  out.deployment_configuration.circuit_breaker = {breaker.value("enable", false), breaker.value("rollback", false)};
  out.health_check_grace_period_seconds = scaled_grace_seconds;
  out.has_load_balancers = !service.value("loadBalancers", Json::array()).empty();
  for (const auto& event : service.value("events", Json::array())) {
    out.recent_events.push_back({event.value("message", ""), time_point(event.value("createdAt", 0.0))});
    if (out.recent_events.size() >= 5) break;
  }
  return out;
}

std::vector<Deployment> planner_deployments(const Json& service) {
  std::vector<Deployment> out;
  const auto& state = service.value("_deploymentState", Json::object());
  for (const auto& item : service.value("deployments", Json::array())) {
    Deployment d;
    d.id = item.value("id", "");
    d.status = item.value("status", "");
    d.task_definition = item.value("taskDefinition", "");
    d.desired_count = item.value("desiredCount", 0);
    d.pending_count = item.value("pendingCount", 0);
    d.running_count = item.value("runningCount", 0);
    d.failed_tasks = item.value("failedTasks", 0);
    d.rollout_state = item.value("rolloutState", "");
    d.rollout_state_reason = item.value("rolloutStateReason", "");
    d.created_at = time_point(item.value("createdAt", 0.0));
    d.updated_at = time_point(item.value("updatedAt", 0.0));
    const auto& mine = state.value(d.id, Json::object());
    d.had_healthy_task = mine.value("hadHealthyTask", false);
    d.consecutive_start_failures = mine.value("startFailures", 0);
    if (mine.contains("launchNotBefore")) d.launch_not_before = time_point(mine["launchNotBefore"].get<double>());
    out.push_back(d);
  }
  return out;
}

void store_deployments(Json& service, const std::vector<Deployment>& deployments) {
  Json previous = Json::object();
  for (const auto& item : service.value("deployments", Json::array())) previous[item.value("id", "")] = item;
  Json list = Json::array(), state = Json::object();
  for (const auto& d : deployments) {
    Json item = previous.contains(d.id) ? previous[d.id] : new_deployment(d.id, service, epoch_seconds(d.created_at));
    item["status"] = d.status;
    item["taskDefinition"] = d.task_definition;
    item["desiredCount"] = d.desired_count;
    item["pendingCount"] = d.pending_count;
    item["runningCount"] = d.running_count;
    item["failedTasks"] = d.failed_tasks;
    item["rolloutState"] = d.rollout_state;
    item["rolloutStateReason"] = d.rollout_state_reason;
    item["createdAt"] = epoch_seconds(d.created_at);
    item["updatedAt"] = epoch_seconds(d.updated_at);
    list.push_back(item);
    Json mine = {{"hadHealthyTask", d.had_healthy_task}, {"startFailures", d.consecutive_start_failures}};
    if (d.launch_not_before) mine["launchNotBefore"] = epoch_seconds(*d.launch_not_before);
    state[d.id] = mine;
  }
  service["deployments"] = list;
  service["_deploymentState"] = state;
}

void add_events(Json& service, const std::vector<std::string>& messages, double now) {
  Json events = service.value("events", Json::array());
  for (const auto& message : messages)
    events.insert(events.begin(), Json{{"id", ids::uuid4()}, {"createdAt", now}, {"message", message}});
  if (events.size() > kMaxEvents) events.erase(events.begin() + kMaxEvents, events.end());
  service["events"] = events;
}

}  // namespace albatross::ecs
