#include "routing/health_checker.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>

#include "routing/health_state.hpp"
#include "routing/proxy_runtime.hpp"
#include "routing/target_choice.hpp"
#include "routing/target_tls.hpp"

namespace albatross::routing {
namespace {

namespace http = beast::http;

std::chrono::milliseconds scaled(int seconds, double time_scale) {
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(seconds * 1000.0 * time_scale)));
}

}  // namespace

struct HealthChecker::Session {
  std::string key;
  std::string address;
  int port = 0;  // the port probed
  HealthCheck check;
  std::string group_arn;
  int slow_start_seconds = 0;       // the group's slow_start.duration_seconds
  std::uint64_t first_version = 0;  // the snapshot that brought this target: one per RegisterTargets call
  double slow_start_since = 0;      // steady seconds; 0 = not in slow start
  HealthStateMachine machine;
  bool blocked = false;  // the target's security groups drop the probes (updated with each snapshot)
  bool cancelled = false;
  std::unique_ptr<asio::steady_timer> timer;

  Session(std::string k, std::string a, int p, HealthCheck c)
      : key(std::move(k)), address(std::move(a)), port(p), check(std::move(c)),
        machine(check.healthy_threshold, check.unhealthy_threshold) {}
};

namespace {

ProbeOutcome read_failure(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return ProbeOutcome::timeout();
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::ssl::error::stream_truncated)
    return ProbeOutcome::reset();
  return ProbeOutcome::malformed();
}

// `GET <path>` on an open connection; the status decides (the body is ignored).
template <class Stream>
asio::awaitable<ProbeOutcome> http_probe(Stream& stream, const std::string& address, int port, const HealthCheck& check) {
  http::request<http::empty_body> request{http::verb::get, check.path, 11};
  request.set(http::field::host, address + ":" + std::to_string(port));
  request.set(http::field::user_agent, "ELB-HealthChecker/2.0");
  request.set(http::field::accept_encoding, "gzip, compressed");
  request.keep_alive(false);
  auto [write_ec, written] = co_await http::async_write(stream, request, kNoThrow);
  if (write_ec) co_return write_ec == beast::error::timeout ? ProbeOutcome::timeout() : ProbeOutcome::reset();
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // the body is ignored
  auto [read_ec, read] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
  if (read_ec) co_return read_failure(read_ec);
  co_return classify_http_status(check.matcher, parser.get().result_int());
}

// One probe: a new connection (TLS for HTTPS), `GET <path>` for HTTP(S) checks (connect only for TCP), closed
// afterwards. `timeout` covers the whole probe.
asio::awaitable<ProbeOutcome> probe(const std::string& address, int port, const HealthCheck& check,
                                    std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) co_return ProbeOutcome::connect_failed();
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  auto [connect_ec] = co_await stream.async_connect(tcp::endpoint(ip, static_cast<unsigned short>(port)), kNoThrow);
  if (connect_ec) co_return connect_ec == beast::error::timeout ? ProbeOutcome::timeout() : ProbeOutcome::connect_failed();
  if (check.protocol == "TCP") co_return ProbeOutcome::success();
  if (check.protocol != "HTTPS") {
    const ProbeOutcome outcome = co_await http_probe(stream, address, port, check);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return outcome;
  }
  beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), target_tls_context());
  auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_ec)
    co_return handshake_ec == beast::error::timeout ? ProbeOutcome::timeout() : ProbeOutcome::tls_error();
  const ProbeOutcome outcome = co_await http_probe(tls, address, port, check);
  beast::get_lowest_layer(tls).socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return outcome;
}

// A probe the target's security groups drop: no answer, so it fails as a timeout once the timeout has passed.
asio::awaitable<ProbeOutcome> dropped_probe(asio::steady_timer& timer, std::chrono::milliseconds timeout) {
  timer.expires_after(timeout);
  co_await timer.async_wait(kNoThrow);
  co_return ProbeOutcome::timeout();
}

}  // namespace

