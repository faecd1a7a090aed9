#pragma once
// Request counters per load balancer and target group, under the CloudWatch ALB metric names, served by
// GET /_albatross/metrics in the Prometheus text format. Written by every data-plane worker.

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/health_registry.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

struct RequestRecord {
  std::string_view load_balancer_arn;
  std::string_view target_group_arn;  // empty when no target group was chosen
  int status = 0;
  bool generated_by_load_balancer = false;  // HTTPCode_ELB_* rather than HTTPCode_Target_*
  double target_seconds = -1;               // target response time, < 0 when no target answered
};

class Metrics {
 public:
  void record(const RequestRecord& record);
  std::string prometheus(const Snapshot& snapshot, const HealthMap& health) const;
  // RequestCount so far for one (load balancer, target group) pair (the auto scaler's source).
  unsigned long long request_count(std::string_view load_balancer_arn, std::string_view target_group_arn) const;

  // CloudWatch dimension values: "app/<name>/<id>" and "targetgroup/<name>/<id>".
  static std::string load_balancer_dimension(const std::string& arn);
  static std::string target_group_dimension(const std::string& arn);

 private:
  struct Counters {
    unsigned long long requests = 0;
    unsigned long long elb[6] = {};     // by status class 0..5 (only 3, 4, 5 used)
    unsigned long long target[6] = {};  // 2xx..5xx
    std::vector<unsigned long long> buckets;  // cumulative counts per kBuckets bound
    double response_time_sum = 0;
    unsigned long long response_time_count = 0;
  };
  mutable std::mutex mutex_;
  // Orders (load balancer, target group) keys and finds one by string_views, so recording a request copies
  // no ARN once its counters exist.
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::pair<std::string_view, std::string_view>(a.first, a.second) <
             std::pair<std::string_view, std::string_view>(b.first, b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, Counters, KeyLess> counters_;  // (load balancer, target group)
};

}  // namespace albatross::routing
