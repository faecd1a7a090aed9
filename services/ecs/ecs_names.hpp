#pragma once
// ECS names and ARNs (pure): cluster references (name or ARN), task-definition references
// (family, family:revision or ARN), the ARN formats, and the conversion between ECS's {key, value}
// tags and the store's {Key, Value}.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::ecs {

inline constexpr char kDefaultCluster[] = "default";

// "arn:aws:ecs:<region>:<acct>:<resource>"
std::string ecs_arn(std::string_view region, std::string_view account, std::string_view resource);

// The cluster name a `cluster` parameter names: empty → "default"; an ARN → its name part.
std::string cluster_name_of(const std::string& reference);
// The last path segment of an ARN's resource ("service/c/s" → "s"), or the reference itself when not an ARN.
std::string last_segment(const std::string& reference);

// Cluster and service names: 1–255 letters, digits, hyphens, underscores.
bool valid_resource_name(const std::string& name);

struct TaskDefinitionRef {
  std::string family;
  std::optional<int> revision;  // absent: the latest ACTIVE revision
};
// Parses "family", "family:rev" or a task-definition ARN. Throws AwsError ClientException with AWS's
// wording for a malformed revision.
TaskDefinitionRef parse_task_definition_ref(const std::string& reference);

// ECS tags [{key, value}] ⇄ store tags [{Key, Value}].
nlohmann::json to_store_tags(const nlohmann::json& ecs_tags);
nlohmann::json to_ecs_tags(const nlohmann::json& store_tags);

using storage::public_view;  // drops the '_' members of a stored document

}  // namespace albatross::ecs
