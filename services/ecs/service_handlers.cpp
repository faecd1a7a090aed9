// CreateService, UpdateService, DescribeServices, ListServices, DeleteService. Each change runs the service
// scheduler once inside the request's transaction, so the first tasks are launched before the response.

#include <algorithm>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/service_scheduler.hpp"
#include "services/ecs/service_state.hpp"
#include "services/ecs/task_definition_rules.hpp"
#include "services/elbv2/elbv2_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

std::string service_arn(const storage::Scope& scope, const std::string& cluster, const std::string& name) {
  return ecs_arn(scope.region, scope.account_id, "service/" + cluster + "/" + name);
}

std::string new_deployment_id() { return "ecs-svc/" + ids::random_digits(19); }

storage::Resource require_service(EcsService& ecs, const storage::Scope& scope, const storage::Resource& cluster,
                                  const std::string& reference) {
  auto found = ecs.store().get(scope, kService, service_arn(scope, cluster.name, last_segment(reference)));
  if (!found) throw AwsError{"ServiceNotFoundException", "Service not found."};
  return *found;
}

// AWS's checks of loadBalancers against the task definition and the target groups.
void check_load_balancers(EcsService& ecs, const storage::Scope& scope, const Json& load_balancers,
                          const Json& definition) {
  for (const auto& load_balancer : load_balancers) {
    const std::string container = load_balancer.value("containerName", "");
    const int port = load_balancer.value("containerPort", 0);
    if (!load_balancer.contains("targetGroupArn"))
      throw AwsError{"InvalidParameterException", "Target group ARN must be specified for an Application Load Balancer."};
    const Json* found = nullptr;
    for (const auto& item : definition["containerDefinitions"])
      if (item["name"] == container) found = &item;
    if (!found)
      throw AwsError{"InvalidParameterException",
                     "The container " + container + " does not exist in the task definition."};
    bool has_port = false;
    for (const auto& mapping : found->value("portMappings", Json::array()))
      has_port = has_port || mapping.value("containerPort", 0) == port;
    if (!has_port)
      throw AwsError{"InvalidParameterException",
                     "The container " + container + " did not have a container port " + std::to_string(port) +
                         " defined."};
    if (!ecs.elbv2()) continue;
    const std::string group_arn = load_balancer["targetGroupArn"];
    const auto group = ecs.elbv2()->store().get(scope, elbv2::kTargetGroup, group_arn);
    if (!group)
      throw AwsError{"InvalidParameterException", "The target group " + group_arn + " does not exist."};
    if (ecs.elbv2()->load_balancers_using(scope, group_arn).empty())
      throw AwsError{"InvalidParameterException",
                     "The target group with targetGroupArn " + group_arn + " does not have an associated load balancer."};
    const bool awsvpc = definition.value("networkMode", "bridge") == "awsvpc";
    const std::string type = group->document.value("TargetType", "instance");
    if (awsvpc && type != "ip")
      throw AwsError{"InvalidParameterException",
                     "The provided target group " + group_arn + " has target type " + type +
                         ", which is incompatible with the awsvpc network mode specified in the task definition."};
    if (!awsvpc && type == "ip")
      throw AwsError{"InvalidParameterException",
                     "The provided target group " + group_arn + " has target type ip, which is incompatible with the " +
                         definition.value("networkMode", "bridge") + " network mode specified in the task definition."};
  }
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
}

Json deployment_configuration(const Json& given, const Json& current, const std::string& strategy) {
  Json out = current.is_object() ? current : Json::object();
  if (!out.contains("deploymentCircuitBreaker")) out["deploymentCircuitBreaker"] = {{"enable", false}, {"rollback", false}};
  if (!out.contains("maximumPercent")) out["maximumPercent"] = strategy == "DAEMON" ? 100 : 200;
  if (!out.contains("minimumHealthyPercent")) out["minimumHealthyPercent"] = strategy == "DAEMON" ? 0 : 100;
  if (given.is_object()) out.update(given);
  if (out["maximumPercent"].get<int>() < out["minimumHealthyPercent"].get<int>())
    throw AwsError{"InvalidParameterException",
                   "The maximumPercent value must be greater than or equal to the minimumHealthyPercent value."};
  return out;
}

Json render(EcsService& ecs, const storage::Scope& scope, const storage::Resource& service, bool with_tags) {
  Json out = public_view(service.document);
  if (with_tags) out["tags"] = ecs.tags_of(scope, service.id);
  return out;
}

}  // namespace

