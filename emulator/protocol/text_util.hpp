#pragma once
// Small text helpers shared by the protocol codecs.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace albatross::protocol {

bool is_valid_utf8(std::string_view text);

// Length as Java counts it (UTF-16 code units), which AWS length constraints use.
std::size_t utf16_length(std::string_view utf8);

// A double in plain decimal notation, shortest round-trip ("0.5", "1510811361.128", "100").
std::string format_double(double value);

// A JSON scalar as text: strings as is, integers in decimal, doubles via format_double,
// booleans "true"/"false", null "".
std::string scalar_text(const nlohmann::json& value);

}  // namespace albatross::protocol
