#pragma once
// Runs a blocking Docker call on the emulator's worker pool and hands its value, or its error, back on the
// control thread. (Scheduler::offload alone logs a failure and skips the continuation; callers such as the ECS
// runtime need the error to set a stopped reason.)

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "emulator/scheduler.hpp"
#include "services/docker/docker_error.hpp"

namespace albatross::docker {

template <typename T>
struct DockerOutcome {
  std::optional<T> value;           // set on success
  std::optional<DockerError> error;  // set on failure (any exception becomes a DockerError with status 0)
  bool ok() const { return value.has_value(); }
};

// `call` runs on the pool; `done` runs on the control thread (unless a reset cancelled it meanwhile).
// For calls that return nothing, T is std::monostate.
template <typename T>
void offload_docker(Scheduler& scheduler, std::function<T()> call, std::function<void(DockerOutcome<T>)> done) {
  auto outcome = std::make_shared<DockerOutcome<T>>();
  scheduler.offload(
      [call = std::move(call), outcome] {
        try {
          outcome->value.emplace(call());
        } catch (const DockerError& e) {
          outcome->error.emplace(e);
        } catch (const std::exception& e) {
          outcome->error.emplace(0, e.what());
        }
      },
      [done = std::move(done), outcome] { done(std::move(*outcome)); });
}

// The same for a call without a value.
inline void offload_docker(Scheduler& scheduler, std::function<void()> call,
                           std::function<void(DockerOutcome<std::monostate>)> done) {
  offload_docker<std::monostate>(
      scheduler,
      [call = std::move(call)] {
        call();
        return std::monostate{};
      },
      std::move(done));
}

}  // namespace albatross::docker
