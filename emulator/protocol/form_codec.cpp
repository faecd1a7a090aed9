// application/x-www-form-urlencoded decoding.
#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/text_util.hpp"

namespace albatross::protocol {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size())
        throw AwsError{"MalformedQueryString", "Invalid percent-encoding in the request", 400};
      const int h = hex_value(text[i + 1]);
      const int l = hex_value(text[i + 2]);
      if (h < 0 || l < 0) throw AwsError{"MalformedQueryString", "Invalid percent-encoding in the request", 400};
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else {
      out += c;
    }
  }
  if (!is_valid_utf8(out))
    throw AwsError{"MalformedQueryString", "The request contains invalid UTF-8 characters", 400};
  return out;
}

}  // namespace

FormParams parse_form_urlencoded(std::string_view text) {
  FormParams params;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view pair = text.substr(pos, amp - pos);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) params.emplace_back(decode_component(pair), std::string());
      else params.emplace_back(decode_component(pair.substr(0, eq)), decode_component(pair.substr(eq + 1)));
    }
    pos = amp + 1;
  }
  return params;
}

}  // namespace albatross::protocol
