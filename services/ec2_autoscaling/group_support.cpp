#include "services/ec2_autoscaling/group_support.hpp"

#include "services/common/arn.hpp"
#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"

namespace albatross::ec2_autoscaling {

nlohmann::json records_page(const nlohmann::json& all, const nlohmann::json& in, const char* key,
                            long long default_size) {
  const long long size = in.value("MaxRecords", default_size);
  if (size < 1 || size > 100)
    throw AwsError{"ValidationError", "1 validation error detected: Value '" + std::to_string(size) +
                                          "' at 'maxRecords' failed to satisfy constraint: Member must have value "
                                          "less than or equal to 100"};
  auto page = pagination::page(all, in.value("NextToken", ""), static_cast<std::size_t>(size), "InvalidNextToken");
  nlohmann::json out = {{key, page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

std::string resource_arn(const RequestContext& ctx, const std::string& kind, const std::string& name) {
  return "arn:" + arn::partition_for_region(ctx.region) + ":autoscaling:" + ctx.region + ":" + ctx.account_id + ":" +
         kind + ":" + ids::uuid4() + ":" + kind + "Name/" + name;
}

}  // namespace albatross::ec2_autoscaling
