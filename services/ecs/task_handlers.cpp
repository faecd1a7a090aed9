// RunTask, StartTask, StopTask, DescribeTasks, ListTasks. The handlers only change stored state and mark
// the "ecs" topic; after commit the TaskRuntime turns new tasks into containers and stops tasks told to stop.

#include <algorithm>

#include "emulator/change_feed.hpp"
#include "services/common/digest.hpp"
#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/task_definition_rules.hpp"
#include "services/ecs/task_documents.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr int kMaxTasksPerRun = 10;

struct Placement {
  std::string launch_type;
  std::string capacity_provider;
};

Placement placement_of(const Json& in, const Json& cluster) {
  if (in.contains("launchType") && in.contains("capacityProviderStrategy"))
    throw AwsError{"InvalidParameterException",
                   "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try "
                   "again."};
  if (in.contains("launchType")) return {in["launchType"], ""};
  Json strategy = in.value("capacityProviderStrategy", Json::array());
  if (strategy.empty()) strategy = cluster.value("defaultCapacityProviderStrategy", Json::array());
  if (strategy.empty()) return {"EC2", ""};
  const Json* chosen = &strategy[0];
  for (const auto& item : strategy)
    if (item.value("base", 0) > chosen->value("base", 0) ||
        (chosen->value("base", 0) == 0 && item.value("weight", 0) > chosen->value("weight", 0)))
      chosen = &item;
  const std::string provider = chosen->value("capacityProvider", "");
  return {provider == "FARGATE" || provider == "FARGATE_SPOT" ? "FARGATE" : "EC2", provider};
}

void check_network(const Json& definition, const Json& in) {
  const bool awsvpc = definition.value("networkMode", "bridge") == "awsvpc";
  const bool given = in.contains("networkConfiguration") && in["networkConfiguration"].contains("awsvpcConfiguration");
  if (awsvpc && !given)
    throw AwsError{"InvalidParameterException",
                   "Network Configuration must be provided when networkMode 'awsvpc' is specified."};
  if (!awsvpc && given)
    throw AwsError{"InvalidParameterException",
                   "Network Configuration is not valid for the given networkMode of this task definition."};
  if (awsvpc && in["networkConfiguration"]["awsvpcConfiguration"].value("subnets", Json::array()).empty())
    throw AwsError{"InvalidParameterException", "subnets can not be empty."};
}

storage::Resource runnable_definition(EcsService& service, const storage::Scope& scope, const std::string& reference) {
  auto definition = service.require_task_definition(scope, reference);
  if (definition.document.value("status", "") != "ACTIVE")
    throw AwsError{"ClientException", "TaskDefinition is inactive"};
  return definition;
}

// The task ARN a `task` parameter names in `cluster` (an ARN or a bare id).
std::string task_arn_in(const storage::Scope& scope, const storage::Resource& cluster, const std::string& reference) {
  if (reference.starts_with("arn:")) return reference;
  return ecs_arn(scope.region, scope.account_id, "task/" + cluster.name + "/" + reference);
}

Json render_task(EcsService& service, const storage::Scope& scope, const storage::Resource& task, bool with_tags) {
  Json out = public_view(task.document);
  if (with_tags) out["tags"] = service.tags_of(scope, task.id);
  else out.erase("tags");
  return out;
}

}  // namespace

std::string EcsService::container_instance_arn(const storage::Scope& scope, const std::string& cluster_name) const {
  const std::string id = digest::sha256_hex(scope.account_id + "/" + scope.region + "/" + cluster_name).substr(0, 32);
  return ecs_arn(scope.region, scope.account_id, "container-instance/" + cluster_name + "/" + id);
}

