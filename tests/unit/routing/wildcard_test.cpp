#include "routing/wildcard.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace albatross::routing;

namespace {
bool cs(std::string_view pattern, std::string_view text) { return wildcard_match(pattern, text, CaseMode::Sensitive); }
bool ci(std::string_view pattern, std::string_view text) {
  return wildcard_match(pattern, text, CaseMode::Insensitive);
}
bool qs(std::string_view pattern, std::string_view text) {
  return wildcard_match_escaped(pattern, text, CaseMode::Insensitive);
}
}  // namespace

TEST_SUITE("routing.wildcard") {
  TEST_CASE("AWS examples: anchored to the whole string, star crosses slashes") {
    CHECK(ci("*.example.com", "test.example.com"));
    CHECK_FALSE(ci("*.example.com", "example.com"));
    CHECK(cs("/img/*", "/img/a/b.png"));
    CHECK_FALSE(cs("/img/*", "/img"));
    CHECK(cs("/img/*", "/img/"));
    CHECK(cs("/api", "/api"));
    CHECK_FALSE(cs("/api", "/api/"));
    CHECK_FALSE(cs("/api", "/ap"));
  }

  TEST_CASE("star matches zero or more, question mark exactly one") {
    CHECK(cs("*", ""));
    CHECK(cs("*", "anything/at/all"));
    CHECK(cs("a*", "a"));
    CHECK(cs("*a", "a"));
    CHECK(cs("a*b*c", "abc"));
    CHECK(cs("a*b*c", "aXXbYYc"));
    CHECK_FALSE(cs("a*b*c", "aXXbYY"));
    CHECK(cs("a?c", "abc"));
    CHECK_FALSE(cs("a?c", "ac"));
    CHECK_FALSE(cs("a?c", "abbc"));
    CHECK(cs("??", "ab"));
    CHECK_FALSE(cs("?", ""));
    CHECK(cs("", ""));
    CHECK_FALSE(cs("", "a"));
    CHECK(cs("**", "x"));
    CHECK(cs("*?*", "x"));
    CHECK_FALSE(cs("*?*", ""));
  }

  TEST_CASE("backtracking finds the later occurrence") {
    CHECK(cs("*.png", "a.png.png"));
    CHECK(cs("/a*/b", "/a/x/b/b"));
    CHECK(cs("*aab", "aaaab"));
    CHECK_FALSE(cs("*aab", "aaaaba"));
    CHECK(cs("a*?b", "axb"));
    CHECK_FALSE(cs("a*?b", "ab"));
  }

  TEST_CASE("case modes fold ASCII letters only") {
    CHECK(ci("*.EXAMPLE.com", "Test.Example.COM"));
    CHECK_FALSE(cs("/Img/*", "/img/a"));
    CHECK(cs("/Img/*", "/Img/a"));
    CHECK_FALSE(ci("a", "\xc3\xa1"));
    CHECK(ci("\xc3\x81", "\xc3\x81"));
  }

  TEST_CASE("plain flavour treats backslash as an ordinary character") {
    CHECK(cs("a\\*", "a\\xyz"));
    CHECK_FALSE(cs("a\\*", "a*"));
  }

  TEST_CASE("query flavour: escaped star and question mark are literals") {
    CHECK(qs("a\\*b", "a*b"));
    CHECK_FALSE(qs("a\\*b", "axb"));
    CHECK(qs("what\\?", "what?"));
    CHECK_FALSE(qs("what\\?", "whatx"));
    CHECK(qs("*\\**", "x*y"));
    CHECK_FALSE(qs("*\\**", "xy"));
    CHECK(qs("a\\b", "a\\b"));   // backslash before anything else is itself
    CHECK(qs("a\\", "a\\"));     // trailing backslash is a literal
    CHECK(qs("V?", "v1"));       // unescaped wildcards still work, case-insensitively
    CHECK(qs("\\*", "*"));
    CHECK_FALSE(qs("\\*", ""));
  }

  TEST_CASE("long inputs stay fast (no exponential backtracking, no recursion)") {
    const std::string text(20000, 'a');
    CHECK_FALSE(cs("*a*a*a*a*a*b", text));
    CHECK(cs("*a*a*a*a*a*", text));
    const std::string pattern = std::string(2000, '*') + "b";
    CHECK_FALSE(cs(pattern, text));
    CHECK(cs("a*", text + "b"));
    CHECK(cs(std::string(500, '?') + "*", text));
  }
}
