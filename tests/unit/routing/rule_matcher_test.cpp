#include "routing/rule_matcher.hpp"

#include <doctest/doctest.h>

using namespace albatross::routing;

namespace {

RequestView request(std::string path = "/", std::string host = "www.example.com") {
  RequestView r;
  r.method = "GET";
  r.host = std::move(host);
  r.path = std::move(path);
  r.source_ip = "10.1.2.3";
  r.listener_protocol = "HTTP";
  r.listener_port = 80;
  return r;
}

Condition values(ConditionField field, std::vector<std::string> v) {
  Condition c;
  c.field = field;
  c.values = std::move(v);
  return c;
}

Condition header(std::string name, std::vector<std::string> v) {
  Condition c = values(ConditionField::HttpHeader, std::move(v));
  c.header_name = std::move(name);
  return c;
}

Condition query(std::vector<QueryMatch> matches) {
  Condition c;
  c.field = ConditionField::QueryString;
  c.query_values = std::move(matches);
  return c;
}

Condition source(std::vector<std::string> cidrs) {
  Condition c;
  c.field = ConditionField::SourceIp;
  for (const auto& text : cidrs) c.source_ips.push_back(*parse_cidr(text));
  return c;
}

bool matches(const Condition& c, const RequestView& r) { return condition_matches(c, r); }

Rule rule(std::string arn, int priority, std::vector<Condition> conditions) {
  Rule r;
  r.arn = std::move(arn);
  r.priority = priority;
  r.conditions = std::move(conditions);
  return r;
}

Rule default_rule() {
  Rule r;
  r.arn = "default";
  r.is_default = true;
  return r;
}

}  // namespace

