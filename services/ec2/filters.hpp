#pragma once
// EC2's generic Describe* filters: Filter.N.Name / Filter.N.Value.M. A resource matches when, for every
// filter, one of its values for that name matches one of the filter's values (AND across filters, OR
// within one). Values may use '*' (any run) and '?' (one character); '\' escapes them. Besides the
// resource's own names, every taggable resource knows "tag:<key>", "tag-key" and "tag-value".

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::ec2 {

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// Filter name -> dotted path of model member names inside the resource document
// ("IpPermissions.IpRanges.CidrIp"); arrays met on the way are flattened.
using FilterFields = std::map<std::string, std::string, std::less<>>;

// The request's "Filters" member (absent or null = none).
std::vector<Filter> parse_filters(const nlohmann::json& filters);
bool wildcard_match(std::string_view pattern, std::string_view text);
// Every scalar at `path` as text (booleans "true"/"false", numbers in decimal).
std::vector<std::string> values_at(const nlohmann::json& document, std::string_view path);
// Throws AwsError InvalidParameterValue ("The filter 'x' is invalid") for a name `fields` does not know
// (tag filters aside when `taggable`).
void check_filter_names(const std::vector<Filter>& filters, const FilterFields& fields, bool taggable = true);
// `document` carries its tags as "Tags": [{Key, Value}].
bool matches(const nlohmann::json& document, const std::vector<Filter>& filters, const FilterFields& fields);
// The documents of `documents` (an array) that match, in order; checks the names first.
nlohmann::json filter_documents(const nlohmann::json& documents, const nlohmann::json& filters,
                                const FilterFields& fields, bool taggable = true);

}  // namespace albatross::ec2