std::vector<storage::Resource> EcsService::launch_tasks(const storage::Scope& scope, const storage::Resource& cluster,
                                                        const storage::Resource& definition, const LaunchRequest& request) {
  std::vector<storage::Resource> tasks;
  for (int i = 0; i < request.count; ++i) {
    NewTask task;
    task.region = scope.region;
    task.account_id = scope.account_id;
    task.cluster_arn = cluster.id;
    task.cluster_name = cluster.name;
    task.task_id = i < static_cast<int>(request.task_ids.size()) ? request.task_ids[i] : ids::random_hex(32);
    task.task_definition = &definition.document;
    task.launch_type = request.launch_type;
    task.capacity_provider_name = request.capacity_provider;
    task.network_configuration = request.network_configuration;
    task.overrides = request.overrides;
    task.group = request.group.empty() ? "family:" + definition.name : request.group;
    task.started_by = request.started_by;
    if (request.launch_type != "FARGATE") task.container_instance_arn = container_instance_arn(scope, cluster.name);
    task.now = now();
    Json document = new_task_document(task);
    if (!request.service_arn.empty()) document["_service"] = request.service_arn;
    const std::string arn = document["taskArn"];
    auto stored = store().put(scope, {kTask, arn, cluster.id, "", document});
    apply_tags(scope, arn, request.tags);
    if (request.managed_tags) {  // AWS's own tags: not subject to the aws: prefix rule users are held to
      Json managed = Json::array({{{"Key", "aws:ecs:clusterName"}, {"Value", cluster.name}}});
      if (!request.service_arn.empty())
        managed.push_back({{"Key", "aws:ecs:serviceName"}, {"Value", last_segment(request.service_arn)}});
      store().add_tags(scope, arn, managed);
    }
    tasks.push_back(stored);
  }
  changes().mark("ecs");
  return tasks;
}

Json EcsService::run_task(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const int count = in.value("count", 1);
  if (count < 1 || count > kMaxTasksPerRun)
    throw AwsError{"InvalidParameterException", "count must be between 1 and 10."};
  if (in.value("startedBy", "").size() > 128)
    throw AwsError{"InvalidParameterException", "startedBy must be 128 characters or fewer."};
  const auto cluster = cluster_for_work(scope, in.value("cluster", ""));
  const auto definition = runnable_definition(*this, scope, in.at("taskDefinition"));
  const auto where = placement_of(in, cluster.document);
  if (!supports_launch_type(definition.document, where.launch_type))
    throw AwsError{"InvalidParameterException", "Task definition does not support launch_type " + where.launch_type + "."};
  check_network(definition.document, in);
  check_overrides(definition.document, in.value("overrides", Json::object()));
  Json tags = in.value("tags", Json::array());
  if (in.value("propagateTags", "NONE") == "TASK_DEFINITION")  // the task's own tags win over copied ones
    for (const auto& tag : tags_of(scope, definition.id))
      if (std::none_of(tags.begin(), tags.end(), [&](const Json& own) { return own["key"] == tag["key"]; }))
        tags.push_back(tag);
  LaunchRequest request{count, where.launch_type, where.capacity_provider, in.value("networkConfiguration", Json()),
                        in.value("overrides", Json()), in.value("group", ""), in.value("startedBy", ""), tags};
  request.managed_tags = in.value("enableECSManagedTags", false);
  Json tasks = Json::array();
  for (const auto& task : launch_tasks(scope, cluster, definition, request))
    tasks.push_back(render_task(*this, scope, task, true));
  return {{"tasks", tasks}, {"failures", Json::array()}};
}

