#include "routing/forwarded_headers.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace albatross::routing;

namespace {

ForwardingContext context(int listener_port = 80, std::string protocol = "HTTP") {
  ForwardingContext c;
  c.peer_ip = "203.0.113.7";
  c.peer_port = 51234;
  c.listener_protocol = std::move(protocol);
  c.listener_port = listener_port;
  c.load_balancer_dns_name = "my-alb-123.us-east-1.elb.amazonaws.com";
  c.trace = {0x63441c4a, 0xabcdef0123456789ULL, 0x12345678};
  return c;
}

std::vector<std::string> all(const HeaderList& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& h : headers)
    if (ascii_iequals(h.name, name)) out.push_back(h.value);
  return out;
}

std::string one(const HeaderList& headers, std::string_view name) {
  const auto values = all(headers, name);
  return values.size() == 1 ? values[0] : "<" + std::to_string(values.size()) + " values>";
}

ForwardedRequest rewrite(const HeaderList& in, const ForwardingContext& c = context(),
                         const ForwardingOptions& o = {}) {
  return rewrite_request_headers(in, c, o);
}

constexpr const char* kId = "1-63441c4a-abcdef012345678912345678";

}  // namespace

TEST_SUITE("routing.forwarded_headers") {
  TEST_CASE("a plain request gets the ALB headers first, the rest in order") {
    const auto out = rewrite({{"Host", "Site.Example"}, {"User-Agent", "curl"}, {"Accept", "*/*"}});
    const HeaderList expected = {{"X-Forwarded-For", "203.0.113.7"},
                                 {"X-Forwarded-Proto", "http"},
                                 {"X-Forwarded-Port", "80"},
                                 {"Host", "site.example"},
                                 {"X-Amzn-Trace-Id", std::string("Root=") + kId},
                                 {"User-Agent", "curl"},
                                 {"Accept", "*/*"}};
    CHECK(out.headers == expected);
    CHECK(out.trace_id == std::string("Root=") + kId);
    CHECK_FALSE(out.too_many_forwarded_for);
  }

  TEST_CASE("X-Forwarded-For append: joins existing values with comma-space") {
    auto out = rewrite({{"Host", "h"}, {"X-Forwarded-For", "198.51.100.1"}});
    CHECK(one(out.headers, "X-Forwarded-For") == "198.51.100.1, 203.0.113.7");
    out = rewrite({{"X-Forwarded-For", "1.1.1.1, 2.2.2.2"}, {"x-forwarded-for", " 3.3.3.3 "}});
    CHECK(one(out.headers, "X-Forwarded-For") == "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7");
    out = rewrite({{"X-Forwarded-For", ""}});
    CHECK(one(out.headers, "X-Forwarded-For") == "203.0.113.7");
  }

  TEST_CASE("X-Forwarded-For with client port, IPv6 in brackets, mapped IPv4 unwrapped") {
    ForwardingOptions o;
    o.xff_client_port = true;
    auto c = context();
    CHECK(one(rewrite({}, c, o).headers, "X-Forwarded-For") == "203.0.113.7:51234");
    c.peer_ip = "2001:db8::5";
    CHECK(one(rewrite({}, c, o).headers, "X-Forwarded-For") == "[2001:db8::5]:51234");
    CHECK(one(rewrite({}, c).headers, "X-Forwarded-For") == "2001:db8::5");
    c.peer_ip = "::ffff:10.0.0.9";
    CHECK(one(rewrite({}, c).headers, "X-Forwarded-For") == "10.0.0.9");
    CHECK(forwarded_for_entry("::ffff:10.0.0.9", 80, true) == "10.0.0.9:80");
  }

  TEST_CASE("X-Forwarded-For preserve and remove") {
    ForwardingOptions preserve;
    preserve.xff_mode = XffMode::Preserve;
    auto out = rewrite({{"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "2.2.2.2"}}, context(), preserve);
    CHECK(all(out.headers, "X-Forwarded-For") == std::vector<std::string>{"1.1.1.1", "2.2.2.2"});
    CHECK(all(rewrite({}, context(), preserve).headers, "X-Forwarded-For").empty());
    ForwardingOptions remove;
    remove.xff_mode = XffMode::Remove;
    CHECK(all(rewrite({{"X-Forwarded-For", "1.1.1.1"}}, context(), remove).headers, "X-Forwarded-For").empty());
  }

  TEST_CASE("more than 30 X-Forwarded-For addresses signals 463") {
    std::string thirty;
    for (int i = 0; i < 30; ++i) thirty += (i ? ", 10.0.0." : "10.0.0.") + std::to_string(i);
    CHECK(count_forwarded_addresses(thirty) == 30);
    CHECK_FALSE(rewrite({{"X-Forwarded-For", thirty}}).too_many_forwarded_for);
    const auto out = rewrite({{"X-Forwarded-For", thirty + ", 10.0.1.1"}});
    CHECK(out.too_many_forwarded_for);
    CHECK(out.headers.empty());
    CHECK(rewrite({{"X-Forwarded-For", thirty}, {"X-Forwarded-For", "1.2.3.4"}}).too_many_forwarded_for);
    CHECK(count_forwarded_addresses(" , a,,b ,") == 2);
  }

  TEST_CASE("X-Forwarded-Proto and -Port replace client values") {
    const auto out = rewrite({{"X-Forwarded-Proto", "https"}, {"x-forwarded-port", "1"}}, context(8443, "HTTPS"));
    CHECK(one(out.headers, "X-Forwarded-Proto") == "https");
    CHECK(one(out.headers, "X-Forwarded-Port") == "8443");
    CHECK(one(rewrite({{"X-Forwarded-Proto", "https"}}).headers, "X-Forwarded-Proto") == "http");
  }

  TEST_CASE("trace id: add, prepend Self, update Self, oversize reset") {
    const TraceSeed seed{0x63441c4a, 0xabcdef0123456789ULL, 0x12345678};
    CHECK(make_trace_id(seed) == kId);
    CHECK(make_trace_id({1, 2, 3}) == "1-00000001-000000000000000200000003");
    CHECK(extend_trace_header(std::nullopt, seed) == std::string("Root=") + kId);
    CHECK(extend_trace_header("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", seed) ==
          std::string("Self=") + kId + ";Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    CHECK(extend_trace_header("Self=1-00000000-000000000000000000000000;Root=1-5759e988-bd862e3fe1be46a994272793",
                              seed) == std::string("Self=") + kId + ";Root=1-5759e988-bd862e3fe1be46a994272793");
    CHECK(extend_trace_header("Custom=abc", seed) == std::string("Root=") + kId + ";Custom=abc");
    CHECK(extend_trace_header("", seed) == std::string("Root=") + kId);
    const std::string huge = "Root=1-5759e988-bd862e3fe1be46a994272793;Junk=" + std::string(8000, 'x');
    CHECK(extend_trace_header(huge, seed) == std::string("Root=") + kId);
    const auto out = rewrite({{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"},
                              {"X-Amzn-Trace-Id", "Root=second"}});
    CHECK(one(out.headers, "X-Amzn-Trace-Id") ==
          std::string("Self=") + kId + ";Root=1-5759e988-bd862e3fe1be46a994272793");
    CHECK(out.trace_id == one(out.headers, "X-Amzn-Trace-Id"));
  }

  TEST_CASE("Host: lower-cased, port stripped on 80/443, listener port appended elsewhere") {
    CHECK(rewrite_host("Example.COM:8080", 80) == "example.com");
    CHECK(rewrite_host("example.com", 443) == "example.com");
    CHECK(rewrite_host("example.com", 8080) == "example.com:8080");
    CHECK(rewrite_host("example.com:9000", 8080) == "example.com:9000");
    CHECK(rewrite_host("[2001:DB8::1]:443", 443) == "[2001:db8::1]");
    CHECK(rewrite_host("[2001:db8::1]", 8080) == "[2001:db8::1]:8080");
    CHECK(one(rewrite({{"host", "A.Example:80"}}, context(443, "HTTPS")).headers, "Host") == "a.example");
  }

  TEST_CASE("Host: absolute-form target wins, HTTP/1.0 without Host gets the DNS name, duplicates collapse") {
    auto c = context(8080);
    c.absolute_form_authority = "Other.Example";
    CHECK(one(rewrite({{"Host", "site.example"}}, c).headers, "Host") == "other.example:8080");
    CHECK(one(rewrite({}, context()).headers, "Host") == "my-alb-123.us-east-1.elb.amazonaws.com");
    CHECK(one(rewrite({{"Host", "a.example"}, {"Host", "b.example"}}).headers, "Host") == "a.example");
  }

  TEST_CASE("preserve_host_header leaves every Host copy untouched") {
    ForwardingOptions o;
    o.preserve_host_header = true;
    const auto out = rewrite({{"Host", "Site.Example:8080"}, {"Host", "b"}}, context(), o);
    CHECK(all(out.headers, "Host") == std::vector<std::string>{"Site.Example:8080", "b"});
    CHECK(one(rewrite({}, context(), o).headers, "Host") == "my-alb-123.us-east-1.elb.amazonaws.com");
  }

  TEST_CASE("hop-by-hop headers and Connection-nominated headers are stripped") {
    const auto out = rewrite({{"Host", "h"},
                              {"Connection", "keep-alive, X-Secret, X-Forwarded-For"},
                              {"Keep-Alive", "timeout=5"},
                              {"Proxy-Connection", "keep-alive"},
                              {"TE", "trailers"},
                              {"Trailer", "X-Checksum"},
                              {"Upgrade", "h2c"},
                              {"X-Secret", "1"},
                              {"X-Forwarded-For", "1.1.1.1"},
                              {"Transfer-Encoding", "chunked"},
                              {"X-Keep", "yes"}});
    for (auto name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "X-Secret"})
      CHECK_MESSAGE(all(out.headers, name).empty(), name);
    CHECK(one(out.headers, "Transfer-Encoding") == "chunked");  // framing belongs to the relay
    CHECK(one(out.headers, "X-Keep") == "yes");
    CHECK(one(out.headers, "X-Forwarded-For") == "1.1.1.1, 203.0.113.7");  // managed headers cannot be nominated
    CHECK_FALSE(out.websocket_upgrade);
  }

  TEST_CASE("a WebSocket upgrade keeps Upgrade and sends Connection: Upgrade") {
    const auto out = rewrite({{"Host", "h"},
                              {"Connection", "keep-alive, Upgrade"},
                              {"Upgrade", "websocket"},
                              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    CHECK(out.websocket_upgrade);
    CHECK(one(out.headers, "Upgrade") == "websocket");
    CHECK(one(out.headers, "Connection") == "Upgrade");
    CHECK(one(out.headers, "Sec-WebSocket-Key") == "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK_FALSE(rewrite({{"Upgrade", "websocket"}}).websocket_upgrade);  // no Connection: upgrade
  }

  TEST_CASE("Expect: 100-continue is answered by the load balancer and stripped") {
    auto out = rewrite({{"Expect", "100-Continue"}});
    CHECK(out.expect_continue);
    CHECK(all(out.headers, "Expect").empty());
    out = rewrite({{"Expect", "something-else"}});
    CHECK_FALSE(out.expect_continue);
    CHECK(one(out.headers, "Expect") == "something-else");
  }

  TEST_CASE("drop_invalid_header_fields drops names outside [-A-Za-z0-9]") {
    CHECK(is_valid_header_name("X-Good-1"));
    CHECK_FALSE(is_valid_header_name("X_Under"));
    CHECK_FALSE(is_valid_header_name("X.Dot"));
    CHECK_FALSE(is_valid_header_name(""));
    ForwardingOptions o;
    o.drop_invalid_header_fields = true;
    const HeaderList in = {{"X_Under", "1"}, {"X-Good", "2"}, {"X_Forwarded_For", "9.9.9.9"}};
    auto out = rewrite(in, context(), o);
    CHECK(all(out.headers, "X_Under").empty());
    CHECK(one(out.headers, "X-Good") == "2");
    CHECK(one(out.headers, "X-Forwarded-For") == "203.0.113.7");
    CHECK(one(rewrite(in).headers, "X_Under") == "1");  // off by default
  }

  TEST_CASE("forwarding_options reads the load balancer attributes") {
    const auto defaults = forwarding_options({});
    CHECK(defaults.xff_mode == XffMode::Append);
    CHECK_FALSE(defaults.xff_client_port);
    CHECK_FALSE(defaults.preserve_host_header);
    CHECK_FALSE(defaults.drop_invalid_header_fields);
    const auto o = forwarding_options({{"routing.http.xff_header_processing.mode", "remove"},
                                       {"routing.http.xff_client_port.enabled", "true"},
                                       {"routing.http.preserve_host_header.enabled", "true"},
                                       {"routing.http.drop_invalid_header_fields.enabled", "true"}});
    CHECK(o.xff_mode == XffMode::Remove);
    CHECK(o.xff_client_port);
    CHECK(o.preserve_host_header);
    CHECK(o.drop_invalid_header_fields);
    CHECK(forwarding_options({{"routing.http.xff_header_processing.mode", "preserve"}}).xff_mode ==
          XffMode::Preserve);
  }
}
