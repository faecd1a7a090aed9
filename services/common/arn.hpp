#pragma once
// Amazon Resource Names.

#include <string>
#include <string_view>

namespace albatross::arn {

// "aws", "aws-cn" (cn-*) or "aws-us-gov" (us-gov-*).
std::string partition_for_region(std::string_view region);
// arn:<partition>:<service>:<region>:<account>:<resource>
std::string make(std::string_view service, std::string_view region, std::string_view account_id,
                 std::string_view resource);

}  // namespace albatross::arn
