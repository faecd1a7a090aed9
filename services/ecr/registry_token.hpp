#pragma once
// The registry password GetAuthorizationToken hands out and the registry accepts: it names the account and
// region whose repositories the caller sees (repositories are per account and region) and when it expires.
// Signatures are not checked anywhere in the emulator, so neither is this token. Pure, no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::ecr {

inline constexpr double kTokenLifetimeSeconds = 12 * 3600.0;  // AWS: 12 hours
inline constexpr double kDownloadUrlLifetimeSeconds = 3600.0;  // GetDownloadUrlForLayer's presigned URLs
// The query parameter of a presigned blob URL that carries a registry password.
inline constexpr char kDownloadTokenParameter[] = "X-Albatross-Token";

struct RegistryCredentials {
  std::string account_id;
  std::string region;
  double expires_at = 0;  // epoch seconds
};

// The password part (after "AWS:"); base64 of a small JSON document, like ECR's own.
std::string make_registry_password(const RegistryCredentials& credentials);
// Empty when the text is not a password we made.
std::optional<RegistryCredentials> parse_registry_password(std::string_view password);
// base64("AWS:<password>"), GetAuthorizationToken's authorizationToken.
std::string make_authorization_token(const RegistryCredentials& credentials);
// The password percent-encoded for a URL query.
std::string url_encoded_password(const RegistryCredentials& credentials);
// The credentials of an "Authorization: Basic ..." header value; empty when absent, malformed, not user AWS,
// or not ours. Expiry is the caller's check.
std::optional<RegistryCredentials> parse_basic_authorization(std::string_view header_value);

}  // namespace albatross::ecr
