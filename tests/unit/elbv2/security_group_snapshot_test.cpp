#include "services/elbv2/security_group_snapshot.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <unistd.h>

#include "routing/security_group_filter.hpp"
#include "services/ec2/resource_types.hpp"
#include "storage/database.hpp"

using namespace albatross;
using Json = nlohmann::json;

namespace {

// EC2 state as the EC2 service stores it: a VPC's default group (all traffic from itself), an ALB group (tcp/80
// from anywhere), a task group (no ingress yet) and one subnet.
struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("albatross-sg-snapshot-test-" + std::to_string(::getpid()));
  std::optional<storage::Database> db;
  storage::Scope scope{"123456789012", "us-east-1"};

  Fixture() {
    std::filesystem::create_directories(dir);
    db.emplace(dir / "state.db");
    storage::ResourceStore store(*db);
    store.put(scope, {ec2::kind::kSubnet, "subnet-a", "vpc-1", "", {{"CidrBlock", "172.31.0.0/20"}, {"VpcId", "vpc-1"}}});
    for (const char* group : {"sg-default", "sg-alb", "sg-task"})
      store.put(scope, {ec2::kind::kSecurityGroup, group, "vpc-1",
                        std::string("vpc-1/") + (std::string(group) == "sg-default" ? "default" : group),
                        {{"GroupId", group}}});
    rule("sgr-1", "sg-default", {{"IpProtocol", "-1"}, {"ReferencedGroupInfo", {{"GroupId", "sg-default"}}}});
    rule("sgr-2", "sg-alb", {{"IpProtocol", "tcp"}, {"FromPort", 80}, {"ToPort", 80}, {"CidrIpv4", "0.0.0.0/0"}});
    rule("sgr-3", "sg-task", {{"IpProtocol", "-1"}, {"IsEgress", true}, {"CidrIpv4", "0.0.0.0/0"}});
  }
  ~Fixture() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  void rule(const std::string& id, const std::string& group, Json doc) {
    doc["GroupId"] = group;
    storage::ResourceStore(*db).put(scope, {ec2::kind::kSecurityGroupRule, id, group, "", doc});
  }

  // An ALB (sg-alb) with a listener forwarding to a group holding the task 172.17.0.5:8080.
  routing::Snapshot snapshot() const {
    routing::Snapshot snapshot;
    routing::LoadBalancer lb;
    lb.arn = "arn:lb";
    lb.account_id = scope.account_id;
    lb.region = scope.region;
    lb.security_groups = {"sg-alb"};
    snapshot.load_balancers.emplace(lb.arn, lb);
    routing::Listener listener;
    listener.arn = "arn:listener";
    listener.load_balancer_arn = lb.arn;
    listener.port = 80;
    routing::Rule rule;
    rule.is_default = true;
    rule.action.type = routing::ActionType::Forward;
    rule.action.target_groups = {{"arn:tg", 1}};
    listener.rules.push_back(rule);
    snapshot.listeners.push_back(listener);
    routing::TargetGroup group;
    group.arn = "arn:tg";
    group.account_id = scope.account_id;
    group.region = scope.region;
    group.targets.push_back(routing::Target{"172.17.0.5", 8080});
    snapshot.target_groups.emplace(group.arn, group);
    return snapshot;
  }
};

}  // namespace

