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

}  // namespace albatross::arn
