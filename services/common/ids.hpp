#pragma once
// Random identifiers in the shapes AWS uses.

#include <cstddef>
#include <string>

namespace albatross::ids {

std::string uuid4();                        // 8-4-4-4-12 lowercase hex, version 4
std::string random_hex(std::size_t length);  // lowercase hex digits
std::string random_lowercase(std::size_t length);  // a-z
std::string random_digits(std::size_t length);     // 0-9, first digit non-zero

}  // namespace albatross::ids
