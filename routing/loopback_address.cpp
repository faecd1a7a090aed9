#include "routing/loopback_address.hpp"

#include <cstdint>

namespace albatross::routing {

std::string loopback_address_for(std::string_view load_balancer_arn) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a: stable across builds and platforms
  for (const char c : load_balancer_arn) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  // 127.1.0.1 – 127.254.255.254: never 127.0.0.x, where the API and shared listeners live.
  const unsigned second = 1 + static_cast<unsigned>(hash % 254);
  const unsigned third = static_cast<unsigned>((hash >> 8) % 256);
  const unsigned fourth = 1 + static_cast<unsigned>((hash >> 16) % 254);
  return "127." + std::to_string(second) + "." + std::to_string(third) + "." + std::to_string(fourth);
}

}  // namespace albatross::routing
