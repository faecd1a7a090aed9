#include "services/ec2/ec2_ids.hpp"

#include "services/common/arn.hpp"
#include "services/common/ids.hpp"

namespace albatross::ec2 {

std::string new_id(std::string_view prefix) { return std::string(prefix) + "-" + ids::random_hex(17); }

bool has_prefix(std::string_view id, std::string_view prefix) {
  return id.size() > prefix.size() + 1 && id.starts_with(prefix) && id[prefix.size()] == '-';
}

std::string_view id_prefix(std::string_view id) {
  const auto dash = id.find('-');
  return dash == std::string_view::npos ? std::string_view() : id.substr(0, dash);
}

std::string ec2_arn(std::string_view region, std::string_view account_id, std::string_view resource_type,
                    std::string_view id) {
  std::string resource(resource_type);
  resource.append("/").append(id);
  return arn::make("ec2", region, account_id, resource);
}

}  // namespace albatross::ec2
