#pragma once
// The API's HTTP/1.1 server (keep-alive, size limits, idle timeout). Lives on the control thread's
// io_context; hands each complete request to one synchronous handler.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "emulator/http_message.hpp"

namespace boost::asio {
class io_context;
}

namespace albatross {

struct HttpLimits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  int idle_timeout_seconds = 120;
};

class HttpServer {
 public:
  using RequestHandler = std::function<HttpResponse(HttpRequest&)>;
  // Called when a request is refused before its body is read (e.g. too large); gives the error response.
  using RejectHandler = std::function<HttpResponse(HttpRequest&, int status, std::string message)>;

  HttpServer(boost::asio::io_context& io, RequestHandler on_request, RejectHandler on_reject, HttpLimits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws std::system_error when the address cannot be bound.
  void listen(const std::string& host, unsigned short port);
  unsigned short port() const;
  // Stops accepting and closes idle connections.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace albatross
