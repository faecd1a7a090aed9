#include "services/common/pagination.hpp"

#include "services/common/base64.hpp"
#include "services/service.hpp"

namespace albatross::pagination {

Page page(const nlohmann::json& all, const std::string& token, std::size_t page_size,
          const std::string& invalid_token_code) {
  std::size_t start = 0;
  if (!token.empty()) {
    const auto decoded = base64::decode(token);
    bool valid = decoded && decoded->starts_with("position:");
    if (valid) {
      try {
        start = std::stoul(decoded->substr(9));
      } catch (const std::exception&) {
        valid = false;
      }
    }
    if (!valid || start > all.size())
      throw AwsError{invalid_token_code, "The pagination token '" + token + "' is not valid."};
  }
  Page result;
  for (std::size_t i = start; i < all.size() && result.items.size() < page_size; ++i) result.items.push_back(all[i]);
  if (start + result.items.size() < all.size())
    result.next_token = base64::encode("position:" + std::to_string(start + result.items.size()));
  return result;
}

}  // namespace albatross::pagination
