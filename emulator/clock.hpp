#pragma once
// Wall-clock time and the time scale that shortens every emulated delay (validation, health-check
// intervals, draining, grace periods). Timestamps shown to users are always real time.

#include <chrono>

namespace albatross {

class Clock {
 public:
  explicit Clock(double time_scale = 1.0) : time_scale_(time_scale) {}

  // Seconds since the epoch, with sub-second precision.
  static double now();
  double time_scale() const { return time_scale_; }
  // An emulated delay of `seconds` (as AWS would take) shortened by the time scale.
  std::chrono::milliseconds scaled(double seconds) const;

 private:
  double time_scale_;
};

}  // namespace albatross
