#pragma once
// Parameter Store names (pure): AWS's naming rules, ARNs, version/label selectors and path membership.

#include <optional>
#include <string>

namespace albatross::ssm {

inline constexpr int kMaxHierarchyLevels = 15;

// Throws AwsError (ValidationException, HierarchyLevelLimitExceededException) when `name` breaks AWS's rules.
void check_parameter_name(const std::string& name);

// arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>
std::string parameter_arn(const std::string& region, const std::string& account, const std::string& name);

// What GetParameter/GetParameters/ECS secrets accept: a name or an ARN, optionally followed by ":<version>"
// or ":<label>".
struct ParameterReference {
  std::string name;              // as stored: hierarchical names keep their leading slash
  std::string alternative_name;  // an ARN of a one-level name may mean "x" or "/x": the other candidate
  std::string account, region;   // from an ARN; empty for plain names
  std::optional<long> version;
  std::string label;
  std::string selector;  // ":3", ":prod" or empty
};
std::optional<ParameterReference> parse_parameter_reference(const std::string& text);

// Whether `name` lies under `path` ("/a" or "/a/"): directly, or at any depth when `recursive`.
bool parameter_in_path(const std::string& name, const std::string& path, bool recursive);

}  // namespace albatross::ssm
