#include "services/elbv2/condition_rules.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "services/service.hpp"

using nlohmann::json;
using namespace albatross;
using namespace albatross::elbv2;

namespace {

// The ValidationError message normalize_conditions throws, or "" when the conditions are accepted.
std::string rejection(const json& conditions) {
  try {
    normalize_conditions(conditions);
  } catch (const AwsError& e) {
    CHECK(e.code == "ValidationError");
    return e.message.empty() ? "(empty message)" : e.message;
  }
  return "";
}

bool accepted(const json& conditions) { return rejection(conditions).empty(); }

json host(std::initializer_list<std::string> values) {
  return {{"Field", "host-header"}, {"HostHeaderConfig", {{"Values", values}}}};
}
json path(std::initializer_list<std::string> values) {
  return {{"Field", "path-pattern"}, {"PathPatternConfig", {{"Values", values}}}};
}
json header(const std::string& name, std::initializer_list<std::string> values) {
  return {{"Field", "http-header"}, {"HttpHeaderConfig", {{"HttpHeaderName", name}, {"Values", values}}}};
}
json method(std::initializer_list<std::string> values) {
  return {{"Field", "http-request-method"}, {"HttpRequestMethodConfig", {{"Values", values}}}};
}
json query(const json& pairs) { return {{"Field", "query-string"}, {"QueryStringConfig", {{"Values", pairs}}}}; }
json source(std::initializer_list<std::string> values) {
  return {{"Field", "source-ip"}, {"SourceIpConfig", {{"Values", values}}}};
}

}  // namespace

