#include "emulator/clock.hpp"

#include <cmath>

namespace albatross {

double Clock::now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

std::chrono::milliseconds Clock::scaled(double seconds) const {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * time_scale_ * 1000.0)));
}

}  // namespace albatross
