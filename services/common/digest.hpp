#pragma once
// SHA-256 digests.

#include <string>
#include <string_view>

namespace albatross::digest {

std::string sha256_hex(std::string_view bytes);  // 64 lowercase hex digits

}  // namespace albatross::digest
