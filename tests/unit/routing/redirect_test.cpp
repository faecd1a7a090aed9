#include "routing/redirect.hpp"

#include <doctest/doctest.h>

using namespace albatross::routing;

namespace {

// A redirect action with the AWS defaults for every field not given.
Action redirect(std::string protocol = "#{protocol}", std::string port = "#{port}", std::string host = "#{host}",
                std::string path = "/#{path}", std::string query = "#{query}", int status = 301) {
  Action a;
  a.type = ActionType::Redirect;
  a.redirect_protocol = std::move(protocol);
  a.redirect_port = std::move(port);
  a.redirect_host = std::move(host);
  a.redirect_path = std::move(path);
  a.redirect_query = std::move(query);
  a.redirect_status = status;
  return a;
}

RequestView request(std::string target, std::string host = "site.example", std::string protocol = "HTTP",
                    int port = 80) {
  RequestView r;
  r.method = "GET";
  const auto parts = split_request_target(target);
  r.path = parts.path;
  r.query = parts.query;
  r.host = normalize_host(host);
  r.listener_protocol = std::move(protocol);
  r.listener_port = port;
  return r;
}

}  // namespace

TEST_SUITE("routing.redirect") {
  TEST_CASE("the standard HTTP to HTTPS redirect (spec 4.7)") {
    const auto target = render_redirect(redirect("HTTPS", "443"), request("/a/b?x=1"));
    CHECK(target.status == 301);
    CHECK(target.location == "https://site.example:443/a/b?x=1");
  }

  TEST_CASE("the port is always written, even 443") {
    const auto target = render_redirect(redirect("HTTPS", "443"), request("/", "staging.example.com"));
    CHECK(target.location == "https://staging.example.com:443/");
  }

  TEST_CASE("empty rendered query drops the question mark") {
    CHECK(render_redirect(redirect("HTTPS", "443"), request("/p")).location == "https://site.example:443/p");
    CHECK(render_redirect(redirect("HTTPS", "443"), request("/p?")).location == "https://site.example:443/p");
    const auto no_query = redirect("HTTPS", "443", "#{host}", "/#{path}", "");
    CHECK(render_redirect(no_query, request("/p?x=1")).location == "https://site.example:443/p");
  }

  TEST_CASE("keywords: protocol lower-case, host lower-case without port, listener port") {
    auto r = request("/Path?Q=1", "WWW.Site.Example:8080", "HTTPS", 8443);
    const auto target = render_redirect(redirect("#{protocol}", "#{port}", "new.#{host}"), r);
    CHECK(target.location == "https://new.www.site.example:8443/Path?Q=1");
  }

  TEST_CASE("templates combine keywords and literals") {
    const auto action = redirect("HTTP", "8080", "#{host}", "/v2/#{path}/x", "src=#{host}&#{query}", 302);
    const auto target = render_redirect(action, request("/old/page?a=1"));
    CHECK(target.status == 302);
    CHECK(target.location == "http://site.example:8080/v2/old/page/x?src=site.example&a=1");
  }

  TEST_CASE("request text is not re-expanded and unknown keywords stay as written") {
    auto r = request("/");
    r.path = "/#{host}";  // what a keyword expands to is never expanded again
    r.query = "q=#{port}";
    CHECK(expand_redirect_template("/#{path}", r) == "/#{host}");
    CHECK(expand_redirect_template("#{query}", r) == "q=#{port}");
    CHECK(expand_redirect_template("#{nope}/#{port}/#{", r) == "#{nope}/80/#{");
  }

  TEST_CASE("root path renders as a single slash") {
    CHECK(render_redirect(redirect("HTTPS", "443"), request("/")).location == "https://site.example:443/");
  }

  TEST_CASE("empty protocol/host/port/path fields fall back to the AWS defaults") {
    Action a;
    a.type = ActionType::Redirect;
    a.redirect_protocol = "HTTPS";
    a.redirect_status = 301;
    CHECK(render_redirect(a, request("/a?b=1")).location == "https://site.example:80/a");
  }
}
