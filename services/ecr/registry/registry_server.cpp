#include "services/ecr/registry/registry_server.hpp"

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <system_error>
#include <thread>
#include <vector>

#include "emulator/log.hpp"
#include "services/ecr/blob_store.hpp"
#include "services/ecr/registry/registry_session.hpp"

namespace albatross::ecr {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr double kUploadIdleSeconds = 3600;  // an upload nobody touched for an hour is abandoned

struct RegistryServer::Impl {
  explicit Impl(RegistryDependencies d)
      : deps(d),
        acceptor(io),
        sweep_timer(io),
        context{deps.ecr, deps.blobs, [this](const std::function<void()>& work) { run_on_control(work); },
                deps.default_account, deps.default_region, stopping} {}

  RegistryDependencies deps;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::steady_timer sweep_timer;
  std::atomic<bool> stopping{false};
  RegistryContext context;
  std::vector<std::thread> threads;

  void run_on_control(const std::function<void()>& work) {
    if (stopping) throw std::runtime_error("the registry is stopping");
    auto task = std::make_shared<std::packaged_task<void()>>(work);
    auto done = task->get_future();
    asio::post(deps.control, [task] { (*task)(); });
    while (done.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout)
      if (stopping) throw std::runtime_error("the registry is stopping");
    done.get();  // rethrows the work's exception
  }

  asio::awaitable<void> accept_loop() {
    while (!stopping) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kNoThrow);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        log::warn("registry: accept failed: " + ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, serve_registry_connection(std::move(socket), context), asio::detached);
    }
  }

  void schedule_sweep() {
    sweep_timer.expires_after(std::chrono::minutes(1));
    sweep_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      if (const auto expired = deps.blobs.expire_uploads(kUploadIdleSeconds))
        log::info("registry: dropped " + std::to_string(expired) + " abandoned uploads");
      schedule_sweep();
    });
  }
};

RegistryServer::RegistryServer(RegistryDependencies deps) : impl_(std::make_shared<Impl>(deps)) {}

RegistryServer::~RegistryServer() { stop(); }

void RegistryServer::start(const std::string& host, unsigned short port, int threads) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "invalid registry address '" + host + "'");
  auto& acceptor = impl_->acceptor;
  auto bind = [&](unsigned short wanted) {
    if (acceptor.is_open()) acceptor.close(ec);
    acceptor.open(address.is_v6() ? tcp::v6() : tcp::v4());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(tcp::endpoint(address, wanted), ec);
    return !ec;
  };
  if (!bind(port)) {
    const std::string why = ec.message();
    if (port == 0 || !bind(0)) throw std::system_error(ec, "cannot bind the registry to " + host + ":" + std::to_string(port));
    log::warn("registry: " + host + ":" + std::to_string(port) + " is not available (" + why + "), listening on port " +
              std::to_string(this->port()) + " instead");
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->schedule_sweep();
  for (int i = 0; i < std::max(1, threads); ++i)
    impl_->threads.emplace_back([impl = impl_] { impl->io.run(); });
}

unsigned short RegistryServer::port() const {
  boost::system::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void RegistryServer::stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->sweep_timer.cancel();
  });
  impl_->io.stop();  // connections end with the io_context; blocked control waits see `stopping`
  for (auto& thread : impl_->threads)
    if (thread.joinable()) thread.join();
  impl_->threads.clear();
}

}  // namespace albatross::ecr
