#pragma once
// Small pieces the EC2 Auto Scaling handlers share: one page of a listing (MaxRecords/NextToken), ARNs.

#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace albatross::ec2_autoscaling {

// {<key>: one page of `all`, NextToken?}; MaxRecords defaults to `default_size` and may not exceed 100.
nlohmann::json records_page(const nlohmann::json& all, const nlohmann::json& in, const char* key,
                            long long default_size = 50);

// arn:<partition>:autoscaling:<region>:<account>:<kind>:<uuid>:<kind>Name/<name>
std::string resource_arn(const RequestContext& ctx, const std::string& kind, const std::string& name);

}  // namespace albatross::ec2_autoscaling
