#pragma once
// Regions and availability zones as Albatross presents them: every region has three zones,
// <region>a, <region>b and <region>c, with zone ids <code>-az1..3 (use1-az1 for us-east-1a).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::ec2 {

inline constexpr int kZonesPerRegion = 3;

// The commercial regions DescribeRegions lists.
const std::vector<std::string>& known_regions();
// "us-east-1" -> "use1", "ap-southeast-2" -> "apse2".
std::string region_code(std::string_view region);
// Zone `index` (0-based) of `region`: "us-east-1a", "use1-az1".
std::string zone_name(std::string_view region, int index);
std::string zone_id(std::string_view region, int index);
// Index of a zone by name or by id; empty when the region has no such zone.
std::optional<int> zone_index_by_name(std::string_view region, std::string_view name);
std::optional<int> zone_index_by_id(std::string_view region, std::string_view id);

}  // namespace albatross::ec2
