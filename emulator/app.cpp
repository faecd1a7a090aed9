#include "emulator/app.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <future>
#include <optional>
#include <sstream>

#include "emulator/admin_api.hpp"
#include "emulator/admin_state.hpp"
#include "emulator/change_feed.hpp"
#include "emulator/clock.hpp"
#include "emulator/docker_bridge.hpp"
#include "emulator/gateway.hpp"
#include "emulator/http_server.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/acm/acm_service.hpp"
#include "services/acm/local_ca.hpp"
#include "services/autoscaling/autoscaling_service.hpp"
#include "services/autoscaling/ecs_scaler.hpp"
#include "services/ec2/ec2_service.hpp"
#include "services/ec2_autoscaling/auto_scaling_service.hpp"
#include "services/iam/iam_service.hpp"
#include "services/sts/sts_service.hpp"
#include "services/logs/logs_service.hpp"
#include "services/secretsmanager/secrets_service.hpp"
#include "services/ssm/ssm_service.hpp"
#include "services/ecr/blob_store.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/image_reference.hpp"
#include "services/ecr/registry/registry_server.hpp"
#include "services/common/digest.hpp"
#include "services/ecs/ecs_service.hpp"
#include "routing/data_plane.hpp"
#include "routing/loopback_address.hpp"
#include "storage/resource_store.hpp"
#include <nlohmann/json.hpp>
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/snapshot_builder.hpp"
#include "storage/database.hpp"

namespace albatross {
namespace {

// GET /_albatross/load-balancers: where each listener really listens.
nlohmann::json describe_endpoints(const routing::DataPlane& data_plane) {
  const auto snapshot = data_plane.snapshot();
  nlohmann::json endpoints = nlohmann::json::array();
  for (const auto& endpoint : data_plane.endpoints()) {
    nlohmann::json item = {{"address", endpoint.address},
                           {"configured_port", endpoint.configured_port},
                           {"port", endpoint.bound_port},
                           {"protocol", endpoint.protocol},
                           {"listener_arns", endpoint.listener_arns}};
    if (!endpoint.error.empty()) item["bind_error"] = endpoint.error;
    endpoints.push_back(item);
  }
  nlohmann::json load_balancers = nlohmann::json::array();
  for (const auto& [arn, lb] : snapshot->load_balancers)
    load_balancers.push_back({{"arn", arn}, {"name", lb.name}, {"dns_name", lb.dns_name}, {"account_id", lb.account_id},
                              {"region", lb.region}, {"address", routing::loopback_address_for(arn)}});
  return {{"load_balancers", load_balancers}, {"endpoints", endpoints}};
}

}  // namespace

struct App::Impl {
  explicit Impl(Config c)
      : config(std::move(c)),
        state_dir(resolve_state_dir(config)),
        clock(config.time_scale),
        scheduler(io),
        gateway(database(), changes, config.account_id, config.region) {}

  Config config;
  std::filesystem::path state_dir;
  Clock clock;
  boost::asio::io_context io{1};
  std::optional<storage::Database> db;
  Scheduler scheduler;
  ChangeFeed changes;
  // The CA is loaded (or, on first start, generated) off the control thread so start-up stays fast.
  std::shared_future<acm::LocalCa> ca;
  std::optional<acm::AcmService> acm;
  std::optional<ec2::Ec2Service> ec2;
  std::optional<elbv2::Elbv2Service> elbv2;
  std::optional<iam::IamService> iam;
  std::optional<sts::StsService> sts;
  std::optional<autoscaling::AutoscalingService> autoscaling;
  std::optional<ec2_autoscaling::AutoScalingService> ec2_autoscaling;
  std::optional<autoscaling::EcsScaler> scaler;
  std::optional<logs::LogsService> logs;
  std::optional<ssm::SsmService> ssm;
  std::optional<secretsmanager::SecretsService> secrets;
  std::optional<ecs::EcsService> ecs;
  std::optional<routing::DataPlane> data_plane;
  std::uint64_t snapshot_version = 0;
  bool routing_rebuild_posted = false;
  std::optional<ecr::BlobStore> blobs;
  std::optional<ecr::EcrService> ecr;
  Gateway gateway;
  std::optional<AdminApi> admin;
  std::optional<HttpServer> server;
  std::optional<ecr::RegistryServer> registry;

