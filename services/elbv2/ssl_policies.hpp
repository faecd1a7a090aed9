#pragma once
// The predefined ELB security policies: TLS protocol versions and ciphers in preference order (OpenSSL
// names, as DescribeSSLPolicies lists them). The HTTPS data plane configures OpenSSL from these.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::elbv2 {

struct SslPolicyInfo {
  std::string name;
  std::vector<std::string> protocols;  // "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
  std::vector<std::string> ciphers;    // preference order
};

std::span<const SslPolicyInfo> ssl_policies();
const SslPolicyInfo* find_ssl_policy(std::string_view name);

}  // namespace albatross::elbv2
