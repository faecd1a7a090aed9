#include "services/ecr/registry/registry_exchange.hpp"

#include <boost/asio.hpp>

#include <nlohmann/json.hpp>

#include <vector>

namespace albatross::ecr::registry_http {

namespace {
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
}

StringResponse text_response(const Exchange& ex, http::status status, std::string body, const char* type) {
  StringResponse res{status, ex.request().version()};
  common_headers(res);
  if (!body.empty()) res.set(http::field::content_type, type);
  res.body() = std::move(body);
  return res;
}

StringResponse error_response(const Exchange& ex, http::status status, const char* code, const std::string& message) {
  const nlohmann::json body = {{"errors", {{{"code", code}, {"message", message}, {"detail", nullptr}}}}};
  return text_response(ex, status, body.dump());
}

asio::awaitable<bool> send(Exchange& ex, StringResponse res) {
  if (ex.request().method() == http::verb::head) {  // the same header as GET, never a body
    HeaderResponse header{res.result(), res.version()};
    for (const auto& field : res.base()) header.set(field.name_string(), field.value());
    co_return co_await send_header(ex, header, res.body().size());
  }
  const bool keep = ex.request().keep_alive() && ex.parser.is_done() && !ex.ctx.stopping;
  res.keep_alive(keep);
  res.prepare_payload();
  auto [ec, written] = co_await http::async_write(ex.stream, res, kNoThrow);
  co_return !ec && keep;
}

asio::awaitable<bool> send_header(Exchange& ex, HeaderResponse& res, std::uint64_t length) {
  const bool keep = ex.request().keep_alive() && ex.parser.is_done() && !ex.ctx.stopping;
  res.keep_alive(keep);
  res.content_length(length);
  http::response_serializer<http::empty_body> serializer(res);
  auto [ec, written] = co_await http::async_write_header(ex.stream, serializer, kNoThrow);
  co_return !ec && keep;
}

asio::awaitable<beast::error_code> read_body(Exchange& ex, const std::function<bool(const char*, std::size_t)>& sink) {
  if (!ex.continue_sent && beast::iequals(ex.request()[http::field::expect], "100-continue") && !ex.parser.is_done()) {
    ex.continue_sent = true;
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(ex.stream, asio::buffer(kContinue, sizeof kContinue - 1), kNoThrow);
    if (ec) co_return ec;
  }
  // Beast reads max(512, free capacity) bytes at a time (at most 64 KiB): without room, a body arrives in
  // header-sized pieces (measured: 67 MB/s instead of several hundred).
  if (ex.buffer.capacity() - ex.buffer.size() < kChunkBytes) ex.buffer.reserve(ex.buffer.size() + kChunkBytes);
  std::vector<char> chunk(kChunkBytes);
  while (!ex.parser.is_done()) {
    ex.parser.get().body().data = chunk.data();
    ex.parser.get().body().size = chunk.size();
    ex.stream.expires_after(std::chrono::seconds(kIdleSeconds));
    auto [ec, n] = co_await http::async_read(ex.stream, ex.buffer, ex.parser, kNoThrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    const std::size_t got = chunk.size() - ex.parser.get().body().size;
    if (got > 0 && !sink(chunk.data(), got)) co_return make_error_code(beast::errc::io_error);
  }
  co_return beast::error_code{};
}

}  // namespace albatross::ecr::registry_http
