#include "services/ecs/ecs_service.hpp"

#include <cmath>

#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/service_scheduler.hpp"
#include "services/ecs/task_documents.hpp"
#include "services/ecs/task_runtime.hpp"

namespace albatross::ecs {

using Json = nlohmann::json;

namespace {
constexpr std::size_t kMaxTagsPerResource = 50;
}

EcsService::EcsService(EcsDependencies deps)
    : deps_(deps),
      store_(deps.db),
      runtime_(std::make_unique<TaskRuntime>(*this, deps.instance_id)),
      service_scheduler_(std::make_unique<ServiceScheduler>(*this)) {
  deps_.changes.subscribe("ecs", [this] {
    runtime_->reconcile();
    service_scheduler_->poke();
  });
  runtime_->set_task_listener([this](const storage::Scope&, const std::string&) {
    service_scheduler_->poke();
    if (task_change_hook_) task_change_hook_();
  });
}

std::vector<elbv2::TaskNetwork> EcsService::task_networks() const {
  std::vector<elbv2::TaskNetwork> out;
  for (const auto& [scope, task] : store_.list_everywhere(kTask)) {
    const Json& doc = task.document;
    const auto config = doc.find("_awsvpcConfiguration");
    if (config == doc.end() || doc.value("lastStatus", "") == "STOPPED") continue;
    const std::string address = task_private_ip(doc);
    if (address.empty()) continue;
    elbv2::TaskNetwork network{scope, address, {}, {}};
    for (const auto& group : config->value("securityGroups", Json::array())) network.security_groups.push_back(group);
    for (const auto& subnet : config->value("subnets", Json::array())) network.subnets.push_back(subnet);
    out.push_back(std::move(network));
  }
  return out;
}

EcsService::~EcsService() = default;

std::optional<std::pair<std::string, int>> EcsService::published_endpoint(const std::string& address, int port) const {
  const auto found = runtime_->published_endpoint(address, port);
  if (!found) return std::nullopt;
  return std::make_pair(found->host, found->port);
}

void EcsService::shutdown() { runtime_->shutdown(); }

void EcsService::start() {
  runtime_->start();
  service_scheduler_->start();
}

double EcsService::now() const { return std::round(Clock::now() * 1000) / 1000; }

std::string EcsService::cluster_arn(const storage::Scope& scope, const std::string& name) const {
  return ecs_arn(scope.region, scope.account_id, "cluster/" + name);
}

storage::Resource EcsService::require_cluster(const storage::Scope& scope, const std::string& reference) {
  const std::string name = cluster_name_of(reference);
  auto found = store_.get(scope, kCluster, cluster_arn(scope, name));
  if (!found || found->document.value("status", "") != "ACTIVE")
    throw AwsError{"ClusterNotFoundException", "Cluster not found."};
  return *found;
}

Json EcsService::new_cluster_document(const storage::Scope& scope, const std::string& name) {
  return {{"clusterArn", cluster_arn(scope, name)},
          {"clusterName", name},
          {"status", "ACTIVE"},
          {"settings", Json::array({{{"name", "containerInsights"}, {"value", "disabled"}}})},
          {"capacityProviders", Json::array()},
          {"defaultCapacityProviderStrategy", Json::array()},
          {"_createdAt", now()}};
}

storage::Resource EcsService::cluster_for_work(const storage::Scope& scope, const std::string& reference) {
  const std::string name = cluster_name_of(reference);
  if (name == kDefaultCluster) {
    const auto found = store_.get(scope, kCluster, cluster_arn(scope, name));
    if (!found || found->document.value("status", "") != "ACTIVE") {
      const std::string arn = cluster_arn(scope, name);
      return store_.put(scope, {kCluster, arn, "", name, new_cluster_document(scope, name)});
    }
  }
  return require_cluster(scope, reference);
}

storage::Resource EcsService::require_task_definition(const storage::Scope& scope, const std::string& reference) {
  const auto ref = parse_task_definition_ref(reference);
  if (ref.revision) {
    const std::string arn =
        ecs_arn(scope.region, scope.account_id, "task-definition/" + ref.family + ":" + std::to_string(*ref.revision));
    auto found = store_.get(scope, kTaskDefinition, arn);
    if (found && found->document.value("status", "") != "DELETE_IN_PROGRESS") return *found;
  } else {
    std::optional<storage::Resource> latest;
    for (auto& definition : store_.list(scope, kTaskDefinition)) {
      if (definition.name != ref.family || definition.document.value("status", "") != "ACTIVE") continue;
      if (!latest || definition.document["revision"].get<int>() > latest->document["revision"].get<int>())
        latest = std::move(definition);
    }
    if (latest) return *latest;
  }
  throw AwsError{"ClientException", "Unable to describe task definition."};
}

void EcsService::apply_tags(const storage::Scope& scope, const std::string& arn, const Json& ecs_tags) {
  if (!ecs_tags.is_array() || ecs_tags.empty()) return;
  for (const auto& tag : ecs_tags) {
    const std::string key = tag.value("key", "");
    if (key.empty()) throw AwsError{"InvalidParameterException", "Tag keys must not be empty."};
    if (key.size() >= 4 && (key.substr(0, 4) == "aws:" || key.substr(0, 4) == "AWS:"))
      throw AwsError{"InvalidParameterException", "Tag keys starting with 'aws:' are reserved for system use."};
  }
  store_.add_tags(scope, arn, to_store_tags(ecs_tags));
  if (store_.tag_count(scope, arn) > kMaxTagsPerResource)
    throw AwsError{"InvalidParameterException", "The resource can have at most 50 tags."};
}

Json EcsService::tags_of(const storage::Scope& scope, const std::string& arn) const {
  return to_ecs_tags(store_.tags(scope, arn));
}

ServiceDefinition EcsService::definition() {
  ServiceDefinition definition;
  definition.model_name = "ecs";
  using Method = Json (EcsService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateCluster", &EcsService::create_cluster},
      {"DescribeClusters", &EcsService::describe_clusters},
      {"ListClusters", &EcsService::list_clusters},
      {"DeleteCluster", &EcsService::delete_cluster},
      {"UpdateCluster", &EcsService::update_cluster},
      {"UpdateClusterSettings", &EcsService::update_cluster_settings},
      {"PutClusterCapacityProviders", &EcsService::put_cluster_capacity_providers},
      {"CreateCapacityProvider", &EcsService::create_capacity_provider},
      {"DescribeCapacityProviders", &EcsService::describe_capacity_providers},
      {"UpdateCapacityProvider", &EcsService::update_capacity_provider},
      {"DeleteCapacityProvider", &EcsService::delete_capacity_provider},
      {"ListAccountSettings", &EcsService::list_account_settings},
      {"PutAccountSetting", &EcsService::put_account_setting},
      {"PutAccountSettingDefault", &EcsService::put_account_setting_default},
      {"DeleteAccountSetting", &EcsService::delete_account_setting},
      {"RegisterTaskDefinition", &EcsService::register_task_definition},
      {"DescribeTaskDefinition", &EcsService::describe_task_definition},
      {"ListTaskDefinitions", &EcsService::list_task_definitions},
      {"ListTaskDefinitionFamilies", &EcsService::list_task_definition_families},
      {"DeregisterTaskDefinition", &EcsService::deregister_task_definition},
      {"DeleteTaskDefinitions", &EcsService::delete_task_definitions},
      {"TagResource", &EcsService::tag_resource},
      {"UntagResource", &EcsService::untag_resource},
      {"ListTagsForResource", &EcsService::list_tags_for_resource},
      {"RunTask", &EcsService::run_task},
      {"StartTask", &EcsService::start_task},
      {"StopTask", &EcsService::stop_task},
      {"DescribeTasks", &EcsService::describe_tasks},
      {"ListTasks", &EcsService::list_tasks},
      {"ListContainerInstances", &EcsService::list_container_instances},
      {"DescribeContainerInstances", &EcsService::describe_container_instances},
      {"CreateService", &EcsService::create_service},
      {"UpdateService", &EcsService::update_service},
      {"DescribeServices", &EcsService::describe_services},
      {"ListServices", &EcsService::list_services},
      {"DeleteService", &EcsService::delete_service},
      {"DiscoverPollEndpoint", &EcsService::discover_poll_endpoint},
      {"SubmitTaskStateChange", &EcsService::submit_task_state_change},
      {"SubmitContainerStateChange", &EcsService::submit_container_state_change},
      {"SubmitAttachmentStateChanges", &EcsService::submit_attachment_state_changes},
      {"GetTaskProtection", &EcsService::get_task_protection},
      {"UpdateTaskProtection", &EcsService::update_task_protection},
      {"RegisterContainerInstance", &EcsService::register_container_instance},
      {"DeregisterContainerInstance", &EcsService::deregister_container_instance},
      {"UpdateContainerInstancesState", &EcsService::update_container_instances_state},
      {"PutAttributes", &EcsService::put_attributes},
      {"ListAttributes", &EcsService::list_attributes},
      {"DeleteAttributes", &EcsService::delete_attributes},
      {"ListServiceDeployments", &EcsService::list_service_deployments},
      {"DescribeServiceDeployments", &EcsService::describe_service_deployments},
      {"DescribeServiceRevisions", &EcsService::describe_service_revisions},
      {"CreateTaskSet", &EcsService::create_task_set},
      {"DescribeTaskSets", &EcsService::describe_task_sets},
      {"UpdateTaskSet", &EcsService::update_task_set},
      {"DeleteTaskSet", &EcsService::delete_task_set},
      {"UpdateServicePrimaryTaskSet", &EcsService::update_service_primary_task_set},
  };
  definition.on_reset = [this] {
    runtime_->reset();
    service_scheduler_->restart();
  };
  for (const auto& [name, method] : table)
    definition.handlers.emplace(name, [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); });
  return definition;
}

}  // namespace albatross::ecs
