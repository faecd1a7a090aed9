#include "services/acm/domain_names.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "services/common/digest.hpp"

namespace albatross::acm {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::vector<std::string> certificate_names(const std::string& domain_name, const std::vector<std::string>& sans) {
  std::vector<std::string> names;
  std::vector<std::string> seen;
  auto add = [&](const std::string& name) {
    const std::string key = lowercase(name);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
    seen.push_back(key);
    names.push_back(name);
  };
  add(domain_name);
  for (const auto& name : sans) add(name);
  return names;
}

std::string name_problem(std::string_view name) {
  const auto star = name.find('*');
  if (star == std::string_view::npos) return {};
  if (star != 0 || name.size() < 3 || name[1] != '.' || name.find('*', 1) != std::string_view::npos)
    return "Domain name '" + std::string(name) +
           "' is not valid: a wildcard (*) may only be the whole leftmost label, as in *.example.com.";
  return {};
}

std::string validation_domain(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  return lowercase(name);
}

nlohmann::json dns_validation_record(const std::string& account_id, std::string_view name) {
  const std::string domain = validation_domain(name);
  const std::string name_hash = digest::sha256_hex("record-name:" + account_id + ":" + domain);
  const std::string value_hash = digest::sha256_hex("record-value:" + account_id + ":" + domain);
  std::string letters;
  for (std::size_t i = 32; i < 42; ++i) letters += static_cast<char>('a' + (value_hash[i] % 26));
  return {{"Name", "_" + name_hash.substr(0, 32) + "." + domain + "."},
          {"Type", "CNAME"},
          {"Value", "_" + value_hash.substr(0, 32) + "." + letters + ".acm-validations.aws."}};
}

std::vector<std::string> validation_emails(std::string_view name) {
  const std::string domain = validation_domain(name);
  return {"admin@" + domain, "administrator@" + domain, "hostmaster@" + domain, "postmaster@" + domain,
          "webmaster@" + domain};
}

}  // namespace albatross::acm
