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
#include "routing/http_relay.hpp"
#include "routing/local_reply.hpp"
#include "routing/proxy_runtime.hpp"
#include "routing/redirect.hpp"
#include "routing/request_view.hpp"
#include "routing/rule_matcher.hpp"
#include "routing/security_group_filter.hpp"
#include "routing/target_choice.hpp"
#include "routing/tls_contexts.hpp"

namespace albatross::routing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxRequestHeaderBytes = 64 * 1024;
constexpr std::size_t kClientBufferBytes = 8 * 1024;

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
                                   ReadDeadline& deadline, std::chrono::milliseconds idle, Worker& worker) {
  if (parser.is_done()) co_return true;
  const RelayChunk scratch(worker);
  while (!parser.is_done()) {
    parser.get().body().data = scratch.data();
    parser.get().body().size = kRelayBufferBytes;
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
  buffer.reserve(kClientBufferBytes);  // Beast reads at most the free capacity: 512 bytes when empty
  static thread_local std::mt19937_64 random{std::random_device{}()};
  ReadDeadline deadline(beast::get_lowest_layer(stream).socket());
  beast::get_lowest_layer(stream).expires_never();  // the client's idle timeout is `deadline`
  const std::string client_address = peer.address().to_string();  // once per connection, not per request
  const std::string connection_trace = "TID_" + make_trace_id(fresh_trace_seed(random)).substr(11);
  std::string admitted_by;  // the load balancer whose security groups let this connection in (checked once)
  for (;;) {
    const SnapshotPtr snapshot = shared.snapshots.get();
    RequestContext ctx;
    ctx.snapshot = snapshot.get();
    ctx.client_address = client_address;
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
    enforce_header_limit(read_ec, bytes, kMaxRequestHeaderBytes);

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
    if (ctx.load_balancer->arn != admitted_by) {
      // Several load balancers share 127.0.0.1:<port>: the one the Host picked must accept the client too. AWS
      // drops refused packets silently; we close without answering. An admitted connection stays (SGs are stateful).
      if (!load_balancer_admits(*snapshot, *ctx.load_balancer, ctx.listener->port, client_address)) co_return;
      admitted_by = ctx.load_balancer->arn;
    }
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    entry.request_line = std::string(request.method_string()) + " " + (secure ? "https://" : "http://") + host + ":" +
                         std::to_string(ctx.listener->port) + origin_form(request.target()) + " HTTP/" +
                         std::to_string(version / 10) + "." + std::to_string(version % 10);
    entry.user_agent = std::string(request[http::field::user_agent]);
    auto discard = [&]() { return discard_body(stream, buffer, parser, deadline, idle, worker); };
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
    const auto outcome = co_await relay(stream, buffer, parser, worker, idle, *choice.target,
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
  if (!any_listener_admits(*shared.snapshots.get(), endpoint->listener_arns, peer.address().to_string())) {
    refuse_connection(socket);
    co_return;
  }
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
