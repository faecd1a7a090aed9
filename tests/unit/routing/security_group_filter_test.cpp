#include "routing/security_group_filter.hpp"

#include <doctest/doctest.h>

#include "routing/rule_matcher.hpp"

using namespace albatross::routing;

namespace {

IngressRule tcp_from_cidr(int from, int to, const char* cidr) {
  IngressRule rule;
  rule.tcp = true;
  rule.from_port = from;
  rule.to_port = to;
  rule.cidr = parse_cidr(cidr);
  return rule;
}

IngressRule all_from_group(const char* group) {
  IngressRule rule;
  rule.all_protocols = true;
  rule.source_group = group;
  return rule;
}

SecurityPolicy policy_of(std::vector<IngressRule> rules) { return SecurityPolicy{true, std::move(rules)}; }

TrafficSource client(const char* address) { return TrafficSource{host_cidr(address), {}, {}}; }

// A snapshot with one load balancer (sg-lb) and its HTTP listener on port 80.
Snapshot one_listener(SecurityPolicy ingress) {
  Snapshot snapshot;
  LoadBalancer lb;
  lb.arn = "arn:lb";
  lb.account_id = "111122223333";
  lb.region = "us-east-1";
  lb.security_groups = {"sg-lb"};
  lb.ingress = std::move(ingress);
  snapshot.load_balancers.emplace(lb.arn, lb);
  Listener listener;
  listener.arn = "arn:listener";
  listener.load_balancer_arn = lb.arn;
  listener.port = 80;
  snapshot.listeners.push_back(listener);
  return snapshot;
}

}  // namespace

