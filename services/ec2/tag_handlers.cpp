// CreateTags, DeleteTags, DescribeTags over every resource type Albatross keeps.
#include <algorithm>

#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kTagFilters = {
    {"key", "Key"},
    {"value", "Value"},
    {"resource-id", "ResourceId"},
    {"resource-type", "ResourceType"},
};

// The resource an id names; InvalidID for ids of types Albatross does not keep.
storage::Resource require_taggable(Network& net, const std::string& id) {
  const ResourceType* type = resource_type_of_id(id);
  if (!type) throw AwsError{"InvalidID", "The ID '" + id + "' is not valid"};
  return net.require(*type, id);
}

std::vector<std::string> resource_ids(const Json& in) {
  std::vector<std::string> out;
  for (const auto& id : in.at("Resources")) out.push_back(id.get<std::string>());
  return out;
}

}  // namespace

Json create_tags(Network& net, const Json& in) {
  const Json& tags = in.at("Tags");
  validate_tags(tags);
  const auto ids = resource_ids(in);
  for (const auto& id : ids) require_taggable(net, id);
  for (const auto& id : ids) tag_resource(net, id, tags);
  return Json::object();
}

Json delete_tags(Network& net, const Json& in) {
  const auto ids = resource_ids(in);
  for (const auto& id : ids) require_taggable(net, id);
  const Json requested = in.value("Tags", Json());
  if (requested.is_array())
    for (const auto& tag : requested)
      if (tag.value("Key", "").starts_with("aws:"))
        throw AwsError{"InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use"};
  for (const auto& id : ids) {
    const Json current = net.store().tags(net.scope(), id);
    std::vector<std::string> keys;
    for (const auto& tag : current) {
      const std::string key = tag["Key"].get<std::string>();
      bool drop = !requested.is_array();
      if (requested.is_array())
        for (const auto& gone : requested)
          if (gone.value("Key", "") == key && (!gone.contains("Value") || gone["Value"] == tag["Value"])) drop = true;
      if (drop) keys.push_back(key);
    }
    net.store().remove_tags(net.scope(), id, keys);
  }
  return Json::object();
}

Json describe_tags(Network& net, const Json& in) {
  std::vector<storage::Resource> resources;
  for (const ResourceType* type : all_resource_types())
    for (auto& resource : net.list(*type)) resources.push_back(std::move(resource));
  std::sort(resources.begin(), resources.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  Json items = Json::array();
  for (const auto& resource : resources) {
    const ResourceType* type = resource_type_of_id(resource.id);
    for (const auto& tag : net.store().tags(net.scope(), resource.id))
      items.push_back({{"Key", tag["Key"]},
                       {"ResourceId", resource.id},
                       {"ResourceType", std::string(type ? type->type_name : "")},
                       {"Value", tag["Value"]}});
  }
  return paginate(filter_documents(items, in.value("Filters", Json()), kTagFilters, false), in, "Tags");
}

}  // namespace albatross::ec2::handlers
