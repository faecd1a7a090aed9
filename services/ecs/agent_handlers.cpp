// The container agent's calls and task scale-in protection: DiscoverPollEndpoint, SubmitTaskStateChange,
// SubmitContainerStateChange, SubmitAttachmentStateChanges (acknowledged; the emulator's runtime is the
// agent, so reports from outside change nothing), GetTaskProtection, UpdateTaskProtection.

#include <cmath>

#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr char kTaskProtection[] = "ecs:task-protection";  // id = task ARN, parent = cluster ARN
constexpr int kDefaultProtectionMinutes = 120;
constexpr int kMaxProtectionMinutes = 2880;
constexpr std::size_t kMaxTasksPerProtectionCall = 10;

std::string task_arn_of(const storage::Scope& scope, const storage::Resource& cluster, const std::string& reference) {
  if (reference.starts_with("arn:")) return reference;
  return ecs_arn(scope.region, scope.account_id, "task/" + cluster.name + "/" + reference);
}

Json task_references(const Json& in) {
  const Json tasks = in.value("tasks", Json::array());
  if (!tasks.is_array() || tasks.empty())
    throw AwsError{"InvalidParameterException", "Tasks cannot be empty."};
  if (tasks.size() > kMaxTasksPerProtectionCall)
    throw AwsError{"InvalidParameterException", "The maximum number of tasks that can be specified is 10."};
  return tasks;
}

}  // namespace

Json EcsService::discover_poll_endpoint(RequestContext& ctx, const Json& in) {
  if (in.contains("cluster")) require_cluster(scope_of(ctx), in.value("cluster", ""));
  const std::string endpoint = "http://127.0.0.1:4566/";
  return {{"endpoint", endpoint}, {"telemetryEndpoint", endpoint}, {"serviceConnectEndpoint", endpoint}};
}

Json EcsService::submit_task_state_change(RequestContext& ctx, const Json& in) {
  if (in.contains("cluster")) require_cluster(scope_of(ctx), in.value("cluster", ""));
  return {{"acknowledgment", "ACK"}};
}

Json EcsService::submit_container_state_change(RequestContext& ctx, const Json& in) {
  if (in.contains("cluster")) require_cluster(scope_of(ctx), in.value("cluster", ""));
  return {{"acknowledgment", "ACK"}};
}

Json EcsService::submit_attachment_state_changes(RequestContext& ctx, const Json& in) {
  if (in.contains("cluster")) require_cluster(scope_of(ctx), in.value("cluster", ""));
  return {{"acknowledgment", "ACK"}};
}

Json EcsService::get_task_protection(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  Json protected_tasks = Json::array(), failures = Json::array();
  const double at = now();
  for (const auto& reference : task_references(in)) {
    const std::string arn = task_arn_of(scope, cluster, reference.get<std::string>());
    const auto task = store().get(scope, kTask, arn);
    if (!task || task->parent != cluster.id) {
      failures.push_back({{"arn", arn}, {"reason", "TASK_NOT_FOUND"}});
      continue;
    }
    Json item = {{"taskArn", arn}, {"protectionEnabled", false}};
    if (const auto protection = store().get(scope, kTaskProtection, arn)) {
      const double expires = protection->document.value("expirationDate", 0.0);
      if (expires > at) item = protection->document;
    }
    protected_tasks.push_back(item);
  }
  return {{"protectedTasks", protected_tasks}, {"failures", failures}};
}

Json EcsService::update_task_protection(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (!in.contains("protectionEnabled") || !in["protectionEnabled"].is_boolean())
    throw AwsError{"InvalidParameterException", "protectionEnabled is required."};
  const bool enabled = in["protectionEnabled"].get<bool>();
  int minutes = kDefaultProtectionMinutes;
  if (in.contains("expiresInMinutes")) {
    minutes = in["expiresInMinutes"].get<int>();
    if (minutes < 1 || minutes > kMaxProtectionMinutes)
      throw AwsError{"InvalidParameterException",
                     "expiresInMinutes must be between 1 and 2880 (48 hours)."};
  }
  const Json tasks = task_references(in);
  Json protected_tasks = Json::array(), failures = Json::array();
  for (const auto& reference : tasks) {
    const std::string arn = task_arn_of(scope, cluster, reference.get<std::string>());
    const auto task = store().get(scope, kTask, arn);
    if (!task || task->parent != cluster.id) {
      failures.push_back({{"arn", arn}, {"reason", "TASK_NOT_FOUND"}});
      continue;
    }
    if (task->document.value("lastStatus", "") == "STOPPED" || task->document.value("desiredStatus", "") == "STOPPED") {
      failures.push_back({{"arn", arn}, {"reason", "TASK_NOT_VALID"}, {"detail", "The task is not running."}});
      continue;
    }
    Json item = {{"taskArn", arn}, {"protectionEnabled", enabled}};
    if (enabled) {
      item["expirationDate"] = std::round((now() + minutes * 60.0) * 1000) / 1000;
      store().put(scope, {kTaskProtection, arn, cluster.id, "", item});
    } else {
      store().remove(scope, kTaskProtection, arn);
    }
    protected_tasks.push_back(item);
  }
  return {{"protectedTasks", protected_tasks}, {"failures", failures}};
}

}  // namespace albatross::ecs
