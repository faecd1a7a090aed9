#include "emulator/http_message.hpp"

#include <algorithm>
#include <cctype>

namespace albatross {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

std::string_view HttpRequest::path() const {
  const std::string_view view(target);
  return view.substr(0, view.find('?'));
}

std::string_view HttpRequest::query() const {
  const auto mark = target.find('?');
  return mark == std::string::npos ? std::string_view() : std::string_view(target).substr(mark + 1);
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers)
    if (iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace albatross
