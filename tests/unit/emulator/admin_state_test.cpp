// The dashboard state's pure parts: rule/action one-liners, and the ECS join (targets → tasks/containers,
// services with deployments, tasks and latest events) over ECS-shaped documents in a real ResourceStore.
#include "emulator/admin_state.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "emulator/admin_state_ecs.hpp"
#include "services/common/digest.hpp"
#include "storage/database.hpp"

using namespace albatross;
using nlohmann::json;

namespace {

const storage::Scope kScope{"123456789012", "us-east-1"};
const std::string kCluster = "arn:aws:ecs:us-east-1:123456789012:cluster/default";
const std::string kGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
const std::string kInstance = "arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc";

struct Store {
  std::filesystem::path dir;
  std::optional<storage::Database> db;
  std::optional<storage::ResourceStore> store;

  Store() {
    dir = std::filesystem::temp_directory_path() / ("albatross-state-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    db.emplace(dir / "state.db");
    store.emplace(*db);
  }
  ~Store() {
    store.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  void put(const char* kind, const std::string& id, const json& doc, const std::string& name = "") {
    db->in_transaction([&] { store->put(kScope, {kind, id, kCluster, name, doc}); });
  }
};

json awsvpc_task(const std::string& id, const std::string& ip, const std::string& status) {
  return {
      {"taskArn", "arn:aws:ecs:us-east-1:123456789012:task/default/" + id},
      {"clusterArn", kCluster},
      {"group", "service:web"},
      {"lastStatus", status},
      {"desiredStatus", status == "STOPPED" ? "STOPPED" : "RUNNING"},
      {"healthStatus", "HEALTHY"},
      {"taskDefinitionArn", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"},
      {"attachments", json::array({{{"details", json::array({{{"name", "privateIPv4Address"}, {"value", ip}}})}}})},
      {"containers", json::array({{{"name", "sidecar"}, {"lastStatus", status}},
                                  {{"name", "app"}, {"lastStatus", status}, {"runtimeId", "0123456789abcdef0123"}}})}};
}

}  // namespace

TEST_CASE("conditions and actions read as one-liners") {
  const json conditions = json::array(
      {{{"Field", "host-header"}, {"HostHeaderConfig", {{"Values", {"a.example.com", "b.example.com"}}}}},
       {{"Field", "http-header"}, {"HttpHeaderConfig", {{"HttpHeaderName", "X-Env"}, {"Values", {"beta"}}}}},
       {{"Field", "query-string"}, {"QueryStringConfig", {{"Values", {{{"Key", "v"}, {"Value", "2"}}}}}}}});
  CHECK(describe_conditions(conditions) ==
        json({"host-header is a.example.com or b.example.com", "header X-Env is beta", "query v=2"}));
  const json actions = json::array(
      {{{"Type", "forward"},
        {"ForwardConfig",
         {{"TargetGroups",
           {{{"TargetGroupArn", kGroup}, {"Weight", 3}}, {{"TargetGroupArn", "x/other/1"}, {"Weight", 1}}}}}}},
       {{"Type", "fixed-response"}, {"FixedResponseConfig", {{"StatusCode", "503"}, {"ContentType", "text/plain"}}}},
       {{"Type", "redirect"},
        {"RedirectConfig", {{"Protocol", "HTTPS"}, {"Port", "443"}, {"StatusCode", "HTTP_301"}}}}});
  CHECK(describe_actions(actions, {{kGroup, "web"}}) ==
        json({"forward to web (weight 3), 1 (weight 1)", "fixed-response 503 text/plain",
              "redirect HTTP_301 to HTTPS://#{host}:443/#{path}?#{query}"}));
}

TEST_CASE("no ECS documents: an empty picture") {
  Store s;
  const auto ecs = read_ecs(*s.store, kScope);
  CHECK(ecs.tasks.empty());
  CHECK(ecs_services_for_state(ecs) == json::array());
  CHECK(task_behind_target(ecs, kGroup, "10.0.0.1", 80).is_null());
}

TEST_CASE("an awsvpc target is the running task with that IP; the container is the one the service registers") {
  Store s;
  s.put(kEcsTaskKind, "arn:old", awsvpc_task("old", "172.17.0.5", "STOPPED"));
  s.put(kEcsTaskKind, "arn:new", awsvpc_task("new", "172.17.0.5", "RUNNING"));
  s.put(
      kEcsServiceKind, "arn:svc",
      {{"serviceName", "web"},
       {"clusterArn", kCluster},
       {"status", "ACTIVE"},
       {"desiredCount", 1},
       {"loadBalancers", json::array({{{"targetGroupArn", kGroup}, {"containerName", "app"}, {"containerPort", 80}}})}},
      "web");
  const auto ecs = read_ecs(*s.store, kScope);
  const json task = task_behind_target(ecs, kGroup, "172.17.0.5", 80);
  REQUIRE(task.is_object());
  CHECK(task["id"] == "new");
  CHECK(task["service"] == "web");
  CHECK(task["last_status"] == "RUNNING");
  CHECK(task["container"]["name"] == "app");
  CHECK(task["container"]["runtime_id"] == "0123456789ab");
  CHECK(task_behind_target(ecs, kGroup, "172.17.0.6", 80).is_null());
}

TEST_CASE("a bridge-mode target is the container instance id plus a host port binding") {
  Store s;
  json task = {
      {"taskArn", "arn:aws:ecs:us-east-1:123456789012:task/default/b1"},
      {"clusterArn", kCluster},
      {"lastStatus", "RUNNING"},
      {"containerInstanceArn", kInstance},
      {"containers", json::array({{{"name", "a"}, {"networkBindings", json::array({{{"hostPort", 32768}}})}},
                                  {{"name", "b"}, {"networkBindings", json::array({{{"hostPort", 32769}}})}}})}};
  s.put(kEcsTaskKind, "arn:b1", task);
  const auto ecs = read_ecs(*s.store, kScope);
  const std::string instance = "i-" + digest::sha256_hex(kInstance).substr(0, 17);
  CHECK(task_behind_target(ecs, kGroup, instance, 32769)["container"]["name"] == "b");
  CHECK(task_behind_target(ecs, kGroup, instance, 40000).is_null());
}

TEST_CASE("services show deployments, their tasks and the latest events first") {
  Store s;
  s.put(kEcsTaskKind, "arn:t1", awsvpc_task("t1", "172.17.0.7", "RUNNING"));
  json events = json::array();
  for (int i = 0; i < 12; ++i)
    events.push_back({{"id", std::to_string(i)}, {"createdAt", 1000.0 + i}, {"message", "m" + std::to_string(i)}});
  s.put(kEcsServiceKind, "arn:svc",
        {{"serviceName", "web"},
         {"clusterArn", kCluster},
         {"status", "ACTIVE"},
         {"desiredCount", 2},
         {"runningCount", 1},
         {"pendingCount", 1},
         {"events", events},
         {"deployments",
          {{{"id", "ecs-svc/1"},
            {"status", "PRIMARY"},
            {"rolloutState", "IN_PROGRESS"},
            {"desiredCount", 2},
            {"runningCount", 1},
            {"pendingCount", 1},
            {"failedTasks", 0},
            {"taskDefinition", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"}}}}},
        "web");
  s.put(kEcsServiceKind, "arn:odd", json("not an object"));  // skipped, not fatal
  s.put(kEcsServiceKind, "arn:gone", {{"serviceName", "gone"}, {"clusterArn", kCluster}, {"status", "INACTIVE"}},
        "gone");
  const json services = ecs_services_for_state(read_ecs(*s.store, kScope));
  REQUIRE(services.size() == 1);
  const json& web = services[0];
  CHECK(web["deployments"][0]["rollout_state"] == "IN_PROGRESS");
  CHECK(web["deployments"][0]["task_definition"] == "web:3");
  CHECK(web["events"].size() == 10);
  CHECK(web["events"][0]["message"] == "m11");
  CHECK(web["tasks"].size() == 1);
  CHECK(web["tasks"][0]["containers"].size() == 2);
  CHECK_FALSE(web.contains("_load_balancers"));
}
