#pragma once
// Relaying one request to a target and its response back (Beast's relay pattern): connect or reuse a pooled
// connection (TLS for HTTPS target groups), write the rewritten header, stream the body through a small buffer,
// read the response header, add the stickiness cookies, stream the response back. Failures before the client
// got any response byte become the ALB error page to send. Internal to http_proxy.cpp (templates over the
// client's stream type: plain TCP or TLS).

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "routing/local_reply.hpp"
#include "routing/proxy_runtime.hpp"
#include "routing/read_deadline.hpp"
#include "routing/stickiness.hpp"
#include "routing/target_choice.hpp"
#include "routing/target_tls.hpp"
#include "routing/tunnel.hpp"

namespace albatross::routing {

namespace http = beast::http;
using SteadyClock = std::chrono::steady_clock;

inline constexpr std::size_t kMaxResponseHeaderBytes = 32 * 1024;
inline constexpr std::size_t kRelayBufferBytes = 16 * 1024;
inline constexpr std::chrono::seconds kTlsHandshakeTimeout{10};

inline constexpr std::size_t kMaxSpareRelayBuffers = 256;

// A kRelayBufferBytes chunk borrowed from the worker's spares for one request.
class RelayChunk {
 public:
  explicit RelayChunk(Worker& worker) : worker_(worker) {
    if (worker_.spare_chunks.empty()) {
      chunk_ = std::make_unique_for_overwrite<char[]>(kRelayBufferBytes);
    } else {
      chunk_ = std::move(worker_.spare_chunks.back());
      worker_.spare_chunks.pop_back();
    }
  }
  ~RelayChunk() {
    if (worker_.spare_chunks.size() < kMaxSpareRelayBuffers) worker_.spare_chunks.push_back(std::move(chunk_));
  }
  RelayChunk(const RelayChunk&) = delete;
  RelayChunk& operator=(const RelayChunk&) = delete;
  char* data() const { return chunk_.get(); }

 private:
  Worker& worker_;
  std::unique_ptr<char[]> chunk_;
};

// An empty read buffer with room for kRelayBufferBytes (Beast reads at most a buffer's free capacity: 512 bytes
// when it has none), borrowed from the worker's spares for one exchange.
class RelayBuffer {
 public:
  explicit RelayBuffer(Worker& worker) : worker_(worker) {
    if (!worker_.spare_buffers.empty()) {
      buffer_ = std::move(worker_.spare_buffers.back());
      worker_.spare_buffers.pop_back();
    }
    buffer_.reserve(kRelayBufferBytes);
  }
  ~RelayBuffer() {
    if (worker_.spare_buffers.size() >= kMaxSpareRelayBuffers || buffer_.capacity() > 4 * kRelayBufferBytes) return;
    buffer_.clear();
    worker_.spare_buffers.push_back(std::move(buffer_));
  }
  RelayBuffer(const RelayBuffer&) = delete;
  RelayBuffer& operator=(const RelayBuffer&) = delete;
  beast::flat_buffer& get() { return buffer_; }

