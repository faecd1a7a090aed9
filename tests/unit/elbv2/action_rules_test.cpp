#include "services/elbv2/action_rules.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "services/service.hpp"

using nlohmann::json;
using namespace albatross;
using namespace albatross::elbv2;

namespace {

const std::string kTg1 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/one/73e2d6bc24d8a067";
const std::string kTg2 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/two/113872332242cd5b";

// "<code>: <message>" of the error normalize_action_list throws, or "" when the actions are accepted.
std::string rejection(const json& actions, const std::string& protocol = "HTTP") {
  try {
    normalize_action_list(actions, protocol);
  } catch (const AwsError& e) {
    return e.code + ": " + e.message;
  }
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json forward(const std::string& arn) { return {{"Type", "forward"}, {"TargetGroupArn", arn}}; }
json redirect(const json& config) { return {{"Type", "redirect"}, {"RedirectConfig", config}}; }
json fixed(const json& config) { return {{"Type", "fixed-response"}, {"FixedResponseConfig", config}}; }
json oidc() {
  return {{"Type", "authenticate-oidc"},
          {"AuthenticateOidcConfig",
           {{"Issuer", "https://idp.example.com"},
            {"AuthorizationEndpoint", "https://idp.example.com/auth"},
            {"TokenEndpoint", "https://idp.example.com/token"},
            {"UserInfoEndpoint", "https://idp.example.com/userinfo"},
            {"ClientId", "client"},
            {"ClientSecret", "secret"}}}};
}
json with_order(json action, int order) {
  action["Order"] = order;
  return action;
}

}  // namespace

TEST_SUITE("elbv2.action_rules") {
  TEST_CASE("a forward to one target group comes back in both forms with Order 1") {
    const json out = normalize_action_list(json::array({forward(kTg1)}), "HTTP");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == json{{"Type", "forward"},
                         {"TargetGroupArn", kTg1},
                         {"Order", 1},
                         {"ForwardConfig",
                          {{"TargetGroups", {{{"TargetGroupArn", kTg1}, {"Weight", 1}}}},
                           {"TargetGroupStickinessConfig", {{"Enabled", false}}}}}});
  }

  TEST_CASE("a ForwardConfig naming one target group also gains TargetGroupArn") {
    const json out = normalize_action_list(
        json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", {{{"TargetGroupArn", kTg1}}}}}}}}),
        "HTTP");
    CHECK(out[0]["TargetGroupArn"] == kTg1);
    CHECK(out[0]["ForwardConfig"]["TargetGroups"][0]["Weight"] == 1);
  }

  TEST_CASE("a weighted forward keeps its weights and carries no TargetGroupArn") {
    const json action = {
        {"Type", "forward"},
        {"ForwardConfig",
         {{"TargetGroups", {{{"TargetGroupArn", kTg1}, {"Weight", 80}}, {{"TargetGroupArn", kTg2}, {"Weight", 0}}}},
          {"TargetGroupStickinessConfig", {{"Enabled", true}, {"DurationSeconds", 3600}}}}}};
    const json out = normalize_action_list(json::array({action}), "HTTP");
    CHECK_FALSE(out[0].contains("TargetGroupArn"));
    CHECK(out[0]["ForwardConfig"]["TargetGroups"][1] == json{{"TargetGroupArn", kTg2}, {"Weight", 0}});
    CHECK(out[0]["ForwardConfig"]["TargetGroupStickinessConfig"] == json{{"Enabled", true}, {"DurationSeconds", 3600}});
    CHECK(forwarded_target_groups(out) == std::vector<std::string>{kTg1, kTg2});
  }

  TEST_CASE("forward needs a target group; both forms must agree") {
    CHECK(has(rejection(json::array({{{"Type", "forward"}}})),
              "InvalidLoadBalancerActionException: For actions of type 'forward'"));
    json both = forward(kTg1);
    both["ForwardConfig"] = {{"TargetGroups", {{{"TargetGroupArn", kTg1}}}}};
    CHECK(rejection(json::array({both})).empty());
    both["ForwardConfig"] = {{"TargetGroups", {{{"TargetGroupArn", kTg2}}}}};
    CHECK(has(rejection(json::array({both})), "ValidationError: TargetGroupArn"));
    both["ForwardConfig"] = {{"TargetGroups", {{{"TargetGroupArn", kTg1}}, {{"TargetGroupArn", kTg2}}}}};
    CHECK(has(rejection(json::array({both})), "same single target group"));
  }

