// Shape patterns: Java regexes from the model, compiled lazily as ECMAScript std::regex.
#include "emulator/protocol/service_model.hpp"

// GCC 12 reports a false -Wmaybe-uninitialized inside <regex> when optimizing with sanitizers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>

#include "emulator/protocol/java_regex.hpp"

namespace albatross::protocol {
namespace {

// std::regex matching recurses per character; longer strings are not pattern-checked.
constexpr std::size_t kMaxPatternInput = 2048;

}  // namespace

struct Shape::CompiledPattern {
  std::regex regex;
};

Shape::Shape() = default;
Shape::~Shape() = default;

const Shape::CompiledPattern* Shape::compiled() const {
  if (pattern.empty()) return nullptr;
  std::call_once(pattern_once_, [this] {
    // Patterns using Java-only syntax (\p{Print}, possessive quantifiers, ...) or that fail to compile
    // are not enforced.
    const auto translated = java_regex_to_ecmascript(pattern);
    if (!translated) return;
    try {
      pattern_ = std::make_unique<CompiledPattern>(
          CompiledPattern{std::regex(*translated, std::regex::ECMAScript | std::regex::optimize)});
    } catch (const std::regex_error&) {
      pattern_.reset();
    }
  });
  return pattern_.get();
}

bool Shape::pattern_enforced() const { return compiled() != nullptr; }

std::optional<bool> Shape::matches_pattern(const std::string& value) const {
  if (value.size() > kMaxPatternInput) return std::nullopt;
  const CompiledPattern* compiled_pattern = compiled();
  if (!compiled_pattern) return std::nullopt;
  try {
    return std::regex_match(value, compiled_pattern->regex);
  } catch (const std::regex_error&) {
    return std::nullopt;  // too complex to evaluate
  }
}

}  // namespace albatross::protocol

#pragma GCC diagnostic pop
