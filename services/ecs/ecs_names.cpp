#include "services/ecs/ecs_names.hpp"

#include <cctype>

#include "services/common/arn.hpp"
#include "services/service.hpp"

namespace albatross::ecs {

std::string ecs_arn(std::string_view region, std::string_view account, std::string_view resource) {
  return arn::make("ecs", region, account, resource);
}

std::string last_segment(const std::string& reference) {
  if (!reference.starts_with("arn:")) return reference;
  const auto slash = reference.rfind('/');
  return slash == std::string::npos ? reference : reference.substr(slash + 1);
}

std::string cluster_name_of(const std::string& reference) {
  if (reference.empty()) return kDefaultCluster;
  if (!reference.starts_with("arn:")) return reference;
  const auto marker = reference.find(":cluster/");
  if (marker == std::string::npos) return last_segment(reference);
  return reference.substr(marker + 9);
}

bool valid_resource_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  for (const unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}

TaskDefinitionRef parse_task_definition_ref(const std::string& reference) {
  std::string text = reference;
  if (text.starts_with("arn:")) {
    const auto marker = text.find(":task-definition/");
    if (marker == std::string::npos)
      throw AwsError{"ClientException", "Invalid task definition arn: " + reference};
    text = text.substr(marker + 17);
  }
  TaskDefinitionRef out;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    out.family = text;
    return out;
  }
  out.family = text.substr(0, colon);
  const std::string revision = text.substr(colon + 1);
  bool digits = !revision.empty() && revision.size() <= 9;
  for (const unsigned char c : revision) digits = digits && std::isdigit(c);
  if (!digits) throw AwsError{"ClientException", "Invalid revision number. Number: " + revision};
  out.revision = std::stoi(revision);
  return out;
}

nlohmann::json to_store_tags(const nlohmann::json& ecs_tags) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& tag : ecs_tags) out.push_back({{"Key", tag.value("key", "")}, {"Value", tag.value("value", "")}});
  return out;
}

nlohmann::json to_ecs_tags(const nlohmann::json& store_tags) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& tag : store_tags) out.push_back({{"key", tag.value("Key", "")}, {"value", tag.value("Value", "")}});
  return out;
}

}  // namespace albatross::ecs
