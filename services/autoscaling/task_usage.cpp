#include "services/autoscaling/task_usage.hpp"

#include "services/ecs/task_definition_rules.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

namespace {

double units(const Json& value, std::optional<int> (*parse)(const std::string&)) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return 0;
  return parse(value.get<std::string>()).value_or(0);
}

}  // namespace

TaskReservation task_reservation(const Json& task) {
  TaskReservation out;
  out.cpu_units = units(task.value("cpu", Json()), &ecs::parse_cpu_units);
  out.memory_mib = units(task.value("memory", Json()), &ecs::parse_memory_mib);
  double cpu = 0, memory = 0;
  for (const auto& container : task.value("containers", Json::array())) {
    cpu += units(container.value("cpu", Json()), &ecs::parse_cpu_units);
    const double hard = units(container.value("memory", Json()), &ecs::parse_memory_mib);
    memory += hard > 0 ? hard : units(container.value("memoryReservation", Json()), &ecs::parse_memory_mib);
  }
  if (out.cpu_units <= 0) out.cpu_units = cpu;
  if (out.memory_mib <= 0) out.memory_mib = memory;
  return out;
}

std::optional<double> cpu_units_used(const docker::ContainerStats& before, const docker::ContainerStats& after) {
  if (!before.running || !after.running || after.online_cpus <= 0) return std::nullopt;
  if (after.system_cpu_ns <= before.system_cpu_ns || after.cpu_total_ns < before.cpu_total_ns) return std::nullopt;
  const double cpu = static_cast<double>(after.cpu_total_ns - before.cpu_total_ns);
  const double system = static_cast<double>(after.system_cpu_ns - before.system_cpu_ns);
  return cpu / system * after.online_cpus * kCpuUnitsPerVcpu;
}

}  // namespace albatross::autoscaling
