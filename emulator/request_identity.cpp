#include "emulator/request_identity.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace albatross {
namespace {

constexpr std::array<ServiceAddress, 12> kServices = {{
    {"acm", "acm", "CertificateManager", "2015-12-08"},
    {"ecs", "ecs", "AmazonEC2ContainerServiceV20141113", "2014-11-13"},
    {"ecr", "ecr", "AmazonEC2ContainerRegistry_V20150921", "2015-09-21"},
    {"logs", "logs", "Logs_20140328", "2014-03-28"},
    {"ssm", "ssm", "AmazonSSM", "2014-11-06"},
    {"secretsmanager", "secretsmanager", "secretsmanager", "2017-10-17"},
    {"application-autoscaling", "application-autoscaling", "AnyScaleFrontendService", "2016-02-06"},
    {"elbv2", "elasticloadbalancing", "", "2015-12-01"},
    {"ec2", "ec2", "", "2016-11-15"},
    {"iam", "iam", "", "2010-05-08"},
    {"sts", "sts", "", "2011-06-15"},
    {"autoscaling", "autoscaling", "", "2011-01-01"},
}};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

const ServiceAddress* by_target_prefix(std::string_view prefix) {
  for (const auto& service : kServices)
    if (!service.target_prefix.empty() && service.target_prefix == prefix) return &service;
  return nullptr;
}

// Query services: the Version names the API; the signing name breaks ties (none today).
const ServiceAddress* by_query_fields(std::string_view version, std::string_view signing_name) {
  const ServiceAddress* by_version = nullptr;
  for (const auto& service : kServices) {
    if (!service.target_prefix.empty()) continue;
    if (!version.empty() && service.api_version == version) {
      if (signing_name.empty() || service.signing_name == signing_name) return &service;
      by_version = &service;
    }
  }
  if (by_version) return by_version;
  if (version.empty())
    for (const auto& service : kServices)
      if (service.target_prefix.empty() && service.signing_name == signing_name) return &service;
  return nullptr;
}

}  // namespace

const ServiceAddress* known_services(std::size_t& count) {
  count = kServices.size();
  return kServices.data();
}

std::optional<CredentialScope> parse_credential_scope(std::string_view text) {
  text = trim(text);
  if (text.starts_with("AWS4-HMAC-SHA256")) {
    const auto at = text.find("Credential=");
    if (at == std::string_view::npos) return std::nullopt;
    text = text.substr(at + 11);
    text = text.substr(0, std::min(text.find(','), text.size()));
    text = trim(text);
  }
  // AKID/date/region/service/aws4_request
  std::array<std::string_view, 5> parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto slash = text.find('/');
    if (i + 1 < parts.size() && slash == std::string_view::npos) return std::nullopt;
    parts[i] = text.substr(0, slash);
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
  }
  if (parts[4] != "aws4_request" || parts[0].empty()) return std::nullopt;
  return CredentialScope{std::string(parts[0]), std::string(parts[2]), std::string(parts[3])};
}

namespace {
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::uint64_t kAccountMask = 0x7fffffffff80ULL;  // bits 7..46 of the key's first 6 bytes
}  // namespace

std::optional<std::string> account_in_temporary_key(std::string_view key) {
  if (key.size() != 20 || !key.starts_with("ASIA")) return std::nullopt;
  std::uint64_t first48 = 0;  // the first 6 decoded bytes, from the first 48 bits (9.6 base32 chars)
  int bits = 0;
  for (const char c : key.substr(4, 10)) {
    const auto value = kBase32.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    first48 = (first48 << 5) | value;
    bits += 5;
  }
  first48 >>= bits - 48;
  std::string account = std::to_string((first48 & kAccountMask) >> 7);
  if (account.size() > 12) return std::nullopt;
  return std::string(12 - account.size(), '0') + account;
}

std::string temporary_key_for_account(const std::string& account_id, std::uint64_t random_bits) {
  // AWS encodes the account in bits 7..46 of a key's first 48 bits (what sts:GetAccessKeyInfo decodes).
  const std::uint64_t first48 = ((std::stoull(account_id) << 7) & kAccountMask) | (random_bits & 0x7f);
  std::string key = "ASIA";
  // 80 bits: first48 followed by 32 random bits, 16 base32 characters.
  const unsigned __int128 all = (static_cast<unsigned __int128>(first48) << 32) | ((random_bits >> 7) & 0xffffffffULL);
  for (int shift = 75; shift >= 0; shift -= 5) key += kBase32[static_cast<std::size_t>((all >> shift) & 31)];
  return key;
}

std::string account_for_access_key(std::string_view access_key_id, const std::string& default_account) {
  const bool twelve_digits = access_key_id.size() == 12 &&
                             std::all_of(access_key_id.begin(), access_key_id.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
  if (twelve_digits) return std::string(access_key_id);
  // Temporary keys (ours from sts:AssumeRole, or AWS's) carry their account.
  return account_in_temporary_key(access_key_id).value_or(default_account);
}

RequestIdentity identify_request(const HttpRequest& request, const FormFields& form,
                                 const std::string& default_account, const std::string& default_region) {
  RequestIdentity identity{"", "", default_account, default_region, false};
  std::optional<CredentialScope> scope = parse_credential_scope(request.header("Authorization"));
  if (!scope) scope = parse_credential_scope(form.credential);
  if (scope) {
    identity.account_id = account_for_access_key(scope->access_key_id, default_account);
    identity.access_key_id = scope->access_key_id;
    if (!scope->region.empty()) identity.region = scope->region;
  }
  const std::string_view target = trim(request.header("X-Amz-Target"));
  if (!target.empty()) {
    identity.json_protocol = true;
    const auto dot = target.rfind('.');
    if (dot == std::string_view::npos) return identity;
    if (const auto* service = by_target_prefix(target.substr(0, dot))) {
      identity.model_name = std::string(service->model_name);
      identity.operation = std::string(target.substr(dot + 1));
    }
    return identity;
  }
  const std::string_view signing_name = scope ? std::string_view(scope->service) : std::string_view();
  if (const auto* service = by_query_fields(form.version, signing_name)) {
    identity.model_name = std::string(service->model_name);
    identity.operation = std::string(form.action);
  }
  return identity;
}

}  // namespace albatross
