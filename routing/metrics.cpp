#include "routing/metrics.hpp"

#include <sstream>

namespace albatross::routing {
namespace {

constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::string after(const std::string& arn, const std::string& marker) {
  const auto at = arn.find(marker);
  return at == std::string::npos ? arn : arn.substr(at + marker.size());
}

}  // namespace

std::string Metrics::load_balancer_dimension(const std::string& arn) { return after(arn, ":loadbalancer/"); }

std::string Metrics::target_group_dimension(const std::string& arn) {
  const auto at = arn.find(":targetgroup/");
  return at == std::string::npos ? arn : arn.substr(at + 1);
}

void Metrics::record(const RequestRecord& record) {
  std::lock_guard lock(mutex_);
  const std::pair<std::string_view, std::string_view> key{record.load_balancer_arn, record.target_group_arn};
  auto found = counters_.find(key);
  if (found == counters_.end())
    found = counters_.emplace(std::pair<std::string, std::string>(key.first, key.second), Counters{}).first;
  auto& counters = found->second;
  if (counters.buckets.empty()) counters.buckets.assign(std::size(kBuckets), 0);
  ++counters.requests;
  const int status_class = record.status / 100;
  if (status_class >= 0 && status_class < 6) {
    if (record.generated_by_load_balancer) ++counters.elb[status_class];
    else ++counters.target[status_class];
  }
  if (record.target_seconds >= 0) {
    counters.response_time_sum += record.target_seconds;
    ++counters.response_time_count;
    for (std::size_t i = 0; i < std::size(kBuckets); ++i)
      if (record.target_seconds <= kBuckets[i]) ++counters.buckets[i];
  }
}

unsigned long long Metrics::request_count(std::string_view load_balancer_arn, std::string_view target_group_arn) const {
  std::lock_guard lock(mutex_);
  const auto found = counters_.find(std::pair<std::string_view, std::string_view>(load_balancer_arn, target_group_arn));
  return found == counters_.end() ? 0 : found->second.requests;
}

std::string Metrics::prometheus(const Snapshot& snapshot, const HealthMap& health) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  auto labels = [](const std::string& lb, const std::string& tg) {
    std::string text = "{LoadBalancer=\"" + load_balancer_dimension(lb) + "\"";
    if (!tg.empty()) text += ",TargetGroup=\"" + target_group_dimension(tg) + "\"";
    return text + "}";
  };
  out << "# TYPE RequestCount counter\n";
  for (const auto& [key, c] : counters_) out << "RequestCount" << labels(key.first, key.second) << " " << c.requests << "\n";
  for (int status_class : {3, 4, 5}) {
    const std::string name = "HTTPCode_ELB_" + std::to_string(status_class) + "XX_Count";
    out << "# TYPE " << name << " counter\n";
    for (const auto& [key, c] : counters_) out << name << labels(key.first, key.second) << " " << c.elb[status_class] << "\n";
  }
  for (int status_class : {2, 3, 4, 5}) {
    const std::string name = "HTTPCode_Target_" + std::to_string(status_class) + "XX_Count";
    out << "# TYPE " << name << " counter\n";
    for (const auto& [key, c] : counters_)
      if (!key.second.empty()) out << name << labels(key.first, key.second) << " " << c.target[status_class] << "\n";
  }
  out << "# TYPE TargetResponseTime histogram\n";
  for (const auto& [key, c] : counters_) {
    if (key.second.empty()) continue;
    std::string base = labels(key.first, key.second);
    base.pop_back();
    for (std::size_t i = 0; i < std::size(kBuckets); ++i)
      out << "TargetResponseTime_bucket" << base << ",le=\"" << kBuckets[i] << "\"} " << c.buckets[i] << "\n";
    out << "TargetResponseTime_bucket" << base << ",le=\"+Inf\"} " << c.response_time_count << "\n";
    out << "TargetResponseTime_sum" << base << "} " << c.response_time_sum << "\n";
    out << "TargetResponseTime_count" << base << "} " << c.response_time_count << "\n";
  }
  out << "# TYPE HealthyHostCount gauge\n# TYPE UnHealthyHostCount gauge\n";
  for (const auto& [arn, group] : snapshot.target_groups) {
    int healthy = 0, unhealthy = 0;
    for (const auto& target : group.targets) {
      const auto found = health.find(target_key(arn, target.id, target.port));
      if (found == health.end()) continue;
      if (found->second.state == "healthy") ++healthy;
      else if (found->second.state == "unhealthy") ++unhealthy;
    }
    const std::string label = "{TargetGroup=\"" + target_group_dimension(arn) + "\"}";
    out << "HealthyHostCount" << label << " " << healthy << "\nUnHealthyHostCount" << label << " " << unhealthy << "\n";
  }
  return out.str();
}

}  // namespace albatross::routing