  TEST_CASE("a forward with stickiness settings only keeps TargetGroupArn as its target group") {
    json action = forward(kTg1);
    action["ForwardConfig"] = {{"TargetGroupStickinessConfig", {{"Enabled", true}, {"DurationSeconds", 60}}}};
    const json out = normalize_action_list(json::array({action}), "HTTP");
    CHECK(out[0]["ForwardConfig"]["TargetGroups"][0]["TargetGroupArn"] == kTg1);
    CHECK(out[0]["ForwardConfig"]["TargetGroupStickinessConfig"]["DurationSeconds"] == 60);
  }

  TEST_CASE("forward limits: 1-5 target groups, no repeats, weights 0-999, stickiness 1-604800 s") {
    json groups = json::array();
    for (int i = 0; i < 6; ++i) groups.push_back({{"TargetGroupArn", kTg1 + std::to_string(i)}});
    CHECK(has(rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", groups}}}}})),
              "at most '5'"));
    groups.erase(groups.begin());
    CHECK(rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", groups}}}}})).empty());
    const json repeated = {{{"TargetGroupArn", kTg1}}, {{"TargetGroupArn", kTg1}}};
    CHECK(has(rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", repeated}}}}})),
              "more than once"));
    const json heavy = {{{"TargetGroupArn", kTg1}, {"Weight", 1000}}};
    CHECK(has(rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", heavy}}}}})),
              "between 0 and 999"));
    const json negative = {{{"TargetGroupArn", kTg1}, {"Weight", -1}}};
    CHECK_FALSE(
        rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", negative}}}}})).empty());
    const json nameless = {{{"Weight", 1}}};
    CHECK_FALSE(
        rejection(json::array({{{"Type", "forward"}, {"ForwardConfig", {{"TargetGroups", nameless}}}}})).empty());
    for (long long seconds : {0LL, 604801LL}) {
      json action = forward(kTg1);
      action["ForwardConfig"] = {{"TargetGroupStickinessConfig", {{"Enabled", true}, {"DurationSeconds", seconds}}}};
      CHECK(has(rejection(json::array({action})), "between 1 and 604800"));
    }
    json no_duration = forward(kTg1);
    no_duration["ForwardConfig"] = {{"TargetGroupStickinessConfig", {{"Enabled", true}}}};
    CHECK(has(rejection(json::array({no_duration})), "must specify a target group stickiness duration"));
  }

  TEST_CASE("redirect defaults are filled in") {
    const json out =
        normalize_action_list(json::array({redirect({{"Protocol", "HTTPS"}, {"StatusCode", "HTTP_301"}})}), "HTTP");
    CHECK(out[0]["RedirectConfig"] == json{{"Protocol", "HTTPS"},
                                           {"Port", "#{port}"},
                                           {"Host", "#{host}"},
                                           {"Path", "/#{path}"},
                                           {"Query", "#{query}"},
                                           {"StatusCode", "HTTP_301"}});
  }

  TEST_CASE("redirect protocol, port and status code") {
    CHECK(has(rejection(json::array({redirect({{"Protocol", "FTP"}, {"StatusCode", "HTTP_301"}})})),
              "HTTP, HTTPS or #{protocol}"));
    CHECK(has(rejection(json::array({redirect({{"Protocol", "HTTP"}, {"Port", "8080"}, {"StatusCode", "HTTP_301"}})}),
                        "HTTPS"),
              "You cannot redirect HTTPS to HTTP"));
    for (const char* port : {"0", "65536", "80a", "", "080"})
      CHECK(has(rejection(json::array({redirect({{"Port", port}, {"StatusCode", "HTTP_302"}})})), "1 to 65535"));
    CHECK(rejection(json::array({redirect({{"Port", "65535"}, {"StatusCode", "HTTP_302"}})})).empty());
    CHECK(has(rejection(json::array({redirect({{"Protocol", "HTTPS"}, {"StatusCode", "HTTP_307"}})})),
              "HTTP_301 or HTTP_302"));
    CHECK(has(rejection(json::array({redirect({{"Protocol", "HTTPS"}})})), "HTTP_301 or HTTP_302"));
  }

  TEST_CASE("redirect host: 1-128 characters, only the #{host} keyword") {
    CHECK(rejection(json::array({redirect({{"Host", "www.#{host}"}, {"StatusCode", "HTTP_301"}})})).empty());
    CHECK(has(rejection(json::array({redirect({{"Host", ""}, {"StatusCode", "HTTP_301"}})})), "between 1 and 128"));
    CHECK(has(rejection(json::array({redirect({{"Host", std::string(129, 'h')}, {"StatusCode", "HTTP_301"}})})),
              "between 1 and 128"));
    CHECK(has(rejection(json::array({redirect({{"Host", "#{path}.example.com"}, {"StatusCode", "HTTP_301"}})})),
              "'#{path}'"));
  }

  TEST_CASE("redirect path: starts with '/', keywords #{host}, #{path}, #{port}") {
    CHECK(
        rejection(json::array({redirect({{"Path", "/#{host}/#{port}/#{path}"}, {"StatusCode", "HTTP_301"}})})).empty());
    CHECK(has(rejection(json::array({redirect({{"Path", "new/#{path}"}, {"StatusCode", "HTTP_301"}})})),
              "must start with a '/'"));
    CHECK(has(rejection(json::array({redirect({{"Path", "/#{query}"}, {"StatusCode", "HTTP_301"}})})), "'#{query}'"));
    CHECK(has(rejection(json::array({redirect({{"Path", "/#{nope}"}, {"StatusCode", "HTTP_301"}})})), "'#{nope}'"));
    CHECK_FALSE(rejection(json::array({redirect({{"Path", "/" + std::string(128, 'p')}, {"StatusCode", "HTTP_301"}})}))
                    .empty());
  }

  TEST_CASE("redirect query: 0-128 characters, no leading '?', every keyword") {
    CHECK(rejection(json::array({redirect({{"Path", "/x"}, {"Query", ""}, {"StatusCode", "HTTP_301"}})})).empty());
    CHECK(rejection(json::array({redirect({{"Path", "/x"},
                                           {"Query", "a=#{protocol}#{host}#{port}#{path}#{query}"},
                                           {"StatusCode", "HTTP_301"}})}))
              .empty());
    CHECK(has(rejection(json::array({redirect({{"Path", "/x"}, {"Query", "?a=1"}, {"StatusCode", "HTTP_301"}})})),
              "'?'"));
    CHECK_FALSE(rejection(json::array({redirect(
                              {{"Path", "/x"}, {"Query", std::string(129, 'q')}, {"StatusCode", "HTTP_301"}})}))
                    .empty());
  }

  TEST_CASE("a redirect that changes none of protocol, host, port and path is a loop") {
    const std::string loop =
        "InvalidLoadBalancerActionException: The redirect configuration is not valid because it creates a loop.";
    CHECK(rejection(json::array({redirect({{"StatusCode", "HTTP_301"}})})) == loop);
    CHECK(rejection(json::array({redirect({{"Query", "x=1"}, {"StatusCode", "HTTP_301"}})})) == loop);
    CHECK(rejection(json::array({redirect({{"Protocol", "HTTP"}, {"StatusCode", "HTTP_301"}})}), "HTTP") == loop);
    CHECK(rejection(json::array({redirect({{"Protocol", "HTTPS"}, {"StatusCode", "HTTP_301"}})}), "HTTP").empty());
    const json same_port = normalize_action_list(
        json::array({redirect({{"Protocol", "HTTPS"}, {"Port", "443"}, {"StatusCode", "HTTP_301"}})}), "HTTPS");
    CHECK_NOTHROW(reject_redirect_loops(same_port, "HTTPS", 0));  // port unknown: 443 counts as a change
    CHECK_NOTHROW(reject_redirect_loops(same_port, "HTTPS", 8443));
    CHECK_THROWS_AS(reject_redirect_loops(same_port, "HTTPS", 443), AwsError);
  }

  TEST_CASE("fixed-response: status code pattern, content type, body length") {
    const json out = normalize_action_list(
        json::array({fixed({{"StatusCode", "503"}, {"ContentType", "text/plain"}, {"MessageBody", "down"}})}), "HTTP");
    CHECK(out[0]["FixedResponseConfig"] ==
          json{{"StatusCode", "503"}, {"ContentType", "text/plain"}, {"MessageBody", "down"}});
    CHECK(out[0]["Order"] == 1);
    for (const char* code : {"200", "404", "599"})
      CHECK(rejection(json::array({fixed({{"StatusCode", code}})})).empty());
    for (const char* code : {"301", "600", "20", "2000", "abc", "1xx"})
      CHECK(has(rejection(json::array({fixed({{"StatusCode", code}})})), "^(2|4|5)\\d\\d$"));
    CHECK(has(rejection(json::array({fixed({{"StatusCode", "200"}, {"ContentType", "text/xml"}})})),
              "InvalidLoadBalancerActionException: The ContentType must be one of"));
    for (const char* type : {"text/plain", "text/css", "text/html", "application/javascript", "application/json"})
      CHECK(rejection(json::array({fixed({{"StatusCode", "200"}, {"ContentType", type}})})).empty());
    CHECK(rejection(json::array({fixed({{"StatusCode", "200"}, {"MessageBody", std::string(1024, 'b')}})})).empty());
    CHECK(has(rejection(json::array({fixed({{"StatusCode", "200"}, {"MessageBody", std::string(1025, 'b')}})})),
              "'1024'"));
  }

  TEST_CASE("each type needs its config block and takes no other") {
    CHECK(rejection(json::array({{{"Type", "redirect"}}})) ==
          "InvalidLoadBalancerActionException: For actions of type 'redirect', you must specify the following fields: "
          "'RedirectConfig'");
    CHECK(has(rejection(json::array({{{"Type", "fixed-response"}}})), "'FixedResponseConfig'"));
    json mixed = fixed({{"StatusCode", "200"}});
    mixed["TargetGroupArn"] = kTg1;
    CHECK(has(rejection(json::array({mixed})), "cannot specify the following fields: 'TargetGroupArn'"));
    mixed = forward(kTg1);
    mixed["RedirectConfig"] = {{"StatusCode", "HTTP_301"}};
    CHECK(has(rejection(json::array({mixed})), "cannot specify the following fields: 'RedirectConfig'"));
    CHECK(has(rejection(json::array({{{"Type", "drop"}}})), "ValidationError: Action type 'drop'"));
  }

  TEST_CASE("Order: 1-50000, required with several actions, unique; the list comes back sorted") {
    CHECK(normalize_action_list(json::array({with_order(forward(kTg1), 7)}), "HTTP")[0]["Order"] == 7);
    CHECK(has(rejection(json::array({with_order(forward(kTg1), 0)})), "between 1 and 50000"));
    CHECK(has(rejection(json::array({with_order(forward(kTg1), 50001)})), "between 1 and 50000"));
    CHECK(has(rejection(json::array({oidc(), with_order(forward(kTg1), 2)}), "HTTPS"), "must specify an order"));
    CHECK(has(rejection(json::array({with_order(oidc(), 2), with_order(forward(kTg1), 2)}), "HTTPS"),
              "used by more than one action"));
    const json out = normalize_action_list(json::array({with_order(forward(kTg1), 9), with_order(oidc(), 3)}), "HTTPS");
    CHECK(out[0]["Type"] == "authenticate-oidc");
    CHECK(out[1]["Type"] == "forward");
  }

  TEST_CASE("exactly one routing action, and it is performed last") {
    CHECK(has(rejection(json::array({with_order(forward(kTg1), 1), with_order(fixed({{"StatusCode", "200"}}), 2)})),
              "exactly one action of type"));
    CHECK(has(rejection(json::array({oidc()}), "HTTPS"), "exactly one action of type"));
    CHECK(has(rejection(json::array({with_order(forward(kTg1), 1), with_order(oidc(), 2)}), "HTTPS"),
              "must be the last"));
    CHECK(has(rejection(json::array()), "At least one action"));
  }

  TEST_CASE("authentication only on HTTPS listeners; defaults filled in") {
    CHECK(has(rejection(json::array({with_order(oidc(), 1), with_order(forward(kTg1), 2)}), "HTTP"),
              "only on HTTPS listeners"));
    const json out = normalize_action_list(json::array({with_order(oidc(), 1), with_order(forward(kTg1), 2)}), "HTTPS");
    const json& config = out[0]["AuthenticateOidcConfig"];
    CHECK(config["Scope"] == "openid");
    CHECK(config["SessionCookieName"] == "AWSELBAuthSessionCookie");
    CHECK(config["SessionTimeout"] == 604800);
    CHECK(config["OnUnauthenticatedRequest"] == "authenticate");
    const json jwt = {{"Type", "jwt-validation"},
                      {"Order", 1},
                      {"JwtValidationConfig", {{"JwksEndpoint", "https://idp.example.com/jwks"}, {"Issuer", "idp"}}}};
    CHECK(has(rejection(json::array({jwt, with_order(forward(kTg1), 2)}), "HTTP"), "only on HTTPS listeners"));
    CHECK(rejection(json::array({jwt, with_order(forward(kTg1), 2)}), "HTTPS").empty());
  }

  TEST_CASE("Network Load Balancer listeners: one forward to one target group") {
    CHECK(rejection(json::array({forward(kTg1)}), "TCP").empty());
    CHECK(has(rejection(json::array({fixed({{"StatusCode", "200"}})}), "TCP"), "not supported on TCP listeners"));
    const json weighted = {
        {"Type", "forward"},
        {"ForwardConfig", {{"TargetGroups", {{{"TargetGroupArn", kTg1}}, {{"TargetGroupArn", kTg2}}}}}}};
    CHECK(has(rejection(json::array({weighted}), "TLS"), "load balancer of type 'network'"));
  }
}
