#include "services/secretsmanager/secret_names.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "services/common/arn.hpp"
#include "services/service.hpp"

namespace albatross::secretsmanager {
namespace {

constexpr std::size_t kSuffixLength = 6;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const auto next = text.find(separator, at);
    out.push_back(text.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return out;
    at = next + 1;
  }
}

}  // namespace

void check_secret_name(const std::string& name) {
  const bool allowed = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("/_+=.@-!").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (!allowed)
    throw AwsError{"InvalidParameterException",
                   "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: "
                   "-/_+=.@!"};
}

std::string secret_arn(const std::string& region, const std::string& account, const std::string& name,
                       const std::string& suffix) {
  return arn::make("secretsmanager", region, account, "secret:" + name + "-" + suffix);
}

bool secret_id_matches(const std::string& secret_id, const std::string& arn, const std::string& name) {
  if (secret_id == arn || secret_id == name) return true;
  // a partial ARN: everything but "-" and the random suffix
  return secret_id.starts_with("arn:") && arn.size() == secret_id.size() + 1 + kSuffixLength && arn.starts_with(secret_id) &&
         arn[secret_id.size()] == '-';
}

std::optional<SecretValueReference> parse_secret_value_reference(const std::string& value_from) {
  const auto fields = split(value_from, ':');
  // arn, partition, service, region, account, "secret", name, [json-key, version-stage, version-id]
  if (fields.size() < 7 || fields.size() > 10 || fields[0] != "arn" || fields[2] != "secretsmanager" ||
      fields[5] != "secret" || fields[6].empty())
    return std::nullopt;
  SecretValueReference out;
  out.region = fields[3];
  out.account = fields[4];
  for (std::size_t i = 0; i < 7; ++i) out.secret_id += (i ? ":" : "") + fields[i];
  if (fields.size() > 7) out.json_key = fields[7];
  if (fields.size() > 8) out.version_stage = fields[8];
  if (fields.size() > 9) out.version_id = fields[9];
  return out;
}

}  // namespace albatross::secretsmanager
