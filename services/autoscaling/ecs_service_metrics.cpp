// EcsScaler::datapoint: one minute's value of a target tracking policy's predefined metric for an ECS service.

#include <algorithm>

#include "emulator/clock.hpp"
#include "services/autoscaling/ecs_scaler.hpp"
#include "services/common/arn.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// ResourceLabel app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> → the two ARNs.
std::optional<std::pair<std::string, std::string>> label_arns(const storage::Scope& scope, const std::string& label) {
  const auto at = label.find("/targetgroup/");
  if (at == std::string::npos || !label.starts_with("app/")) return std::nullopt;
  return std::make_pair(arn::make("elasticloadbalancing", scope.region, scope.account_id, "loadbalancer/" + label.substr(0, at)),
                        arn::make("elasticloadbalancing", scope.region, scope.account_id, label.substr(at + 1)));
}

}  // namespace

std::optional<double> EcsScaler::datapoint(const ServiceRound& round, const Json& policy, PolicyState& state,
                                           const StatsMap& stats, long long& measured_capacity) {
  const std::string type = predefined_metric_type(policy);
  if (type == "ALBRequestCountPerTarget") {
    const std::string label = policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"].value(
        "ResourceLabel", "");
    const auto arns = label_arns(round.target.scope, label);
    const auto traffic = arns && deps_.traffic ? deps_.traffic(arns->first, arns->second) : std::nullopt;
    if (!traffic) {
      state.last_requests.reset();
      return std::nullopt;
    }
    const double now = Clock::now();
    const auto previous = state.last_requests;
    const double elapsed = now - state.last_read;
    state.last_requests = traffic->requests;
    state.last_read = now;
    // Like CloudWatch: requests in the minute / healthy targets (all registered ones when none is healthy).
    const int targets = traffic->healthy_targets > 0 ? traffic->healthy_targets : traffic->registered_targets;
    if (!previous || targets == 0 || elapsed <= 0 || traffic->requests < *previous) return std::nullopt;
    measured_capacity = targets;
    // A round that came late still counts per minute (scaled).
    const double per_period = static_cast<double>(traffic->requests - *previous) * period_seconds() / elapsed;
    return per_period / targets;
  }
  const bool cpu = type == "ECSServiceAverageCPUUtilization";
  UsageTotals totals;
  for (const auto& task : round.tasks) {
    double used = 0, limit = 0;
    int online_cpus = 0;
    bool complete = !task.container_ids.empty();
    for (const auto& id : task.container_ids) {
      const auto now = stats.find(id);
      if (now == stats.end() || !now->second.running) {
        complete = false;
        break;
      }
      online_cpus = std::max(online_cpus, now->second.online_cpus);
      limit += static_cast<double>(now->second.memory_limit_bytes) / kMiB;
      if (cpu) {
        const auto before = last_stats_.find(id);
        const auto units = before == last_stats_.end() ? std::nullopt : cpu_units_used(before->second, now->second);
        if (!units) {
          complete = false;
          break;
        }
        used += *units;
      } else {
        used += static_cast<double>(now->second.memory_bytes) / kMiB;
      }
    }
    if (!complete) continue;
    // No reservation: the host's CPUs / the containers' memory limit stand for it (an instance without limits).
    double reserved = cpu ? task.reservation.cpu_units : task.reservation.memory_mib;
    if (reserved <= 0) reserved = cpu ? online_cpus * kCpuUnitsPerVcpu : limit;
    totals.add(used, reserved);
  }
  measured_capacity = totals.tasks;
  return totals.utilization();
}

}  // namespace albatross::autoscaling
