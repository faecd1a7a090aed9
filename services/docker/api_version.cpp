#include "services/docker/api_version.hpp"

#include <stdexcept>

namespace albatross::docker {
namespace {

// Splits off the next dot-separated number; non-digits end the number.
long next_part(std::string_view& rest) {
  long value = 0;
  std::size_t i = 0;
  for (; i < rest.size() && rest[i] != '.'; ++i)
    if (rest[i] >= '0' && rest[i] <= '9' && value < 1000000) value = value * 10 + (rest[i] - '0');
  rest = i < rest.size() ? rest.substr(i + 1) : std::string_view();
  return value;
}

}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const long x = next_part(a);
    const long y = next_part(b);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::string negotiate_api_version(std::string_view server_api_version, std::string_view client_max) {
  if (server_api_version.empty()) throw std::runtime_error("the Docker daemon did not report its API version");
  if (compare_api_versions(server_api_version, kMinApiVersion) < 0)
    throw std::runtime_error("the Docker daemon speaks API " + std::string(server_api_version) + ", Albatross needs " +
                             std::string(kMinApiVersion) + " or newer");
  return std::string(compare_api_versions(server_api_version, client_max) < 0 ? server_api_version : client_max);
}

}  // namespace albatross::docker