Json EcsService::create_service(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("serviceName");
  if (!valid_resource_name(name))
    throw AwsError{"InvalidParameterException",
                   "Service name can have up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores."};
  const auto cluster = cluster_for_work(scope, in.value("cluster", ""));
  const std::string arn = service_arn(scope, cluster.name, name);
  if (const auto existing = store().get(scope, kService, arn); existing && existing->document["status"] != "INACTIVE")
    throw AwsError{"InvalidParameterException", "Creation of service was not idempotent."};
  if (in.value("deploymentController", Json::object()).value("type", "ECS") == "EXTERNAL")
    return create_external_service(scope, cluster, in);  // task_set_handlers.cpp
  if (!in.contains("taskDefinition"))
    throw AwsError{"InvalidParameterException", "TaskDefinition must be specified for the ECS deployment controller."};
  const auto definition = require_task_definition(scope, in["taskDefinition"]);
  if (definition.document.value("status", "") != "ACTIVE")
    throw AwsError{"ClientException", "TaskDefinition is inactive"};
  const std::string strategy = in.value("schedulingStrategy", "REPLICA");
  if (strategy == "DAEMON" && in.contains("desiredCount"))
    throw AwsError{"InvalidParameterException", "The daemon scheduling strategy does not support a desired count for services."};
  if (in.contains("launchType") && in.contains("capacityProviderStrategy"))
    throw AwsError{"InvalidParameterException",
                   "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."};
  std::string launch_type = in.value("launchType", "");
  if (launch_type.empty() && !in.contains("capacityProviderStrategy")) launch_type = "EC2";
  if (!launch_type.empty() && !supports_launch_type(definition.document, launch_type))
    throw AwsError{"InvalidParameterException", "Task definition does not support launch_type " + launch_type + "."};
  if (strategy == "DAEMON" && launch_type == "FARGATE")
    throw AwsError{"InvalidParameterException", "The daemon scheduling strategy does not support the FARGATE launch type."};
  check_network(definition.document, in);
  const Json load_balancers = in.value("loadBalancers", Json::array());
  check_load_balancers(*this, scope, load_balancers, definition.document);
  if (in.contains("healthCheckGracePeriodSeconds") && load_balancers.empty())
    throw AwsError{"InvalidParameterException",
                   "Health check grace period is only valid for services configured to use load balancers"};
  const int desired = strategy == "DAEMON" ? 1 : in.value("desiredCount", 0);
  if (desired < 0) throw AwsError{"InvalidParameterException", "Desired count must be greater than or equal to 0."};

  const double created = now();
  Json doc = {{"serviceArn", arn},
              {"serviceName", name},
              {"clusterArn", cluster.id},
              {"loadBalancers", load_balancers},
              {"serviceRegistries", in.value("serviceRegistries", Json::array())},
              {"status", "ACTIVE"},
              {"desiredCount", desired},
              {"runningCount", 0},
              {"pendingCount", 0},
              {"taskDefinition", definition.id},
              {"deploymentConfiguration", deployment_configuration(in.value("deploymentConfiguration", Json()), Json(), strategy)},
              {"events", Json::array()},
              {"createdAt", created},
              {"placementConstraints", in.value("placementConstraints", Json::array())},
              {"placementStrategy", in.value("placementStrategy", Json::array())},
              {"schedulingStrategy", strategy},
              {"deploymentController", in.value("deploymentController", Json{{"type", "ECS"}})},
              {"createdBy", "arn:aws:iam::" + scope.account_id + ":root"},
              {"enableECSManagedTags", in.value("enableECSManagedTags", false)},
              {"propagateTags", in.value("propagateTags", "NONE")},
              {"enableExecuteCommand", in.value("enableExecuteCommand", false)},
              {"healthCheckGracePeriodSeconds", in.value("healthCheckGracePeriodSeconds", 0)}};
  if (!launch_type.empty()) doc["launchType"] = launch_type;
  if (in.contains("capacityProviderStrategy")) doc["capacityProviderStrategy"] = in["capacityProviderStrategy"];
  if (launch_type == "FARGATE") {
    doc["platformVersion"] = in.value("platformVersion", "LATEST");
    doc["platformFamily"] = "Linux";
  } else if (in.contains("platformVersion")) {
    doc["platformVersion"] = in["platformVersion"];
  }
  if (in.contains("networkConfiguration")) doc["networkConfiguration"] = in["networkConfiguration"];
  if (in.contains("role")) doc["roleArn"] = in["role"];
  doc["deployments"] = Json::array({new_deployment(new_deployment_id(), doc, created)});
  auto stored = store().put(scope, {kService, arn, cluster.id, name, doc});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  // The answer shows the service as created (no events, nothing running yet), as AWS's does; the first
  // tasks are launched in this same transaction.
  const Json answer = render(*this, scope, stored, false);
  service_scheduler().reconcile(scope, stored);
  return {{"service", answer}};
}

