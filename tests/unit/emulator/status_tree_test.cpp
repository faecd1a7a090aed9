// `albatross status` rendering: the tree for a picture with ECS in it (the integration tests cover the
// load-balancer part against a real server; ECS is not there yet), and no colours unless asked.
#include "emulator/status_tree.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace albatross;
using nlohmann::json;

namespace {

const json kState = R"({
  "load_balancers": [{"arn": "lb", "name": "shop", "dns_name": "shop.elb.localhost", "type": "application",
    "scheme": "internal", "state": "active", "account_id": "000000000000", "region": "eu-west-1",
    "address": "127.9.9.9",
    "listeners": [{"arn": "l", "protocol": "HTTP", "port": 80,
      "bound": [{"address": "127.0.0.1", "port": 10080, "configured_port": 80, "error": "permission denied"}],
      "rules": [{"priority": "default", "is_default": true, "conditions_text": [], "actions_text": ["forward to web"],
                 "actions": [{"Type": "forward", "TargetGroupArn": "tg"}]}]}]}],
  "target_groups": [{"arn": "tg", "name": "web", "protocol": "HTTP", "port": 80, "target_type": "ip",
    "load_balancer_arns": ["lb"], "health_check": {"protocol": "HTTP", "port": "traffic-port", "path": "/"},
    "targets": [{"id": "172.17.0.5", "port": 80, "state": "healthy",
      "task": {"id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "service": "web", "last_status": "RUNNING",
               "health_status": "HEALTHY", "container": {"name": "app", "last_status": "RUNNING"}}}]}],
  "ecs_services": [{"name": "web", "cluster": "default", "status": "ACTIVE", "desired_count": 2, "running_count": 1,
    "pending_count": 1, "task_definition": "web:4",
    "deployments": [{"id": "ecs-svc/222", "status": "PRIMARY", "rollout_state": "IN_PROGRESS",
      "task_definition": "web:4", "desired_count": 2, "running_count": 1, "pending_count": 1, "failed_tasks": 0}],
    "tasks": [{"id": "99999999999999999999999999999999", "last_status": "STOPPED", "desired_status": "STOPPED",
      "health_status": "UNKNOWN", "stopped_reason": "Essential container in task exited",
      "containers": [{"name": "app", "last_status": "STOPPED"}]}],
    "events": [{"created_at": 0, "message": "(service web) has started 1 tasks: (task 0f1e2d3c)."}]}]
})"_json;

}  // namespace

TEST_CASE("the tree shows listeners, targets with their task, and ECS services") {
  const std::string tree = render_status_tree(kState);
  CHECK(tree.find("load balancer shop  application, internal, active  000000000000 eu-west-1\n") == 0);
  CHECK(tree.find("└─ listener HTTP:80  listening on 127.0.0.1:10080 (permission denied)\n") != std::string::npos);
  CHECK(tree.find("   └─ rule default  → forward to web\n") != std::string::npos);
  CHECK(tree.find("      └─ target group web  HTTP:80 ip  health check HTTP / port traffic-port\n") !=
        std::string::npos);
  CHECK(tree.find("         └─ 172.17.0.5:80  healthy\n"
                  "            └─ task 0f1e2d3c4b5a RUNNING  service web  health HEALTHY  container app RUNNING\n") !=
        std::string::npos);
  CHECK(tree.find("ECS service web  cluster default, ACTIVE, 1/2 running, 1 pending  web:4\n") != std::string::npos);
  CHECK(tree.find("├─ deployment ecs-svc/222  PRIMARY IN_PROGRESS  1/2 running, 1 pending, 0 failed  web:4\n") !=
        std::string::npos);
  CHECK(tree.find("├─ task 999999999999  STOPPED (desired STOPPED)  health UNKNOWN  [app STOPPED]  Essential container "
                  "in task exited\n") != std::string::npos);
  CHECK(tree.find("└─ events\n") != std::string::npos);
  CHECK(tree.find("  (service web) has started 1 tasks: (task 0f1e2d3c).\n") != std::string::npos);
  CHECK(tree.find('\x1b') == std::string::npos);
}

TEST_CASE("colours only when asked; an empty picture says so") {
  CHECK(render_status_tree(kState, {true}).find("\x1b[32mhealthy\x1b[0m") != std::string::npos);
  CHECK(render_status_tree(json::object()) ==
        "Nothing running yet: no load balancers, target groups or ECS services.\n");
}
