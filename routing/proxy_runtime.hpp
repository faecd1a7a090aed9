#pragma once
// Internal to the data plane's I/O files: the state shared by all workers and the per-worker state.
// Includes Asio/Beast; only routing/*.cpp include it.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "routing/access_log.hpp"
#include "routing/endpoint_plan.hpp"
#include "routing/metrics.hpp"
#include "routing/health_registry.hpp"
#include "routing/snapshot_holder.hpp"
#include "routing/target_selector.hpp"
#include "routing/upstream_pool.hpp"

namespace albatross::routing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// How long a connection to a target may take to open (AWS: 10 s, then 504 on an ALB).
inline constexpr std::chrono::seconds kTargetConnectTimeout{10};

struct SharedState {
  SnapshotHolder snapshots;
  HealthRegistry health;
  double time_scale = 1.0;
  std::atomic<bool> stopping{false};
  // Target selection state shared by all workers (consecutive requests rotate, and least_outstanding_requests
  // sees every request in flight, whatever worker serves them), guarded by selection_mutex.
  std::mutex selection_mutex;
  std::map<std::string, SelectorState> selector_states;  // round-robin position per target group
  std::map<std::string, int> outstanding;      // target key -> requests in flight on any worker
  Metrics metrics;
  std::string cookie_key;  // HMAC key of sticky-session cookies, random per process (AWS rotates its key too)
  std::unique_ptr<AccessLogWriter> access_logs;  // null without a state dir
};

// Seconds on the steady clock (slow-start ramps) and since the epoch (cookie validity).
double steady_seconds();
double epoch_seconds();

// One data-plane thread: its io_context and its pool of idle upstream connections.
// Connections live on one worker for their whole life, so none of this needs locks.
struct Worker {
  // Relay chunks and target read buffers reused across requests (RelayChunk, RelayBuffer), so a request does
  // not allocate them; bounded by the requests in flight. Declared before `io` so they outlive the coroutine
  // frames that `io` destroys.
  std::vector<std::unique_ptr<char[]>> spare_chunks;
  std::vector<beast::flat_buffer> spare_buffers;
  asio::io_context io{1};
  UpstreamPool pool;
  // Requests being relayed, by target key: when a draining target's deregistration delay ends, their upstream
  // connections are closed (AWS §5.4) by cut_relays, posted to this worker.
  struct Relay {
    tcp::socket* upstream = nullptr;
    bool cut = false;
  };
  std::multimap<std::string, Relay*> relays;
};

// Ends a client connection the load balancer's security groups refuse: reset, nothing answered. (AWS drops the
// packets and the client times out; a reset tells the client the same thing without the wait.)
inline void refuse_connection(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

// Closes the upstream connections of every request relayed to `target_key` on this worker (on its thread).
void cut_relays(Worker& worker, const std::string& target_key);

class TlsContexts;

// Serves one client connection accepted on `endpoint`: HTTP, or HTTPS when `tls` is given.
asio::awaitable<void> serve_http_connection(SharedState& shared, Worker& worker, tcp::socket socket,
                                            std::shared_ptr<const Endpoint> endpoint, std::shared_ptr<TlsContexts> tls);
// Serves one connection of a network load balancer's TCP listener.
asio::awaitable<void> serve_tcp_connection(SharedState& shared, Worker& worker, tcp::socket socket,
                                           std::shared_ptr<const Endpoint> endpoint);

}  // namespace albatross::routing