Json EcsService::update_service(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  auto service = require_service(*this, scope, cluster, in.at("service"));
  Json& doc = service.document;
  if (doc.value("status", "") != "ACTIVE") throw AwsError{"ServiceNotActiveException", "Service was not ACTIVE."};
  bool new_deployment_wanted = in.value("forceNewDeployment", false);
  auto definition = store().get(scope, kTaskDefinition, doc["taskDefinition"].get<std::string>());
  if (in.contains("taskDefinition")) {
    definition = require_task_definition(scope, in["taskDefinition"]);
    if (definition->document.value("status", "") != "ACTIVE")
      throw AwsError{"ClientException", "TaskDefinition is inactive"};
    if (definition->id != doc["taskDefinition"]) new_deployment_wanted = true;
    if (doc.contains("launchType") && !supports_launch_type(definition->document, doc["launchType"]))
      throw AwsError{"InvalidParameterException",
                     "Task definition does not support launch_type " + doc["launchType"].get<std::string>() + "."};
  }
  if (in.contains("desiredCount")) {
    if (doc.value("schedulingStrategy", "") == "DAEMON")
      throw AwsError{"InvalidParameterException", "The daemon scheduling strategy does not support a desired count for services."};
    if (in["desiredCount"].get<int>() < 0)
      throw AwsError{"InvalidParameterException", "Desired count must be greater than or equal to 0."};
    doc["desiredCount"] = in["desiredCount"];
  }
  if (in.contains("deploymentConfiguration"))
    doc["deploymentConfiguration"] = deployment_configuration(in["deploymentConfiguration"], doc["deploymentConfiguration"],
                                                              doc.value("schedulingStrategy", "REPLICA"));
  if (in.contains("networkConfiguration") && in["networkConfiguration"] != doc.value("networkConfiguration", Json())) {
    doc["networkConfiguration"] = in["networkConfiguration"];
    new_deployment_wanted = true;
  }
  if (definition) check_network(definition->document, doc);
  if (in.contains("loadBalancers") && in["loadBalancers"] != doc["loadBalancers"]) {
    doc["loadBalancers"] = in["loadBalancers"];
    new_deployment_wanted = true;
  }
  if (definition) check_load_balancers(*this, scope, doc["loadBalancers"], definition->document);
  if (in.contains("healthCheckGracePeriodSeconds")) {
    if (doc["loadBalancers"].empty())
      throw AwsError{"InvalidParameterException",
                     "Health check grace period is only valid for services configured to use load balancers"};
    doc["healthCheckGracePeriodSeconds"] = in["healthCheckGracePeriodSeconds"];
  }
  for (const char* member : {"capacityProviderStrategy", "platformVersion", "placementConstraints",
                             "placementStrategy", "enableExecuteCommand", "enableECSManagedTags", "propagateTags"})
    if (in.contains(member)) doc[member] = in[member];
  if (new_deployment_wanted) {
    doc["taskDefinition"] = definition->id;
    for (auto& deployment : doc["deployments"])
      if (deployment["status"] == "PRIMARY") deployment["status"] = "ACTIVE";
    doc["deployments"].insert(doc["deployments"].begin(), new_deployment(new_deployment_id(), doc, now()));
  }
  store().put(scope, service);
  service_scheduler().reconcile(scope, service);
  return {{"service", render(*this, scope, service, false)}};
}

Json EcsService::describe_services(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const auto& references = in.at("services");
  if (references.empty() || references.size() > 10)
    throw AwsError{"InvalidParameterException", "Services cannot be empty and cannot have more than 10 elements."};
  const auto& include = in.value("include", Json::array());
  const bool with_tags = std::find(include.begin(), include.end(), "TAGS") != include.end();
  Json services = Json::array(), failures = Json::array();
  for (const auto& reference : references) {
    const std::string arn = service_arn(scope, cluster.name, last_segment(reference));
    const auto found = store().get(scope, kService, arn);
    if (found) services.push_back(render(*this, scope, *found, with_tags));
    else  // a bare name is reported in the short ARN form, as AWS does
      failures.push_back({{"arn", reference.get<std::string>().starts_with("arn:")
                                      ? reference.get<std::string>()
                                      : ecs_arn(scope.region, scope.account_id, "service/" + reference.get<std::string>())},
                          {"reason", "MISSING"}});
  }
  return {{"services", services}, {"failures", failures}};
}

Json EcsService::list_services(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const int max_results = in.value("maxResults", 10);
  if (max_results < 1 || max_results > 100)
    throw AwsError{"InvalidParameterException", "maxResults must be between 1 and 100."};
  Json arns = Json::array();
  for (const auto& service : store().children(scope, kService, cluster.id)) {
    if (service.document.value("status", "") == "INACTIVE") continue;
    if (in.contains("launchType") && service.document.value("launchType", "") != in["launchType"]) continue;
    if (in.contains("schedulingStrategy") && service.document.value("schedulingStrategy", "") != in["schedulingStrategy"])
      continue;
    arns.push_back(service.id);
  }
  auto page = pagination::page(arns, in.value("nextToken", ""), max_results, "InvalidParameterException");
  Json out = {{"serviceArns", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcsService::delete_service(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  auto service = require_service(*this, scope, cluster, in.at("service"));
  Json& doc = service.document;
  if (doc.value("status", "") != "ACTIVE") throw AwsError{"ServiceNotActiveException", "Service was not ACTIVE."};
  if (doc.value("desiredCount", 0) > 0 && doc.value("schedulingStrategy", "") != "DAEMON" && !in.value("force", false))
    throw AwsError{"InvalidParameterException", "The service cannot be stopped while it is scaled above 0."};
  doc["status"] = "DRAINING";
  doc["desiredCount"] = 0;
  store().put(scope, service);
  service_scheduler().reconcile(scope, service);
  return {{"service", render(*this, scope, service, false)}};
}

}  // namespace albatross::ecs
