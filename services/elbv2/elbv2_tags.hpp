#pragma once
// ELBv2 tag rules (AddTags, and Tags given at creation): at most 50 per resource, no repeated keys in one
// request, the aws: prefix reserved.

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::elbv2 {

inline constexpr std::size_t kMaxTagsPerResource = 50;

// Checks `tags` ([{Key, Value}]) and stores them on the resource, over the ones it has.
void apply_tags(storage::ResourceStore& store, const storage::Scope& scope, const std::string& resource_arn,
                const nlohmann::json& tags);

}  // namespace albatross::elbv2
