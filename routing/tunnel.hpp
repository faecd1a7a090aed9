#pragma once
// Copies bytes both ways between two streams until either side closes: WebSocket connections after the
// target's 101 answer, and network load balancers' TCP listeners. Internal to the data plane's I/O files.

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "routing/proxy_runtime.hpp"

namespace albatross::routing {

template <class From, class To>
asio::awaitable<void> copy_one_way(From& from, To& to, beast::flat_buffer* pending) {
  if (pending && pending->size() > 0) {  // bytes already read past the HTTP header
    auto [ec, written] = co_await asio::async_write(to, pending->data(), kNoThrow);
    if (ec) co_return;
    pending->consume(pending->size());
  }
  char chunk[16 * 1024];
  for (;;) {
    auto [read_ec, read] = co_await from.async_read_some(asio::buffer(chunk), kNoThrow);
    if (read_ec) co_return;
    auto [write_ec, written] = co_await asio::async_write(to, asio::buffer(chunk, read), kNoThrow);
    if (write_ec) co_return;
  }
}

// Returns when either direction ends; the caller closes both streams.
template <class A, class B>
asio::awaitable<void> tunnel(A& a, beast::flat_buffer* a_pending, B& b, beast::flat_buffer* b_pending) {
  using namespace asio::experimental::awaitable_operators;
  co_await (copy_one_way(a, b, a_pending) || copy_one_way(b, a, b_pending));
}

}  // namespace albatross::routing
