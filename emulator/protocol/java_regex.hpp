#pragma once
// Model patterns are Java regexes; std::regex speaks ECMAScript. This translates the common subset
// and refuses (nullopt) what ECMAScript would read differently, so such patterns are not enforced
// rather than enforced wrongly.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::protocol {

// Refused: \p{..} outside [...] or other than L/N/Z, \P{..}, \uXXXX, \x, \A \Z \z \G \h \H \R \Q..\E and other letter escapes ECMAScript lacks,
// back-references, nested classes and && inside [...], (?<..), (?>..), inline flags, possessive
// quantifiers. Java's escaped punctuation ("\:", "\@") becomes the plain character.
std::optional<std::string> java_regex_to_ecmascript(std::string_view pattern);

}  // namespace albatross::protocol