TEST_SUITE("routing.rule_matcher") {
  TEST_CASE("host-header: case-insensitive wildcards on the host without port") {
    const auto c = values(ConditionField::HostHeader, {"*.example.com"});
    CHECK(matches(c, request("/", "test.example.com")));
    CHECK_FALSE(matches(c, request("/", "example.com")));
    CHECK(matches(values(ConditionField::HostHeader, {"WWW.Example.COM"}), request("/", "www.example.com")));
    CHECK(matches(values(ConditionField::HostHeader, {"api.example.com", "www.example.com"}), request()));
    CHECK(matches(values(ConditionField::HostHeader, {"www.example.co?"}), request()));
    CHECK_FALSE(matches(values(ConditionField::HostHeader, {"api.example.com"}), request()));
    CHECK_FALSE(matches(c, request("/", "")));  // no Host header at all
  }

  TEST_CASE("normalize_host strips the port and lower-cases") {
    CHECK(normalize_host("WWW.Example.com:8080") == "www.example.com");
    CHECK(normalize_host("example.com") == "example.com");
    CHECK(normalize_host("[2001:DB8::1]:443") == "[2001:db8::1]");
    CHECK(normalize_host("[::1]") == "[::1]");
  }

  TEST_CASE("split_request_target: origin and absolute form, fragment dropped") {
    auto t = split_request_target("/a/b?x=1&y=2#frag");
    CHECK(t.path == "/a/b");
    CHECK(t.query == "x=1&y=2");
    CHECK(t.authority.empty());
    t = split_request_target("http://Site.Example:8080/p?q=1");
    CHECK(t.authority == "Site.Example:8080");
    CHECK(t.path == "/p");
    CHECK(t.query == "q=1");
    t = split_request_target("http://site.example?q");
    CHECK(t.path == "/");
    CHECK(t.query == "q");
    t = split_request_target("/p?a?b");
    CHECK(t.path == "/p");
    CHECK(t.query == "a?b");
  }

  TEST_CASE("path-pattern: case-sensitive, path only") {
    const auto c = values(ConditionField::PathPattern, {"/img/*"});
    CHECK(matches(c, request("/img/a/b.png")));
    CHECK_FALSE(matches(c, request("/img")));
    CHECK_FALSE(matches(c, request("/IMG/a.png")));
    auto r = request("/api");
    r.query = "v=/img/x";
    CHECK(matches(values(ConditionField::PathPattern, {"/api"}), r));
    CHECK_FALSE(matches(values(ConditionField::PathPattern, {"/api"}), request("/api/")));
    CHECK(matches(values(ConditionField::PathPattern, {"/a", "/b*"}), request("/bcd")));
  }

  TEST_CASE("http-header: name and value case-insensitive, each repeated header tried") {
    auto r = request();
    r.headers = {{"User-Agent", "curl/8.0"}, {"X-Env", "prod"}, {"x-env", "Canary"}};
    CHECK(matches(header("user-agent", {"*Curl*"}), r));
    CHECK(matches(header("X-ENV", {"canary"}), r));
    CHECK(matches(header("X-Env", {"prod"}), r));
    CHECK_FALSE(matches(header("X-Env", {"prod, canary"}), r));  // occurrences are not joined
    CHECK_FALSE(matches(header("X-Missing", {"*"}), r));
    CHECK(matches(header("X-Env", {"staging", "can?ry"}), r));
  }

  TEST_CASE("http-request-method: exact and case-sensitive") {
    auto r = request();
    r.method = "POST";
    CHECK(matches(values(ConditionField::HttpRequestMethod, {"GET", "POST"}), r));
    CHECK_FALSE(matches(values(ConditionField::HttpRequestMethod, {"post"}), r));
    CHECK_FALSE(matches(values(ConditionField::HttpRequestMethod, {"POS*"}), r));
    r.method = "CUSTOM_VERB";
    CHECK(matches(values(ConditionField::HttpRequestMethod, {"CUSTOM_VERB"}), r));
  }

  TEST_CASE("parse_query splits on & and the first =, percent-decodes") {
    const auto pairs = parse_query("a=1&b=x%3Dy&&flag&c=d=e&%4Bey=%2a");
    REQUIRE(pairs.size() == 5);
    CHECK(pairs[0].key == "a");
    CHECK(pairs[0].value == "1");
    CHECK(pairs[1].value == "x=y");
    CHECK(pairs[2].key == "flag");
    CHECK(pairs[2].value == "");
    CHECK(pairs[3].key == "c");
    CHECK(pairs[3].value == "d=e");
    CHECK(pairs[4].key == "Key");
    CHECK(pairs[4].value == "*");
    CHECK(parse_query("").empty());
    CHECK(percent_decode("%zz%4") == "%zz%4");
    CHECK(percent_decode("a+b%20c") == "a+b c");
  }

  TEST_CASE("query-string: key optional, case-insensitive, wildcards and escapes") {
    auto r = request();
    r.query = "Version=V1&lang=en-US&expr=2%2A3";
    CHECK(matches(query({{"version", "v1"}}), r));
    CHECK(matches(query({{std::nullopt, "en-*"}}), r));
    CHECK_FALSE(matches(query({{"version", "v2"}}), r));
    CHECK_FALSE(matches(query({{"lang", "v1"}}), r));  // key and value must belong to the same pair
    CHECK(matches(query({{"version", "v2"}, {"lang", "EN-us"}}), r));
    CHECK(matches(query({{"expr", "2\\*3"}}), r));     // percent-decoded before compare, literal star
    CHECK(matches(query({{"expr", "2*"}}), r));
    r.query = "expr=2x3";
    CHECK_FALSE(matches(query({{"expr", "2\\*3"}}), r));
    CHECK(matches(query({{"expr", "2?3"}}), r));
    r.query = "";
    CHECK_FALSE(matches(query({{std::nullopt, "*"}}), r));
  }

  TEST_CASE("parse_cidr: IPv4 and IPv6, host bits cleared, malformed rejected") {
    const auto v4 = parse_cidr("10.1.2.3/8");
    REQUIRE(v4);
    CHECK_FALSE(v4->ipv6);
    CHECK(v4->prefix_length == 8);
    CHECK(v4->address[0] == 10);
    CHECK(v4->address[1] == 0);
    const auto v6 = parse_cidr("2001:db8::/32");
    REQUIRE(v6);
    CHECK(v6->ipv6);
    CHECK(v6->address[0] == 0x20);
    CHECK(v6->address[3] == 0xb8);
    CHECK(parse_cidr("0.0.0.0/0"));
    CHECK(parse_cidr("::/0"));
    CHECK_FALSE(parse_cidr("10.0.0.0"));
    CHECK_FALSE(parse_cidr("10.0.0.0/33"));
    CHECK_FALSE(parse_cidr("2001:db8::/129"));
    CHECK_FALSE(parse_cidr("10.0.0/8"));
    CHECK_FALSE(parse_cidr("10.0.0.0/"));
    CHECK_FALSE(parse_cidr("10.0.0.0/8x"));
    CHECK_FALSE(parse_cidr("10.0.0.0/-1"));
    CHECK_FALSE(parse_cidr("garbage/8"));
  }

  TEST_CASE("source-ip: CIDR containment on the TCP peer, never X-Forwarded-For") {
    auto r = request();
    r.source_ip = "192.168.10.20";
    r.headers = {{"X-Forwarded-For", "10.0.0.1"}};
    CHECK(matches(source({"192.168.0.0/16"}), r));
    CHECK_FALSE(matches(source({"10.0.0.0/8"}), r));
    CHECK(matches(source({"10.0.0.0/8", "192.168.10.20/32"}), r));
    CHECK(matches(source({"192.168.10.16/28"}), r));
    CHECK_FALSE(matches(source({"192.168.10.0/28"}), r));
    CHECK(matches(source({"0.0.0.0/0"}), r));
    CHECK_FALSE(matches(source({"::/0"}), r));  // families never mix
    r.source_ip = "::ffff:192.168.10.20";       // dual-stack socket: counts as IPv4
    CHECK(matches(source({"192.168.0.0/16"}), r));
    r.source_ip = "2001:db8:1::5";
    CHECK(matches(source({"2001:db8::/32"}), r));
    CHECK_FALSE(matches(source({"2001:db9::/32"}), r));
    CHECK_FALSE(matches(source({"0.0.0.0/0"}), r));
    CHECK(matches(source({"2001:db8:1::4/127"}), r));
    r.source_ip = "not-an-ip";
    CHECK_FALSE(matches(source({"0.0.0.0/0"}), r));
  }

  TEST_CASE("match_rule: ascending priority, all conditions AND, default last") {
    std::vector<Rule> rules = {
        rule("api-post", 1, {values(ConditionField::PathPattern, {"/api/*"}),
                             values(ConditionField::HttpRequestMethod, {"POST"})}),
        rule("api", 2, {values(ConditionField::PathPattern, {"/api/*"})}),
        rule("host", 3, {values(ConditionField::HostHeader, {"*.example.com"})}),
        default_rule(),
    };
    auto r = request("/api/x", "example.com");
    CHECK(match_rule(rules, r)->arn == "api");
    r.method = "POST";
    CHECK(match_rule(rules, r)->arn == "api-post");
    CHECK(match_rule(rules, request("/web", "a.example.com"))->arn == "host");
    CHECK(match_rule(rules, request("/web", "example.com"))->arn == "default");
  }

  TEST_CASE("match_rule: the default rule wins only when nothing else matches, wherever it sits") {
    std::vector<Rule> rules = {default_rule(), rule("r", 5, {values(ConditionField::PathPattern, {"/r"})})};
    CHECK(match_rule(rules, request("/r"))->arn == "r");
    CHECK(match_rule(rules, request("/x"))->arn == "default");
    std::vector<Rule> no_default = {rule("r", 5, {values(ConditionField::PathPattern, {"/r"})})};
    CHECK(match_rule(no_default, request("/x")) == nullptr);
    CHECK(match_rule({}, request()) == nullptr);
  }
}
