// The HTTP proxy of application load balancers: one coroutine per client connection reads each request
// header, matches the listener's rules against the current snapshot, and answers locally (fixed response,
// redirect, ALB error page) or relays the request to a chosen target and streams the response back.
// Bodies are streamed both ways through a small buffer (Beast's relay pattern), never fully buffered.

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <ctime>
#include <random>
#include <type_traits>

#include "routing/access_log.hpp"
#include "routing/forwarded_headers.hpp"
#include "routing/local_reply.hpp"
#include "routing/proxy_runtime.hpp"
#include "routing/read_deadline.hpp"
#include "routing/redirect.hpp"
#include "routing/request_view.hpp"
#include "routing/rule_matcher.hpp"
#include "routing/stickiness.hpp"
#include "routing/target_tls.hpp"
#include "routing/target_choice.hpp"
#include "routing/tls_contexts.hpp"
#include "routing/tunnel.hpp"

namespace albatross::routing {
namespace {

namespace http = beast::http;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxRequestHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxResponseHeaderBytes = 32 * 1024;
constexpr std::chrono::seconds kTargetConnectTimeout{10};
constexpr std::size_t kRelayBufferBytes = 16 * 1024;
constexpr std::chrono::seconds kTlsHandshakeTimeout{10};

struct RequestContext {
  const Snapshot* snapshot = nullptr;
  const Listener* listener = nullptr;
  const LoadBalancer* load_balancer = nullptr;
  std::string client_address;
  int client_port = 0;
  bool secure = false;
};

int attribute_int(const std::map<std::string, std::string>& attributes, const char* key, int fallback) {
  const auto found = attributes.find(key);
  if (found == attributes.end()) return fallback;
  try {
    return std::stoi(found->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

std::chrono::milliseconds idle_timeout(const RequestContext& ctx) {
  const int seconds = ctx.load_balancer ? attribute_int(ctx.load_balancer->attributes, "idle_timeout.timeout_seconds", 60) : 60;
  return std::chrono::milliseconds(seconds * 1000);
}

// The listener that serves a request on an endpoint: the load balancer whose DNS name is the Host, else the
// endpoint's first (oldest) one.
const Listener* choose_listener(const Snapshot& snapshot, const Endpoint& endpoint, std::string_view host) {
  const Listener* first = nullptr;
  for (const auto& arn : endpoint.listener_arns)
    for (const auto& listener : snapshot.listeners) {
      if (listener.arn != arn) continue;
      if (!first) first = &listener;
      const auto lb = snapshot.load_balancers.find(listener.load_balancer_arn);
      if (lb != snapshot.load_balancers.end() && !host.empty() && lb->second.dns_name == host) return &listener;
    }
  return first;
}

std::string http_date_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

HeaderList headers_of(const http::request<http::buffer_body>& request) {
  HeaderList headers;
  for (const auto& field : request) headers.push_back({std::string(field.name_string()), std::string(field.value())});
  return headers;
}

RequestView make_view(const http::request<http::buffer_body>& request, const RequestTarget& target,
                      const std::string& host, const std::string& source_ip, const Listener& listener) {
  RequestView view;
  view.method = std::string(request.method_string());
  view.host = host;
  view.path = target.path;
  view.query = target.query;
  view.headers = headers_of(request);
  view.source_ip = source_ip;
  view.listener_protocol = listener.protocol;
  view.listener_port = listener.port;
  return view;
}

// Replaces the request's header fields with the forwarded ones, keeping its body framing.
void apply_forwarded_headers(http::request<http::buffer_body>& request, const HeaderList& headers, bool chunked,
                             std::optional<std::uint64_t> content_length) {
  request.base().clear();
  for (const auto& header : headers) {
    if (ascii_iequals(header.name, "Content-Length") || ascii_iequals(header.name, "Transfer-Encoding")) continue;
    request.base().insert(header.name, header.value);
  }
  if (chunked) request.chunked(true);
  else if (content_length) request.content_length(*content_length);
}

TraceSeed fresh_trace_seed(std::mt19937_64& random) {
  return TraceSeed{static_cast<std::uint32_t>(std::time(nullptr)), random(), static_cast<std::uint32_t>(random())};
}

template <class Stream>
asio::awaitable<bool> write_local(Stream& stream, const LocalReply& reply, unsigned version, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), version};
  response.reason(reply.reason_phrase);
  for (const auto& header : reply.headers)
    if (!ascii_iequals(header.name, "Connection") && !ascii_iequals(header.name, "Content-Length"))
      response.insert(header.name, header.value);
  response.set(http::field::date, http_date_now());
  response.body() = reply.body;
  response.content_length(reply.body.size());
  // Explicit both ways, as AWS writes it (Beast would leave HTTP/1.1 keep-alive implicit).
  response.set(http::field::connection, keep_alive && !reply.close_connection ? "keep-alive" : "close");
  auto [ec, bytes] = co_await http::async_write(stream, response, kNoThrow);
  co_return !ec && keep_alive && !reply.close_connection;
}

// Reads and drops the rest of a request body we answer locally, so the connection can serve the next request.
template <class Stream>
asio::awaitable<bool> discard_body(Stream& stream, beast::flat_buffer& buffer, http::request_parser<http::buffer_body>& parser,
                                   ReadDeadline& deadline, std::chrono::milliseconds idle) {
  char scratch[kRelayBufferBytes];
  while (!parser.is_done()) {
    parser.get().body().data = scratch;
    parser.get().body().size = sizeof scratch;
    deadline.arm(idle);
    auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    deadline.disarm();
    if (ec && ec != http::error::need_buffer) {
      if (deadline.expired()) co_await write_local(stream, error_reply(LocalReplyReason::RequestTimeout), 11, false);
      co_return false;
    }
  }
  co_return true;
}

// Streams the rest of a message from `in` (whose parser has read the header) to `out` (whose serializer has
// written the header). `before_read` restarts the idle timeout of `in` before each read: the timeout is for
// silence, not for the whole transfer.
template <class In, class Out, bool isRequest, class BeforeRead>
asio::awaitable<beast::error_code> pump_body(In& in, beast::flat_buffer& buffer, http::parser<isRequest, http::buffer_body>& parser,
                                             Out& out, http::serializer<isRequest, http::buffer_body>& serializer,
                                             BeforeRead before_read, std::uint64_t& moved) {
  char chunk[kRelayBufferBytes];
  while (!serializer.is_done()) {
    if (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      before_read();
      auto [ec, bytes] = co_await http::async_read(in, buffer, parser, kNoThrow);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return ec;
      parser.get().body().size = sizeof chunk - parser.get().body().size;
      moved += parser.get().body().size;
      parser.get().body().data = chunk;
      parser.get().body().more = !parser.is_done();
    } else {
      parser.get().body().data = nullptr;
      parser.get().body().size = 0;
      parser.get().body().more = false;
    }
    auto [ec, bytes] = co_await http::async_write(out, serializer, kNoThrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
  }
  co_return beast::error_code{};
}

asio::awaitable<std::optional<tcp::socket>> connect_target(const std::string& address, int port, bool& timed_out) {
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

// Counts a request against its target for least_outstanding_requests from the pick (made under the same lock)
// until the exchange ends, on whichever worker it runs.
class InFlight {
 public:
  InFlight(SharedState& shared, std::string key) : shared_(shared), key_(std::move(key)) { ++shared_.outstanding[key_]; }
  ~InFlight() {
    std::lock_guard lock(shared_.selection_mutex);
    if (--shared_.outstanding[key_] <= 0) shared_.outstanding.erase(key_);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  SharedState& shared_;
  std::string key_;
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
void add_sticky_cookies(http::response_header<>& response, const TargetChoice& choice) {
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
  const auto started = Clock::now();
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
  auto& deadline = *options.client_deadline;
  const auto body_ec = co_await pump_body(client, client_buffer, request_parser, upstream, request_serializer,
                                          [&] { deadline.arm(idle); }, *options.body_bytes_in);
  deadline.disarm();
  if (body_ec) {
    // The client stalled mid-body past the idle timeout (408), or one side went away.
    if (deadline.expired()) co_return ForwardOutcome{false, error_reply(LocalReplyReason::RequestTimeout)};
    if (registration.cut()) co_return deregistered();
    co_return ForwardOutcome{false, std::nullopt};
  }

  beast::flat_buffer upstream_buffer;
  http::response_parser<http::buffer_body> response_parser;
  response_parser.header_limit(kMaxResponseHeaderBytes);
  response_parser.body_limit(boost::none);
  if (head) response_parser.skip(true);
  lowest.expires_after(idle);
  auto [read_ec, read_bytes] = co_await http::async_read_header(upstream, upstream_buffer, response_parser, kNoThrow);
  if (read_ec) {
    if (registration.cut()) co_return deregistered();
    if (reused && !has_body && read_bytes == 0 && read_ec != beast::error::timeout) co_return std::nullopt;
    if (read_ec == beast::error::timeout) co_return ForwardOutcome{false, error_reply(LocalReplyReason::TargetTimeout)};
    const bool closed = read_ec == http::error::end_of_stream || read_ec == asio::error::eof ||
                        read_ec == asio::error::connection_reset || read_ec == asio::ssl::error::stream_truncated;
    co_return ForwardOutcome{false, error_reply(closed ? LocalReplyReason::TargetReset : LocalReplyReason::TargetMalformedResponse)};
  }
  auto& response = response_parser.get();
  const double target_seconds = std::chrono::duration<double>(Clock::now() - started).count();
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
  auto [write_ec, written] = co_await http::async_write_header(client, response_serializer, kNoThrow);
  *options.bytes_out += written;
  if (write_ec) co_return ForwardOutcome{false, std::nullopt, status, target_seconds};
  if (auto ec = co_await pump_body(upstream, upstream_buffer, response_parser, client, response_serializer,
                                   [&] { lowest.expires_after(idle); }, *options.bytes_out);
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
                                      const RequestContext& ctx, const Target& target, const RelayRequest& options) {
  const auto idle = idle_timeout(ctx);
  const std::string& address = connect_address_of(target);
  const int port = connect_port_of(target);
  const bool tls = options.choice->group && options.choice->group->protocol == "HTTPS";
  const std::string pool_key = address + ":" + std::to_string(port);
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

// Transfer codings the load balancer forwards: chunked (re-framed by the relay) and identity (no coding).
// Anything else (gzip, compress, deflate, unknown) is answered 501 (§4.1).
bool unsupported_transfer_encoding(std::string_view value) {
  for (const auto& token : http::token_list{value})
    if (!beast::iequals(token, "chunked") && !beast::iequals(token, "identity")) return true;
  return false;
}

// The origin-form of an absolute-form request target ("http://h:8080/p?q" -> "/p?q"): what a target expects.
std::string origin_form(std::string_view target) {
  const auto scheme = target.find("://");
  if (scheme == std::string_view::npos || target.empty() || target.front() == '/') return std::string(target);
  target = target.substr(scheme + 3);
  const auto rest = target.find_first_of("/?");
  if (rest == std::string_view::npos) return "/";
  std::string out(target.substr(rest));
  if (out.front() == '?') out.insert(out.begin(), '/');
  if (const auto hash = out.find('#'); hash != std::string::npos) out.resize(hash);
  return out;
}

// The TLS details an access-log line carries (OpenSSL names), for HTTPS connections.
template <class Stream>
void note_tls(Stream& stream, AccessLogEntry& entry) {
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    SSL* ssl = stream.native_handle();
    if (const char* cipher = SSL_get_cipher_name(ssl)) entry.ssl_cipher = cipher;
    if (const char* protocol = SSL_get_version(ssl)) entry.ssl_protocol = protocol;
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) entry.domain_name = name;
  }
}

template <class Stream>
asio::awaitable<void> serve_requests(SharedState& shared, Worker& worker, Stream& stream, tcp::endpoint peer,
                                     std::shared_ptr<const Endpoint> endpoint) {
  constexpr bool secure = !std::is_same_v<Stream, beast::tcp_stream>;
  beast::flat_buffer buffer;
  static thread_local std::mt19937_64 random{std::random_device{}()};
  ReadDeadline deadline(beast::get_lowest_layer(stream).socket());
  beast::get_lowest_layer(stream).expires_never();  // the client's idle timeout is `deadline`
  const std::string connection_trace = "TID_" + make_trace_id(fresh_trace_seed(random)).substr(11);
  for (;;) {
    const SnapshotPtr snapshot = shared.snapshots.get();
    RequestContext ctx;
    ctx.snapshot = snapshot.get();
    ctx.client_address = peer.address().to_string();
    ctx.client_port = peer.port();
    ctx.listener = choose_listener(*snapshot, *endpoint, {});
    if (ctx.listener) ctx.load_balancer = &snapshot->load_balancers.at(ctx.listener->load_balancer_arn);
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(kMaxRequestHeaderBytes);
    parser.body_limit(boost::none);
    const auto idle = idle_timeout(ctx);
    deadline.arm(idle);
    auto [read_ec, bytes] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    deadline.disarm();

    // Metrics and the access-log line of this request, whatever answers it.
    AccessLogEntry entry;
    entry.type = secure ? "https" : "http";
    entry.request_creation_time = epoch_seconds();
    entry.client_ip = ctx.client_address;
    entry.client_port = ctx.client_port;
    entry.received_bytes = bytes;
    entry.conn_trace_id = connection_trace;
    note_tls(stream, entry);
    const auto started = Clock::now();
    auto finish = [&](int status, bool local, const std::string& group = {}, double target_seconds = -1) {
      if (!ctx.load_balancer) return;
      shared.metrics.record({ctx.load_balancer->arn, group, status, local, target_seconds});
      if (!shared.access_logs || !access_logs_enabled(*ctx.load_balancer)) return;
      entry.time = epoch_seconds();
      entry.load_balancer_arn = ctx.load_balancer->arn;
      entry.elb_status_code = status;
      entry.target_group_arn = group;
      if (!local || (target_seconds >= 0 && !entry.target.empty())) {
        entry.target_status_code = local ? 0 : status;
        entry.target_processing_time = target_seconds;
        entry.request_processing_time = 0;
        const double total = std::chrono::duration<double>(Clock::now() - started).count();
        entry.response_processing_time = std::max(0.0, total - std::max(0.0, target_seconds));
      }
      shared.access_logs->write(*ctx.load_balancer, entry);
    };
    auto finish_local = [&](const LocalReply& reply, const std::string& group = {}) {
      // error_reason stays "-": AWS fills it only for authenticate actions and Lambda targets.
      entry.sent_bytes = serialize_http1(reply, http_date_now()).size();
      finish(reply.status, true, group);
    };

    if (read_ec) {
      const bool got_some = buffer.size() > 0 || parser.got_some();
      entry.received_bytes = buffer.size();
      entry.request_line = "- - - ";
      if (deadline.expired()) {
        // Idle between requests: just close. Part of a request: 408 (§4.1).
        if (!got_some) co_return;
        const LocalReply reply = error_reply(LocalReplyReason::RequestTimeout);
        finish_local(reply);
        co_await write_local(stream, reply, 11, false);
        co_return;
      }
      if (read_ec == http::error::end_of_stream || read_ec == http::error::partial_message ||
          read_ec == asio::error::eof || read_ec == asio::error::connection_reset ||
          read_ec == asio::error::operation_aborted)
        co_return;  // the client went away
      const LocalReply reply = error_reply(LocalReplyReason::BadRequest);
      finish_local(reply);
      co_await write_local(stream, reply, 11, false);
      co_return;
    }
    auto& request = parser.get();
    const RequestTarget target = split_request_target(request.target());
    const std::string host =
        normalize_host(target.authority.empty() ? std::string_view(request[http::field::host]) : std::string_view(target.authority));
    ctx.listener = choose_listener(*snapshot, *endpoint, host);
    if (!ctx.listener) co_return;  // the listener went away with this snapshot
    ctx.load_balancer = &snapshot->load_balancers.at(ctx.listener->load_balancer_arn);
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    entry.request_line = std::string(request.method_string()) + " " + (secure ? "https://" : "http://") + host + ":" +
                         std::to_string(ctx.listener->port) + origin_form(request.target()) + " HTTP/" +
                         std::to_string(version / 10) + "." + std::to_string(version % 10);
    entry.user_agent = std::string(request[http::field::user_agent]);
    auto discard = [&]() { return discard_body(stream, buffer, parser, deadline, idle); };
    if (const auto coding = request[http::field::transfer_encoding]; !coding.empty() && unsupported_transfer_encoding(coding)) {
      const LocalReply reply = error_reply(LocalReplyReason::UnsupportedTransferEncoding);
      finish_local(reply);  // the body's framing is unknown: answer and close
      co_await write_local(stream, reply, version, false);
      co_return;
    }
    if (request.method() == http::verb::trace) {
      if (!co_await discard()) co_return;
      const LocalReply reply = error_reply(LocalReplyReason::MethodNotAllowed);
      finish_local(reply);
      if (!co_await write_local(stream, reply, version, keep_alive)) co_return;
      continue;
    }
    const RequestView view = make_view(request, target, host, ctx.client_address, *ctx.listener);
    const Rule* rule = match_rule(ctx.listener->rules, view);
    if (!rule) co_return;
    entry.matched_rule_priority = rule->is_default ? "0" : std::to_string(rule->priority);
    const Action& action = rule->action;
    if (action.type != ActionType::Forward) {
      const bool redirect = action.type == ActionType::Redirect;
      const LocalReply reply = redirect ? redirect_reply(render_redirect(action, view)) : fixed_response_reply(action);
      entry.actions_executed = redirect ? "redirect" : "fixed-response";
      if (redirect)
        for (const auto& header : reply.headers)
          if (header.name == "Location") entry.redirect_url = header.value;
      if (!co_await discard()) co_return;
      finish_local(reply);
      if (!co_await write_local(stream, reply, version, keep_alive)) co_return;
      continue;
    }
    entry.actions_executed = "forward";
    TargetChoice choice;
    std::optional<InFlight> in_flight;
    {
      std::lock_guard lock(shared.selection_mutex);
      ChoiceContext context{&view.headers, epoch_seconds(), steady_seconds(), shared.time_scale, shared.cookie_key, random()};
      choice = choose_target(*snapshot, action, *shared.health.view(), shared.selector_states, shared.outstanding, context);
      if (choice.target) in_flight.emplace(shared, choice.key);
    }
    const std::string group_arn = choice.group ? choice.group->arn : std::string();
    if (!choice.target) {
      if (!co_await discard()) co_return;
      const LocalReply reply = error_reply(choice.reason);
      finish_local(reply, group_arn);
      if (!co_await write_local(stream, reply, version, keep_alive)) co_return;
      continue;
    }
    entry.target = choice.target->id + ":" + std::to_string(choice.target->port);
    ForwardingContext forwarding{ctx.client_address, ctx.client_port, ctx.listener->protocol, ctx.listener->port,
                                 target.authority, ctx.load_balancer->dns_name, fresh_trace_seed(random)};
    const ForwardedRequest forwarded =
        rewrite_request_headers(view.headers, forwarding, forwarding_options(ctx.load_balancer->attributes));
    entry.trace_id = forwarded.trace_id;
    if (forwarded.too_many_forwarded_for) {
      if (!co_await discard()) co_return;
      const LocalReply reply = error_reply(LocalReplyReason::TooManyForwardedFor);
      entry.target.clear();
      finish_local(reply, group_arn);
      if (!co_await write_local(stream, reply, version, keep_alive)) co_return;
      continue;
    }
    if (forwarded.expect_continue) {
      http::response<http::empty_body> proceed{http::status::continue_, version};
      co_await http::async_write(stream, proceed, kNoThrow);
    }
    const auto declared_length = parser.content_length();
    apply_forwarded_headers(request, forwarded.headers, parser.chunked(),
                            declared_length ? std::optional<std::uint64_t>(*declared_length) : std::nullopt);
    if (!target.authority.empty()) request.target(origin_form(request.target()));
    std::uint64_t body_in = 0, sent = 0;
    const auto outcome = co_await relay(stream, buffer, parser, worker, ctx, *choice.target,
                                        RelayRequest{keep_alive, &deadline, &choice, &body_in, &sent});
    in_flight.reset();
    entry.received_bytes += body_in;
    entry.sent_bytes = sent;
    if (outcome.reply) {
      finish_local(*outcome.reply, group_arn);
      co_await write_local(stream, *outcome.reply, version, false);
      co_return;
    }
    if (outcome.status) finish(outcome.status, false, group_arn, outcome.target_seconds);
    if (!outcome.keep_client) co_return;
  }
}

}  // namespace

void cut_relays(Worker& worker, const std::string& target_key) {
  const auto [first, last] = worker.relays.equal_range(target_key);
  for (auto entry = first; entry != last; ++entry) {
    entry->second->cut = true;
    boost::system::error_code ignored;
    entry->second->upstream->close(ignored);  // pending reads/writes complete with operation_aborted
  }
}

asio::awaitable<void> serve_http_connection(SharedState& shared, Worker& worker, tcp::socket socket,
                                            std::shared_ptr<const Endpoint> endpoint, std::shared_ptr<TlsContexts> tls) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) co_return;
  socket.set_option(tcp::no_delay(true), ec);  // no delayed-ACK stalls between header and body writes
  if (!tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(shared, worker, stream, peer, endpoint);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls->default_context());
  beast::get_lowest_layer(stream).expires_after(kTlsHandshakeTimeout);
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
  if (handshake_ec) co_return;
  co_await serve_requests(shared, worker, stream, peer, endpoint);
  co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));  // best effort close_notify
}

}  // namespace albatross::routing
