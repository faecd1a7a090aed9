#include "services/ecr/lifecycle_policy.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace albatross::ecr {
namespace {

using Json = nlohmann::json;

[[noreturn]] void invalid(const std::string& why) {
  throw AwsError{"InvalidParameterException",
                 "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy "
                 "validation failure: " + why + "'"};
}

std::vector<std::string> string_list(const Json& selection, const char* name) {
  std::vector<std::string> out;
  if (!selection.contains(name)) return out;
  const Json& list = selection[name];
  if (!list.is_array() || list.empty()) invalid(std::string(name) + " must be a non-empty list of strings");
  for (const auto& item : list) {
    if (!item.is_string() || item.get<std::string>().empty()) invalid(std::string(name) + " must be a non-empty list of strings");
    out.push_back(item);
  }
  return out;
}

LifecycleRule parse_rule(const Json& rule) {
  if (!rule.is_object()) invalid("each rule must be an object");
  LifecycleRule out;
  if (!rule.contains("rulePriority") || !rule["rulePriority"].is_number_integer()) invalid("rulePriority is required and must be an integer");
  out.priority = rule["rulePriority"].get<int>();
  if (out.priority < 1) invalid("rulePriority must be at least 1");
  if (!rule.contains("selection") || !rule["selection"].is_object()) invalid("selection is required");
  const Json& selection = rule["selection"];
  out.tag_status = selection.value("tagStatus", "");
  if (out.tag_status != "tagged" && out.tag_status != "untagged" && out.tag_status != "any")
    invalid("tagStatus must be one of tagged, untagged, any");
  out.tag_prefixes = string_list(selection, "tagPrefixList");
  out.tag_patterns = string_list(selection, "tagPatternList");
  if (out.tag_status == "tagged" && out.tag_prefixes.empty() && out.tag_patterns.empty())
    invalid("tagPrefixList or tagPatternList is required when tagStatus is tagged");
  if (out.tag_status != "tagged" && (!out.tag_prefixes.empty() || !out.tag_patterns.empty()))
    invalid("tagPrefixList and tagPatternList can only be used when tagStatus is tagged");
  if (!out.tag_prefixes.empty() && !out.tag_patterns.empty())
    invalid("tagPrefixList and tagPatternList cannot both be specified");
  out.count_type = selection.value("countType", "");
  if (!selection.contains("countNumber") || !selection["countNumber"].is_number_integer() ||
      selection["countNumber"].get<long long>() < 1)
    invalid("countNumber is required and must be a positive integer");
  out.count_number = selection["countNumber"].get<long long>();
  if (out.count_type == "imageCountMoreThan") {
    if (selection.contains("countUnit")) invalid("countUnit cannot be used with countType imageCountMoreThan");
  } else if (out.count_type == "sinceImagePushed") {
    if (selection.value("countUnit", "") != "days") invalid("countUnit must be days when countType is sinceImagePushed");
  } else {
    invalid("countType must be imageCountMoreThan or sinceImagePushed");
  }
  if (!rule.contains("action") || !rule["action"].is_object() || rule["action"].value("type", "") != "expire")
    invalid("action.type must be expire");
  return out;
}

bool matches_selection(const LifecycleRule& rule, const LifecycleImage& image) {
  if (rule.tag_status == "any") return true;
  if (rule.tag_status == "untagged") return image.tags.empty();
  if (image.tags.empty()) return false;
  // Every prefix (or pattern) must be matched by one of the image's tags.
  for (const auto& prefix : rule.tag_prefixes)
    if (std::none_of(image.tags.begin(), image.tags.end(), [&](const std::string& tag) { return tag.starts_with(prefix); }))
      return false;
  for (const auto& pattern : rule.tag_patterns)
    if (std::none_of(image.tags.begin(), image.tags.end(), [&](const std::string& tag) { return wildcard_tag_match(pattern, tag); }))
      return false;
  return true;
}

}  // namespace

bool wildcard_tag_match(std::string_view pattern, std::string_view tag) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < tag.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == tag[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<LifecycleRule> parse_lifecycle_policy(std::string_view text) {
  const Json policy = Json::parse(text.begin(), text.end(), nullptr, false);
  if (policy.is_discarded() || !policy.is_object()) invalid("the policy is not valid JSON");
  if (!policy.contains("rules") || !policy["rules"].is_array() || policy["rules"].empty())
    invalid("rules is required and must be a non-empty list");
  std::vector<LifecycleRule> rules;
  std::set<int> priorities;
  for (const auto& rule : policy["rules"]) {
    rules.push_back(parse_rule(rule));
    if (!priorities.insert(rules.back().priority).second)
      invalid("rulePriority " + std::to_string(rules.back().priority) + " is used by more than one rule");
  }
  const int highest = *priorities.rbegin();
  for (const auto& rule : rules)
    if (rule.tag_status == "any" && rule.priority != highest)
      invalid("a rule with tagStatus any must have the highest rulePriority");
  return rules;
}

std::vector<LifecycleExpiry> evaluate_lifecycle(std::vector<LifecycleRule> rules, const std::vector<LifecycleImage>& images,
                                                double now) {
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.priority < b.priority; });
  std::vector<bool> claimed(images.size(), false);
  std::vector<LifecycleExpiry> expired;
  for (const auto& rule : rules) {
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < images.size(); ++i)
      if (!claimed[i] && matches_selection(rule, images[i])) selected.push_back(i);
    for (auto i : selected) claimed[i] = true;
    if (rule.count_type == "imageCountMoreThan") {
      std::stable_sort(selected.begin(), selected.end(),
                       [&](std::size_t a, std::size_t b) { return images[a].pushed_at > images[b].pushed_at; });
      for (std::size_t k = static_cast<std::size_t>(rule.count_number); k < selected.size(); ++k)
        expired.push_back({images[selected[k]].digest, rule.priority});
    } else {
      const double cutoff = now - static_cast<double>(rule.count_number) * 86400.0;
      for (auto i : selected)
        if (images[i].pushed_at < cutoff) expired.push_back({images[i].digest, rule.priority});
    }
  }
  return expired;
}

}  // namespace albatross::ecr