TEST_SUITE("elbv2.condition_rules") {
  TEST_CASE("the legacy form of host-header and path-pattern comes back with Values and the Config block") {
    const json out = normalize_conditions(json::array({{{"Field", "host-header"}, {"Values", {"a.example.com"}}},
                                                       {{"Field", "path-pattern"}, {"Values", {"/img/*"}}}}));
    CHECK(out[0] == json{{"Field", "host-header"},
                         {"Values", {"a.example.com"}},
                         {"HostHeaderConfig", {{"Values", {"a.example.com"}}}}});
    CHECK(out[1] ==
          json{{"Field", "path-pattern"}, {"Values", {"/img/*"}}, {"PathPatternConfig", {{"Values", {"/img/*"}}}}});
  }

  TEST_CASE("the Config form of host-header and path-pattern gains the legacy Values too") {
    const json out = normalize_conditions(json::array({host({"a.example.com", "b.example.com"})}));
    CHECK(out[0]["Values"] == json{"a.example.com", "b.example.com"});
    CHECK(out[0]["HostHeaderConfig"]["Values"] == json{"a.example.com", "b.example.com"});
  }

  TEST_CASE("the other fields come back as Field plus their Config block only") {
    const json out = normalize_conditions(
        json::array({header("X-Env", {"blue"}), method({"GET"}), query(json::array({{{"Key", "v"}, {"Value", "2"}}})),
                     source({"10.0.0.0/8"})}));
    CHECK(out[0] ==
          json{{"Field", "http-header"}, {"HttpHeaderConfig", {{"HttpHeaderName", "X-Env"}, {"Values", {"blue"}}}}});
    CHECK(out[1] == json{{"Field", "http-request-method"}, {"HttpRequestMethodConfig", {{"Values", {"GET"}}}}});
    CHECK(out[2] ==
          json{{"Field", "query-string"}, {"QueryStringConfig", {{"Values", {{{"Key", "v"}, {"Value", "2"}}}}}}});
    CHECK(out[3] == json{{"Field", "source-ip"}, {"SourceIpConfig", {{"Values", {"10.0.0.0/8"}}}}});
    for (const auto& condition : out) CHECK_FALSE(condition.contains("Values"));
  }

  TEST_CASE("a query-string pair may omit its key") {
    const json out = normalize_conditions(json::array({query(json::array({{{"Value", "x"}}}))}));
    CHECK(out[0]["QueryStringConfig"]["Values"][0] == json{{"Value", "x"}});
  }

  TEST_CASE("a rule needs at least one condition") {
    CHECK_FALSE(accepted(json::array()));
    CHECK_FALSE(accepted(json::object()));
  }

  TEST_CASE("the field is required and must be known") {
    CHECK(rejection(json::array({{{"PathPatternConfig", {{"Values", {"/a"}}}}}})) ==
          "A condition field must be specified");
    CHECK(rejection(json::array({{{"Field", "cookie"}, {"Values", {"a"}}}})).find("'cookie'") != std::string::npos);
  }

  TEST_CASE("legacy Values only for host-header and path-pattern, and only one value") {
    CHECK(rejection(json::array({{{"Field", "http-request-method"}, {"Values", {"GET"}}}}))
              .find("'Values' field is not compatible with 'http-request-method'") != std::string::npos);
    CHECK(rejection(json::array({{{"Field", "path-pattern"}, {"Values", {"/a", "/b"}}}})).find("limit is '1'") !=
          std::string::npos);
  }

  TEST_CASE("Values and the Config block together must agree") {
    json both = path({"/a"});
    both["Values"] = {"/a"};
    CHECK(accepted(json::array({both})));
    both["Values"] = {"/b"};
    CHECK(rejection(json::array({both})).find("both Values and 'PathPatternConfig'") != std::string::npos);
  }

  TEST_CASE("a Config block of another field is refused") {
    json mixed = host({"a.example.com"});
    mixed["PathPatternConfig"] = {{"Values", {"/a"}}};
    CHECK(rejection(json::array({mixed})) == "The 'PathPatternConfig' field is not compatible with 'host-header'");
  }

  TEST_CASE("fields without the legacy form need their Config block") {
    for (const char* field : {"http-header", "http-request-method", "query-string", "source-ip"})
      CHECK(rejection(json::array({{{"Field", field}}})).find("must be specified with") != std::string::npos);
  }

  TEST_CASE("RegexValues are refused with a clear message") {
    CHECK(rejection(json::array({{{"Field", "host-header"}, {"HostHeaderConfig", {{"RegexValues", {"^a$"}}}}}}))
              .find("RegexValues") != std::string::npos);
  }

  TEST_CASE("at most one host-header, http-request-method, path-pattern and source-ip per rule") {
    CHECK(rejection(json::array({host({"a.example.com"}), host({"b.example.com"})})) ==
          "A rule can only have one 'host-header' condition");
    CHECK_FALSE(accepted(json::array({path({"/a"}), path({"/b"})})));
    CHECK_FALSE(accepted(json::array({method({"GET"}), method({"PUT"})})));
    CHECK_FALSE(accepted(json::array({source({"10.0.0.0/8"}), source({"10.1.0.0/16"})})));
  }

  TEST_CASE("http-header and query-string may repeat") {
    CHECK(accepted(json::array({header("X-A", {"1"}), header("X-B", {"2"}), query(json::array({{{"Value", "a"}}})),
                                query(json::array({{{"Value", "b"}}}))})));
  }

  TEST_CASE("values may not be missing or empty") {
    CHECK(rejection(json::array({host({})})).find("A condition value must be specified") != std::string::npos);
    CHECK(rejection(json::array({path({""})})).find("cannot be empty") != std::string::npos);
    CHECK_FALSE(accepted(json::array({header("X-A", {""})})));
    CHECK_FALSE(accepted(json::array({query(json::array())})));
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Key", "k"}, {"Value", ""}}}))})));
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Key", "k"}}}))})));
  }

  TEST_CASE("values are at most 128 characters") {
    const std::string long_path = "/" + std::string(127, 'a');
    CHECK(accepted(json::array({path({long_path})})));
    CHECK(rejection(json::array({path({long_path + "a"})})).find("too long; the limit is '128'") != std::string::npos);
    CHECK_FALSE(accepted(json::array({host({std::string(126, 'a') + ".com"})})));
    CHECK_FALSE(accepted(json::array({header("X-A", {std::string(129, 'v')})})));
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Key", std::string(129, 'k')}, {"Value", "v"}}}))})));
  }

  TEST_CASE("host-header characters, a dot, only letters after the last dot") {
    CHECK(accepted(json::array({host({"*.Example-1.com"})})));
    CHECK(accepted(json::array({host({"api_v2.example.co?"})})) == false);  // '?' is not a letter
    CHECK(accepted(json::array({host({"my_app.example.com"})})));
    CHECK(rejection(json::array({host({"a.example.com:8080"})})).find("invalid characters") != std::string::npos);
    CHECK(rejection(json::array({host({"localhost"})})).find("at least one '.'") != std::string::npos);
    CHECK(rejection(json::array({host({"10.0.0.1"})})).find("alphabetical characters after the final '.'") !=
          std::string::npos);
  }

  TEST_CASE("path-pattern characters") {
    CHECK(accepted(json::array({path({"/a_b-c.d$e/~\"'@:+&*?"})})));
    CHECK(rejection(json::array({path({"/a b"})})).find("'path-pattern' value '/a b' contains invalid characters") !=
          std::string::npos);
    CHECK_FALSE(accepted(json::array({path({"/a%20b"})})));
    CHECK_FALSE(accepted(json::array({path({"/a?x=1#y"})})));
  }

  TEST_CASE("http-request-method is A-Z, '-' and '_' and at most 40 characters") {
    CHECK(accepted(json::array({method({"GET", "CUSTOM_VERB-1"})})) == false);  // digits are not allowed
    CHECK(accepted(json::array({method({"GET", "CUSTOM_VERB-X"})})));
    CHECK(rejection(json::array({method({"get"})})).find("allowed characters are A-Z, hyphen and underscore") !=
          std::string::npos);
    CHECK_FALSE(accepted(json::array({method({"G*"})})));
    CHECK_FALSE(accepted(json::array({method({std::string(41, 'A')})})));
  }

  TEST_CASE("http-header names are RFC 7230 tokens of at most 40 characters, never Host") {
    CHECK(accepted(json::array({header("X-Forwarded-Proto", {"https"})})));
    CHECK(accepted(json::array({header(std::string(40, 'x'), {"v"})})));
    CHECK(rejection(json::array({header(std::string(41, 'x'), {"v"})})).find("limit is '40'") != std::string::npos);
    CHECK(rejection(json::array({header("X Bad", {"v"})})).find("not a valid header name") != std::string::npos);
    CHECK_FALSE(accepted(json::array({header("X-*", {"v"})})));
    CHECK_FALSE(accepted(json::array({header("", {"v"})})));
    CHECK(rejection(json::array({header("host", {"a.example.com"})})).find("cannot be 'Host'") != std::string::npos);
  }

  TEST_CASE("control characters are refused in any value") {
    CHECK(rejection(json::array({header("X-A", {std::string("a\tb")})})).find("control character") !=
          std::string::npos);
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Value", std::string("a\x7f")}}}))})));
  }

  TEST_CASE("source-ip values are IPv4 or IPv6 CIDR blocks") {
    CHECK(accepted(json::array({source({"10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32"})})));
    CHECK(accepted(json::array({source({"0.0.0.0/0", "::/0"})})));
    CHECK(rejection(json::array({source({"10.0.0.1"})})).find("not a valid IPv4 or IPv6 CIDR block") !=
          std::string::npos);
    CHECK_FALSE(accepted(json::array({source({"10.0.0.0/33"})})));
    CHECK_FALSE(accepted(json::array({source({"2001:db8::/129"})})));
    CHECK_FALSE(accepted(json::array({source({"300.0.0.0/8"})})));
    CHECK_FALSE(accepted(json::array({source({"10.0.0.0/08"})})));
    CHECK_FALSE(accepted(json::array({source({"10.0.0.0/"})})));
    CHECK_FALSE(accepted(json::array({source({"10.0.0.*/24"})})));
    CHECK(rejection(json::array({source({"255.255.255.255/32"})})).find("not allowed") != std::string::npos);
  }

  TEST_CASE("is_source_ip_cidr") {
    CHECK(is_source_ip_cidr("1.2.3.4/32"));
    CHECK(is_source_ip_cidr("fe80::1/128"));
    CHECK_FALSE(is_source_ip_cidr("1.2.3.4"));
    CHECK_FALSE(is_source_ip_cidr("1.2.3/24"));
    CHECK_FALSE(is_source_ip_cidr("fe80::1/x"));
    CHECK_FALSE(is_source_ip_cidr(""));
  }

  TEST_CASE("at most five condition values per rule, summed over conditions") {
    CHECK(accepted(json::array({host({"a.example.com", "b.example.com"}), path({"/a", "/b"}), method({"GET"})})));
    CHECK(rejection(json::array({host({"a.example.com", "b.example.com", "c.example.com"}),
                                 path({"/a", "/b", "/c"})})) == "A rule can only have '5' condition values");
    CHECK_FALSE(accepted(json::array({path({"/1", "/2", "/3", "/4", "/5", "/6"})})));
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Value", "1"}}, {{"Value", "2"}}, {{"Value", "3"}}})),
                                      source({"10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16"})})));
  }

  TEST_CASE("at most five wildcards per rule; escaped query-string wildcards do not count") {
    CHECK(accepted(json::array({host({"*.example.com"}), path({"/a/*/b/*", "/??"})})));
    CHECK(rejection(json::array({host({"*.example.com"}), path({"/a/*/b/*", "/???"})})) ==
          "A rule can only have '5' wildcards");
    CHECK_FALSE(accepted(json::array({header("X-A", {"******"})})));
    CHECK(accepted(json::array({query(json::array({{{"Key", "\\*\\*\\*"}, {"Value", "\\?\\?\\?*"}}}))})));
    CHECK_FALSE(accepted(json::array({query(json::array({{{"Key", "***"}, {"Value", "???"}}}))})));
  }
}
