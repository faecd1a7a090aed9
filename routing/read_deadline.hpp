#pragma once
// The client side's idle timeout (AWS §4.5): a read from the client that waits longer than the load balancer's
// idle timeout is cancelled — not the connection closed, as beast::tcp_stream's own timeout would — so the
// proxy can still answer 408 to a client that sent an incomplete request. Lives on its connection's worker.

#include <chrono>
#include <memory>

#include "routing/proxy_runtime.hpp"

namespace albatross::routing {

class ReadDeadline {
 public:
  explicit ReadDeadline(tcp::socket& socket) : socket_(socket), state_(std::make_shared<State>(socket.get_executor())) {}
  ~ReadDeadline() { disarm(); }
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

  // (Re)starts the countdown; when it runs out, pending reads on the socket complete with operation_aborted.
  void arm(std::chrono::milliseconds limit) {
    state_->expired = false;
    state_->armed = true;
    const auto generation = ++state_->generation;
    state_->timer.expires_after(limit);
    state_->timer.async_wait([state = state_, generation, socket = &socket_](boost::system::error_code ec) {
      // A stale wake-up (re-armed, disarmed, or the connection already gone) must not touch the socket.
      if (ec || !state->armed || generation != state->generation) return;
      state->expired = true;
      boost::system::error_code ignored;
      socket->cancel(ignored);
    });
  }

  void disarm() {
    state_->armed = false;
    ++state_->generation;
    state_->timer.cancel();
  }

  // Whether the last armed countdown ran out.
  bool expired() const { return state_->expired; }

 private:
  struct State {
    explicit State(const tcp::socket::executor_type& executor) : timer(executor) {}
    asio::steady_timer timer;
    bool armed = false;
    bool expired = false;
    unsigned long generation = 0;
  };
  tcp::socket& socket_;
  std::shared_ptr<State> state_;
};

}  // namespace albatross::routing
