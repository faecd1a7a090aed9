#include "services/docker/event_stream.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "emulator/log.hpp"

namespace albatross::docker {

EventStream::EventStream(DockerClient& client, EventStreamOptions options)
    : client_(client), options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

EventStream::~EventStream() { stop(); }

void EventStream::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool EventStream::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stop_.load(); });
}

void EventStream::run() {
  using namespace std::chrono_literals;
  auto backoff = 250ms;
  std::int64_t since = 0;  // seconds: events are replayed from here (may repeat the last second's)
  while (!stop_) {
    bool got_through = false;
    std::string why;
    try {
      // Ping first: the events call itself only fails once data is expected, and we want on_connected to mean
      // "the daemon is there now".
      if (!client_.ping()) throw DockerError(0, "the Docker daemon at " + client_.endpoint().host + " does not answer");
      connected_ = true;
      got_through = true;
      backoff = 250ms;
      // Replay from "now" so nothing falls between the owner's resync in on_connected and the stream opening.
      if (since == 0) since = static_cast<std::int64_t>(std::time(nullptr));
      if (options_.on_connected) options_.on_connected();
      client_.stream_events(options_.label_filter, options_.types, since,
                            [this, &since](const DockerEvent& event) {
                              if (stop_) return;
                              if (event.time_nano > 0) since = event.time_nano / 1000000000;
                              if (options_.on_event) options_.on_event(event);
                            },
                            &stop_);
      why = "the event stream ended";
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (stop_) break;
    if (connected_.exchange(false) || !got_through) {
      if (got_through || backoff == 250ms) log::warn("docker events: " + why + "; reconnecting");
      if (got_through && options_.on_disconnected) options_.on_disconnected(why);
    }
    if (!sleep_for(backoff)) break;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5000ms);
  }
  connected_ = false;
}

}  // namespace albatross::docker
