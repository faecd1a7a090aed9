#include "services/ecs/task_container_specs.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace albatross::ecs;

namespace {

const std::string kTaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef";

json task_definition(const std::string& network_mode, json containers) {
  return {{"family", "web"}, {"revision", 3}, {"networkMode", network_mode}, {"containerDefinitions", containers},
          {"volumes", json::array()}};
}

json task(json overrides = json::object()) {
  return {{"taskArn", kTaskArn}, {"clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/default"},
          {"overrides", overrides}};
}

LaunchOptions options() {
  LaunchOptions out;
  out.instance_id = "abc123";
  out.scale_seconds = [](double seconds) { return seconds * 0.01; };
  return out;
}

}  // namespace

TEST_CASE("awsvpc: the container without dependencies owns the namespace and publishes every port on loopback") {
  json sidecar = {{"name", "sidecar"}, {"image", "busybox"}, {"portMappings", {{{"containerPort", 9000}}}},
                  {"dependsOn", {{{"containerName", "app"}, {"condition", "START"}}}}};
  json app = {{"name", "app"}, {"image", "app:1"}, {"portMappings", {{{"containerPort", 8080}, {"hostPort", 8080}}}}};
  const auto plan = plan_task_containers(task_definition("awsvpc", {sidecar, app}), task(), options());
  REQUIRE(plan.containers.size() == 2);
  CHECK(plan.network_owner == "app");
  CHECK(plan.containers[0].name == "app");
  CHECK_FALSE(plan.containers[0].joins_owner);
  CHECK(plan.containers[1].joins_owner);
  const auto& ports = plan.containers[0].spec.ports;
  REQUIRE(ports.size() == 2);
  for (const auto& port : ports) {
    CHECK(port.host_ip == "127.0.0.1");
    CHECK(port.host_port == 0);  // dynamic on the host; the task's own address carries containerPort
  }
  CHECK(plan.containers[1].spec.ports.empty());
}

TEST_CASE("labels, overrides, limits and health checks") {
  json app = {{"name", "app"}, {"image", "app:1"}, {"memory", 128}, {"cpu", 256}, {"stopTimeout", 5},
              {"command", {"serve"}}, {"environment", {{{"name", "A"}, {"value", "1"}}, {{"name", "B"}, {"value", "2"}}}},
              {"healthCheck", {{"command", {"CMD", "true"}}, {"interval", 30}, {"timeout", 5}, {"retries", 3}}},
              {"portMappings", {{{"containerPort", 80}, {"hostPort", 0}}}}};
  json overrides = {{"containerOverrides", {{{"name", "app"}, {"command", {"other"}},
                                             {"environment", {{{"name", "B"}, {"value", "3"}}}}}}}};
  const auto plan = plan_task_containers(task_definition("bridge", {app}), task(overrides), options());
  const auto& spec = plan.containers[0].spec;
  CHECK(spec.labels.at(kTaskArnLabel) == kTaskArn);
  CHECK(spec.labels.at(kContainerNameLabel) == "app");
  CHECK(spec.labels.at("com.amazonaws.ecs.task-definition-family") == "web");
  CHECK(spec.labels.at("com.amazonaws.ecs.task-definition-version") == "3");
  CHECK(spec.labels.at(kInstanceLabel) == "abc123");
  CHECK(spec.labels.at(kOwnerLabel) == kOwnerValue);
  CHECK(*spec.cmd == std::vector<std::string>{"other"});
  CHECK(spec.env == std::vector<std::string>{"A=1", "B=3"});
  CHECK(spec.memory_bytes == 128LL * 1024 * 1024);
  CHECK(spec.cpu_shares == 256);
  CHECK(spec.stop_timeout_seconds == 5);
  REQUIRE(spec.healthcheck);
  CHECK(spec.healthcheck->interval_ns == 300'000'000);  // 30 s scaled by 0.01
  CHECK(spec.healthcheck->timeout_ns == 5'000'000'000);  // the probe's own timeout is not scaled
  CHECK(spec.healthcheck->retries == 3);
  CHECK(spec.name == "ecs-web-3-app-0123456789abcdef0123456789abcdef");
  REQUIRE(spec.ports.size() == 1);
  CHECK(spec.ports[0].host_port == 0);
}

TEST_CASE("dependency conditions") {
  std::map<std::string, ContainerState> states;
  states["init"] = {true, true, true, 1, "UNKNOWN"};
  states["db"] = {true, true, false, 0, "HEALTHY"};
  CHECK(dependency_status({"init", "COMPLETE"}, states) == DependencyStatus::Met);
  CHECK(dependency_status({"init", "SUCCESS"}, states) == DependencyStatus::Failed);
  CHECK(dependency_status({"db", "HEALTHY"}, states) == DependencyStatus::Met);
  CHECK(dependency_status({"db", "COMPLETE"}, states) == DependencyStatus::Waiting);
  CHECK(dependency_status({"missing", "START"}, states) == DependencyStatus::Failed);
}

TEST_CASE("bridge links and volumesFrom name the sibling containers, which are created (and linked ones started) first") {
  json web = {{"name", "web"}, {"image", "app:1"}, {"links", {"db:database", "cache"}},
              {"volumesFrom", {{{"sourceContainer", "data"}, {"readOnly", true}}}}};
  json db = {{"name", "db"}, {"image", "db:1"}};
  json cache = {{"name", "cache"}, {"image", "cache:1"}, {"volumesFrom", {{{"sourceContainer", "data"}}}}};
  json data = {{"name", "data"}, {"image", "data:1"}, {"essential", false}};
  const auto plan = plan_task_containers(task_definition("bridge", {web, db, cache, data}), task(), options());
  std::vector<std::string> names;
  for (const auto& container : plan.containers) names.push_back(container.name);
  CHECK(names == std::vector<std::string>{"db", "data", "cache", "web"});
  const auto& spec = plan.containers[3].spec;
  const std::string suffix = "-0123456789abcdef0123456789abcdef";
  CHECK(spec.links == std::vector<std::string>{"ecs-web-3-db" + suffix + ":database", "ecs-web-3-cache" + suffix + ":cache"});
  CHECK(spec.volumes_from == std::vector<std::string>{"ecs-web-3-data" + suffix + ":ro"});
  CHECK(plan.containers[2].spec.volumes_from == std::vector<std::string>{"ecs-web-3-data" + suffix + ":rw"});
  REQUIRE(plan.containers[3].depends_on.size() == 2);
  CHECK(plan.containers[3].depends_on[0].container == "db");
  CHECK(plan.containers[3].depends_on[1].condition == "START");
}
