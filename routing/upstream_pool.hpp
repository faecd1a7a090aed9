#pragma once
// Idle keep-alive connections to targets, per worker thread (no locks). A connection taken from the pool
// may have been closed by the target meanwhile; the proxy retries a failed reuse once on a new one.

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace albatross::routing {

class UpstreamPool {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  std::optional<Socket> take(const std::string& target);
  void give_back(const std::string& target, Socket socket);
  void clear();

 private:
  struct Idle {
    Socket socket;
    std::chrono::steady_clock::time_point since;
  };
  static constexpr std::size_t kMaxIdlePerTarget = 64;
  static constexpr std::chrono::seconds kMaxIdleTime{30};
  std::map<std::string, std::vector<Idle>> idle_;
};

}  // namespace albatross::routing
