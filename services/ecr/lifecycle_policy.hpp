#pragma once
// ECR lifecycle policies: parsing with AWS's validation, and evaluation (which images the rules expire).
// Pure, no I/O. Semantics: rules are applied in rulePriority order; an image selected by a rule's tag
// criteria is no longer seen by lower-priority rules, whether or not that rule expires it.

#include <string>
#include <string_view>
#include <vector>

namespace albatross::ecr {

struct LifecycleRule {
  int priority = 0;
  std::string tag_status;  // tagged | untagged | any
  std::vector<std::string> tag_prefixes;
  std::vector<std::string> tag_patterns;  // '*' wildcards
  std::string count_type;                 // imageCountMoreThan | sinceImagePushed
  long long count_number = 0;             // images, or days
};

struct LifecycleImage {
  std::string digest;
  std::vector<std::string> tags;
  double pushed_at = 0;
};

struct LifecycleExpiry {
  std::string digest;
  int rule_priority = 0;
};

// Throws AwsError{InvalidParameterException} naming what is wrong, as AWS does.
std::vector<LifecycleRule> parse_lifecycle_policy(std::string_view text);
// The images the rules expire, in the order found.
std::vector<LifecycleExpiry> evaluate_lifecycle(std::vector<LifecycleRule> rules, const std::vector<LifecycleImage>& images,
                                                double now);
// '*' matches any run of characters.
bool wildcard_tag_match(std::string_view pattern, std::string_view tag);

}  // namespace albatross::ecr
