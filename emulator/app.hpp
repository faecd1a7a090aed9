#pragma once
// Wires the process together: state, services, gateway, HTTP server, signals. Owns the control
// thread's io_context.

#include <memory>

#include "emulator/config.hpp"

namespace albatross {

class App {
 public:
  explicit App(Config config);
  ~App();
  // Serves until SIGINT/SIGTERM; returns the process exit code.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace albatross
