#include "services/ecr/registry_token.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "services/common/base64.hpp"
#include "services/common/ids.hpp"

namespace albatross::ecr {

namespace {
constexpr char kTokenType[] = "albatross-ecr-1";
}

std::string make_registry_password(const RegistryCredentials& credentials) {
  const nlohmann::json document = {{"type", kTokenType},
                                   {"account", credentials.account_id},
                                   {"region", credentials.region},
                                   {"expiration", static_cast<long long>(credentials.expires_at)},
                                   {"nonce", ids::random_hex(32)}};
  return base64::encode(document.dump());
}

std::optional<RegistryCredentials> parse_registry_password(std::string_view password) {
  const auto decoded = base64::decode(password);
  if (!decoded) return std::nullopt;
  const auto document = nlohmann::json::parse(*decoded, nullptr, false);
  if (document.is_discarded() || !document.is_object() || document.value("type", "") != kTokenType)
    return std::nullopt;
  const auto account = document.value("account", nlohmann::json());
  const auto region = document.value("region", nlohmann::json());
  const auto expiration = document.value("expiration", nlohmann::json());
  if (!account.is_string() || !region.is_string() || !expiration.is_number()) return std::nullopt;
  return RegistryCredentials{account.get<std::string>(), region.get<std::string>(), expiration.get<double>()};
}

std::string make_authorization_token(const RegistryCredentials& credentials) {
  return base64::encode("AWS:" + make_registry_password(credentials));
}

std::string url_encoded_password(const RegistryCredentials& credentials) {
  std::string out;
  for (char c : make_registry_password(credentials)) {
    if (c == '+') out += "%2B";
    else if (c == '/') out += "%2F";
    else if (c == '=') out += "%3D";
    else out += c;
  }
  return out;
}

std::optional<RegistryCredentials> parse_basic_authorization(std::string_view header_value) {
  constexpr std::string_view kScheme = "Basic ";
  if (header_value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header_value[i])) != std::tolower(static_cast<unsigned char>(kScheme[i])))
      return std::nullopt;
  auto encoded = header_value.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  const auto decoded = base64::decode(encoded);
  if (!decoded || !decoded->starts_with("AWS:")) return std::nullopt;
  return parse_registry_password(std::string_view(*decoded).substr(4));
}

}  // namespace albatross::ecr