 private:
  Worker& worker_;
  beast::flat_buffer buffer_;
};

// Beast's parser lets a header past its header_limit through when it arrives in large reads (seen with 8 KiB
// reads and a 71 KiB header), so the limit is checked again on the size the header read consumed.
inline void enforce_header_limit(beast::error_code& ec, std::size_t header_bytes, std::size_t limit) {
  if (!ec && header_bytes > limit) ec = http::error::header_limit;
}

// Streams the rest of a message from `in` (whose parser has read the header) to `out` (whose serializer has
// written the header). `before_read` restarts the idle timeout of `in` before each read: the timeout is for
// silence, not for the whole transfer.
// `moved` counts the body bytes read from `in`; `written`, when given, every byte written to `out` (including
// the header when the serializer has not written it yet: then the header goes out with the first body piece).
template <class In, class Out, bool isRequest, class BeforeRead>
asio::awaitable<beast::error_code> pump_body(In& in, beast::flat_buffer& buffer, http::parser<isRequest, http::buffer_body>& parser,
                                             Out& out, http::serializer<isRequest, http::buffer_body>& serializer,
                                             BeforeRead before_read, char* chunk, std::uint64_t& moved,
                                             std::uint64_t* written = nullptr) {
  while (!serializer.is_done()) {
    if (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = kRelayBufferBytes;
      before_read();
      auto [ec, bytes] = co_await http::async_read(in, buffer, parser, kNoThrow);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return ec;
      parser.get().body().size = kRelayBufferBytes - parser.get().body().size;
      moved += parser.get().body().size;
      parser.get().body().data = chunk;
      parser.get().body().more = !parser.is_done();
    } else {
      parser.get().body().data = nullptr;
      parser.get().body().size = 0;
      parser.get().body().more = false;
    }
    auto [ec, bytes] = co_await http::async_write(out, serializer, kNoThrow);
    if (written) *written += bytes;
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
  }
  co_return beast::error_code{};
}

inline asio::awaitable<std::optional<tcp::socket>> connect_target(const std::string& address, int port, bool& timed_out) {
  auto executor = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) co_return std::nullopt;
  beast::tcp_stream stream(executor);
  stream.expires_after(kTargetConnectTimeout);
  auto [connect_ec] = co_await stream.async_connect(tcp::endpoint(ip, static_cast<unsigned short>(port)), kNoThrow);
  if (connect_ec) {
    timed_out = connect_ec == beast::error::timeout;
    co_return std::nullopt;
  }
  stream.expires_never();
  stream.socket().set_option(tcp::no_delay(true), ec);  // header and body are written separately
  co_return stream.release_socket();
}

struct ForwardOutcome {
  bool keep_client = false;
  std::optional<LocalReply> reply;  // when we must answer locally instead
  int status = 0;                   // the target's status when it answered
  double target_seconds = -1;
};

// Registers a relay's upstream connection with its worker while the exchange lasts, so a drain that ends can
// cut it.
class RelayRegistration {
 public:
  RelayRegistration(Worker& worker, const std::string& key, tcp::socket& upstream) : worker_(worker) {
    relay_.upstream = &upstream;
    entry_ = worker_.relays.emplace(key, &relay_);
  }
  ~RelayRegistration() { worker_.relays.erase(entry_); }
  RelayRegistration(const RelayRegistration&) = delete;
  RelayRegistration& operator=(const RelayRegistration&) = delete;
  bool cut() const { return relay_.cut; }

 private:
  Worker& worker_;
  Worker::Relay relay_;
  std::multimap<std::string, Worker::Relay*>::iterator entry_;
};

// What the relay needs from the request beyond its parser.
struct RelayRequest {
  bool client_keep_alive = true;  // read before the hop-by-hop Connection header was stripped
  ReadDeadline* client_deadline = nullptr;
  const TargetChoice* choice = nullptr;  // its stickiness cookies go on the response
  std::uint64_t* body_bytes_in = nullptr;   // request body bytes read from the client (access log)
  std::uint64_t* bytes_out = nullptr;       // response bytes sent to the client (access log)
};

// Adds the load balancer's stickiness cookies to a target's response.
inline void add_sticky_cookies(http::response_header<>& response, const TargetChoice& choice) {
  if (!choice.app_cookie_name.empty()) {
    std::vector<std::string> set_cookies;
    const auto [first, last] = response.equal_range(http::field::set_cookie);
    for (auto field = first; field != last; ++field) set_cookies.emplace_back(field->value());
    if (response_sets_cookie(set_cookies, choice.app_cookie_name))
      for (const auto& cookie : app_cookie_headers(choice.app_cookie_value, epoch_seconds()))
        response.insert(http::field::set_cookie, cookie);
  }
  for (const auto& cookie : choice.set_cookies) response.insert(http::field::set_cookie, cookie);
}

