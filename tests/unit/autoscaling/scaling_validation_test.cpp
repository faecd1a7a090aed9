#include "services/autoscaling/scaling_validation.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using albatross::AwsError;
using nlohmann::json;
namespace as = albatross::autoscaling;

namespace {

std::string validation_message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const AwsError& e) {
    CHECK(e.code == "ValidationException");
    return e.message;
  }
  FAIL("no ValidationException");
  return {};
}

json tracking(json spec) {
  return {{"ServiceNamespace", "ecs"},
          {"PolicyType", "TargetTrackingScaling"},
          {"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 50.0}, {"PredefinedMetricSpecification", spec}}}};
}

}  // namespace

TEST_CASE("ECS resource ids are service/<cluster>/<service> and the dimension must fit the namespace") {
  CHECK_NOTHROW(as::check_target_identity("ecs", "ecs:service:DesiredCount", "service/prod/web"));
  for (const char* bad : {"service/prod", "service//web", "service/prod/", "svc/prod/web", "service/a/b/c"})
    CHECK(validation_message([&] { as::check_target_identity("ecs", "ecs:service:DesiredCount", bad); }).find(bad) !=
          std::string::npos);
  CHECK(validation_message([] { as::check_target_identity("ecs", "dynamodb:table:ReadCapacityUnits", "table/t"); }) ==
        "Unsupported service namespace, resource type or scalable dimension");
  CHECK_NOTHROW(as::check_target_identity("dynamodb", "dynamodb:table:ReadCapacityUnits", "table/t"));
}

TEST_CASE("capacities: both for a new target, merged with the current ones on update") {
  CHECK(validation_message([] { as::check_capacities(json{{"MinCapacity", 1}}, nullptr); })
            .find("MinCapacity and MaxCapacity") != std::string::npos);
  const json current = {{"MinCapacity", 2}, {"MaxCapacity", 4}};
  CHECK_NOTHROW(as::check_capacities(json{{"MaxCapacity", 2}}, &current));
  CHECK(validation_message([&] { as::check_capacities(json{{"MaxCapacity", 1}}, &current); }) ==
        "Minimum capacity cannot be greater than maximum capacity");
  CHECK_NOTHROW(as::check_capacities(json{{"MinCapacity", 0}, {"MaxCapacity", 0}}, nullptr));
}

TEST_CASE("target tracking: predefined metrics per namespace, ALB resource label") {
  CHECK(as::check_scaling_policy(tracking({{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}})) ==
        "TargetTrackingScaling");
  CHECK_NOTHROW(as::check_scaling_policy(tracking({{"PredefinedMetricType", "ECSServiceAverageMemoryUtilization"}})));
  CHECK_NOTHROW(as::check_scaling_policy(
      tracking({{"PredefinedMetricType", "ALBRequestCountPerTarget"},
                {"ResourceLabel", "app/alb/50dc6c495c0c9188/targetgroup/tg/6d0ecf831eec9f09"}})));
  CHECK_THROWS_AS(as::check_scaling_policy(tracking({{"PredefinedMetricType", "ALBRequestCountPerTarget"}})), AwsError);
  CHECK_THROWS_AS(as::check_scaling_policy(tracking({{"PredefinedMetricType", "ALBRequestCountPerTarget"},
                                                     {"ResourceLabel", "app/alb/1/targetgroup/tg"}})),
                  AwsError);
  CHECK_THROWS_AS(as::check_scaling_policy(tracking({{"PredefinedMetricType", "DynamoDBReadCapacityUtilization"}})),
                  AwsError);
}

TEST_CASE("step scaling: intervals neither overlap nor leave gaps") {
  auto step = [](json adjustments) {
    return json{{"ServiceNamespace", "ecs"},
                {"StepScalingPolicyConfiguration",
                 {{"AdjustmentType", "ChangeInCapacity"}, {"StepAdjustments", adjustments}}}};
  };
  CHECK(as::check_scaling_policy(step(json::array(
            {{{"MetricIntervalUpperBound", 0.0}, {"ScalingAdjustment", -1}},
             {{"MetricIntervalLowerBound", 0.0}, {"MetricIntervalUpperBound", 10.0}, {"ScalingAdjustment", 1}},
             {{"MetricIntervalLowerBound", 10.0}, {"ScalingAdjustment", 2}}}))) == "StepScaling");
  CHECK(validation_message([&] {
          as::check_scaling_policy(step(json::array(
              {{{"MetricIntervalLowerBound", 0.0}, {"MetricIntervalUpperBound", 10.0}, {"ScalingAdjustment", 1}},
               {{"MetricIntervalLowerBound", 20.0}, {"ScalingAdjustment", 2}}})));
        }).find("gaps") != std::string::npos);
  CHECK(validation_message([&] {
          as::check_scaling_policy(step(json::array(
              {{{"MetricIntervalLowerBound", 0.0}, {"ScalingAdjustment", 1}},
               {{"MetricIntervalLowerBound", 5.0}, {"ScalingAdjustment", 2}}})));
        }).find("overlap") != std::string::npos);
}
