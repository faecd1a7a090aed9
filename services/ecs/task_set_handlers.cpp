// Task sets of EXTERNAL-deployment-controller services: CreateTaskSet, DescribeTaskSets, UpdateTaskSet,
// DeleteTaskSet, UpdateServicePrimaryTaskSet. Stored only: the external controller owns placement, so the
// emulator launches nothing for them (runningCount stays 0).

#include <algorithm>
#include <cmath>

#include "services/common/ids.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

// Task sets: kTaskSet (ecs_service.hpp), name = ecs-svc/<id>.

std::vector<storage::Resource> task_sets_of(EcsService& ecs, const storage::Scope& scope, const std::string& service) {
  auto all = ecs.store().children(scope, kTaskSet, service);
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.document.value("createdAt", 0.0) < b.document.value("createdAt", 0.0);
  });
  return all;
}

struct ServiceRef {
  storage::Resource cluster;
  storage::Resource service;
};

// The cluster and EXTERNAL-controlled ACTIVE service a request names, with AWS's errors.
ServiceRef require_external_service(EcsService& ecs, const storage::Scope& scope, const Json& in) {
  if (!in.contains("cluster") || !in["cluster"].is_string())
    throw AwsError{"InvalidParameterException", "cluster is required."};
  if (!in.contains("service") || !in["service"].is_string())
    throw AwsError{"InvalidParameterException", "service is required."};
  auto cluster = ecs.require_cluster(scope, in["cluster"].get<std::string>());
  const std::string name = last_segment(in["service"].get<std::string>());
  const std::string arn = ecs_arn(scope.region, scope.account_id, "service/" + cluster.name + "/" + name);
  auto service = ecs.store().get(scope, kService, arn);
  if (!service) throw AwsError{"ServiceNotFoundException", "Service not found."};
  if (service->document.value("status", "") != "ACTIVE")
    throw AwsError{"ServiceNotActiveException", "Service was not ACTIVE."};
  const Json controller = service->document.value("deploymentController", Json::object());
  if (controller.value("type", "ECS") != "EXTERNAL")
    throw AwsError{"InvalidParameterException",
                   "Amazon ECS only supports task set management on services configured to use external deployment "
                   "controllers."};
  return {std::move(cluster), std::move(*service)};
}

Json checked_scale(const Json& in) {
  Json scale = in.value("scale", Json{{"value", 100.0}, {"unit", "PERCENT"}});
  if (!scale.is_object()) throw AwsError{"InvalidParameterException", "scale must be an object."};
  const double value = scale.value("value", 0.0);
  if (scale.value("unit", "PERCENT") != "PERCENT")
    throw AwsError{"InvalidParameterException", "scale.unit must be PERCENT."};
  if (value < 0 || value > 100)
    throw AwsError{"InvalidParameterException", "scale.value must be between 0 and 100."};
  return {{"value", value}, {"unit", "PERCENT"}};
}

// The stored document's counts and stability follow the service's desiredCount and the scale.
void refresh_counts(Json& task_set, const Json& service, double at) {
  const double percent = task_set["scale"].value("value", 100.0);
  const int desired = service.value("desiredCount", 0);
  const int computed = static_cast<int>(std::ceil(desired * percent / 100.0));
  task_set["computedDesiredCount"] = computed;
  const std::string stability = computed == task_set.value("runningCount", 0) ? "STEADY_STATE" : "STABILIZING";
  if (task_set.value("stabilityStatus", "") != stability) {
    task_set["stabilityStatus"] = stability;
    task_set["stabilityStatusAt"] = at;
  }
}

storage::Resource require_task_set(EcsService& ecs, const storage::Scope& scope, const ServiceRef& ref,
                                   const std::string& reference) {
  for (auto& task_set : ecs.store().children(scope, kTaskSet, ref.service.id))
    if (task_set.id == reference || task_set.name == reference) return task_set;
  throw AwsError{"TaskSetNotFoundException", "The specified task set does not exist."};
}

Json render(EcsService& ecs, const storage::Scope& scope, const storage::Resource& task_set, bool with_tags) {
  Json out = public_view(task_set.document);
  if (with_tags) out["tags"] = ecs.tags_of(scope, task_set.id);
  return out;
}

