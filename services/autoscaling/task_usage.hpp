#pragma once
// What ECS's service metrics are made of (pure): a task's CPU and memory reservation, and how much of it its
// containers used between two Docker stats samples. CPUUtilization / MemoryUtilization of a service is the
// CPU units / MiB its RUNNING tasks used over what they reserve, × 100.

#include <optional>

#include <nlohmann/json.hpp>

#include "services/docker/docker_objects.hpp"

namespace albatross::autoscaling {

inline constexpr double kCpuUnitsPerVcpu = 1024;

struct TaskReservation {
  double cpu_units = 0;   // 0: none reserved (then the host's CPUs count, as on an EC2 instance)
  double memory_mib = 0;  // 0: none reserved (then the containers' memory limit counts)
};

// From a Task document (DescribeTasks shape): the task-level cpu/memory ("256", "1 vCPU", "2 GB"), else the sum
// of its containers' cpu and memory (hard limit, else memoryReservation).
TaskReservation task_reservation(const nlohmann::json& task);

// CPU units (1024 per vCPU) a container used on average between two samples; nullopt when they cannot be
// compared (not running, counters reset by a restart, no time passed).
std::optional<double> cpu_units_used(const docker::ContainerStats& before, const docker::ContainerStats& after);

// Running sums over a service's tasks; utilization() is sum used / sum reserved × 100, nullopt without data.
struct UsageTotals {
  double used = 0;
  double reserved = 0;
  int tasks = 0;
  void add(double task_used, double task_reserved) {
    used += task_used;
    reserved += task_reserved;
    ++tasks;
  }
  std::optional<double> utilization() const {
    if (tasks == 0 || reserved <= 0) return std::nullopt;
    return used / reserved * 100.0;
  }
};

}  // namespace albatross::autoscaling
