#pragma once
// The Docker Registry HTTP API v2 on its own listener and its own Asio threads, so `docker push`/`pull`
// work against ECR repositories. Blob bodies stream between the socket and BlobStore files and are never
// held in memory whole. Metadata (repositories, tags, manifests, blob rows) lives in SQLite, which only the
// control thread touches: each such step is posted to the control io_context and waited for.

#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace albatross::ecr {

class BlobStore;
class EcrService;

struct RegistryDependencies {
  EcrService& ecr;
  BlobStore& blobs;
  boost::asio::io_context& control;  // the control thread's io_context
  std::string default_account;       // for the 401 challenge's realm
  std::string default_region;
};

class RegistryServer {
 public:
  explicit RegistryServer(RegistryDependencies deps);
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // Binds host:port; when the port is taken, an ephemeral port (logged). Starts `threads` threads.
  // Throws std::system_error when nothing can be bound.
  void start(const std::string& host, unsigned short port, int threads = 4);
  unsigned short port() const;
  // Stops accepting, ends connections and joins the threads. Safe to call from the control thread.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace albatross::ecr
