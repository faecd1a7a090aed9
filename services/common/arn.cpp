#include "services/common/arn.hpp"

namespace albatross::arn {

std::string partition_for_region(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string make(std::string_view service, std::string_view region, std::string_view account_id,
                 std::string_view resource) {
  std::string out = "arn:" + partition_for_region(region) + ":";
  out.append(service).append(":").append(region).append(":").append(account_id).append(":").append(resource);
  return out;
}

std::optional<Parts> parse(std::string_view text) {
  std::string fields[5];
  for (auto& field : fields) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    field = std::string(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  if (fields[0] != "arn") return std::nullopt;
  return Parts{fields[1], fields[2], fields[3], fields[4], std::string(text)};
}

}  // namespace albatross::arn