TEST_SUITE("elbv2.security_group_snapshot") {
  TEST_CASE("ingress policies come from the groups' inbound rules only") {
    Fixture f;
    const auto policy = elbv2::ingress_policy(storage::ResourceStore(*f.db), f.scope, {"sg-alb", "sg-task", "sg-gone"});
    CHECK(policy.enforced);
    REQUIRE(policy.rules.size() == 1);  // the egress rule of sg-task does not count; unknown groups add nothing
    CHECK(policy.rules[0].tcp);
    CHECK(policy.rules[0].from_port == 80);
  }

  TEST_CASE("a task target whose groups lack the load balancer's group is blocked, then allowed once authorized") {
    Fixture f;
    storage::ResourceStore store(*f.db);
    const std::vector<elbv2::TaskNetwork> tasks = {{f.scope, "172.17.0.5", {"sg-task"}, {"subnet-a"}}};
    auto snapshot = f.snapshot();
    elbv2::apply_security_groups(snapshot, store, {{"arn:lb", {"subnet-a"}}}, tasks);
    CHECK(snapshot.load_balancers.at("arn:lb").ingress.enforced);
    const auto& blocked = snapshot.target_groups.at("arn:tg").targets[0];
    CHECK(blocked.traffic_blocked);
    CHECK(blocked.health_check_blocked);

    f.rule("sgr-4", "sg-task", {{"IpProtocol", "tcp"}, {"FromPort", 8080}, {"ToPort", 8080},
                                {"ReferencedGroupInfo", {{"GroupId", "sg-alb"}}}});
    snapshot = f.snapshot();
    elbv2::apply_security_groups(snapshot, store, {{"arn:lb", {"subnet-a"}}}, tasks);
    CHECK_FALSE(snapshot.target_groups.at("arn:tg").targets[0].traffic_blocked);
    CHECK_FALSE(snapshot.target_groups.at("arn:tg").targets[0].health_check_blocked);
  }

  TEST_CASE("a CIDR covering the load balancer's subnet admits it (the VPC range)") {
    Fixture f;
    f.rule("sgr-5", "sg-task", {{"IpProtocol", "tcp"}, {"FromPort", 8080}, {"ToPort", 8080}, {"CidrIpv4", "172.31.0.0/16"}});
    storage::ResourceStore store(*f.db);
    auto snapshot = f.snapshot();
    elbv2::apply_security_groups(snapshot, store, {{"arn:lb", {"subnet-a"}}},
                                 {{f.scope, "172.17.0.5", {"sg-task"}, {"subnet-a"}}});
    CHECK_FALSE(snapshot.target_groups.at("arn:tg").targets[0].traffic_blocked);
  }

  TEST_CASE("a task without groups gets the VPC's default group: only its members get in") {
    Fixture f;
    storage::ResourceStore store(*f.db);
    auto snapshot = f.snapshot();
    elbv2::apply_security_groups(snapshot, store, {{"arn:lb", {"subnet-a"}}}, {{f.scope, "172.17.0.5", {}, {"subnet-a"}}});
    CHECK(snapshot.target_groups.at("arn:tg").targets[0].traffic_blocked);  // the ALB is in sg-alb, not default
    const auto& source = snapshot.task_sources.at("172.17.0.5");
    CHECK(source.source.security_groups == std::vector<std::string>{"sg-default"});
    CHECK(source.account_id == f.scope.account_id);

    snapshot = f.snapshot();
    snapshot.load_balancers.at("arn:lb").security_groups = {"sg-default"};
    elbv2::apply_security_groups(snapshot, store, {{"arn:lb", {"subnet-a"}}}, {{f.scope, "172.17.0.5", {}, {"subnet-a"}}});
    CHECK_FALSE(snapshot.target_groups.at("arn:tg").targets[0].traffic_blocked);
    // The load balancer in the default group admits the task's container (same group) but not loopback clients.
    const auto& lb = snapshot.load_balancers.at("arn:lb");
    CHECK(routing::load_balancer_admits(snapshot, lb, 80, "172.17.0.5"));
    CHECK_FALSE(routing::load_balancer_admits(snapshot, lb, 80, "127.0.0.1"));
  }

  TEST_CASE("targets that are not ECS tasks, and load balancers without groups, are not filtered") {
    Fixture f;
    storage::ResourceStore store(*f.db);
    auto snapshot = f.snapshot();
    snapshot.load_balancers.at("arn:lb").security_groups.clear();
    elbv2::apply_security_groups(snapshot, store, {}, {});
    CHECK_FALSE(snapshot.load_balancers.at("arn:lb").ingress.enforced);
    CHECK_FALSE(snapshot.target_groups.at("arn:tg").targets[0].traffic_blocked);
  }
}
