#include "services/logs/filter_pattern.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using albatross::logs::FilterPattern;

namespace {
bool match(const char* pattern, const char* message) { return FilterPattern::parse(pattern).matches(message); }
}  // namespace

TEST_CASE("filter pattern: empty matches everything") {
  CHECK(match("", "anything"));
  CHECK(match("   ", ""));
  CHECK(match("\"\"", "x"));
}

TEST_CASE("filter pattern: terms are case-sensitive substrings, all required") {
  CHECK(match("ERROR", "2026 ERROR disk full"));
  CHECK_FALSE(match("ERROR", "2026 error disk full"));
  CHECK(match("ERROR disk", "ERROR: disk full"));
  CHECK_FALSE(match("ERROR memory", "ERROR: disk full"));
  CHECK(match("\"disk full\"", "ERROR: disk full"));
  CHECK_FALSE(match("\"full disk\"", "ERROR: disk full"));
}

TEST_CASE("filter pattern: ?term is any-of, -term excludes") {
  CHECK(match("?ERROR ?WARN", "WARN low memory"));
  CHECK(match("?ERROR ?WARN", "ERROR x"));
  CHECK_FALSE(match("?ERROR ?WARN", "INFO ok"));
  CHECK(match("ERROR -timeout", "ERROR disk"));
  CHECK_FALSE(match("ERROR -timeout", "ERROR timeout talking to db"));
  CHECK_THROWS_AS(FilterPattern::parse("\"unterminated"), std::invalid_argument);
}

TEST_CASE("filter pattern: JSON selectors, comparisons, wildcards and boolean logic") {
  const char* event = R"({"level":"error","latency":250,"user":{"id":"ab123","admin":true},"tags":["x","y"],"gone":null})";
  CHECK(match(R"({ $.level = "error" })", event));
  CHECK(match("{ $.level = error }", event));
  CHECK_FALSE(match(R"({ $.level = "info" })", event));
  CHECK(match(R"({ $.level != "info" })", event));
  CHECK(match("{ $.latency > 100 }", event));
  CHECK(match("{ $.latency >= 250 && $.latency <= 250 }", event));
  CHECK_FALSE(match("{ $.latency < 100 }", event));
  CHECK(match(R"({ $.user.id = "ab*" })", event));
  CHECK(match(R"({ $.tags[1] = "y" })", event));
  CHECK(match(R"({ ($.latency < 100 || $.user.id = "ab*") && $.level = "error" })", event));
  CHECK_FALSE(match(R"({ $.latency < 100 || $.user.id = "zz*" })", event));
  CHECK(match("{ $.user.admin IS TRUE }", event));
  CHECK(match("{ $.gone IS NULL }", event));
  CHECK(match("{ $.missing NOT EXISTS }", event));
  CHECK_FALSE(match("{ $.level NOT EXISTS }", event));
  CHECK_FALSE(match(R"({ $.level = "error" })", "not json at all"));
  CHECK_THROWS_AS(FilterPattern::parse("{ $.level = }"), std::invalid_argument);
  CHECK_THROWS_AS(FilterPattern::parse("{ level = 1 }"), std::invalid_argument);
  CHECK_THROWS_AS(FilterPattern::parse("{ $.a = 1 "), std::invalid_argument);
  CHECK_THROWS_AS(FilterPattern::parse(R"({ $.a > "x" })"), std::invalid_argument);
}

TEST_CASE("filter pattern: space-delimited fields with conditions and ellipsis") {
  const char* line = R"(127.0.0.1 frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
  CHECK(match("[ip, user, timestamp, request, status, bytes]", line));
  CHECK(match("[ip, user, timestamp, request, status = 404, bytes]", line));
  CHECK(match("[ip, user, timestamp, request, status = 4*, bytes > 1000]", line));
  CHECK_FALSE(match("[ip, user, timestamp, request, status = 5*, bytes]", line));
  CHECK(match("[ip = 127.0.0.1, ...]", line));
  CHECK(match("[..., status, bytes > 1500]", line));
  CHECK_FALSE(match("[ip, user]", line));  // wrong field count without an ellipsis
  CHECK(match("[ip, user = frank || user = bob, ...]", line));
}
