#include "routing/wildcard.hpp"

#include <cstddef>

namespace albatross::routing {
namespace {

enum class TokenKind { Literal, AnyOne, AnyMany };

struct Token {
  TokenKind kind;
  char literal;
  std::size_t width;  // pattern characters consumed: 2 for an escaped literal
};

// Reads the pattern in place (no token vector): rule matching runs on every request.
Token token_at(std::string_view pattern, std::size_t i, bool escapes) {
  const char c = pattern[i];
  if (escapes && c == '\\' && i + 1 < pattern.size() && (pattern[i + 1] == '*' || pattern[i + 1] == '?'))
    return {TokenKind::Literal, pattern[i + 1], 2};
  if (c == '*') return {TokenKind::AnyMany, 0, 1};
  if (c == '?') return {TokenKind::AnyOne, 0, 1};
  return {TokenKind::Literal, c, 1};
}

char fold(char c, CaseMode mode) {
  if (mode == CaseMode::Insensitive && c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

// Greedy glob with one remembered star: on a mismatch, the most recent star absorbs one more character
// and matching resumes after it. Earlier stars never need revisiting because the later star can take up
// any slack, which bounds the work by O(pattern × text).
bool match(std::string_view pattern, std::string_view text, CaseMode mode, bool escapes) {
  constexpr std::size_t kNoStar = std::string_view::npos;
  std::size_t p = 0, t = 0;
  std::size_t after_star = kNoStar, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const Token token = token_at(pattern, p, escapes);
      if (token.kind == TokenKind::AnyMany) {
        p += token.width;
        after_star = p;
        star_text = t;
        continue;
      }
      if (token.kind == TokenKind::AnyOne || fold(token.literal, mode) == fold(text[t], mode)) {
        p += token.width;
        ++t;
        continue;
      }
    }
    if (after_star == kNoStar) return false;
    p = after_star;
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;  // trailing stars match the empty rest
  return p == pattern.size();
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, CaseMode mode) {
  return match(pattern, text, mode, false);
}

bool wildcard_match_escaped(std::string_view pattern, std::string_view text, CaseMode mode) {
  return match(pattern, text, mode, true);
}

}  // namespace albatross::routing
