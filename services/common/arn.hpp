#pragma once
// Amazon Resource Names.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::arn {

// "aws", "aws-cn" (cn-*) or "aws-us-gov" (us-gov-*).
std::string partition_for_region(std::string_view region);
// arn:<partition>:<service>:<region>:<account>:<resource>
std::string make(std::string_view service, std::string_view region, std::string_view account_id,
                 std::string_view resource);

struct Parts {
  std::string partition, service, region, account_id, resource;
};
// The six colon-separated fields of "arn:<partition>:<service>:<region>:<account>:<resource>" (the resource may
// hold colons itself); nullopt when the text does not have them.
std::optional<Parts> parse(std::string_view text);

}  // namespace albatross::arn
