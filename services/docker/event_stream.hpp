#pragma once
// Watches the Docker event stream (filtered by labels) on its own thread, calling on_event for each event on
// that thread. When the daemon goes away it reconnects with backoff (0.25 s doubling to 5 s) and resumes from
// the last event's time (events of that second may come twice: handle them idempotently); on_connected runs
// after each (re)connection, before events flow, so the owner can resync state it may have missed while
// disconnected.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/docker/docker_client.hpp"

namespace albatross::docker {

struct EventStreamOptions {
  Labels label_filter;
  std::vector<std::string> types;  // e.g. {"container"}; empty = all
  std::function<void(const DockerEvent&)> on_event;
  std::function<void()> on_connected;
  std::function<void(const std::string&)> on_disconnected;  // why; called once per lost connection
};

class EventStream {
 public:
  EventStream(DockerClient& client, EventStreamOptions options);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  void stop();  // returns within ~100 ms; no callback runs after it returns
  bool connected() const { return connected_.load(); }

 private:
  void run();
  bool sleep_for(std::chrono::milliseconds delay);  // false when stopped meanwhile

  DockerClient& client_;
  EventStreamOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace albatross::docker
