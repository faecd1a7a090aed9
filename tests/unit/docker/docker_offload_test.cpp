#include "services/docker/docker_offload.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

using namespace albatross;
using namespace albatross::docker;

namespace {

// Runs the control thread's io_context until `done` or a deadline.
template <typename Fn>
void run_until(boost::asio::io_context& io, Fn done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

TEST_CASE("offload_docker delivers the value, or the error, on the control thread") {
  boost::asio::io_context io;
  Scheduler scheduler(io);
  const auto control = std::this_thread::get_id();

  std::optional<DockerOutcome<int>> got;
  offload_docker<int>(scheduler, [] { return 42; }, [&](DockerOutcome<int> outcome) {
    CHECK(std::this_thread::get_id() == control);
    got = std::move(outcome);
  });
  run_until(io, [&] { return got.has_value(); });
  REQUIRE(got);
  CHECK(got->ok());
  CHECK(*got->value == 42);

  std::optional<DockerOutcome<std::monostate>> failed;
  offload_docker(scheduler, std::function<void()>([] { throw DockerError(404, "No such container: x"); }),
                 [&](DockerOutcome<std::monostate> outcome) { failed = std::move(outcome); });
  run_until(io, [&] { return failed.has_value(); });
  REQUIRE(failed);
  CHECK_FALSE(failed->ok());
  CHECK(failed->error->not_found());

  std::optional<DockerOutcome<int>> other;
  offload_docker<int>(scheduler, []() -> int { throw std::runtime_error("boom"); },
                      [&](DockerOutcome<int> outcome) { other = std::move(outcome); });
  run_until(io, [&] { return other.has_value(); });
  REQUIRE(other);
  CHECK(other->error->unreachable());
  CHECK(std::string(other->error->what()) == "boom");
}
