#pragma once
// ECS control plane: clusters, capacity providers, account settings, task definitions, tags, tasks and
// services, stored as JSON documents (in the model's output shapes; members starting with '_' are private
// bookkeeping, stripped on output) in the ResourceStore. Handlers run on the control thread inside the
// gateway's transaction. Tasks become Docker containers through the TaskRuntime (task_runtime.hpp).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/elbv2/task_network.hpp"
#include "services/ecs/task_secrets.hpp"
#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross {
class ChangeFeed;
class Clock;
class Scheduler;
namespace storage {
class Database;
}
}  // namespace albatross

namespace albatross::elbv2 {
class Elbv2Service;
}
namespace albatross::logs {
class LogSink;
}

namespace albatross::ecs {

inline constexpr char kCluster[] = "ecs:cluster";                    // id = ARN, name = cluster name
inline constexpr char kTaskDefinition[] = "ecs:task-definition";     // id = ARN, name = family
inline constexpr char kFamily[] = "ecs:task-definition-family";      // id = family; {next revision}
inline constexpr char kTask[] = "ecs:task";                          // id = ARN, parent = cluster ARN
inline constexpr char kService[] = "ecs:service";                    // id = ARN, parent = cluster ARN, name
inline constexpr char kCapacityProvider[] = "ecs:capacity-provider"; // id = ARN, name
inline constexpr char kTaskSet[] = "ecs:task-set";                   // id = ARN, parent = service ARN
inline constexpr char kAccountSetting[] = "ecs:account-setting";     // id = principal|name

struct EcsDependencies {
  storage::Database& db;
  const albatross::Clock& clock;
  Scheduler& scheduler;
  ChangeFeed& changes;
  std::string instance_id;  // unique to the state directory: labels this emulator's containers
  elbv2::Elbv2Service* elbv2 = nullptr;  // services register their tasks' targets through it
  logs::LogSink* log_sink = nullptr;      // the awslogs driver writes container output here
};

class TaskRuntime;
class ServiceScheduler;

class EcsService {
 public:
  explicit EcsService(EcsDependencies deps);
  ~EcsService();
  ServiceDefinition definition();

  using Json = nlohmann::json;