// Publishes a session's health. A target that turns healthy enters slow start when its group has slow start on
// and a target registered by an earlier call already takes its full share (AWS: targets registered together
// into an empty group do not slow-start, nor do targets when slow start is switched on later).
void HealthChecker::publish(Session& session) {
  TargetHealthView view = view_of(session.machine.health());
  const auto previous = registry_.view()->find(session.key);
  const bool was_healthy = previous != registry_.view()->end() && previous->second.state == "healthy";
  if (view.state != "healthy") {
    session.slow_start_since = 0;  // leaves slow start when unhealthy; re-enters when healthy again
  } else if (!was_healthy && session.slow_start_seconds > 0) {
    const double now = steady_seconds();
    session.slow_start_since = 0;
    for (const auto& [key, other] : sessions_)
      if (other.get() != &session && other->group_arn == session.group_arn &&
          other->machine.state() == HealthState::Healthy && other->first_version < session.first_version &&
          slow_start_weight({"healthy", "", "", other->slow_start_since}, session.slow_start_seconds, time_scale_, now) >= 1.0)
        session.slow_start_since = now;
  }
  view.slow_start_since = session.slow_start_since;
  registry_.set(session.key, std::move(view));
}

HealthChecker::HealthChecker(asio::io_context& io, HealthRegistry& registry, double time_scale)
    : io_(io), registry_(registry), time_scale_(time_scale) {}

HealthChecker::~HealthChecker() {
  for (auto& [key, session] : sessions_) session->cancelled = true;
}

void HealthChecker::update(const SnapshotPtr& snapshot) {
  std::map<std::string, std::shared_ptr<Session>> next;
  for (const auto& [arn, group] : snapshot->target_groups) {
    if (!group.in_use || !group.health_check.enabled) continue;
    const int slow_start_seconds = slow_start_duration(group);
    for (const auto& target : group.targets) {
      if (target.draining) continue;
      const std::string key = target_key(arn, target.id, target.port);
      const int port = target.health_check_port ? target.health_check_port : health_check_port_of(group, target);
      const std::string& address = target.health_check_address.empty() ? target.id : target.health_check_address;
      auto existing = sessions_.find(key);
      if (existing != sessions_.end() && existing->second->port == port && existing->second->address == address) {
        existing->second->check = group.health_check;  // new interval/path/matcher apply from the next probe
        existing->second->slow_start_seconds = slow_start_seconds;
        existing->second->blocked = target.health_check_blocked;
        next.emplace(key, existing->second);
        sessions_.erase(existing);
        continue;
      }
      auto session = std::make_shared<Session>(key, address, port, group.health_check);
      session->group_arn = arn;
      session->first_version = snapshot->version;
      session->slow_start_seconds = slow_start_seconds;
      session->blocked = target.health_check_blocked;
      session->timer = std::make_unique<asio::steady_timer>(io_);
      session->machine.start_checking();
      registry_.set(key, view_of(session->machine.health()));
      next.emplace(key, session);
      asio::co_spawn(
          io_,
          [this, session]() -> asio::awaitable<void> {
            while (!session->cancelled) {
              const auto started = std::chrono::steady_clock::now();
              const auto timeout = scaled(session->check.timeout_seconds, time_scale_);
              const auto outcome = session->blocked ? co_await dropped_probe(*session->timer, timeout)
                                                    : co_await probe(session->address, session->port, session->check, timeout);
              if (session->cancelled) co_return;
              if (session->machine.record(outcome)) publish(*session);
              session->timer->expires_at(started + scaled(session->check.interval_seconds, time_scale_));
              co_await session->timer->async_wait(kNoThrow);
            }
          },
          asio::detached);
    }
  }
  for (auto& [key, session] : sessions_) {  // no longer wanted
    session->cancelled = true;
    session->timer->cancel();
    registry_.erase(key);
  }
  sessions_ = std::move(next);
}

}  // namespace albatross::routing