// One request/response exchange on an open upstream connection (plain TCP or TLS). nullopt: a pooled
// connection turned out stale before anything was sent or received; the caller retries on a fresh one.
template <class Stream, class Upstream>
asio::awaitable<std::optional<ForwardOutcome>> exchange(Stream& client, beast::flat_buffer& client_buffer,
                                                        http::request_parser<http::buffer_body>& request_parser,
                                                        Worker& worker, Upstream& upstream, bool reused,
                                                        const std::string& pool_key, std::chrono::milliseconds idle,
                                                        const RelayRequest& options) {
  auto& request = request_parser.get();
  const bool client_keep_alive = options.client_keep_alive;
  const bool head = request.method() == http::verb::head;
  const bool has_body = !request_parser.is_done();
  auto& lowest = beast::get_lowest_layer(upstream);
  const auto started = SteadyClock::now();
  lowest.expires_after(idle);
  const RelayRegistration registration(worker, options.choice->key, lowest.socket());
  // The deregistration delay ended with the request in flight: 502 if the client has no response yet (§4.1).
  const auto deregistered = [&] { return ForwardOutcome{false, error_reply(LocalReplyReason::TargetDeregistered)}; };
  const bool upgrade = request.count(http::field::upgrade) > 0;
  if (!upgrade) request.keep_alive(true);
  http::request_serializer<http::buffer_body> request_serializer{request};
  request.body().data = nullptr;
  request.body().more = has_body;
  auto [header_ec, header_bytes] = co_await http::async_write_header(upstream, request_serializer, kNoThrow);
  if (header_ec) {
    if (registration.cut()) co_return deregistered();
    if (reused && !has_body) co_return std::nullopt;  // a stale pooled connection: try a fresh one
    co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetConnectError)};
  }
  const RelayChunk chunk(worker);
  auto& deadline = *options.client_deadline;
  const auto body_ec = co_await pump_body(client, client_buffer, request_parser, upstream, request_serializer,
                                          [&] { deadline.arm(idle); }, chunk.data(), *options.body_bytes_in);
  deadline.disarm();
  if (body_ec) {
    // The client stalled mid-body past the idle timeout (408), or one side went away.
    if (deadline.expired()) co_return ForwardOutcome{false, error_reply(LocalReplyReason::RequestTimeout)};
    if (registration.cut()) co_return deregistered();
    co_return ForwardOutcome{false, std::nullopt};
  }

  RelayBuffer upstream_read_buffer(worker);
  beast::flat_buffer& upstream_buffer = upstream_read_buffer.get();
  http::response_parser<http::buffer_body> response_parser;
  response_parser.header_limit(kMaxResponseHeaderBytes);
  response_parser.body_limit(boost::none);
  if (head) response_parser.skip(true);
  lowest.expires_after(idle);
  auto [read_ec, read_bytes] = co_await http::async_read_header(upstream, upstream_buffer, response_parser, kNoThrow);
  enforce_header_limit(read_ec, read_bytes, kMaxResponseHeaderBytes);
  if (read_ec) {
    if (registration.cut()) co_return deregistered();
    if (reused && !has_body && read_bytes == 0 && read_ec != beast::error::timeout) co_return std::nullopt;
    if (read_ec == beast::error::timeout) co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetTimeout)};
    const bool closed = read_ec == http::error::end_of_stream || read_ec == asio::error::eof ||
                        read_ec == asio::error::connection_reset || read_ec == asio::ssl::error::stream_truncated;
    co_return ForwardOutcome{false, error_reply(closed ? LocalReplyReason::TargetReset : LocalReplyReason::TargetMalformedResponse)};
  }
  auto& response = response_parser.get();
  const double target_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  if (upgrade && response.result() == http::status::switching_protocols) {
    // A WebSocket (or other) upgrade: the target owns the connection now; rules no longer apply.
    http::response<http::empty_body> switching{response.base()};
    auto [switch_ec, switch_bytes] = co_await http::async_write(client, switching, kNoThrow);
    if (switch_ec) co_return ForwardOutcome{false, std::nullopt};
    lowest.expires_never();
    beast::get_lowest_layer(client).expires_never();
    co_await tunnel(client, &client_buffer, upstream, &upstream_buffer);
    co_return ForwardOutcome{false, std::nullopt, 101, target_seconds};
  }
  const bool upstream_keep_alive = response.keep_alive();
  response.keep_alive(client_keep_alive);
  if (options.choice) add_sticky_cookies(response.base(), *options.choice);
  http::response_serializer<http::buffer_body> response_serializer{response};
  response.body().data = nullptr;
  response.body().more = !response_parser.is_done();
  const int status = response.result_int();
  // When body bytes came with the header (small responses), the header and the first body piece leave in one
  // write (one TLS record, one segment); otherwise the header goes out at once, not held until the body starts.
  if (response_parser.is_done() || upstream_buffer.size() == 0) {
    auto [write_ec, written] = co_await http::async_write_header(client, response_serializer, kNoThrow);
    *options.bytes_out += written;
    if (write_ec) co_return ForwardOutcome{false, std::nullopt, status, target_seconds};
  }
  std::uint64_t body_read = 0;
  if (auto ec = co_await pump_body(upstream, upstream_buffer, response_parser, client, response_serializer,
                                   [&] { lowest.expires_after(idle); }, chunk.data(), body_read, options.bytes_out);
      ec)
    co_return ForwardOutcome{false, std::nullopt, status, target_seconds};
  // Plain connections go back to the pool; TLS ones to targets are closed (no TLS session pooling yet).
  if constexpr (std::is_same_v<Upstream, beast::tcp_stream>)
    if (upstream_keep_alive && upstream_buffer.size() == 0) worker.pool.give_back(pool_key, upstream.release_socket());
  co_return ForwardOutcome{client_keep_alive, std::nullopt, status, target_seconds};
}

