#include "services/ecr/registry/registry_routes.hpp"

#include <regex>

namespace albatross::ecr {
namespace {

// Splits "<name>/<marker><rest>" at the last occurrence of `marker`.
bool split_at(std::string_view path, std::string_view marker, std::string& name, std::string& rest) {
  const auto at = path.rfind(marker);
  if (at == std::string_view::npos || at == 0) return false;
  name = std::string(path.substr(0, at));
  rest = std::string(path.substr(at + marker.size()));
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<RegistryRoute> parse_registry_path(std::string_view path) {
  if (path == "/v2" || path == "/v2/") return RegistryRoute{RegistryRouteKind::Base, "", ""};
  if (!path.starts_with("/v2/")) return std::nullopt;
  path.remove_prefix(4);
  if (path == "_catalog") return RegistryRoute{RegistryRouteKind::Catalog, "", ""};
  std::string name, rest;
  if (path.ends_with("/tags/list")) {
    name = std::string(path.substr(0, path.size() - 10));
    if (name.empty()) return std::nullopt;
    return RegistryRoute{RegistryRouteKind::Tags, name, ""};
  }
  if (split_at(path, "/blobs/uploads", name, rest)) {
    if (rest.empty() || rest == "/") return RegistryRoute{RegistryRouteKind::UploadStart, name, ""};
    if (rest.front() == '/' && rest.find('/', 1) == std::string::npos)
      return RegistryRoute{RegistryRouteKind::Upload, name, rest.substr(1)};
    return std::nullopt;
  }
  if (split_at(path, "/manifests/", name, rest) && !rest.empty() && rest.find('/') == std::string::npos)
    return RegistryRoute{RegistryRouteKind::Manifest, name, rest};
  if (split_at(path, "/blobs/", name, rest) && !rest.empty() && rest.find('/') == std::string::npos)
    return RegistryRoute{RegistryRouteKind::Blob, name, rest};
  return std::nullopt;
}

bool is_valid_repository_name(std::string_view name) {
  static const std::regex kName(R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)");
  return name.size() >= 2 && name.size() <= 256 && std::regex_match(name.begin(), name.end(), kName);
}

std::string query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (percent_decode(pair.substr(0, equals)) == name)
      return equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace albatross::ecr
