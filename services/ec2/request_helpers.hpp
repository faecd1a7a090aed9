#pragma once
// Small pieces every Describe*/Create* handler shares: selecting resources by id list, pagination,
// tags from TagSpecifications and tag validation.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "services/ec2/network.hpp"

namespace albatross::ec2 {

// The resources named in `ids` (a JSON array; absent or null = all of the type), in creation order. An id
// of the wrong shape throws the type's Malformed error, an unknown one its NotFound error.
std::vector<storage::Resource> select_resources(const Network& net, const ResourceType& type,
                                                const nlohmann::json& ids);
// {member: one page of `items`, NextToken when more remain}, by the request's MaxResults and NextToken.
nlohmann::json paginate(nlohmann::json items, const nlohmann::json& in, const char* member);

// EC2's tag rules: keys 1..127 characters and not "aws:"-prefixed, values up to 255.
void validate_tags(const nlohmann::json& tags);
// The tags of the request's TagSpecifications for `resource_type` ("vpc", "security-group", ...); a
// specification for another type is refused.
nlohmann::json tags_from_specifications(const nlohmann::json& in, std::string_view resource_type);
// Adds validated tags to a resource (at most 50 per resource).
void tag_resource(Network& net, const std::string& resource_id, const nlohmann::json& tags);

}  // namespace albatross::ec2
