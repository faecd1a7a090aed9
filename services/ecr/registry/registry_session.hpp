#pragma once
// One registry connection: reads requests, authenticates them, and answers the v2 API routes.
// Internal to the registry server (includes Asio).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <string>

namespace albatross::ecr {

class BlobStore;
class EcrService;

struct RegistryContext {
  EcrService& ecr;
  BlobStore& blobs;
  // Runs the work on the control thread and waits; throws std::runtime_error when the server is stopping.
  std::function<void(const std::function<void()>&)> on_control;
  std::string default_account;
  std::string default_region;
  const std::atomic<bool>& stopping;
};

boost::asio::awaitable<void> serve_registry_connection(boost::asio::ip::tcp::socket socket, RegistryContext& context);

}  // namespace albatross::ecr
