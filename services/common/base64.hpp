#pragma once
// Standard base64 (RFC 4648 with padding), as AWS JSON protocols carry blobs.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::base64 {

std::string encode(std::string_view bytes);
// Empty optional when `text` is not valid base64.
std::optional<std::string> decode(std::string_view text);

}  // namespace albatross::base64