Json EcsService::start_task(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (in.at("containerInstances").empty())
    throw AwsError{"InvalidParameterException", "Container instances cannot be empty."};
  const auto definition = runnable_definition(*this, scope, in.at("taskDefinition"));
  check_network(definition.document, in);
  check_overrides(definition.document, in.value("overrides", Json::object()));
  const std::string instance = container_instance_arn(scope, cluster.name);
  Json tasks = Json::array(), failures = Json::array();
  for (const auto& reference : in.at("containerInstances")) {
    const std::string wanted = reference;
    if (wanted != instance && wanted != last_segment(instance)) {
      failures.push_back({{"arn", wanted}, {"reason", "MISSING"}});
      continue;
    }
    LaunchRequest request{1, "EC2", "", in.value("networkConfiguration", Json()), in.value("overrides", Json()),
                          in.value("group", ""), in.value("startedBy", ""), in.value("tags", Json::array())};
    for (const auto& task : launch_tasks(scope, cluster, definition, request))
      tasks.push_back(render_task(*this, scope, task, true));
  }
  return {{"tasks", tasks}, {"failures", failures}};
}

Json EcsService::stop_task(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  auto task = store().get(scope, kTask, task_arn_in(scope, cluster, in.at("task")));
  if (!task || task->parent != cluster.id)
    throw AwsError{"InvalidParameterException", "The referenced task was not found."};
  const std::string reason = in.value("reason", "");
  if (reason.size() > 1024) throw AwsError{"InvalidParameterException", "reason must be 1024 characters or fewer."};
  request_stop(task->document, kStopUserInitiated, reason.empty() ? kUserStopReason : reason, now());
  // A service task behind a load balancer is deregistered and drained before its containers are stopped.
  if (!task->document.value("_targets", Json::array()).empty() && !task->document.value("_deregistered", false))
    task->document["_holdStop"] = true;
  store().put(scope, *task);
  changes().mark("ecs");
  return {{"task", render_task(*this, scope, *task, false)}};
}

Json EcsService::describe_tasks(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const auto& references = in.at("tasks");
  if (references.empty()) throw AwsError{"InvalidParameterException", "Tasks cannot be empty."};
  if (references.size() > 100) throw AwsError{"InvalidParameterException", "Tasks cannot have more than 100 elements"};
  const auto& include = in.value("include", Json::array());
  const bool with_tags = std::find(include.begin(), include.end(), "TAGS") != include.end();
  Json tasks = Json::array(), failures = Json::array();
  for (const auto& reference : references) {
    const std::string arn = task_arn_in(scope, cluster, reference);
    const auto task = store().get(scope, kTask, arn);
    if (task && task->parent == cluster.id) tasks.push_back(render_task(*this, scope, *task, with_tags));
    else failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
  }
  return {{"tasks", tasks}, {"failures", failures}};
}

Json EcsService::list_tasks(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const int max_results = in.value("maxResults", 100);
  if (max_results < 1 || max_results > 100)
    throw AwsError{"InvalidParameterException", "maxResults must be between 1 and 100."};
  std::string service_group;
  if (in.contains("serviceName")) {
    const std::string name = last_segment(in["serviceName"]);
    if (!store().get(scope, kService, ecs_arn(scope.region, scope.account_id, "service/" + cluster.name + "/" + name)))
      throw AwsError{"ServiceNotFoundException", "Service not found."};
    service_group = "service:" + name;
  }
  const std::string desired = in.value("desiredStatus", "RUNNING");
  Json arns = Json::array();
  for (const auto& task : store().children(scope, kTask, cluster.id)) {
    const Json& doc = task.document;
    if (doc.value("desiredStatus", "") != desired) continue;
    if (in.contains("family") && parse_task_definition_ref(doc.value("taskDefinitionArn", "")).family != in["family"])
      continue;
    if (!service_group.empty() && doc.value("group", "") != service_group) continue;
    if (in.contains("startedBy") && doc.value("startedBy", "") != in["startedBy"]) continue;
    if (in.contains("launchType") && doc.value("launchType", "") != in["launchType"]) continue;
    if (in.contains("containerInstance") &&
        last_segment(doc.value("containerInstanceArn", "")) != last_segment(in["containerInstance"]))
      continue;
    arns.push_back(task.id);
  }
  auto page = pagination::page(arns, in.value("nextToken", ""), max_results, "InvalidParameterException");
  Json out = {{"taskArns", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ecs
