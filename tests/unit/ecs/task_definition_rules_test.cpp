#include "services/ecs/task_definition_rules.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "services/ecs/ecs_names.hpp"
#include "services/service.hpp"

using nlohmann::json;
using namespace albatross;
using namespace albatross::ecs;

namespace {

std::string rejection(const json& in) {
  try {
    normalize_task_definition(in);
    return "";
  } catch (const AwsError& error) {
    return error.code + ": " + error.message;
  }
}

json fargate(json containers) {
  return {{"family", "f"}, {"requiresCompatibilities", {"FARGATE"}}, {"networkMode", "awsvpc"}, {"cpu", "256"},
          {"memory", "512"}, {"containerDefinitions", containers}};
}

}  // namespace

TEST_CASE("cpu and memory strings become units and MiB") {
  CHECK(parse_cpu_units("1 vCPU") == 1024);
  CHECK(parse_cpu_units("0.25 vcpu") == 256);
  CHECK(parse_cpu_units("512") == 512);
  CHECK_FALSE(parse_cpu_units("lots"));
  CHECK(parse_memory_mib("2GB") == 2048);
  CHECK(parse_memory_mib("0.5 GB") == 512);
  CHECK(parse_memory_mib("1024") == 1024);
  CHECK_FALSE(parse_memory_mib("1.5"));
}

TEST_CASE("Fargate task sizes follow AWS's table") {
  CHECK(fargate_size_supported(256, 512));
  CHECK(fargate_size_supported(256, 2048));
  CHECK_FALSE(fargate_size_supported(256, 3072));
  CHECK(fargate_size_supported(1024, 8192));
  CHECK_FALSE(fargate_size_supported(1024, 9216));
  CHECK(fargate_size_supported(8192, 20480));
  CHECK_FALSE(fargate_size_supported(8192, 18432));  // 4 GiB steps
  CHECK_FALSE(fargate_size_supported(300, 1024));
}

TEST_CASE("a Fargate definition is normalized with defaults and compatibilities") {
  const auto out = normalize_task_definition(fargate({{{"name", "web"}, {"image", "img"},
                                                       {"portMappings", {{{"containerPort", 80}}}}}}));
  CHECK(out["compatibilities"] == json({"EC2", "FARGATE"}));
  const auto& container = out["containerDefinitions"][0];
  CHECK(container["essential"] == true);
  CHECK(container["portMappings"][0]["hostPort"] == 80);
  CHECK(container["portMappings"][0]["protocol"] == "tcp");
}

TEST_CASE("dependency cycles and unknown dependencies are refused") {
  json a = {{"name", "a"}, {"image", "i"}, {"dependsOn", {{{"containerName", "b"}, {"condition", "START"}}}}};
  json b = {{"name", "b"}, {"image", "i"}, {"dependsOn", {{{"containerName", "a"}, {"condition", "START"}}}}};
  CHECK(rejection(fargate({a, b})) == "ClientException: The container dependencies in the task definition form a cycle.");
  CHECK(rejection(fargate({a})).find("named in dependsOn does not exist") != std::string::npos);
  json healthy = {{"name", "c"}, {"image", "i"}, {"dependsOn", {{{"containerName", "d"}, {"condition", "HEALTHY"}}}}};
  json plain = {{"name", "d"}, {"image", "i"}};
  CHECK(rejection(fargate({healthy, plain})).find("requires container 'd' to have a health check") != std::string::npos);
}

TEST_CASE("EC2 containers need memory unless the task has it") {
  json in = {{"family", "e"}, {"containerDefinitions", {{{"name", "web"}, {"image", "i"}}}}};
  CHECK(rejection(in).find("At least one of 'memory' or 'memoryReservation'") != std::string::npos);
  in["memory"] = "512";
  CHECK(rejection(in) == "");
  CHECK(normalize_task_definition(in)["compatibilities"] == json({"EXTERNAL", "EC2"}));
}

TEST_CASE("task definition references") {
  CHECK(parse_task_definition_ref("web").family == "web");
  CHECK_FALSE(parse_task_definition_ref("web").revision);
  CHECK(parse_task_definition_ref("web:3").revision == 3);
  const auto arn = parse_task_definition_ref("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7");
  CHECK(arn.family == "web");
  CHECK(arn.revision == 7);
  CHECK_THROWS_AS(parse_task_definition_ref("web:x"), AwsError);
  CHECK(cluster_name_of("") == "default");
  CHECK(cluster_name_of("arn:aws:ecs:us-east-1:123456789012:cluster/prod") == "prod");
}
