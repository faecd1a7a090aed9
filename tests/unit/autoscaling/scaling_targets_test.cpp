#include "services/autoscaling/scaling_targets.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "services/autoscaling/autoscaling_service.hpp"
#include "storage/database.hpp"

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("albatross-scaling-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("the ECS scaler sees registered ECS targets with their policies and can record activities") {
  using nlohmann::json;
  namespace as = albatross::autoscaling;
  TempDir dir;
  albatross::storage::Database db(dir.path / "state.db");
  as::AutoscalingService service(db);
  auto definition = service.definition();
  albatross::RequestContext ctx{"123456789012", "us-east-1", "req", "application-autoscaling", ""};
  const json target = {{"ServiceNamespace", "ecs"},
                       {"ResourceId", "service/prod/web"},
                       {"ScalableDimension", "ecs:service:DesiredCount"},
                       {"MinCapacity", 1},
                       {"MaxCapacity", 5}};
  definition.handlers.at("RegisterScalableTarget")(ctx, target);
  json policy = target;
  policy.erase("MinCapacity");
  policy.erase("MaxCapacity");
  policy["PolicyName"] = "cpu";
  policy["PolicyType"] = "TargetTrackingScaling";
  policy["TargetTrackingScalingPolicyConfiguration"] = {
      {"TargetValue", 60.0}, {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}}};
  definition.handlers.at("PutScalingPolicy")(ctx, policy);

  const auto services = as::ecs_scalable_services(db);
  REQUIRE(services.size() == 1);
  CHECK(services[0].cluster == "prod");
  CHECK(services[0].service == "web");
  CHECK(services[0].max_capacity == 5);
  REQUIRE(services[0].policies.size() == 1);
  CHECK(services[0].policies[0]["PolicyName"] == "cpu");

  const auto id = as::record_ecs_scaling_activity(db, services[0].scope, "service/prod/web",
                                                  {"Setting desired count to 2.", "alarm triggered policy cpu"});
  CHECK(!id.empty());
  const json activities = definition.handlers.at("DescribeScalingActivities")(ctx, json{{"ServiceNamespace", "ecs"}});
  REQUIRE(activities["ScalingActivities"].size() == 1);
  CHECK(activities["ScalingActivities"][0]["ActivityId"] == id);
  CHECK(activities["ScalingActivities"][0]["StatusCode"] == "Successful");
  CHECK(as::record_ecs_scaling_activity(db, services[0].scope, "service/prod/gone", {"x", "y"}).empty());
}
