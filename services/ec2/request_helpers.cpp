#include "services/ec2/request_helpers.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace albatross::ec2 {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTagsPerResource = 50;
constexpr std::size_t kMaxKeyLength = 127;
constexpr std::size_t kMaxValueLength = 255;

}  // namespace

std::vector<storage::Resource> select_resources(const Network& net, const ResourceType& type, const json& ids) {
  if (!ids.is_array()) return net.list(type);
  std::vector<storage::Resource> out;
  std::set<std::string> seen;
  for (const auto& id : ids) {
    const std::string text = id.get<std::string>();
    if (!seen.insert(text).second) continue;
    out.push_back(net.require(type, text));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  return out;
}

json paginate(json items, const json& in, const char* member) {
  std::size_t offset = 0;
  if (const auto token = in.find("NextToken"); token != in.end() && token->is_string()) {
    const std::string& text = token->get_ref<const std::string&>();
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || offset > items.size())
      throw AwsError{"InvalidParameterValue", "The token '" + text + "' is invalid."};
  }
  std::size_t limit = items.size();
  if (const auto max = in.find("MaxResults"); max != in.end() && max->is_number_integer() && max->get<long long>() > 0)
    limit = static_cast<std::size_t>(max->get<long long>());
  json out = json::object();
  json page = json::array();
  for (std::size_t i = offset; i < items.size() && page.size() < limit; ++i) page.push_back(std::move(items[i]));
  const std::size_t next = offset + page.size();
  out[member] = std::move(page);
  if (next < items.size()) out["NextToken"] = std::to_string(next);
  return out;
}

void validate_tags(const json& tags) {
  for (const auto& tag : tags) {
    const std::string key = tag.value("Key", "");
    const std::string value = tag.value("Value", "");
    if (key.empty()) throw AwsError{"InvalidParameterValue", "Tag key cannot be null or empty"};
    if (key.size() > kMaxKeyLength)
      throw AwsError{"InvalidParameterValue", "Tag key exceeds the maximum length of 127 characters"};
    if (value.size() > kMaxValueLength)
      throw AwsError{"InvalidParameterValue", "Tag value exceeds the maximum length of 255 characters"};
    if (key.starts_with("aws:"))
      throw AwsError{"InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use"};
  }
}

json tags_from_specifications(const json& in, std::string_view resource_type) {
  json out = json::array();
  const auto specs = in.find("TagSpecifications");
  if (specs == in.end() || !specs->is_array()) return out;
  for (const auto& spec : *specs) {
    const std::string type = spec.value("ResourceType", std::string(resource_type));
    if (type != resource_type)
      throw AwsError{"InvalidParameterValue",
                     "'" + type + "' is not a valid taggable resource type for this operation."};
    for (const auto& tag : spec.value("Tags", json::array())) out.push_back(tag);
  }
  validate_tags(out);
  return out;
}

void tag_resource(Network& net, const std::string& resource_id, const json& tags) {
  if (tags.empty()) return;
  validate_tags(tags);
  net.store().add_tags(net.scope(), resource_id, tags);
  if (net.store().tag_count(net.scope(), resource_id) > kMaxTagsPerResource)
    throw AwsError{"TagLimitExceeded", "The maximum number of Tags for a resource has been reached."};
}

}  // namespace albatross::ec2
