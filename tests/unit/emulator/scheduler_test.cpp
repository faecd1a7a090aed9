// Scheduler: cancel_all must also stop timers whose expiry was already queued (a reset from inside
// scheduled work, or a reset request arriving while several timers fire at once).

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <chrono>

#include "emulator/scheduler.hpp"

using albatross::Scheduler;
using namespace std::chrono_literals;

TEST_CASE("scheduler: work already due when cancel_all runs is dropped, not run on a destroyed timer") {
  boost::asio::io_context io;
  Scheduler scheduler(io);
  int ran_first = 0, ran_second = 0;
  // Both timers are due at once, so both completions are queued before the first one runs.
  scheduler.after(0ms, [&] {
    ++ran_first;
    scheduler.cancel_all();
  });
  scheduler.after(0ms, [&] { ++ran_second; });
  io.run_for(200ms);
  CHECK(ran_first == 1);
  CHECK(ran_second == 0);

  // The scheduler keeps working after a cancel_all.
  int ran_later = 0;
  scheduler.after(0ms, [&] { ++ran_later; });
  io.restart();
  io.run_for(200ms);
  CHECK(ran_later == 1);
}
