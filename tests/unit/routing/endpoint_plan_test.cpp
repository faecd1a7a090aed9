#include "routing/endpoint_plan.hpp"

#include <doctest/doctest.h>

#include "routing/loopback_address.hpp"

using namespace albatross::routing;

namespace {

Snapshot two_load_balancers_on_port_80() {
  Snapshot snapshot;
  snapshot.load_balancers["lb-a"] = LoadBalancer{"lb-a"};
  snapshot.load_balancers["lb-b"] = LoadBalancer{"lb-b"};
  Listener a;
  a.arn = "l-a";
  a.load_balancer_arn = "lb-a";
  a.protocol = "HTTP";
  a.port = 80;
  Listener b = a;
  b.arn = "l-b";
  b.load_balancer_arn = "lb-b";
  snapshot.listeners = {a, b};
  return snapshot;
}

}  // namespace

TEST_SUITE("routing.endpoint_plan") {
  TEST_CASE("one shared 127.0.0.1 endpoint per port plus each load balancer's own address") {
    const auto endpoints = plan_endpoints(two_load_balancers_on_port_80());
    REQUIRE(endpoints.size() == 3);
    CHECK(endpoints[0].address == "127.0.0.1");
    CHECK(endpoints[0].listener_arns == std::vector<std::string>{"l-a", "l-b"});
    CHECK(endpoints[1].address == loopback_address_for("lb-a"));
    CHECK(endpoints[2].address == loopback_address_for("lb-b"));
  }

  TEST_CASE("no extra listen addresses by default") {
    for (const auto& endpoint : plan_endpoints(two_load_balancers_on_port_80()))
      CHECK(endpoint.address.rfind("127.", 0) == 0);
  }

  TEST_CASE("extra listen addresses get every shared endpoint with the same listeners") {
    const auto endpoints = plan_endpoints(two_load_balancers_on_port_80(), {"172.17.0.1"});
    REQUIRE(endpoints.size() == 4);
    int extra = 0;
    for (const auto& endpoint : endpoints) {
      if (endpoint.address != "172.17.0.1") continue;
      ++extra;
      CHECK(endpoint.port == 80);
      CHECK(endpoint.shared);
      CHECK(endpoint.listener_arns == std::vector<std::string>{"l-a", "l-b"});
      CHECK(endpoint.key() == "172.17.0.1:80");
    }
    CHECK(extra == 1);
  }
}
