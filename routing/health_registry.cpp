#include "routing/health_registry.hpp"

namespace albatross::routing {

std::string target_key(const std::string& target_group_arn, const std::string& target_id, int port) {
  return target_group_arn + "|" + target_id + "|" + std::to_string(port);
}

void HealthRegistry::set(const std::string& key, TargetHealthView health) {
  std::lock_guard lock(write_mutex_);
  auto next = std::make_shared<HealthMap>(*current_.load());
  (*next)[key] = std::move(health);
  current_.store(std::move(next));
}

void HealthRegistry::erase(const std::string& key) {
  std::lock_guard lock(write_mutex_);
  auto next = std::make_shared<HealthMap>(*current_.load());
  if (next->erase(key) == 0) return;
  current_.store(std::move(next));
}

void HealthRegistry::clear() {
  std::lock_guard lock(write_mutex_);
  current_.store(std::make_shared<const HealthMap>());
}

}  // namespace albatross::routing
