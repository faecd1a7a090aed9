#include "routing/stickiness.hpp"

#include <doctest/doctest.h>

#include "routing/target_choice.hpp"

using namespace albatross::routing;

TEST_SUITE("routing.stickiness") {
  TEST_CASE("a pin round-trips under its key and is rejected under another or when altered") {
    const StickyPin pin{"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1", "10.0.0.5", 8080, 1700000000.5};
    const std::string value = encode_sticky_pin(pin, "key-1");
    CHECK(decode_sticky_pin(value, "key-1") == pin);
    CHECK_FALSE(decode_sticky_pin(value, "key-2"));
    std::string altered = value;
    altered[3] = altered[3] == 'A' ? 'B' : 'A';
    CHECK_FALSE(decode_sticky_pin(altered, "key-1"));
    CHECK_FALSE(decode_sticky_pin("not base64 at all", "key-1"));
    CHECK_FALSE(decode_sticky_pin("", "key-1"));
  }

  TEST_CASE("cookie values come from every Cookie header, by exact name") {
    const HeaderList headers = {{"Cookie", "a=1; AWSALB=x; AWSALBCORS=y"}, {"cookie", "AWSALB=z"}, {"X", "AWSALB=no"}};
    CHECK(request_cookie_values(headers, "AWSALB") == std::vector<std::string>{"x", "z"});
    CHECK(request_cookie_values(headers, "awsalb").empty());
  }

  TEST_CASE("AWSALBAPP shards are joined in order until a missing or removed one") {
    CHECK(joined_app_cookie({{"Cookie", "AWSALBAPP-1=b; AWSALBAPP-0=a; AWSALBAPP-2=_remove_"}}) == "ab");
    CHECK(joined_app_cookie({{"Cookie", "AWSALBAPP-1=b"}}).empty());
  }

  TEST_CASE("a response sets the application cookie only under its exact name") {
    CHECK(response_sets_cookie({"other=1", "SESSION=abc; Path=/"}, "SESSION"));
    CHECK_FALSE(response_sets_cookie({"SESSIONX=abc"}, "SESSION"));
  }

  TEST_CASE("cookie headers: the CORS twin adds SameSite=None; Secure; app shards 1-3 are removed") {
    const auto pins = pin_cookie_headers("AWSALB", "v", 0);
    REQUIRE(pins.size() == 2);
    CHECK(pins[0] == "AWSALB=v; Expires=Thu, 08 Jan 1970 00:00:00 GMT; Path=/");
    CHECK(pins[1] == "AWSALBCORS=v; Expires=Thu, 08 Jan 1970 00:00:00 GMT; Path=/; SameSite=None; Secure");
    const auto app = app_cookie_headers("v", 0);
    REQUIRE(app.size() == 4);
    CHECK(app[0].rfind("AWSALBAPP-0=v; Expires=", 0) == 0);
    CHECK(app[3].rfind("AWSALBAPP-3=_remove_; Expires=", 0) == 0);
  }

  TEST_CASE("stickiness attributes") {
    TargetGroup group;
    CHECK(stickiness_of(group).type == StickinessConfig::Type::None);
    group.attributes = {{"stickiness.enabled", "true"}, {"stickiness.type", "lb_cookie"},
                        {"stickiness.lb_cookie.duration_seconds", "120"}};
    CHECK(stickiness_of(group).type == StickinessConfig::Type::LbCookie);
    CHECK(stickiness_of(group).duration_seconds == 120);
    group.attributes["stickiness.type"] = "app_cookie";
    group.attributes["stickiness.app_cookie.cookie_name"] = "SID";
    CHECK(stickiness_of(group).type == StickinessConfig::Type::AppCookie);
    CHECK(stickiness_of(group).app_cookie_name == "SID");
    CHECK(stickiness_of(group).duration_seconds == 86400);
  }

  TEST_CASE("slow-start weight ramps linearly over the scaled duration") {
    TargetHealthView health{"healthy", "", "", 100.0};
    CHECK(slow_start_weight(health, 30, 1.0, 100.0) == doctest::Approx(0.0));
    CHECK(slow_start_weight(health, 30, 1.0, 115.0) == doctest::Approx(0.5));
    CHECK(slow_start_weight(health, 30, 0.1, 101.5) == doctest::Approx(0.5));
    CHECK(slow_start_weight(health, 30, 1.0, 200.0) == 1.0);
    health.slow_start_since = 0;  // not in slow start
    CHECK(slow_start_weight(health, 30, 1.0, 100.0) == 1.0);
  }
}
