#include "services/ecr/image_reference.hpp"

#include <mutex>
#include <regex>

#include <nlohmann/json.hpp>

#include "emulator/clock.hpp"
#include "services/common/base64.hpp"
#include "services/ecr/registry_token.hpp"

namespace albatross::ecr {
namespace {

std::mutex host_mutex;
std::string host_value;

std::string_view port_of(std::string_view host) {
  const auto colon = host.rfind(':');
  return colon == std::string_view::npos ? std::string_view() : host.substr(colon + 1);
}

bool is_local_host(std::string_view host, std::string_view registry_host) {
  const auto colon = host.rfind(':');
  if (colon == std::string_view::npos || port_of(host) != port_of(registry_host) || port_of(host).empty()) return false;
  const auto name = host.substr(0, colon);
  return name == "localhost" || name == "127.0.0.1";
}

}  // namespace

std::optional<LocalImage> resolve_local_image(std::string_view account_id, std::string_view region,
                                              std::string_view image, std::string_view registry_host) {
  const auto slash = image.find('/');
  if (slash == std::string_view::npos || registry_host.empty()) return std::nullopt;
  const std::string host(image.substr(0, slash));
  std::string rest(image.substr(slash + 1));
  LocalImage local{"", "", std::string(account_id), std::string(region)};
  static const std::regex kAwsHost(R"(([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.amazonaws\.com(?:\.cn)?)");
  std::smatch match;
  if (std::regex_match(host, match, kAwsHost)) {
    local.account_id = match[1];
    local.region = match[2];
  } else if (!is_local_host(host, registry_host)) {
    return std::nullopt;
  }
  // The reference: '@digest' wins, else ':tag' in the last path component, else latest.
  std::string suffix = ":latest";
  if (const auto at = rest.find('@'); at != std::string::npos) {
    suffix = rest.substr(at);
    rest.resize(at);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    suffix = rest.substr(colon);
    rest.resize(colon);
  }
  static const std::regex kRepository(R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)");
  if (rest.size() < 2 || rest.size() > 256 || !std::regex_match(rest, kRepository) || suffix.size() < 2)
    return std::nullopt;
  local.repository = rest;
  local.reference = std::string(registry_host) + "/" + rest + suffix;
  return local;
}

std::string registry_auth_header(const LocalImage& image, std::string_view registry_host, double now) {
  const nlohmann::json auth = {
      {"username", "AWS"},
      {"password", make_registry_password({image.account_id, image.region, now + kTokenLifetimeSeconds})},
      {"serveraddress", std::string(registry_host)}};
  std::string encoded = base64::encode(auth.dump());
  for (char& c : encoded) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return encoded;
}

void set_local_registry_host(std::string host) {
  std::lock_guard lock(host_mutex);
  host_value = std::move(host);
}

std::string local_registry_host() {
  std::lock_guard lock(host_mutex);
  return host_value;
}

std::optional<std::string> local_image_reference(std::string_view account_id, std::string_view region,
                                                 std::string_view image) {
  auto local = resolve_local_image(account_id, region, image, local_registry_host());
  if (!local) return std::nullopt;
  return local->reference;
}

std::optional<std::string> local_image_pull_auth(std::string_view account_id, std::string_view region,
                                                 std::string_view image) {
  const std::string host = local_registry_host();
  auto local = resolve_local_image(account_id, region, image, host);
  if (!local) return std::nullopt;
  return registry_auth_header(*local, host, Clock::now());
}

}  // namespace albatross::ecr
