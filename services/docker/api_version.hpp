#pragma once
// Docker Engine API version negotiation (pure): speak the daemon's version, capped at the newest we implement.

#include <string>
#include <string_view>

namespace albatross::docker {

// The newest API version this client implements, and the oldest it can work with (Mounts, health status and
// label filters all exist from 1.25).
inline constexpr std::string_view kMaxApiVersion = "1.41";
inline constexpr std::string_view kMinApiVersion = "1.25";

// Compares "1.41"-style versions numerically (1.9 < 1.25). Unparseable parts compare as 0.
int compare_api_versions(std::string_view a, std::string_view b);

// The version to put in request paths: min(server_api_version, client_max). Throws std::runtime_error when the
// server is older than kMinApiVersion or its version is missing.
std::string negotiate_api_version(std::string_view server_api_version,
                                  std::string_view client_max = kMaxApiVersion);

}  // namespace albatross::docker
