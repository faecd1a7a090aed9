#include "services/acm/certificate_tags.hpp"

#include <string>

#include "services/service.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

void check_key(const std::string& key) {
  if (key.rfind("aws:", 0) == 0)
    throw AwsError{"InvalidTagException", "Invalid Tag Key: \"" + key + "\". AWS internal tags cannot be changed with this API"};
}

json apply(json result, const json& added) {
  for (const auto& tag : added) {
    const std::string key = tag.at("Key").get<std::string>();
    check_key(key);
    json entry = {{"Key", key}};
    if (tag.contains("Value")) entry["Value"] = tag["Value"];
    bool replaced = false;
    for (auto& existing : result)
      if (existing["Key"] == key) {
        existing = entry;
        replaced = true;
      }
    if (!replaced) result.push_back(entry);
  }
  if (result.size() > kMaxTagsPerCertificate)
    throw AwsError{"TooManyTagsException", "A certificate can have at most " +
                                               std::to_string(kMaxTagsPerCertificate) + " tags; this request would make " +
                                               std::to_string(result.size()) + "."};
  return result;
}

}  // namespace

json validated_new_tags(const json& tags) { return apply(json::array(), tags); }

json merge_tags(const json& existing, const json& added) { return apply(existing, added); }

json remove_tags(const json& existing, const json& removed) {
  json result = json::array();
  for (const auto& tag : existing) {
    bool drop = false;
    for (const auto& gone : removed) {
      check_key(gone.at("Key").get<std::string>());
      if (gone["Key"] != tag["Key"]) continue;
      if (!gone.contains("Value") || gone["Value"] == tag.value("Value", json(""))) drop = true;
    }
    if (!drop) result.push_back(tag);
  }
  return result;
}

}  // namespace albatross::acm
