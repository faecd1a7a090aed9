#include "services/elbv2/elbv2_names.hpp"

#include <doctest/doctest.h>

using namespace albatross::elbv2;

TEST_SUITE("elbv2.names") {
  TEST_CASE("load balancer names follow AWS's rules") {
    CHECK(load_balancer_name_problem("my-alb-1").empty());
    CHECK(load_balancer_name_problem(std::string(32, 'a')).empty());
    CHECK_FALSE(load_balancer_name_problem(std::string(33, 'a')).empty());
    CHECK_FALSE(load_balancer_name_problem("").empty());
    CHECK_FALSE(load_balancer_name_problem("-alb").empty());
    CHECK_FALSE(load_balancer_name_problem("alb-").empty());
    CHECK_FALSE(load_balancer_name_problem("my_alb").empty());
    CHECK(load_balancer_name_problem("internal-web").find("internal-") != std::string::npos);
    CHECK(target_group_name_problem("internal-web").empty());  // only load balancers reserve the prefix
    // Hyphen misuse in target group names is reported through the name's pattern, as AWS does.
    for (const char* name : {"-tg", "tg-", "t--g"})
      CHECK(target_group_name_problem(name).find("regular expression pattern") != std::string::npos);
    CHECK(target_group_name_problem(std::string(33, 'a')).find("cannot be longer than '32' characters") != std::string::npos);
  }

  TEST_CASE("ARNs nest load balancer, listener and rule ids") {
    const auto lb = load_balancer_arn("us-east-1", "123456789012", "application", "web", "50dc6c495c0c9188");
    CHECK(lb == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188");
    const auto listener = listener_arn(lb, "f2f7dc8efc522ab2");
    CHECK(listener == "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2");
    CHECK(rule_arn(listener, "9683b2d02a6cabee") ==
          "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
    CHECK(load_balancer_arn("us-east-1", "1", "network", "n", "x").find(":loadbalancer/net/n/x") != std::string::npos);
    CHECK(target_group_arn("eu-west-1", "123456789012", "tg", "73e2d6bc24d8a067") ==
          "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/73e2d6bc24d8a067");
  }

  TEST_CASE("DNS names resolve to loopback and mark internal load balancers") {
    CHECK(load_balancer_dns_name("web", false, "424835706", "us-west-2") == "web-424835706.us-west-2.elb.localhost");
    CHECK(load_balancer_dns_name("api", true, "1", "us-east-1") == "internal-api-1.us-east-1.elb.localhost");
    CHECK(canonical_hosted_zone_id("us-west-2", false) == "Z1H1FL5HABSF5");
  }
}
