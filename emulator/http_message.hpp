#pragma once
// Plain HTTP request/response values passed between the HTTP server and the gateway, so that
// nothing above the server includes Beast.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace albatross {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path plus query string, as sent
  HeaderList headers;
  std::string body;
  std::string peer_address;

  // First value of a header (case-insensitive name), empty when absent.
  std::string_view header(std::string_view name) const;
  std::string_view path() const;   // target before '?'
  std::string_view query() const;  // target after '?', empty when none
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;

  void set_header(std::string name, std::string value);
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace albatross
