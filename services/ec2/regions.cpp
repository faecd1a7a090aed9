#include "services/ec2/regions.hpp"

#include <utility>

namespace albatross::ec2 {

const std::vector<std::string>& known_regions() {
  static const std::vector<std::string> regions = {
      "af-south-1",   "ap-east-1",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
      "ap-south-2",   "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1",
      "eu-central-1", "eu-central-2",   "eu-north-1",     "eu-south-1",     "eu-south-2",     "eu-west-1",
      "eu-west-2",    "eu-west-3",      "il-central-1",   "me-central-1",   "me-south-1",     "sa-east-1",
      "us-east-1",    "us-east-2",      "us-west-1",      "us-west-2"};
  return regions;
}

std::string region_code(std::string_view region) {
  static const std::pair<std::string_view, std::string_view> directions[] = {
      {"northeast", "ne"}, {"northwest", "nw"}, {"southeast", "se"}, {"southwest", "sw"}, {"north", "n"},
      {"south", "s"},      {"east", "e"},       {"west", "w"},       {"central", "c"}};
  std::string out;
  std::size_t start = 0;
  int part = 0;
  while (start <= region.size()) {
    const auto dash = region.find('-', start);
    const std::string_view piece =
        region.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    std::string_view mapped = piece;
    if (part > 0)
      for (const auto& [word, abbreviation] : directions)
        if (piece == word) mapped = abbreviation;
    out.append(mapped);
    ++part;
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return out;
}

std::string zone_name(std::string_view region, int index) {
  return std::string(region) + static_cast<char>('a' + index);
}

std::string zone_id(std::string_view region, int index) {
  return region_code(region) + "-az" + std::to_string(index + 1);
}

std::optional<int> zone_index_by_name(std::string_view region, std::string_view name) {
  for (int i = 0; i < kZonesPerRegion; ++i)
    if (zone_name(region, i) == name) return i;
  return std::nullopt;
}

std::optional<int> zone_index_by_id(std::string_view region, std::string_view id) {
  for (int i = 0; i < kZonesPerRegion; ++i)
    if (zone_id(region, i) == id) return i;
  return std::nullopt;
}

}  // namespace albatross::ec2