// DescribeServices shows an EXTERNAL service's task sets: keep the service's copy current after each change.
void sync_service(EcsService& ecs, const storage::Scope& scope, storage::Resource service) {
  Json task_sets = Json::array();
  for (const auto& task_set : task_sets_of(ecs, scope, service.id)) {
    task_sets.push_back(public_view(task_set.document));
    // The service shows the task definition of its PRIMARY task set.
    if (task_set.document.value("status", "") == "PRIMARY")
      service.document["taskDefinition"] = task_set.document["taskDefinition"];
  }
  service.document["taskSets"] = task_sets;
  ecs.store().put(scope, service);
}

}  // namespace

Json EcsService::create_external_service(const storage::Scope& scope, const storage::Resource& cluster, const Json& in) {
  const std::string name = in.at("serviceName");
  const std::string arn = ecs_arn(scope.region, scope.account_id, "service/" + cluster.name + "/" + name);
  if (const auto existing = store().get(scope, kService, arn); existing && existing->document["status"] != "INACTIVE")
    throw AwsError{"InvalidParameterException", "Creation of service was not idempotent."};
  if (in.value("schedulingStrategy", "REPLICA") != "REPLICA")
    throw AwsError{"InvalidParameterException",
                   "The DAEMON scheduling strategy is not supported with the EXTERNAL deployment controller."};
  const int desired = in.value("desiredCount", 0);
  if (desired < 0) throw AwsError{"InvalidParameterException", "Desired count must be greater than or equal to 0."};
  Json doc = {{"serviceArn", arn},
              {"serviceName", name},
              {"clusterArn", cluster.id},
              {"loadBalancers", in.value("loadBalancers", Json::array())},
              {"serviceRegistries", in.value("serviceRegistries", Json::array())},
              {"status", "ACTIVE"},
              {"desiredCount", desired},
              {"runningCount", 0},
              {"pendingCount", 0},
              {"deploymentConfiguration",
               in.value("deploymentConfiguration",
                        Json{{"maximumPercent", 200}, {"minimumHealthyPercent", 100}})},
              {"deployments", Json::array()},
              {"taskSets", Json::array()},
              {"events", Json::array()},
              {"createdAt", now()},
              {"placementConstraints", in.value("placementConstraints", Json::array())},
              {"placementStrategy", in.value("placementStrategy", Json::array())},
              {"schedulingStrategy", "REPLICA"},
              {"deploymentController", {{"type", "EXTERNAL"}}},
              {"createdBy", "arn:aws:iam::" + scope.account_id + ":root"},
              {"enableECSManagedTags", in.value("enableECSManagedTags", false)},
              {"propagateTags", in.value("propagateTags", "NONE")},
              {"enableExecuteCommand", in.value("enableExecuteCommand", false)},
              {"healthCheckGracePeriodSeconds", in.value("healthCheckGracePeriodSeconds", 0)}};
  if (in.contains("taskDefinition"))
    doc["taskDefinition"] = require_task_definition(scope, in["taskDefinition"].get<std::string>()).id;
  if (in.contains("launchType")) doc["launchType"] = in["launchType"];
  if (in.contains("networkConfiguration")) doc["networkConfiguration"] = in["networkConfiguration"];
  if (in.contains("role")) doc["roleArn"] = in["role"];
  auto stored = store().put(scope, {kService, arn, cluster.id, name, doc});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  return {{"service", public_view(stored.document)}};
}

