#include "services/autoscaling/scaling_validation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "services/service.hpp"

namespace albatross::autoscaling {
namespace {

using Json = nlohmann::json;

[[noreturn]] void invalid(const std::string& message) { throw AwsError{"ValidationException", message}; }

// Which predefined metrics fit which namespace (the ones of the services Albatross emulates, and the rest by
// their name prefix).
bool metric_fits(const std::string& metric, const std::string& service_namespace) {
  if (service_namespace == "ecs")
    return metric == "ECSServiceAverageCPUUtilization" || metric == "ECSServiceAverageMemoryUtilization" ||
           metric == "ALBRequestCountPerTarget";
  if (metric == "ALBRequestCountPerTarget") return service_namespace == "ec2";
  static const std::vector<std::pair<std::string, std::string>> kPrefixes = {
      {"DynamoDB", "dynamodb"},     {"RDS", "rds"},         {"EC2SpotFleet", "ec2"},   {"SageMaker", "sagemaker"},
      {"AppStream", "appstream"},   {"Comprehend", "comprehend"}, {"Lambda", "lambda"}, {"Cassandra", "cassandra"},
      {"Kafka", "kafka"},           {"ElastiCache", "elasticache"}, {"Neptune", "neptune"},
      {"WorkSpaces", "workspaces"}};
  for (const auto& [prefix, ns] : kPrefixes)
    if (metric.starts_with(prefix)) return ns == service_namespace;
  return false;
}

// app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>
bool is_alb_resource_label(const std::string& label) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = label.find('/', start);
    parts.push_back(label.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts.size() == 6 && parts[0] == "app" && parts[3] == "targetgroup" &&
         std::none_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
}

void check_target_tracking(const Json& in) {
  if (in.contains("StepScalingPolicyConfiguration"))
    invalid("StepScalingPolicyConfiguration is not allowed for a TargetTrackingScaling policy");
  if (!in.contains("TargetTrackingScalingPolicyConfiguration"))
    invalid("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy");
  const Json& config = in["TargetTrackingScalingPolicyConfiguration"];
  const bool predefined = config.contains("PredefinedMetricSpecification");
  const bool customized = config.contains("CustomizedMetricSpecification");
  if (predefined == customized)
    invalid("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified");
  const double target = config.at("TargetValue").get<double>();
  if (!(target >= 8.515920e-109 && target <= 6.174271e+307))
    invalid("The target value must be between 8.515920e-109 and 6.174271e+307");
  for (const char* cooldown : {"ScaleOutCooldown", "ScaleInCooldown"})
    if (config.contains(cooldown) && (config[cooldown].get<long long>() < 0 || config[cooldown].get<long long>() > 86400))
      invalid(std::string(cooldown) + " must be between 0 and 86400");
  if (predefined) {
    const Json& spec = config["PredefinedMetricSpecification"];
    const std::string metric = spec.at("PredefinedMetricType");
    const std::string service_namespace = in.at("ServiceNamespace");
    if (!metric_fits(metric, service_namespace))
      invalid("Unsupported predefined metric type " + metric + " for service namespace " + service_namespace);
    if (metric == "ALBRequestCountPerTarget") {
      if (!spec.contains("ResourceLabel"))
        invalid("Resource label should be specified for predefined metric type ALBRequestCountPerTarget");
      if (!is_alb_resource_label(spec["ResourceLabel"]))
        invalid("Invalid ResourceLabel: " + spec["ResourceLabel"].get<std::string>() +
                ". It must be of the form app/<load-balancer-name>/<load-balancer-id>/targetgroup/"
                "<target-group-name>/<target-group-id>");
    } else if (spec.contains("ResourceLabel")) {
      invalid("ResourceLabel is only allowed for the predefined metric type ALBRequestCountPerTarget");
    }
  } else {
    const Json& spec = config["CustomizedMetricSpecification"];
    const bool single = spec.contains("MetricName") || spec.contains("Namespace") || spec.contains("Statistic");
    if (single == spec.contains("Metrics"))
      invalid("CustomizedMetricSpecification needs either MetricName, Namespace and Statistic, or Metrics");
    if (single && !(spec.contains("MetricName") && spec.contains("Namespace") && spec.contains("Statistic")))
      invalid("CustomizedMetricSpecification needs MetricName, Namespace and Statistic");
  }
}

void check_step_scaling(const Json& in) {
  if (in.contains("TargetTrackingScalingPolicyConfiguration"))
    invalid("TargetTrackingScalingPolicyConfiguration is not allowed for a StepScaling policy");
  if (!in.contains("StepScalingPolicyConfiguration"))
    invalid("StepScalingPolicyConfiguration is required for a StepScaling policy");
  const Json& config = in["StepScalingPolicyConfiguration"];
  if (!config.contains("AdjustmentType")) invalid("AdjustmentType must be specified for a StepScaling policy");
  const Json steps = config.value("StepAdjustments", Json::array());
  if (steps.empty()) invalid("StepAdjustments must contain at least one step adjustment");
  if (config.contains("MinAdjustmentMagnitude") && config["AdjustmentType"] != "PercentChangeInCapacity")
    invalid("MinAdjustmentMagnitude may only be specified when AdjustmentType is PercentChangeInCapacity");
  if (config.contains("Cooldown") && config["Cooldown"].get<long long>() < 0)
    invalid("Cooldown must be greater than or equal to 0");
  // Intervals [lower, upper) relative to the alarm threshold: no overlaps, no gaps, at most one open end each side.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<double, double>> intervals;
  for (const auto& step : steps) {
    const double lower = step.contains("MetricIntervalLowerBound") ? step["MetricIntervalLowerBound"].get<double>() : -kInf;
    const double upper = step.contains("MetricIntervalUpperBound") ? step["MetricIntervalUpperBound"].get<double>() : kInf;
    if (std::isinf(lower) && std::isinf(upper))
      invalid("A step adjustment must specify MetricIntervalLowerBound or MetricIntervalUpperBound");
    if (lower >= upper)
      invalid("MetricIntervalLowerBound must be less than MetricIntervalUpperBound in a step adjustment");
    intervals.emplace_back(lower, upper);
  }
  std::sort(intervals.begin(), intervals.end());
  for (std::size_t i = 1; i < intervals.size(); ++i) {
    if (intervals[i].first < intervals[i - 1].second) invalid("Step adjustment intervals must not overlap");
    if (intervals[i].first > intervals[i - 1].second) invalid("Step adjustment intervals must not have gaps between them");
  }
}

}  // namespace

void check_target_identity(const std::string& service_namespace, const std::string& dimension,
                           const std::string& resource_id) {
  if (dimension.substr(0, dimension.find(':')) != service_namespace)
    invalid("Unsupported service namespace, resource type or scalable dimension");
  if (service_namespace == "ecs") {
    // service/<cluster>/<service>
    const auto first = resource_id.find('/');
    const auto second = first == std::string::npos ? first : resource_id.find('/', first + 1);
    const bool ok = resource_id.substr(0, first) == "service" && second != std::string::npos && second > first + 1 &&
                    second + 1 < resource_id.size() && resource_id.find('/', second + 1) == std::string::npos;
    if (!ok)
      invalid("Unsupported resource ID: " + resource_id +
              ". An ECS service resource ID has the form service/<cluster-name>/<service-name>");
  }
}

void check_capacities(const Json& in, const Json* current) {
  if (!current && (!in.contains("MinCapacity") || !in.contains("MaxCapacity")))
    invalid("MinCapacity and MaxCapacity are required for registering a new scalable target");
  const long long min = in.contains("MinCapacity") ? in["MinCapacity"].get<long long>() : (*current)["MinCapacity"].get<long long>();
  const long long max = in.contains("MaxCapacity") ? in["MaxCapacity"].get<long long>() : (*current)["MaxCapacity"].get<long long>();
  if (min < 0) invalid("Minimum capacity cannot be less than 0");
  if (max < 0) invalid("Maximum capacity cannot be less than 0");
  if (min > max) invalid("Minimum capacity cannot be greater than maximum capacity");
}

std::string check_scaling_policy(const Json& in) {
  const std::string type = in.value("PolicyType", "StepScaling");
  if (type == "TargetTrackingScaling") {
    check_target_tracking(in);
  } else if (type == "StepScaling") {
    check_step_scaling(in);
  } else {
    if (in.at("ServiceNamespace") != "ecs")
      invalid("PredictiveScaling policies are supported for ECS services only");
    if (!in.contains("PredictiveScalingPolicyConfiguration"))
      invalid("PredictiveScalingPolicyConfiguration is required for a PredictiveScaling policy");
  }
  return type;
}

}  // namespace albatross::autoscaling
