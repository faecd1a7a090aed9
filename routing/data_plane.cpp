#include "routing/data_plane.hpp"

#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "emulator/log.hpp"
#include "routing/health_checker.hpp"
#include "routing/proxy_runtime.hpp"
#include "routing/tls_contexts.hpp"

namespace albatross::routing {
namespace {

// Ports tried when a listener's port cannot be bound on loopback: the port itself, then port + 10000
// (e.g. 80 → 10080 when not root), then any free port the system picks.
std::vector<int> candidate_ports(int port) {
  std::vector<int> ports{port};
  if (port + 10000 <= 65535) ports.push_back(port + 10000);
  ports.push_back(0);
  return ports;
}

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct DataPlane::Impl {
  explicit Impl(DataPlaneOptions o) : options(o) {
    shared.time_scale = o.time_scale;
    if (!o.state_dir.empty()) shared.access_logs = std::make_unique<AccessLogWriter>(o.state_dir);
    std::random_device random;
    for (int i = 0; i < 32; ++i) shared.cookie_key.push_back(static_cast<char>(random()));
    for (int i = 0; i < std::max(1, o.workers); ++i) workers.push_back(std::make_unique<Worker>());
  }

  struct Acceptor {
    std::shared_ptr<const Endpoint> endpoint;
    std::shared_ptr<tcp::acceptor> socket;
    BoundEndpoint bound;
    // HTTPS endpoints: the certificates, swapped when a snapshot changes them (read by the accept loop).
    std::shared_ptr<std::shared_ptr<TlsContexts>> tls = std::make_shared<std::shared_ptr<TlsContexts>>();
  };

  DataPlaneOptions options;
  SharedState shared;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::map<std::string, Acceptor> acceptors;  // by endpoint key; touched only on worker 0
  mutable std::mutex endpoints_mutex;
  std::vector<BoundEndpoint> bound_endpoints;
  std::size_t next_worker = 0;
  std::unique_ptr<HealthChecker> checker;
  // Draining targets by key: when their deregistration delay ends (epoch seconds) in-flight requests are cut.
  struct Drain {
    double until = 0;
    std::shared_ptr<asio::steady_timer> timer;
  };
  std::map<std::string, Drain> drains;  // touched only on worker 0
  SnapshotPtr previous;                 // the snapshot served before the latest (worker 0)

  void cut_everywhere(const std::string& key) {
    for (auto& worker : workers) asio::post(worker->io, [w = worker.get(), key] { cut_relays(*w, key); });
  }

  // Runs on worker 0 after each publish: arms a timer for every draining target; cuts at once the targets that
  // vanished (deregistered with a delay of 0, or drained while the emulator was not looking).
  void schedule_drains(const SnapshotPtr& snapshot) {
    std::map<std::string, Drain> next;
    std::set<std::string> present;
    const double now = epoch_seconds();
    for (const auto& [arn, group] : snapshot->target_groups)
      for (const auto& target : group.targets) {
        const std::string key = target_key(arn, target.id, target.port);
        present.insert(key);
        if (!target.draining) continue;
        auto existing = drains.find(key);
        if (existing != drains.end() && existing->second.until == target.draining_until) {
          next.emplace(key, std::move(existing->second));
          drains.erase(existing);
          continue;
        }
        Drain drain{target.draining_until, std::make_shared<asio::steady_timer>(workers[0]->io)};
        drain.timer->expires_after(std::chrono::milliseconds(
            static_cast<long long>(std::max(0.0, target.draining_until - now) * 1000)));
        drain.timer->async_wait([this, key](boost::system::error_code ec) {
          if (!ec) cut_everywhere(key);
        });
        next.emplace(key, std::move(drain));
      }
    for (auto& [key, drain] : drains) drain.timer->cancel();  // re-registered, or gone
    drains = std::move(next);
    if (previous)
      for (const auto& [arn, group] : previous->target_groups)
        for (const auto& target : group.targets) {
          const std::string key = target_key(arn, target.id, target.port);
          if (!present.count(key)) cut_everywhere(key);
        }
    previous = snapshot;
  }

  asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, std::shared_ptr<const Endpoint> endpoint,
                                    std::shared_ptr<std::shared_ptr<TlsContexts>> tls) {
    for (;;) {
      // Each connection lives on the next worker, which serves it start to end without locks.
      Worker& worker = *workers[next_worker++ % workers.size()];
      auto [ec, socket] = co_await acceptor->async_accept(worker.io, kNoThrow);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;
      }
      if (endpoint->protocol == "TCP") {
        asio::co_spawn(worker.io, serve_tcp_connection(shared, worker, std::move(socket), endpoint), asio::detached);
        continue;
      }
      const bool secure = endpoint->protocol == "HTTPS";
      if (secure && !*tls) continue;  // no usable certificate: refuse the connection
      asio::co_spawn(worker.io, serve_http_connection(shared, worker, std::move(socket), endpoint, secure ? *tls : nullptr),
                     asio::detached);
    }
  }

