#include "services/docker/log_follower.hpp"

namespace albatross::docker {

LogFollower::LogFollower(DockerClient& client, std::string container_id, LogsOptions options,
                         std::function<void(const LogLine&)> on_line, std::function<void(const std::string&)> on_end)
    : client_(client),
      container_id_(std::move(container_id)),
      options_(std::move(options)),
      on_line_(std::move(on_line)),
      on_end_(std::move(on_end)) {
  options_.follow = true;
  thread_ = std::thread([this] { run(); });
}

LogFollower::~LogFollower() { stop(); }

void LogFollower::stop() {
  stop_ = true;
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void LogFollower::run() {
  std::string error;
  try {
    // The framing depends on whether the container has a TTY.
    const auto info = client_.inspect_container(container_id_);
    if (!info) throw DockerError(404, "logs of container " + container_id_ + ": No such container");
    client_.stream_logs(container_id_, options_, info->tty,
                        [this](const LogLine& line) {
                          if (stop_) return false;
                          on_line_(line);
                          return true;
                        },
                        &stop_);
  } catch (const std::exception& e) {
    error = e.what();
  }
  finished_ = true;
  if (on_end_ && !stop_) on_end_(error);
}

}  // namespace albatross::docker
