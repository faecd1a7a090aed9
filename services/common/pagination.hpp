#pragma once
// Marker/NextToken pagination over an already filtered, ordered list: the token is an opaque
// encoding of the next position.

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace albatross::pagination {

struct Page {
  nlohmann::json items = nlohmann::json::array();
  std::optional<std::string> next_token;  // absent on the last page
};

// `token` from a previous page (empty = first page); throws AwsError{invalid_token_code} for a token we did
// not hand out.
Page page(const nlohmann::json& all, const std::string& token, std::size_t page_size,
          const std::string& invalid_token_code);

}  // namespace albatross::pagination
