#pragma once
// Live target health, written by the health checker and read by target selection (data-plane workers)
// and DescribeTargetHealth (control thread). Readers get an immutable map, swapped on change.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace albatross::routing {

struct TargetHealthView {
  std::string state;  // initial, healthy, unhealthy, ...
  std::string reason;
  std::string description;
  // Slow start (§4.4): steady-clock seconds when this target became healthy and entered slow start; 0 = not
  // in slow start (never entered, or it left by turning unhealthy).
  double slow_start_since = 0;
};

using HealthMap = std::map<std::string, TargetHealthView>;  // key: target_key()

std::string target_key(const std::string& target_group_arn, const std::string& target_id, int port);

class HealthRegistry {
 public:
  HealthRegistry() : current_(std::make_shared<const HealthMap>()) {}

  std::shared_ptr<const HealthMap> view() const { return current_.load(std::memory_order_acquire); }
  void set(const std::string& key, TargetHealthView health);
  void erase(const std::string& key);
  void clear();

 private:
  std::mutex write_mutex_;  // serializes writers; readers never lock
  std::atomic<std::shared_ptr<const HealthMap>> current_;
};

}  // namespace albatross::routing
