#pragma once
// ACM's rules for the names on a certificate and their validation records. Pure functions.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace albatross::acm {

inline constexpr std::size_t kMaxNamesPerCertificate = 10;  // ACM's default quota, DomainName included
inline constexpr std::size_t kMaxCommonNameLength = 64;     // the first name becomes the subject CN

// DomainName first, then the alternative names, without (case-insensitive) repeats.
std::vector<std::string> certificate_names(const std::string& domain_name, const std::vector<std::string>& sans);

// Why `name` cannot be on a certificate (beyond the model's pattern), or empty when it can:
// a wildcard is only allowed as the whole leftmost label ("*.example.com").
std::string name_problem(std::string_view name);

// The domain a name is validated on: "*.example.com" -> "example.com".
std::string validation_domain(std::string_view name);

// The DNS validation CNAME for a name, stable per account and validation domain (as ACM's are):
// {"Name": "_<32 hex>.<domain>.", "Type": "CNAME", "Value": "_<32 hex>.<10 letters>.acm-validations.aws."}.
nlohmann::json dns_validation_record(const std::string& account_id, std::string_view name);

// The addresses ACM mails for EMAIL validation.
std::vector<std::string> validation_emails(std::string_view name);

}  // namespace albatross::acm
