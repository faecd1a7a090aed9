#pragma once
// EC2 resource ids ("vpc-" + 17 hex digits, "sg-…", "sgr-…") and ARNs.

#include <string>
#include <string_view>

namespace albatross::ec2 {

// "<prefix>-" followed by 17 random lowercase hex digits, as EC2 issues them since 2018.
std::string new_id(std::string_view prefix);
// True when `id` is "<prefix>-" followed by at least one character (EC2 calls anything else malformed).
bool has_prefix(std::string_view id, std::string_view prefix);
// The part of an id before its first '-' ("vpc" for "vpc-0a1b…"); empty when there is no '-'.
std::string_view id_prefix(std::string_view id);
// arn:aws:ec2:<region>:<account>:<resource_type>/<id>
std::string ec2_arn(std::string_view region, std::string_view account_id, std::string_view resource_type,
                    std::string_view id);

}  // namespace albatross::ec2
