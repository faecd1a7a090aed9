#include "routing/upstream_pool.hpp"

namespace albatross::routing {

std::optional<UpstreamPool::Socket> UpstreamPool::take(const std::string& target) {
  auto found = idle_.find(target);
  if (found == idle_.end()) return std::nullopt;
  auto& list = found->second;
  const auto now = std::chrono::steady_clock::now();
  while (!list.empty()) {
    Idle idle = std::move(list.back());
    list.pop_back();
    if (now - idle.since < kMaxIdleTime && idle.socket.is_open()) return std::move(idle.socket);
  }
  return std::nullopt;
}

void UpstreamPool::give_back(const std::string& target, Socket socket) {
  auto& list = idle_[target];
  if (list.size() >= kMaxIdlePerTarget) return;  // the socket closes here
  list.push_back({std::move(socket), std::chrono::steady_clock::now()});
}

void UpstreamPool::clear() { idle_.clear(); }

}  // namespace albatross::routing
