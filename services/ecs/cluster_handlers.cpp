// CreateCluster, DescribeClusters, ListClusters, DeleteCluster, UpdateCluster, UpdateClusterSettings,
// PutClusterCapacityProviders. Task and service counts are computed from the stored tasks and services.

#include <algorithm>

#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

struct ClusterCounts {
  int running_ec2 = 0, running_fargate = 0, pending_ec2 = 0, pending_fargate = 0;
  int active_ec2_services = 0, active_fargate_services = 0, draining_ec2_services = 0, draining_fargate_services = 0;
};

ClusterCounts count(EcsService& service, const storage::Scope& scope, const std::string& cluster_arn) {
  ClusterCounts counts;
  for (const auto& task : service.store().children(scope, kTask, cluster_arn)) {
    const bool fargate = task.document.value("launchType", "") == "FARGATE";
    const std::string status = task.document.value("lastStatus", "");
    if (status == "RUNNING") ++(fargate ? counts.running_fargate : counts.running_ec2);
    else if (status == "PROVISIONING" || status == "PENDING" || status == "ACTIVATING")
      ++(fargate ? counts.pending_fargate : counts.pending_ec2);
  }
  for (const auto& svc : service.store().children(scope, kService, cluster_arn)) {
    const bool fargate = svc.document.value("launchType", "") == "FARGATE";
    const std::string status = svc.document.value("status", "");
    if (status == "ACTIVE") ++(fargate ? counts.active_fargate_services : counts.active_ec2_services);
    else if (status == "DRAINING") ++(fargate ? counts.draining_fargate_services : counts.draining_ec2_services);
  }
  return counts;
}

Json statistic(const char* name, int value) { return {{"name", name}, {"value", std::to_string(value)}}; }

// The Cluster shape as AWS returns it; `include` names the optional parts (SETTINGS, STATISTICS, TAGS,
// CONFIGURATIONS, ATTACHMENTS). Create/Update/Delete responses show settings and configuration.
Json render_cluster(EcsService& service, const storage::Scope& scope, const storage::Resource& cluster,
                    const std::vector<std::string>& include, bool full) {
  auto wants = [&](const char* part) { return std::find(include.begin(), include.end(), part) != include.end(); };
  Json out = public_view(cluster.document);
  const auto counts = count(service, scope, cluster.id);
  // Instances registered through RegisterContainerInstance (the emulated one is not counted).
  out["registeredContainerInstancesCount"] = static_cast<int>(service.stored_container_instances(scope, cluster).size());
  out["runningTasksCount"] = counts.running_ec2 + counts.running_fargate;
  out["pendingTasksCount"] = counts.pending_ec2 + counts.pending_fargate;
  out["activeServicesCount"] = counts.active_ec2_services + counts.active_fargate_services;
  if (!full && !wants("SETTINGS")) out.erase("settings");
  if (!full && !wants("CONFIGURATIONS")) out.erase("configuration");
  if (wants("STATISTICS")) {
    out["statistics"] = Json::array({statistic("runningEC2TasksCount", counts.running_ec2),
                                     statistic("runningFargateTasksCount", counts.running_fargate),
                                     statistic("pendingEC2TasksCount", counts.pending_ec2),
                                     statistic("pendingFargateTasksCount", counts.pending_fargate),
                                     statistic("activeEC2ServiceCount", counts.active_ec2_services),
                                     statistic("activeFargateServiceCount", counts.active_fargate_services),
                                     statistic("drainingEC2ServiceCount", counts.draining_ec2_services),
                                     statistic("drainingFargateServiceCount", counts.draining_fargate_services)});
  } else {
    out["statistics"] = Json::array();
  }
  if (wants("TAGS")) {
    const auto tags = service.tags_of(scope, cluster.id);
    if (!tags.empty()) out["tags"] = tags;
  }
  if (wants("ATTACHMENTS")) out["attachments"] = Json::array();
  return out;
}

bool is_builtin_provider(const std::string& name) { return name == "FARGATE" || name == "FARGATE_SPOT"; }

// AWS's checks for a cluster's capacity providers and default strategy.
void check_capacity_providers(EcsService& service, const storage::Scope& scope, const Json& providers,
                              const Json& strategy) {
  for (const auto& provider : providers) {
    const std::string name = provider;
    if (is_builtin_provider(name) || service.store().find_by_name(scope, kCapacityProvider, name)) continue;
    throw AwsError{"InvalidParameterException",
                   "The specified capacity provider '" + name + "' does not exist. Specify a valid name or ARN and try again."};
  }
  int with_base = 0;
  for (const auto& item : strategy) {
    const std::string name = item.value("capacityProvider", "");
    if (std::find(providers.begin(), providers.end(), name) == providers.end())
      throw AwsError{"InvalidParameterException",
                     "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                     "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                     "provider and try again."};
    if (item.value("base", 0) > 0) ++with_base;
  }
  if (with_base > 1)
    throw AwsError{"InvalidParameterException",
                   "You can specify a base value for only one capacity provider in a capacity provider strategy."};
}

