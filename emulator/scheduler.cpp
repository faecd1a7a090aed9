#include "emulator/scheduler.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <list>
#include <string>

#include "emulator/log.hpp"

namespace albatross {

struct Scheduler::Impl {
  explicit Impl(boost::asio::io_context& io) : io(io) {}
  boost::asio::io_context& io;
  std::list<boost::asio::steady_timer> timers;
  boost::asio::thread_pool pool{2};
  std::uint64_t generation = 0;  // bumped by cancel_all: offloaded work of an older generation is dropped
};

Scheduler::Scheduler(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

Scheduler::~Scheduler() {
  cancel_all();
  impl_->pool.join();
}

void Scheduler::offload(std::function<void()> work, std::function<void()> then) {
  const auto generation = impl_->generation;
  boost::asio::post(impl_->pool, [this, generation, work = std::move(work), then = std::move(then)]() mutable {
    try {
      work();
    } catch (const std::exception& e) {
      log::error(std::string("background work failed: ") + e.what());
      return;
    }
    boost::asio::post(impl_->io, [this, generation, then = std::move(then)] {
      if (generation != impl_->generation) return;  // reset or shutdown since
      try {
        then();
      } catch (const std::exception& e) {
        log::error(std::string("scheduled work failed: ") + e.what());
      }
    });
  });
}

void Scheduler::after(std::chrono::milliseconds delay, std::function<void()> work) {
  auto& timers = impl_->timers;
  auto timer = timers.emplace(timers.end(), impl_->io, delay);
  const auto generation = impl_->generation;
  timer->async_wait([this, timer, generation, work = std::move(work)](const boost::system::error_code& ec) {
    // A timer that had already fired when cancel_all ran still completes with success, after cancel_all
    // destroyed it: the generation tells, and `timer` must not be touched then.
    if (ec || generation != impl_->generation) return;
    impl_->timers.erase(timer);
    try {
      work();
    } catch (const std::exception& e) {
      log::error(std::string("scheduled work failed: ") + e.what());
    }
  });
}

void Scheduler::cancel_all() {
  ++impl_->generation;
  for (auto& timer : impl_->timers) timer.cancel();
  impl_->timers.clear();
}

}  // namespace albatross
