// ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, read from the deployments a
// service currently keeps (PRIMARY and still-draining ACTIVE ones): each deployment is one service revision
// and one service deployment targeting it. Deployments the scheduler has dropped are no longer described.

#include <algorithm>
#include <optional>

#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxArnsPerDescribe = 20;

// "ecs-svc/1234…" → "1234…"
std::string deployment_digits(const Json& deployment) {
  const std::string id = deployment.value("id", "");
  return id.substr(id.rfind('/') + 1);
}

struct Names {
  std::string cluster, service;
};

Names names_of(const Json& service) {
  return {last_segment(service.value("clusterArn", "")), service.value("serviceName", "")};
}

std::string arn_for(const storage::Scope& scope, const char* kind, const Json& service, const Json& deployment) {
  const auto names = names_of(service);
  return ecs_arn(scope.region, scope.account_id,
                 std::string(kind) + "/" + names.cluster + "/" + names.service + "/" + deployment_digits(deployment));
}

std::string deployment_status(const Json& deployment) {
  const std::string rollout = deployment.value("rolloutState", "");
  if (rollout == "COMPLETED") return "SUCCESSFUL";
  if (rollout == "FAILED") return "ROLLBACK_FAILED";
  return deployment.value("status", "") == "PRIMARY" ? "IN_PROGRESS" : "STOPPED";
}

Json revision_summary(const storage::Scope& scope, const Json& service, const Json& deployment) {
  return {{"arn", arn_for(scope, "service-revision", service, deployment)},
          {"requestedTaskCount", deployment.value("desiredCount", 0)},
          {"runningTaskCount", deployment.value("runningCount", 0)},
          {"pendingTaskCount", deployment.value("pendingCount", 0)}};
}

Json brief(const storage::Scope& scope, const Json& service, const Json& deployment) {
  Json out = {{"serviceDeploymentArn", arn_for(scope, "service-deployment", service, deployment)},
              {"serviceArn", service.value("serviceArn", "")},
              {"clusterArn", service.value("clusterArn", "")},
              {"createdAt", deployment.value("createdAt", 0.0)},
              {"startedAt", deployment.value("createdAt", 0.0)},
              {"targetServiceRevisionArn", arn_for(scope, "service-revision", service, deployment)},
              {"status", deployment_status(deployment)}};
  if (out["status"] != "IN_PROGRESS") out["finishedAt"] = deployment.value("updatedAt", 0.0);
  if (!deployment.value("rolloutStateReason", "").empty()) out["statusReason"] = deployment["rolloutStateReason"];
  return out;
}

Json full(const storage::Scope& scope, const Json& service, const Json& deployment) {
  Json out = brief(scope, service, deployment);
  out.erase("targetServiceRevisionArn");
  out["updatedAt"] = deployment.value("updatedAt", 0.0);
  out["targetServiceRevision"] = revision_summary(scope, service, deployment);
  Json sources = Json::array();
  if (deployment.value("status", "") == "PRIMARY")
    for (const auto& other : service.value("deployments", Json::array()))
      if (other.value("id", "") != deployment.value("id", "")) sources.push_back(revision_summary(scope, service, other));
  out["sourceServiceRevisions"] = sources;
  out["deploymentConfiguration"] = service.value("deploymentConfiguration", Json::object());
  return out;
}

Json revision(const storage::Scope& scope, const Json& service, const Json& deployment) {
  Json out = {{"serviceRevisionArn", arn_for(scope, "service-revision", service, deployment)},
              {"serviceArn", service.value("serviceArn", "")},
              {"clusterArn", service.value("clusterArn", "")},
              {"taskDefinition", deployment.value("taskDefinition", "")},
              {"loadBalancers", service.value("loadBalancers", Json::array())},
              {"serviceRegistries", service.value("serviceRegistries", Json::array())},
              {"createdAt", deployment.value("createdAt", 0.0)},
              {"guardDutyEnabled", false}};
  for (const char* member : {"launchType", "platformVersion", "platformFamily", "capacityProviderStrategy",
                             "networkConfiguration"})
    if (deployment.contains(member)) out[member] = deployment[member];
  return out;
}

// The service and deployment a service-deployment or service-revision ARN names, if they still exist.
std::optional<std::pair<Json, Json>> resolve(EcsService& ecs, const storage::Scope& scope, const std::string& arn,
                                             const std::string& kind) {
  const std::string marker = ":" + kind + "/";
  const auto at = arn.find(marker);
  if (!arn.starts_with("arn:") || at == std::string::npos) return std::nullopt;
  const std::string path = arn.substr(at + marker.size());
  const auto first = path.find('/'), last = path.rfind('/');
  if (first == std::string::npos || first == last) return std::nullopt;
  const std::string service_arn = ecs_arn(scope.region, scope.account_id, "service/" + path.substr(0, last));
  const auto service = ecs.store().get(scope, kService, service_arn);
  if (!service) return std::nullopt;
  for (const auto& deployment : service->document.value("deployments", Json::array()))
    if (deployment_digits(deployment) == path.substr(last + 1)) return std::make_pair(service->document, deployment);
  return std::nullopt;
}

Json checked_arns(const Json& in, const char* member) {
  const Json arns = in.value(member, Json::array());
  if (!arns.is_array() || arns.empty())
    throw AwsError{"InvalidParameterException", std::string(member) + " can not be empty."};
  if (arns.size() > kMaxArnsPerDescribe)
    throw AwsError{"InvalidParameterException",
                   std::string(member) + " can have at most 20 items."};
  return arns;
}

}  // namespace

Json EcsService::list_service_deployments(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (!in.contains("service") || !in["service"].is_string())
    throw AwsError{"InvalidParameterException", "service is required."};
  const std::string arn =
      ecs_arn(scope.region, scope.account_id, "service/" + cluster.name + "/" + last_segment(in["service"]));
  const auto service = store().get(scope, kService, arn);
  if (!service) throw AwsError{"ServiceNotFoundException", "Service not found."};
  const Json statuses = in.value("status", Json::array());
  const Json created = in.value("createdAt", Json::object());
  Json found = Json::array();
  for (const auto& deployment : service->document.value("deployments", Json::array())) {
    Json item = brief(scope, service->document, deployment);
    if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), item["status"]) == statuses.end()) continue;
    const double at = item["createdAt"];
    if (created.contains("after") && at < created["after"].get<double>()) continue;
    if (created.contains("before") && at > created["before"].get<double>()) continue;
    found.push_back(item);
  }
  const int max_results = in.value("maxResults", 20);
  if (max_results < 1 || max_results > 100)
    throw AwsError{"InvalidParameterException", "maxResults must be between 1 and 100."};
  auto page = pagination::page(found, in.value("nextToken", ""), max_results, "InvalidParameterException");
  Json out = {{"serviceDeployments", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcsService::describe_service_deployments(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json deployments = Json::array(), failures = Json::array();
  for (const auto& arn : checked_arns(in, "serviceDeploymentArns")) {
    const auto found = resolve(*this, scope, arn.get<std::string>(), "service-deployment");
    if (found) deployments.push_back(full(scope, found->first, found->second));
    else failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
  }
  return {{"serviceDeployments", deployments}, {"failures", failures}};
}

Json EcsService::describe_service_revisions(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json revisions = Json::array(), failures = Json::array();
  for (const auto& arn : checked_arns(in, "serviceRevisionArns")) {
    const auto found = resolve(*this, scope, arn.get<std::string>(), "service-revision");
    if (found) revisions.push_back(revision(scope, found->first, found->second));
    else failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
  }
  return {{"serviceRevisions", revisions}, {"failures", failures}};
}

}  // namespace albatross::ecs
