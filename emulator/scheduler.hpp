#pragma once
// Delayed work on the control thread, for services that must act later (certificate validation,
// health checks, deployments) without including Asio.

#include <chrono>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace albatross {

class Scheduler {
 public:
  explicit Scheduler(boost::asio::io_context& io);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs `work` on the control thread after `delay` (0 = soon). Exceptions from `work` are logged.
  void after(std::chrono::milliseconds delay, std::function<void()> work);
  // Runs blocking `work` (key generation, big file I/O) on a small thread pool, then `then` back on the control
  // thread. An exception from `work` is logged and `then` skipped.
  void offload(std::function<void()> work, std::function<void()> then);
  // Cancels everything scheduled so far (used by reset and shutdown).
  void cancel_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace albatross
