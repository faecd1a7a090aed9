#pragma once
// What rule matching, redirects and header rewriting need to know about one client request, as plain data
// copied out of the parsed HTTP message by the proxy session. No I/O, no HTTP library types.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::routing {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

using HeaderList = std::vector<Header>;  // arrival order, repeated names kept

struct RequestView {
  std::string method;             // as sent, case preserved
  std::string host;               // first Host header (or absolute-form URL host): port stripped, lower-cased
  std::string path;               // request path without the query, not decoded
  std::string query;              // raw query string: after the first '?', before any '#', without the '?'
  HeaderList headers;             // all request headers, arrival order
  std::string source_ip;          // TCP peer address as text (never X-Forwarded-For)
  std::string listener_protocol;  // HTTP or HTTPS: the scheme the client used
  int listener_port = 0;
};

// The pieces of a request target: origin-form "/a?b" or absolute-form "http://host:8080/a?b".
struct RequestTarget {
  std::string authority;  // absolute-form only: "host:8080"
  std::string path;       // "/" when the target has no path
  std::string query;
};

inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "Example.COM:8080" -> "example.com", "[::1]:80" -> "[::1]": rules compare host names without the port.
inline std::string normalize_host(std::string_view host_header) {
  std::string_view host = host_header;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close != std::string_view::npos) host = host.substr(0, close + 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return ascii_lower(host);
}

inline RequestTarget split_request_target(std::string_view target) {
  RequestTarget out;
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
    target = target.substr(scheme + 3);
    const auto end = target.find_first_of("/?");
    out.authority = std::string(target.substr(0, end));
    target = end == std::string_view::npos ? std::string_view{} : target.substr(end);
  }
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  if (out.path.empty()) out.path = "/";
  return out;
}

}  // namespace albatross::routing
