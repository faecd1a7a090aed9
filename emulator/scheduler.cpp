#include "emulator/scheduler.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <exception>
#include <list>
#include <string>

#include "emulator/log.hpp"

namespace albatross {

struct Scheduler::Impl {
  explicit Impl(boost::asio::io_context& io) : io(io) {}
  boost::asio::io_context& io;
  std::list<boost::asio::steady_timer> timers;
};

Scheduler::Scheduler(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

Scheduler::~Scheduler() { cancel_all(); }

void Scheduler::after(std::chrono::milliseconds delay, std::function<void()> work) {
  auto& timers = impl_->timers;
  auto timer = timers.emplace(timers.end(), impl_->io, delay);
  timer->async_wait([this, timer, work = std::move(work)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled; the timer was already removed by cancel_all
    impl_->timers.erase(timer);
    try {
      work();
    } catch (const std::exception& e) {
      log::error(std::string("scheduled work failed: ") + e.what());
    }
  });
}

void Scheduler::cancel_all() {
  for (auto& timer : impl_->timers) timer.cancel();
  impl_->timers.clear();
}

}  // namespace albatross
