#pragma once
// AWS listener-rule wildcard matching: `*` matches zero or more characters, `?` exactly one, and the
// pattern is anchored to the whole string (`*.example.com` does not match `example.com`). `*` crosses `/`.
// Iterative with a single backtrack point, so the worst case is O(pattern × text) without recursion.

#include <string_view>

namespace albatross::routing {

enum class CaseMode { Sensitive, Insensitive };  // Insensitive folds ASCII letters only

// host-header, path-pattern, http-header values: every `*` and `?` is a wildcard.
bool wildcard_match(std::string_view pattern, std::string_view text, CaseMode mode);

// query-string keys and values: `\*` and `\?` are the literal characters; a backslash before anything
// else is itself a literal backslash.
bool wildcard_match_escaped(std::string_view pattern, std::string_view text, CaseMode mode);

}  // namespace albatross::routing