Json EcsService::create_task_set(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto ref = require_external_service(*this, scope, in);
  if (!in.contains("taskDefinition") || !in["taskDefinition"].is_string())
    throw AwsError{"InvalidParameterException", "taskDefinition is required."};
  const auto definition = require_task_definition(scope, in["taskDefinition"].get<std::string>());
  if (in.contains("launchType") && in.contains("capacityProviderStrategy"))
    throw AwsError{"InvalidParameterException",
                   "Specifying both a launch type and capacity provider strategy is not supported."};
  const Json scale = checked_scale(in);
  const std::string id = "ecs-svc/" + ids::random_digits(19);
  const std::string arn = ecs_arn(scope.region, scope.account_id,
                                  "task-set/" + ref.cluster.name + "/" + ref.service.name + "/" + id);
  const double at = now();
  Json doc = {{"id", id},
              {"taskSetArn", arn},
              {"serviceArn", ref.service.id},
              {"clusterArn", ref.cluster.id},
              {"status", "ACTIVE"},
              {"taskDefinition", definition.id},
              {"pendingCount", 0},
              {"runningCount", 0},
              {"createdAt", at},
              {"updatedAt", at},
              {"launchType", in.value("launchType", "EC2")},
              {"networkConfiguration", in.value("networkConfiguration", Json::object())},
              {"loadBalancers", in.value("loadBalancers", Json::array())},
              {"serviceRegistries", in.value("serviceRegistries", Json::array())},
              {"scale", scale}};
  if (in.contains("externalId")) doc["externalId"] = in["externalId"];
  if (in.contains("capacityProviderStrategy")) {
    doc.erase("launchType");
    doc["capacityProviderStrategy"] = in["capacityProviderStrategy"];
  }
  if (doc.value("launchType", "") == "FARGATE") doc["platformVersion"] = in.value("platformVersion", "LATEST");
  refresh_counts(doc, ref.service.document, at);
  auto stored = store().put(scope, {kTaskSet, arn, ref.service.id, id, doc});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  sync_service(*this, scope, ref.service);
  return {{"taskSet", render(*this, scope, stored, true)}};
}

Json EcsService::describe_task_sets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto ref = require_external_service(*this, scope, in);
  bool with_tags = false;
  for (const auto& field : in.value("include", Json::array())) with_tags |= field == "TAGS";
  Json task_sets = Json::array(), failures = Json::array();
  if (in.contains("taskSets")) {
    for (const auto& reference : in["taskSets"]) {
      try {
        task_sets.push_back(render(*this, scope, require_task_set(*this, scope, ref, reference), with_tags));
      } catch (const AwsError&) {
        failures.push_back({{"arn", reference}, {"reason", "MISSING"}});
      }
    }
  } else {
    for (const auto& task_set : task_sets_of(*this, scope, ref.service.id))
      task_sets.push_back(render(*this, scope, task_set, with_tags));
  }
  return {{"taskSets", task_sets}, {"failures", failures}};
}

Json EcsService::update_task_set(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto ref = require_external_service(*this, scope, in);
  if (!in.contains("scale")) throw AwsError{"InvalidParameterException", "scale is required."};
  auto task_set = require_task_set(*this, scope, ref, in.value("taskSet", ""));
  task_set.document["scale"] = checked_scale(in);
  const double at = now();
  task_set.document["updatedAt"] = at;
  refresh_counts(task_set.document, ref.service.document, at);
  auto stored = store().put(scope, task_set);
  sync_service(*this, scope, ref.service);
  return {{"taskSet", render(*this, scope, stored, false)}};
}

Json EcsService::delete_task_set(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto ref = require_external_service(*this, scope, in);
  auto task_set = require_task_set(*this, scope, ref, in.value("taskSet", ""));
  // `force` allows deleting a task set that still runs tasks; stored task sets never run any.
  store().remove(scope, kTaskSet, task_set.id);
  task_set.document["status"] = "DRAINING";
  task_set.document["updatedAt"] = now();
  sync_service(*this, scope, ref.service);
  return {{"taskSet", public_view(task_set.document)}};
}

Json EcsService::update_service_primary_task_set(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto ref = require_external_service(*this, scope, in);
  const auto primary = require_task_set(*this, scope, ref, in.value("primaryTaskSet", ""));
  const double at = now();
  Json out;
  for (auto& task_set : store().children(scope, kTaskSet, ref.service.id)) {
    const bool is_primary = task_set.id == primary.id;
    const std::string status = is_primary ? "PRIMARY" : "ACTIVE";
    if (task_set.document.value("status", "") != status) {
      task_set.document["status"] = status;
      task_set.document["updatedAt"] = at;
      task_set = store().put(scope, task_set);
    }
    if (is_primary) out = render(*this, scope, task_set, false);
  }
  sync_service(*this, scope, ref.service);
  return {{"taskSet", out}};
}

}  // namespace albatross::ecs
