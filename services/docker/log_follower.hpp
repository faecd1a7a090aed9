#pragma once
// Follows one container's logs on its own thread and hands each decoded line to a callback (on that thread:
// post to the control thread from the callback if needed). Ends when the container stops, on stop(), or on
// destruction; on_end then runs once with an empty string or the error that ended it.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "services/docker/docker_client.hpp"

namespace albatross::docker {

class LogFollower {
 public:
  LogFollower(DockerClient& client, std::string container_id, LogsOptions options,
              std::function<void(const LogLine&)> on_line, std::function<void(const std::string& error)> on_end = {});
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  void stop();  // returns within ~100 ms; no callback runs after it returns
  bool finished() const { return finished_.load(); }

 private:
  void run();

  DockerClient& client_;
  std::string container_id_;
  LogsOptions options_;
  std::function<void(const LogLine&)> on_line_;
  std::function<void(const std::string&)> on_end_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace albatross::docker