  Acceptor open(const Endpoint& endpoint) {
    Acceptor result{std::make_shared<const Endpoint>(endpoint), nullptr,
                    {endpoint.address, endpoint.port, 0, endpoint.protocol, endpoint.listener_arns, ""}};
    for (const int port : candidate_ports(endpoint.port)) {
      auto acceptor = std::make_shared<tcp::acceptor>(workers[0]->io);
      boost::system::error_code ec;
      const tcp::endpoint address(asio::ip::make_address(endpoint.address, ec), static_cast<unsigned short>(port));
      acceptor->open(address.protocol(), ec);
      acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      acceptor->bind(address, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        if (result.bound.error.empty()) result.bound.error = ec.message();
        continue;
      }
      result.socket = acceptor;
      result.bound.bound_port = acceptor->local_endpoint().port();
      if (result.bound.bound_port != endpoint.port)
        log::warn("listener port " + std::to_string(endpoint.port) + " on " + endpoint.address + " unavailable (" +
                  result.bound.error + "); listening on port " + std::to_string(result.bound.bound_port) + " instead");
      asio::co_spawn(workers[0]->io, accept_loop(acceptor, result.endpoint, result.tls), asio::detached);
      return result;
    }
    log::error("cannot listen on " + endpoint.key() + ": " + result.bound.error);
    return result;
  }

  // Runs on worker 0: open new endpoints, close removed ones, replace changed ones' listener lists.
  void reconcile(const SnapshotPtr& snapshot) {
    std::map<std::string, Acceptor> next;
    for (const auto& endpoint : plan_endpoints(*snapshot, options.extra_listen_addresses)) {
      auto existing = acceptors.find(endpoint.key());
      if (existing != acceptors.end() && existing->second.socket && existing->second.endpoint->protocol == endpoint.protocol &&
          existing->second.endpoint->listener_arns == endpoint.listener_arns) {
        next.emplace(endpoint.key(), std::move(existing->second));
        acceptors.erase(existing);
        continue;
      }
      if (existing != acceptors.end()) {
        boost::system::error_code ec;
        if (existing->second.socket) existing->second.socket->close(ec);
        acceptors.erase(existing);
      }
      next.emplace(endpoint.key(), open(endpoint));
    }
    for (auto& [key, acceptor] : acceptors) {
      boost::system::error_code ec;
      if (acceptor.socket) acceptor.socket->close(ec);
    }
    acceptors = std::move(next);
    for (auto& [key, acceptor] : acceptors) {
      if (acceptor.endpoint->protocol != "HTTPS") continue;
      try {
        *acceptor.tls = std::make_shared<TlsContexts>(*snapshot, acceptor.endpoint->listener_arns);
      } catch (const std::exception& e) {
        log::error("HTTPS endpoint " + key + " has no usable certificate: " + e.what());
        acceptor.tls->reset();
      }
    }
    std::vector<BoundEndpoint> bound;
    for (const auto& [key, acceptor] : acceptors) bound.push_back(acceptor.bound);
    std::lock_guard lock(endpoints_mutex);
    bound_endpoints = std::move(bound);
  }
};

DataPlane::DataPlane(DataPlaneOptions options) : impl_(std::make_unique<Impl>(options)) {
  impl_->checker = std::make_unique<HealthChecker>(impl_->workers[0]->io, impl_->shared.health, options.time_scale);
}

DataPlane::~DataPlane() { stop(); }

void DataPlane::start() {
  for (auto& worker : impl_->workers) {
    impl_->guards.push_back(asio::make_work_guard(worker->io));
    impl_->threads.emplace_back([&io = worker->io] { io.run(); });
  }
}

void DataPlane::stop() {
  if (impl_->threads.empty()) return;
  impl_->shared.stopping = true;
  for (auto& worker : impl_->workers) worker->io.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  impl_->guards.clear();
}

void DataPlane::publish(SnapshotPtr snapshot) {
  impl_->shared.snapshots.publish(snapshot);
  asio::post(impl_->workers[0]->io, [impl = impl_.get(), snapshot] {
    impl->reconcile(snapshot);
    impl->checker->update(snapshot);
    impl->schedule_drains(snapshot);
  });
}

SnapshotPtr DataPlane::snapshot() const { return impl_->shared.snapshots.get(); }

std::optional<TargetHealthView> DataPlane::target_health(const std::string& target_group_arn,
                                                         const std::string& target_id, int port) const {
  const auto view = impl_->shared.health.view();
  const auto found = view->find(target_key(target_group_arn, target_id, port));
  if (found == view->end()) return std::nullopt;
  return found->second;
}

std::string DataPlane::metrics_text() const {
  return impl_->shared.metrics.prometheus(*impl_->shared.snapshots.get(), *impl_->shared.health.view());
}

std::optional<TargetGroupTraffic> DataPlane::target_group_traffic(const std::string& load_balancer_arn,
                                                                  const std::string& target_group_arn) const {
  const auto snapshot = impl_->shared.snapshots.get();
  const auto group = snapshot->target_groups.find(target_group_arn);
  if (group == snapshot->target_groups.end()) return std::nullopt;
  TargetGroupTraffic traffic;
  traffic.requests = impl_->shared.metrics.request_count(load_balancer_arn, target_group_arn);
  const auto health = impl_->shared.health.view();
  for (const auto& target : group->second.targets) {
    if (target.draining) continue;
    ++traffic.registered_targets;
    const auto found = health->find(target_key(target_group_arn, target.id, target.port));
    if (found != health->end() && found->second.state == "healthy") ++traffic.healthy_targets;
  }
  return traffic;
}

std::vector<BoundEndpoint> DataPlane::endpoints() const {
  std::lock_guard lock(impl_->endpoints_mutex);
  return impl_->bound_endpoints;
}

}  // namespace albatross::routing
