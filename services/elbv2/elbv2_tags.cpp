#include "services/elbv2/elbv2_tags.hpp"

#include <set>

#include "services/service.hpp"

namespace albatross::elbv2 {

void apply_tags(storage::ResourceStore& store, const storage::Scope& scope, const std::string& resource_arn,
                const nlohmann::json& tags) {
  std::set<std::string> keys;
  for (const auto& tag : tags) {
    const std::string key = tag.at("Key").get<std::string>();
    if (!keys.insert(key).second) throw AwsError{"DuplicateTagKeysException", "Tag key '" + key + "' is duplicated"};
    if (key.rfind("aws:", 0) == 0)
      throw AwsError{"ValidationError", "Tag keys starting with 'aws:' are reserved for AWS use"};
  }
  std::set<std::string> all = keys;
  for (const auto& existing : store.tags(scope, resource_arn)) all.insert(existing["Key"].get<std::string>());
  if (all.size() > kMaxTagsPerResource)
    throw AwsError{"TooManyTagsException", "The quota for the number of tags that can be assigned to a load "
                                           "balancing resource has been reached"};
  store.add_tags(scope, resource_arn, tags);
}

}  // namespace albatross::elbv2
