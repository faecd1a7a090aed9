#pragma once
// The pieces every registry route uses: the request being answered (Exchange), responses in the registry's
// shape, and streaming the request body. Internal to the registry server (includes Beast).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "services/ecr/ecr_store.hpp"
#include "services/ecr/registry/registry_routes.hpp"
#include "services/ecr/registry/registry_session.hpp"

namespace albatross::ecr::registry_http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using Parser = http::request_parser<http::buffer_body>;
using StringResponse = http::response<http::string_body>;
using HeaderResponse = http::response<http::empty_body>;

inline constexpr std::size_t kChunkBytes = 256 * 1024;
inline constexpr int kIdleSeconds = 300;

// One request being answered.
struct Exchange {
  beast::tcp_stream& stream;
  beast::flat_buffer& buffer;
  Parser& parser;
  RegistryContext& ctx;
  RepoKey repo;  // account and region from the credentials, repository from the path
  bool continue_sent = false;

  const http::request<http::buffer_body>& request() const { return parser.get(); }
  std::string header(http::field field) const { return std::string(request()[field]); }
  std::string query(std::string_view name) const {
    const auto target = request().target();
    const auto mark = target.find('?');
    return mark == std::string_view::npos ? std::string() : query_parameter(target.substr(mark + 1), name);
  }
  // Runs `work` on the control thread (SQLite).
  void control(const std::function<void()>& work) { ctx.on_control(work); }
};

template <class Body>
void common_headers(http::response<Body>& res) {
  res.set(http::field::server, "albatross");
  res.set("Docker-Distribution-Api-Version", "registry/2.0");
}

StringResponse text_response(const Exchange& ex, http::status status, std::string body = {},
                             const char* type = "application/json; charset=utf-8");
// {"errors":[{"code","message","detail"}]}
StringResponse error_response(const Exchange& ex, http::status status, const char* code, const std::string& message);
// Writes a response; the connection stays open only when the request was read completely.
asio::awaitable<bool> send(Exchange& ex, StringResponse res);
// Writes only a header whose Content-Length announces `length` bytes (HEAD, or a body streamed after it).
asio::awaitable<bool> send_header(Exchange& ex, HeaderResponse& res, std::uint64_t length);
// Reads the rest of the request body piece by piece into `sink` (false from the sink = stop with an error).
asio::awaitable<beast::error_code> read_body(Exchange& ex, const std::function<bool(const char*, std::size_t)>& sink);

}  // namespace albatross::ecr::registry_http