// Relays one request to `target` (TLS for HTTPS target groups, without verifying the target's certificate, as
// ALB does) and its response back. On failure before any response byte reached the client, returns the error
// page to send.
template <class Stream>
asio::awaitable<ForwardOutcome> relay(Stream& client, beast::flat_buffer& client_buffer,
                                      http::request_parser<http::buffer_body>& request_parser, Worker& worker,
                                      std::chrono::milliseconds idle, const Target& target, const RelayRequest& options) {
  const std::string& address = connect_address_of(target);
  const int port = connect_port_of(target);
  const bool tls = options.choice->group && options.choice->group->protocol == "HTTPS";
  const std::string pool_key = address + ":" + std::to_string(port);
  if (target.traffic_blocked) {
    // The target's security groups drop the load balancer's SYN: the connect times out (AWS: 504 after 10 s).
    asio::steady_timer wait(co_await asio::this_coro::executor, kTargetConnectTimeout);
    co_await wait.async_wait(kNoThrow);
    co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetTimeout)};
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<tcp::socket> socket = tls ? std::nullopt : worker.pool.take(pool_key);
    const bool reused = socket.has_value();
    if (!socket) {
      bool timed_out = false;
      socket = co_await connect_target(address, port, timed_out);
      if (!socket) co_return ForwardOutcome{false, error_reply(timed_out ? LocalReplyReason::TargetTimeout : LocalReplyReason::TargetConnectError)};
    }
    std::optional<ForwardOutcome> outcome;
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> upstream(beast::tcp_stream(std::move(*socket)), target_tls_context());
      beast::get_lowest_layer(upstream).expires_after(kTlsHandshakeTimeout);
      auto [handshake_ec] = co_await upstream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
      if (handshake_ec) co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetConnectError)};  // 502
      outcome = co_await exchange(client, client_buffer, request_parser, worker, upstream, false, pool_key, idle, options);
    } else {
      beast::tcp_stream upstream(std::move(*socket));
      outcome = co_await exchange(client, client_buffer, request_parser, worker, upstream, reused, pool_key, idle, options);
    }
    if (outcome) co_return std::move(*outcome);
  }
  co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetConnectError)};
}

}  // namespace albatross::routing
