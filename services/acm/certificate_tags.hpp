#pragma once
// ACM tag rules: at most 50 per certificate, keys unique, the aws: prefix reserved.

#include <nlohmann/json.hpp>

namespace albatross::acm {

inline constexpr std::size_t kMaxTagsPerCertificate = 50;

// Checks tags given with a request ([{Key, Value}]) and returns them without repeated keys (last wins).
nlohmann::json validated_new_tags(const nlohmann::json& tags);
// `existing` with `added` applied (same key = new value); throws TooManyTagsException past the limit.
nlohmann::json merge_tags(const nlohmann::json& existing, const nlohmann::json& added);
// `existing` without the listed tags; a listed tag with a Value is removed only when the value matches.
nlohmann::json remove_tags(const nlohmann::json& existing, const nlohmann::json& removed);

}  // namespace albatross::acm
