#include "emulator/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <list>
#include <system_error>

#include "emulator/log.hpp"

namespace albatross {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, RequestHandler request, RejectHandler reject, HttpLimits l)
      : io(io), acceptor(io), on_request(std::move(request)), on_reject(std::move(reject)), limits(l) {}

  asio::io_context& io;
  tcp::acceptor acceptor;
  RequestHandler on_request;
  RejectHandler on_reject;
  HttpLimits limits;
  std::list<std::weak_ptr<beast::tcp_stream>> connections;
  bool stopped = false;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream);
};

namespace {

HttpRequest to_plain(const http::request_header<>& header, std::string body, const std::string& peer) {
  HttpRequest request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  for (const auto& field : header) request.headers.emplace_back(field.name_string(), field.value());
  request.body = std::move(body);
  request.peer_address = peer;
  return request;
}

http::response<http::string_body> to_beast(HttpResponse&& plain, unsigned version, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(plain.status), version};
  for (auto& [name, value] : plain.headers) response.set(name, value);
  response.set(http::field::server, "albatross");
  response.body() = std::move(plain.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec) {
      if (stopped || ec == asio::error::operation_aborted) co_return;
      log::warn(std::string("accept failed: ") + ec.message());
      continue;
    }
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    connections.remove_if([](const auto& weak) { return weak.expired(); });
    connections.push_back(stream);
    asio::co_spawn(io, serve(stream), asio::detached);
  }
}

asio::awaitable<void> HttpServer::Impl::serve(std::shared_ptr<beast::tcp_stream> stream) {
  auto self = shared_from_this();
  beast::error_code ec;
  const auto endpoint = stream->socket().remote_endpoint(ec);
  const std::string peer = ec ? std::string() : endpoint.address().to_string();
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(boost::none);  // checked below, so that an oversized request gets an answer
    stream->expires_after(std::chrono::seconds(limits.idle_timeout_seconds));
    auto [header_ec, header_bytes] = co_await http::async_read_header(*stream, buffer, parser, kNoThrow);
    if (header_ec) {
      if (header_ec == http::error::header_limit) {
        HttpRequest empty;
        auto reply = to_beast(on_reject(empty, 431, "Request header fields too large"), 11, false);
        co_await http::async_write(*stream, reply, kNoThrow);
      }
      break;
    }
    const auto& header = parser.get().base();
    const auto declared = parser.content_length();
    if (declared && *declared > limits.max_body_bytes) {
      HttpRequest rejected = to_plain(header, {}, peer);
      auto reply = to_beast(on_reject(rejected, 413, "Request body of " + std::to_string(*declared) +
                                                          " bytes exceeds the limit of " +
                                                          std::to_string(limits.max_body_bytes) + " bytes"),
                            header.version(), false);
      co_await http::async_write(*stream, reply, kNoThrow);
      break;
    }
    parser.body_limit(limits.max_body_bytes);  // still bounds chunked bodies
    auto [body_ec, body_bytes] = co_await http::async_read(*stream, buffer, parser, kNoThrow);
    if (body_ec) {
      if (body_ec == http::error::body_limit) {
        HttpRequest rejected = to_plain(header, {}, peer);
        auto reply = to_beast(on_reject(rejected, 413, "Request body exceeds the limit of " +
                                                            std::to_string(limits.max_body_bytes) + " bytes"),
                              header.version(), false);
        co_await http::async_write(*stream, reply, kNoThrow);
      }
      break;
    }
    auto message = parser.release();
    const bool keep_alive = message.keep_alive() && !stopped;
    HttpRequest request = to_plain(message.base(), std::move(message.body()), peer);
    auto reply = to_beast(on_request(request), message.version(), keep_alive);
    auto [write_ec, written] = co_await http::async_write(*stream, reply, kNoThrow);
    if (write_ec || !keep_alive) break;
  }
  stream->socket().shutdown(tcp::socket::shutdown_both, ec);
}

HttpServer::HttpServer(asio::io_context& io, RequestHandler on_request, RejectHandler on_reject, HttpLimits limits)
    : impl_(std::make_shared<Impl>(io, std::move(on_request), std::move(on_reject), limits)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::listen(const std::string& host, unsigned short port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "invalid listen address '" + host + "'");
  const tcp::endpoint endpoint(address, port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, "cannot bind " + host + ":" + std::to_string(port));
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
}

unsigned short HttpServer::port() const {
  boost::system::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto& weak : impl_->connections)
    if (auto stream = weak.lock()) stream->socket().close(ec);
  impl_->connections.clear();
}

}  // namespace albatross