TEST_SUITE("routing.security_group_filter") {
  TEST_CASE("a tcp rule covers its port range only") {
    const auto policy = policy_of({tcp_from_cidr(80, 90, "0.0.0.0/0")});
    CHECK(allows_tcp(policy, 80, client("127.0.0.1")));
    CHECK(allows_tcp(policy, 90, client("127.0.0.1")));
    CHECK_FALSE(allows_tcp(policy, 79, client("127.0.0.1")));
    CHECK_FALSE(allows_tcp(policy, 91, client("127.0.0.1")));
  }

  TEST_CASE("protocol -1 covers every port; udp and icmp rules never admit tcp") {
    IngressRule all = tcp_from_cidr(0, 0, "0.0.0.0/0");
    all.tcp = false;
    all.all_protocols = true;
    CHECK(allows_tcp(policy_of({all}), 8080, client("10.1.2.3")));
    IngressRule udp = tcp_from_cidr(0, 65535, "0.0.0.0/0");
    udp.tcp = false;
    CHECK_FALSE(allows_tcp(policy_of({udp}), 53, client("10.1.2.3")));
  }

  TEST_CASE("no rules: nothing gets in; an unenforced policy lets everything in") {
    CHECK_FALSE(allows_tcp(policy_of({}), 80, client("127.0.0.1")));
    CHECK(allows_tcp(SecurityPolicy{}, 80, client("127.0.0.1")));
  }

  TEST_CASE("loopback clients match only CIDRs holding the loopback address") {
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "0.0.0.0/0")}), 80, client("127.0.0.1")));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "127.0.0.0/8")}), 80, client("127.0.0.1")));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "127.0.0.0/8")}), 80, client("127.3.4.5")));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(80, 80, "10.0.0.0/16")}), 80, client("127.0.0.1")));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(80, 80, "127.0.0.2/32")}), 80, client("127.0.0.1")));
  }

  TEST_CASE("IPv6 rules match IPv6 clients; families never mix") {
    const auto v6 = policy_of({tcp_from_cidr(443, 443, "::/0")});
    CHECK(allows_tcp(v6, 443, client("::1")));
    CHECK_FALSE(allows_tcp(v6, 443, client("127.0.0.1")));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(443, 443, "2001:db8::/32")}), 443, client("2001:db8::7")));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(443, 443, "2001:db8::/32")}), 443, client("2001:db9::7")));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(443, 443, "0.0.0.0/0")}), 443, client("::1")));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "127.0.0.0/8")}), 80, client("::ffff:127.0.0.1")));
  }

  TEST_CASE("a source-group rule admits members of that group only") {
    const auto policy = policy_of({all_from_group("sg-alb")});
    CHECK(allows_tcp(policy, 80, TrafficSource{std::nullopt, {"sg-other", "sg-alb"}, {}}));
    CHECK_FALSE(allows_tcp(policy, 80, TrafficSource{std::nullopt, {"sg-other"}, {}}));
    CHECK_FALSE(allows_tcp(policy, 80, client("127.0.0.1")));  // an address is never a group
  }

  TEST_CASE("the default group's self-reference admits its members, not outsiders") {
    const auto default_group = policy_of({all_from_group("sg-default")});
    CHECK(allows_tcp(default_group, 80, TrafficSource{std::nullopt, {"sg-default"}, {}}));
    CHECK_FALSE(allows_tcp(default_group, 80, client("127.0.0.1")));
    CHECK_FALSE(allows_tcp(default_group, 80, TrafficSource{std::nullopt, {"sg-alb"}, {*parse_cidr("172.31.0.0/20")}}));
  }

  TEST_CASE("a CIDR overlapping the source's subnet matches (the VPC range, 0.0.0.0/0), a disjoint one does not") {
    const TrafficSource in_subnet{std::nullopt, {}, {*parse_cidr("172.31.16.0/20")}};
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "172.31.0.0/16")}), 80, in_subnet));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "0.0.0.0/0")}), 80, in_subnet));
    CHECK(allows_tcp(policy_of({tcp_from_cidr(80, 80, "172.31.20.0/24")}), 80, in_subnet));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(80, 80, "10.0.0.0/8")}), 80, in_subnet));
    CHECK_FALSE(allows_tcp(policy_of({tcp_from_cidr(80, 80, "127.0.0.1/32")}), 80, in_subnet));
  }

  TEST_CASE("cidr helpers") {
    CHECK(cidr_covers(*parse_cidr("10.0.0.0/8"), *parse_cidr("10.2.0.0/16")));
    CHECK_FALSE(cidr_covers(*parse_cidr("10.2.0.0/16"), *parse_cidr("10.0.0.0/8")));
    CHECK(cidrs_overlap(*parse_cidr("10.2.0.0/16"), *parse_cidr("10.0.0.0/8")));
    CHECK_FALSE(cidrs_overlap(*parse_cidr("10.2.0.0/16"), *parse_cidr("10.3.0.0/16")));
    CHECK_FALSE(host_cidr("not-an-address"));
    CHECK(host_cidr("10.0.0.1")->prefix_length == 32);
    CHECK(host_cidr("::1")->prefix_length == 128);
  }

  TEST_CASE("a load balancer admits clients by its listener port") {
    const auto snapshot = one_listener(policy_of({tcp_from_cidr(80, 80, "0.0.0.0/0")}));
    const auto& lb = snapshot.load_balancers.at("arn:lb");
    CHECK(load_balancer_admits(snapshot, lb, 80, "127.0.0.1"));
    CHECK_FALSE(load_balancer_admits(snapshot, lb, 443, "127.0.0.1"));
    CHECK(any_listener_admits(snapshot, {"arn:listener"}, "127.0.0.1"));
    CHECK_FALSE(any_listener_admits(one_listener(policy_of({})), {"arn:listener"}, "127.0.0.1"));
    CHECK(any_listener_admits(one_listener(SecurityPolicy{}), {"arn:listener"}, "127.0.0.1"));  // no groups (NLB)
  }

  TEST_CASE("a container of an ECS task is its task: its groups and subnets, in its own account only") {
    auto snapshot = one_listener(policy_of({all_from_group("sg-task")}));
    snapshot.task_sources["172.17.0.5"] =
        TaskSource{"111122223333", "us-east-1", {host_cidr("172.17.0.5"), {"sg-task"}, {*parse_cidr("172.31.0.0/20")}}};
    snapshot.task_sources["172.17.0.6"] =
        TaskSource{"999988887777", "us-east-1", {host_cidr("172.17.0.6"), {"sg-task"}, {}}};
    const auto& lb = snapshot.load_balancers.at("arn:lb");
    CHECK(load_balancer_admits(snapshot, lb, 80, "172.17.0.5"));
    CHECK_FALSE(load_balancer_admits(snapshot, lb, 80, "172.17.0.6"));  // another account's task
    CHECK_FALSE(load_balancer_admits(snapshot, lb, 80, "172.17.0.7"));  // no task: just an address
    auto vpc_only = one_listener(policy_of({tcp_from_cidr(80, 80, "172.31.0.0/16")}));
    vpc_only.task_sources = snapshot.task_sources;
    const auto& internal = vpc_only.load_balancers.at("arn:lb");
    CHECK(load_balancer_admits(vpc_only, internal, 80, "172.17.0.5"));   // its subnet lies in the VPC range
    CHECK_FALSE(load_balancer_admits(vpc_only, internal, 80, "127.0.0.1"));
  }
}
