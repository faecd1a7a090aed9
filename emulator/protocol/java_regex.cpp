#include "emulator/protocol/java_regex.hpp"

namespace albatross::protocol {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::optional<std::string> java_regex_to_ecmascript(std::string_view p) {
  static constexpr std::string_view kLetterEscapes = "dDwWsSbBnrtf";  // same meaning in both
  static constexpr std::string_view kSyntax = "^$\\.*+?()[]{}|/-";
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;
      const char e = p[++i];
      if (in_class && e == 'p' && i + 3 < p.size() && p[i + 1] == '{' && p[i + 3] == '}') {
        // Unicode categories inside a class: ASCII members plus every non-ASCII byte (std::regex works
        // on UTF-8 bytes), so letters/digits/spaces of any script pass and ASCII punctuation does not.
        const char category = p[i + 2];
        if (category == 'L') out += "a-zA-Z";
        else if (category == 'N') out += "0-9";
        else if (category == 'Z') out += ' ';
        else return std::nullopt;
        out += "\\x80-\\xff";
        i += 3;
        continue;
      }
      if (is_alnum(e)) {
        if (kLetterEscapes.find(e) == std::string_view::npos) return std::nullopt;
        if (in_class && (e == 'b' || e == 'B')) return std::nullopt;
        out += '\\';
        out += e;
        // Java reads "[\w-_]" as \w, '-', '_'; ECMAScript std::regex rejects the range.
        if (in_class && i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
          out += "\\-";
          ++i;
        }
      } else if (kSyntax.find(e) != std::string_view::npos) {
        out += '\\';
        out += e;
      } else {
        out += e;  // Java allows escaping any punctuation; ECMAScript std::regex may not
      }
      continue;
    }
    if (in_class) {
      if (c == '[') return std::nullopt;  // Java union / nested class
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') return std::nullopt;  // Java intersection
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in Java.
      if (i + 1 < p.size() && p[i + 1] == '^') {
        out += '^';
        ++i;
      }
      if (i + 1 < p.size() && p[i + 1] == ']') {
        out += "\\]";
        ++i;
      }
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      if (i + 2 >= p.size()) return std::nullopt;
      const char k = p[i + 2];
      if (k != ':' && k != '=' && k != '!') return std::nullopt;  // lookbehind, atomic, inline flags
    }
    if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < p.size() && p[i + 1] == '+') {
      // Possessive quantifier (a "*+"); a '+' after '(' or '|' would be an error anyway.
      return std::nullopt;
    }
    out += c;
  }
  if (in_class) return std::nullopt;
  return out;
}

}  // namespace albatross::protocol