  // cluster_handlers.cpp
  Json create_cluster(RequestContext& ctx, const Json& in);
  Json describe_clusters(RequestContext& ctx, const Json& in);
  Json list_clusters(RequestContext& ctx, const Json& in);
  Json delete_cluster(RequestContext& ctx, const Json& in);
  Json update_cluster(RequestContext& ctx, const Json& in);
  Json update_cluster_settings(RequestContext& ctx, const Json& in);
  Json put_cluster_capacity_providers(RequestContext& ctx, const Json& in);
  // capacity_provider_handlers.cpp
  Json create_capacity_provider(RequestContext& ctx, const Json& in);
  Json describe_capacity_providers(RequestContext& ctx, const Json& in);
  Json update_capacity_provider(RequestContext& ctx, const Json& in);
  Json delete_capacity_provider(RequestContext& ctx, const Json& in);
  // account_setting_handlers.cpp
  Json list_account_settings(RequestContext& ctx, const Json& in);
  Json put_account_setting(RequestContext& ctx, const Json& in);
  Json put_account_setting_default(RequestContext& ctx, const Json& in);
  Json delete_account_setting(RequestContext& ctx, const Json& in);
  // task_definition_handlers.cpp
  Json register_task_definition(RequestContext& ctx, const Json& in);
  Json describe_task_definition(RequestContext& ctx, const Json& in);
  Json list_task_definitions(RequestContext& ctx, const Json& in);
  Json list_task_definition_families(RequestContext& ctx, const Json& in);
  Json deregister_task_definition(RequestContext& ctx, const Json& in);
  Json delete_task_definitions(RequestContext& ctx, const Json& in);
  // tag_handlers.cpp
  Json tag_resource(RequestContext& ctx, const Json& in);
  Json untag_resource(RequestContext& ctx, const Json& in);
  Json list_tags_for_resource(RequestContext& ctx, const Json& in);
  // task_handlers.cpp
  Json run_task(RequestContext& ctx, const Json& in);
  Json start_task(RequestContext& ctx, const Json& in);
  Json stop_task(RequestContext& ctx, const Json& in);
  Json describe_tasks(RequestContext& ctx, const Json& in);
  Json list_tasks(RequestContext& ctx, const Json& in);
  // container_instance_handlers.cpp
  Json list_container_instances(RequestContext& ctx, const Json& in);
  Json describe_container_instances(RequestContext& ctx, const Json& in);
  // service_handlers.cpp
  Json create_service(RequestContext& ctx, const Json& in);
  Json update_service(RequestContext& ctx, const Json& in);
  Json describe_services(RequestContext& ctx, const Json& in);
  Json list_services(RequestContext& ctx, const Json& in);
  Json delete_service(RequestContext& ctx, const Json& in);
  // agent_handlers.cpp
  Json discover_poll_endpoint(RequestContext& ctx, const Json& in);
  Json submit_task_state_change(RequestContext& ctx, const Json& in);
  Json submit_container_state_change(RequestContext& ctx, const Json& in);
  Json submit_attachment_state_changes(RequestContext& ctx, const Json& in);
  Json get_task_protection(RequestContext& ctx, const Json& in);
  Json update_task_protection(RequestContext& ctx, const Json& in);
  // task_set_handlers.cpp
  Json create_task_set(RequestContext& ctx, const Json& in);
  Json describe_task_sets(RequestContext& ctx, const Json& in);
  Json update_task_set(RequestContext& ctx, const Json& in);
  Json delete_task_set(RequestContext& ctx, const Json& in);
  Json update_service_primary_task_set(RequestContext& ctx, const Json& in);
  // service_deployment_handlers.cpp
  Json list_service_deployments(RequestContext& ctx, const Json& in);
  Json describe_service_deployments(RequestContext& ctx, const Json& in);
  Json describe_service_revisions(RequestContext& ctx, const Json& in);
  // container_instance_registry.cpp
  Json register_container_instance(RequestContext& ctx, const Json& in);
  Json deregister_container_instance(RequestContext& ctx, const Json& in);
  Json update_container_instances_state(RequestContext& ctx, const Json& in);
  Json put_attributes(RequestContext& ctx, const Json& in);
  Json list_attributes(RequestContext& ctx, const Json& in);
  Json delete_attributes(RequestContext& ctx, const Json& in);
  std::vector<Json> stored_container_instances(const storage::Scope& scope, const storage::Resource& cluster);
  // CreateService for deploymentController EXTERNAL: stored, no deployments, the scheduler launches nothing.
  Json create_external_service(const storage::Scope& scope, const storage::Resource& cluster, const Json& in);

  // ---- Shared by the topic files ----
  static storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }
  storage::ResourceStore& store() { return store_; }
  double now() const;
  const albatross::Clock& clock() const { return deps_.clock; }
  Scheduler& scheduler() { return deps_.scheduler; }
  storage::Database& db() { return deps_.db; }
  ChangeFeed& changes() { return deps_.changes; }
  TaskRuntime& runtime() { return *runtime_; }
  ServiceScheduler& service_scheduler() { return *service_scheduler_; }
  elbv2::Elbv2Service* elbv2() { return deps_.elbv2; }
  logs::LogSink* log_sink() { return deps_.log_sink; }
  // Starts watching Docker and re-adopts the containers of a previous run.
  void start();
  // Stops watching Docker and the awslogs followers; call before the log sink is destroyed.
  void shutdown();
  // Where a task target (awsvpc task IP + containerPort, bridge container IP + containerPort, or the cluster's
  // emulated instance id + hostPort) is reachable from this host: {"127.0.0.1", published port}. Thread-safe
  // (the data plane calls it from its workers).
  std::optional<std::pair<std::string, int>> published_endpoint(const std::string& address, int port) const;