void merge_settings(Json& document, const Json& settings) {
  for (const auto& setting : settings) {
    bool replaced = false;
    for (auto& existing : document["settings"])
      if (existing["name"] == setting["name"]) existing["value"] = setting.value("value", ""), replaced = true;
    if (!replaced) document["settings"].push_back(setting);
  }
}

std::vector<std::string> include_of(const Json& in) {
  return in.contains("include") ? in["include"].get<std::vector<std::string>>() : std::vector<std::string>{};
}

}  // namespace

Json EcsService::create_cluster(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.value("clusterName", std::string(kDefaultCluster));
  if (!valid_resource_name(name))
    throw AwsError{"InvalidParameterException",
                   "Cluster name can have up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores."};
  const std::string arn = cluster_arn(scope, name);
  const auto existing = store().get(scope, kCluster, arn);
  if (existing && existing->document.value("status", "") == "ACTIVE")
    return {{"cluster", render_cluster(*this, scope, *existing, {}, true)}};
  Json document = new_cluster_document(scope, name);
  if (in.contains("settings")) merge_settings(document, in["settings"]);
  if (in.contains("configuration")) document["configuration"] = in["configuration"];
  if (in.contains("serviceConnectDefaults")) document["serviceConnectDefaults"] = in["serviceConnectDefaults"];
  const Json providers = in.value("capacityProviders", Json::array());
  const Json strategy = in.value("defaultCapacityProviderStrategy", Json::array());
  check_capacity_providers(*this, scope, providers, strategy);
  document["capacityProviders"] = providers;
  document["defaultCapacityProviderStrategy"] = strategy;
  if (existing) store().remove(scope, kCluster, arn);  // an INACTIVE cluster of that name is replaced
  const auto stored = store().put(scope, {kCluster, arn, "", name, document});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  return {{"cluster", render_cluster(*this, scope, stored, {}, true)}};
}

Json EcsService::describe_clusters(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const Json references = in.value("clusters", Json::array({kDefaultCluster}));
  if (references.size() > 100)
    throw AwsError{"InvalidParameterException", "Clusters cannot have more than 100 elements"};
  const auto include = include_of(in);
  Json clusters = Json::array(), failures = Json::array();
  for (const auto& reference : references) {
    const std::string arn = cluster_arn(scope, cluster_name_of(reference));
    const auto found = store().get(scope, kCluster, arn);
    if (found) clusters.push_back(render_cluster(*this, scope, *found, include, false));
    else failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
  }
  return {{"clusters", clusters}, {"failures", failures}};
}

Json EcsService::list_clusters(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json arns = Json::array();
  for (const auto& cluster : store().list(scope, kCluster)) arns.push_back(cluster.id);
  const int max_results = in.value("maxResults", 100);
  if (max_results < 1 || max_results > 100)
    throw AwsError{"InvalidParameterException", "maxResults must be between 1 and 100."};
  auto page = pagination::page(arns, in.value("nextToken", ""), max_results, "InvalidParameterException");
  Json out = {{"clusterArns", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcsService::delete_cluster(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto cluster = require_cluster(scope, in.at("cluster"));
  for (const auto& svc : store().children(scope, kService, cluster.id)) {
    const std::string status = svc.document.value("status", "");
    if (status == "ACTIVE" || status == "DRAINING")
      throw AwsError{"ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."};
  }
  for (const auto& task : store().children(scope, kTask, cluster.id))
    if (task.document.value("lastStatus", "") != "STOPPED")
      throw AwsError{"ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active."};
  if (!stored_container_instances(scope, cluster).empty())
    throw AwsError{"ClusterContainsContainerInstancesException",
                   "The Cluster cannot be deleted while Container Instances are active or draining."};
  cluster.document["status"] = "INACTIVE";
  store().put(scope, cluster);
  return {{"cluster", render_cluster(*this, scope, cluster, {}, true)}};
}

Json EcsService::update_cluster(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto cluster = require_cluster(scope, in.at("cluster"));
  if (in.contains("settings")) merge_settings(cluster.document, in["settings"]);
  if (in.contains("configuration")) cluster.document["configuration"] = in["configuration"];
  if (in.contains("serviceConnectDefaults")) cluster.document["serviceConnectDefaults"] = in["serviceConnectDefaults"];
  store().put(scope, cluster);
  return {{"cluster", render_cluster(*this, scope, cluster, {}, true)}};
}

Json EcsService::update_cluster_settings(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto cluster = require_cluster(scope, in.at("cluster"));
  merge_settings(cluster.document, in.at("settings"));
  store().put(scope, cluster);
  return {{"cluster", render_cluster(*this, scope, cluster, {}, true)}};
}

Json EcsService::put_cluster_capacity_providers(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto cluster = require_cluster(scope, in.at("cluster"));
  check_capacity_providers(*this, scope, in.at("capacityProviders"), in.at("defaultCapacityProviderStrategy"));
  cluster.document["capacityProviders"] = in["capacityProviders"];
  cluster.document["defaultCapacityProviderStrategy"] = in["defaultCapacityProviderStrategy"];
  store().put(scope, cluster);
  return {{"cluster", render_cluster(*this, scope, cluster, {}, true)}};
}

}  // namespace albatross::ecs