  storage::Database& database() {
    if (!db) {
      std::filesystem::create_directories(state_dir);
      db.emplace(state_dir / "albatross.db");
    }
    return *db;
  }

  void reset() {
    scheduler.cancel_all();
    db->wipe();
    for (const auto& [name, service] : gateway.services())
      if (service.on_reset) service.on_reset();
    publish_routing();
  }

  // Rebuilds the load balancers' routing snapshot from committed state and hands it to the data plane.
  void publish_routing() {
    storage::ResourceStore store(*db);
    elbv2::SecurityGroupFiltering filtering{config.security_groups, {}};
    if (filtering.enabled) filtering.tasks = ecs->task_networks();
    // ECS task targets (task IP + container port) are reached through the ports Docker published on loopback.
    data_plane->publish(elbv2::build_snapshot(
        store, *acm, ++snapshot_version,
        [this](const std::string& address, int port) { return ecs->published_endpoint(address, port); }, filtering));
  }

  // Security groups see ECS tasks by address: rebuild once (coalesced) after tasks start or stop.
  void rebuild_routing_soon() {
    if (routing_rebuild_posted) return;
    routing_rebuild_posted = true;
    boost::asio::post(io, [this] {
      routing_rebuild_posted = false;
      publish_routing();
    });
  }
};

App::App(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

App::~App() = default;

int App::run() {
  Impl& app = *impl_;
  const auto ca_dir = app.state_dir / "ca";
  app.ca = std::async(std::launch::async, [ca_dir] { return acm::LocalCa::load_or_create(ca_dir); }).share();

  app.acm.emplace(acm::AcmDependencies{*app.db, app.clock, app.scheduler,
                                       [&app]() -> const acm::LocalCa& { return app.ca.get(); }});
  app.acm->resume_pending_validations();
  app.gateway.add_service(acm::make_acm_service(*app.acm));
  app.ec2.emplace(*app.db, &app.changes);
  app.gateway.add_service(app.ec2->definition());
  app.elbv2.emplace(elbv2::Elbv2Dependencies{*app.db, app.clock, app.changes, *app.acm, *app.ec2});
  app.gateway.add_service(app.elbv2->definition());
  app.iam.emplace(*app.db);
  app.gateway.add_service(app.iam->definition());
  app.sts.emplace(*app.db, app.config.account_id);
  app.gateway.add_service(app.sts->definition());
  app.autoscaling.emplace(*app.db, [&app](const RequestContext& ctx, const std::string& service) {
    app.iam->ensure_service_linked_role(ctx, service);
  });
  auto autoscaling_definition = app.autoscaling->definition();
  autoscaling_definition.on_reset = [&app] {
    if (app.scaler) app.scaler->reset();
  };
  app.gateway.add_service(std::move(autoscaling_definition));
  app.ec2_autoscaling.emplace(*app.db, *app.ec2, [&app](const RequestContext& ctx, const std::string& service) {
    app.iam->ensure_service_linked_role(ctx, service);
  });
  app.gateway.add_service(app.ec2_autoscaling->definition());
  app.logs.emplace(logs::LogsDependencies{*app.db, [&app](std::function<void()> work) {
                                            boost::asio::post(app.io, std::move(work));
                                          }});
  app.gateway.add_service(app.logs->definition());
  app.ssm.emplace(*app.db);
  app.gateway.add_service(app.ssm->definition());
  app.secrets.emplace(*app.db);
  app.gateway.add_service(app.secrets->definition());
  // ECS: clusters, task definitions, tasks as Docker containers, services.
  app.ecs.emplace(ecs::EcsDependencies{*app.db, app.clock, app.scheduler, app.changes,
                                       digest::sha256_hex(std::filesystem::absolute(app.state_dir).string()).substr(0, 16),
                                       &*app.elbv2, &app.logs->sink()});
  app.gateway.add_service(app.ecs->definition());
  app.ecs->start();

  app.blobs.emplace(app.state_dir / "registry");
  app.ecr.emplace(*app.db, *app.blobs, app.changes);
  app.ecr->remove_orphan_blobs();
  app.gateway.add_service(app.ecr->definition());
  app.changes.subscribe("ecr", [&app] { app.ecr->collect_garbage(); });
  app.registry.emplace(ecr::RegistryDependencies{*app.ecr, *app.blobs, app.io, app.config.account_id, app.config.region});
  try {
    app.registry->start(app.config.registry_host, app.config.registry_port);
  } catch (const std::exception& e) {
    log::error(std::string(e.what()) + " — choose another --registry-listen");
    return 1;
  }
  const std::string registry_host = "localhost:" + std::to_string(app.registry->port());
  app.ecr->set_registry_host(registry_host);
  ecr::set_local_registry_host(registry_host);
  app.ec2->add_dependency_check([&app](const storage::Scope& scope, const std::string& id) {
    return app.elbv2->uses_network_resource(scope, id);
  });

  // Container secrets come from Parameter Store and Secrets Manager.
  app.ecs->set_secret_sources(ecs::SecretSources{
      [&app](const storage::Scope& scope, const std::string& reference) {
        return app.ssm->parameter_value(scope, reference);
      },
      [&app](const storage::Scope& scope, const std::string& id, const std::string& stage, const std::string& version) {
        const auto read = app.secrets->secret_value(scope, id, stage, version);
        return std::pair<std::optional<std::string>, std::string>{read.value, read.error};
      }});
  // ECS pulls images named by ECR URIs (local or AWS form) from the local registry, others as named.
  app.ecs->set_image_resolver([](const storage::Scope& scope, const std::string& image) {
    const auto reference = ecr::local_image_reference(scope.account_id, scope.region, image);
    if (!reference) return std::pair<std::string, std::string>{image, ""};
    return std::pair<std::string, std::string>{
        *reference, ecr::local_image_pull_auth(scope.account_id, scope.region, image).value_or("")};
  });

  routing::DataPlaneOptions data_plane_options{app.config.time_scale, 2, app.state_dir.string()};
  // Containers reach load balancers by DNS name through the Docker bridge gateway (their view of this host).
  if (const auto gateway = docker_bridge_gateway()) {
    data_plane_options.extra_listen_addresses.push_back(*gateway);
    app.ecs->set_extra_hosts_provider([&app, gateway = *gateway](const storage::Scope& scope) {
      std::vector<std::string> hosts;
      for (const auto& lb : storage::ResourceStore(*app.db).list(scope, elbv2::kLoadBalancer))
        hosts.push_back(lb.document.value("DNSName", "") + ":" + gateway);
      return hosts;
    });
  }
  app.data_plane.emplace(std::move(data_plane_options));
  app.data_plane->start();
  app.elbv2->set_health_source([&app](const storage::Scope&, const std::string& group, const std::string& id,
                                      int port) -> std::optional<nlohmann::json> {
    const auto health = app.data_plane->target_health(group, id, port);
    if (!health) return std::nullopt;
    nlohmann::json out = {{"State", health->state}};
    if (!health->reason.empty()) out["Reason"] = health->reason;
    if (!health->description.empty()) out["Description"] = health->description;
    return out;
  });
  // Application Auto Scaling runs ECS services' target tracking policies on Docker stats and ALB request counts.
  app.scaler.emplace(autoscaling::EcsScalerDependencies{
      *app.db, app.clock, app.scheduler, app.changes, *app.ecs,
      [&app](const std::string& load_balancer, const std::string& group) -> std::optional<autoscaling::TargetGroupRequests> {
        const auto traffic = app.data_plane->target_group_traffic(load_balancer, group);
        if (!traffic) return std::nullopt;
        return autoscaling::TargetGroupRequests{traffic->requests, traffic->healthy_targets, traffic->registered_targets};
      }});
  app.autoscaling->set_ecs_capacity_clamp([&app](const RequestContext& ctx, const std::string& resource_id, long long min,
                                                 long long max) { app.scaler->clamp_to_range(ctx, resource_id, min, max); });
  app.scaler->start();
  app.changes.subscribe("elbv2", [&app] { app.publish_routing(); });
  app.changes.subscribe("acm", [&app] { app.publish_routing(); });
  if (app.config.security_groups) {
    app.changes.subscribe("ec2", [&app] { app.publish_routing(); });
    app.ecs->set_task_change_hook([&app] { app.rebuild_routing_soon(); });
  }
  app.publish_routing();
  app.admin.emplace(app.gateway, AdminHooks{[&app] { app.reset(); },
                                            [&app] { return app.ca.get().certificate_pem(); },
                                            [&app] { return describe_endpoints(*app.data_plane); },
                                            [&app] { return app.data_plane->metrics_text(); },
                                            [&app]() -> nlohmann::json {
                                              const auto port = app.registry->port();
                                              return {{"address", app.config.registry_host + ":" + std::to_string(port)},
                                                      {"host", "localhost:" + std::to_string(port)},
                                                      {"port", port}};
                                            },
                                            [&app](const std::string& image, const std::string& account,
                                                   const std::string& region) -> nlohmann::json {
                                              const std::string& who = account.empty() ? app.config.account_id : account;
                                              const std::string& where = region.empty() ? app.config.region : region;
                                              const auto reference = ecr::local_image_reference(who, where, image);
                                              if (!reference) return nullptr;
                                              return {{"reference", *reference},
                                                      {"registry_auth", *ecr::local_image_pull_auth(who, where, image)}};
                                            },
                                            [&app] { return build_admin_state(*app.db, app.gateway, *app.data_plane); }});
  app.gateway.add_path_handler("/_albatross/", [&app](HttpRequest& request) { return app.admin->handle(request); });
  app.gateway.add_path_handler("/moto-api/", [&app](HttpRequest& request) { return app.admin->handle(request); });

  app.server.emplace(
      app.io, [&app](HttpRequest& request) { return app.gateway.handle(request); },
      [&app](HttpRequest& request, int status, std::string message) {
        return app.gateway.reject(request, status, std::move(message));
      },
      HttpLimits{});
  try {
    app.server->listen(app.config.listen_host, app.config.listen_port);
  } catch (const std::exception& e) {
    log::error(std::string(e.what()) + " — is another Albatross running? choose another --listen");
    return 1;
  }

  boost::asio::signal_set signals(app.io, SIGINT, SIGTERM);
  signals.async_wait([&app](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
    app.server->stop();
    app.registry->stop();
    app.scheduler.cancel_all();
    app.data_plane->stop();
    app.io.stop();
  });

  std::ostringstream ready;
  ready << "albatross " << ALBATROSS_VERSION << " ready on http://" << app.config.listen_host << ":"
        << app.server->port() << " (state " << app.state_dir.string() << ", account " << app.config.account_id
        << ", region " << app.config.region << ", time scale " << app.config.time_scale << ")";
  log::info(ready.str());
  app.io.run();
  app.ecs->shutdown();  // awslogs followers end before the CloudWatch Logs sink they push into
  if (app.ca.valid()) app.ca.wait();  // never leave the CA half-written by an abandoned thread
  log::info("stopped");
  return 0;
}

}  // namespace albatross