  std::string cluster_arn(const storage::Scope& scope, const std::string& name) const;
  // The ACTIVE cluster a `cluster` parameter names (empty = default); ClusterNotFoundException otherwise.
  storage::Resource require_cluster(const storage::Scope& scope, const std::string& reference);
  // Like require_cluster, but creates the `default` cluster when it is the one asked for and missing
  // (as ECS does when work is first placed in it).
  storage::Resource cluster_for_work(const storage::Scope& scope, const std::string& reference);
  // A new cluster document (ACTIVE, no settings beyond containerInsights=disabled).
  Json new_cluster_document(const storage::Scope& scope, const std::string& name);
  // The task definition a reference names (family = latest ACTIVE revision); ClientException
  // "Unable to describe task definition." when missing.
  storage::Resource require_task_definition(const storage::Scope& scope, const std::string& reference);
  // ECS's tag rules (≤ 50, aws: prefix reserved), then stores them on the resource.
  void apply_tags(const storage::Scope& scope, const std::string& arn, const Json& ecs_tags);
  Json tags_of(const storage::Scope& scope, const std::string& arn) const;
  // The one emulated container instance of a cluster (EC2 launch type), stable per account/region/cluster.
  std::string container_instance_arn(const storage::Scope& scope, const std::string& cluster_name) const;

  // What RunTask/StartTask/the service scheduler ask for; launch_tasks stores the PROVISIONING tasks and
  // marks the "ecs" topic (the runtime starts them after commit).
  struct LaunchRequest {
    int count = 1;
    std::string launch_type;
    std::string capacity_provider;
    Json network_configuration;
    Json overrides;
    std::string group;
    std::string started_by;
    Json tags = Json::array();
    std::vector<std::string> task_ids;  // ids chosen by the caller (the planner); random when empty
    std::string service_arn;            // set for a service's tasks
    bool managed_tags = false;          // enableECSManagedTags: aws:ecs:clusterName (+ aws:ecs:serviceName)
  };
  std::vector<storage::Resource> launch_tasks(const storage::Scope& scope, const storage::Resource& cluster,
                                              const storage::Resource& definition, const LaunchRequest& request);

  // Maps an image name to a pullable reference and an X-Registry-Auth value (ECR's local registry).
  using ImageResolver = std::function<std::pair<std::string, std::string>(const storage::Scope&, const std::string&)>;
  void set_image_resolver(ImageResolver resolver) { image_resolver_ = std::move(resolver); }
  const ImageResolver& image_resolver() const { return image_resolver_; }
  // "name:ip" entries added to every task's /etc/hosts (e.g. load balancer DNS names → an address containers
  // can reach the data plane on). Set from app.cpp; none by default.
  using ExtraHostsProvider = std::function<std::vector<std::string>(const storage::Scope&)>;
  void set_extra_hosts_provider(ExtraHostsProvider provider) { extra_hosts_provider_ = std::move(provider); }
  const ExtraHostsProvider& extra_hosts_provider() const { return extra_hosts_provider_; }
  // Called (control thread) whenever a task's state changes, e.g. it got its address or stopped.
  void set_task_change_hook(std::function<void()> hook) { task_change_hook_ = std::move(hook); }
  // Every awsvpc task that has an address and is not STOPPED: address, security groups, subnets.
  std::vector<elbv2::TaskNetwork> task_networks() const;
  // Where container `secrets` are read from (SSM Parameter Store, Secrets Manager). Set from app.cpp.
  void set_secret_sources(SecretSources sources) { secret_sources_ = std::move(sources); }
  const SecretSources& secret_sources() const { return secret_sources_; }

 private:
  EcsDependencies deps_;
  storage::ResourceStore store_;
  ImageResolver image_resolver_;
  ExtraHostsProvider extra_hosts_provider_;
  std::function<void()> task_change_hook_;
  SecretSources secret_sources_;
  std::unique_ptr<TaskRuntime> runtime_;
  std::unique_ptr<ServiceScheduler> service_scheduler_;
};

}  // namespace albatross::ecs
