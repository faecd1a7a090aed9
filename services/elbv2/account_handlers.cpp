// DescribeSSLPolicies and DescribeAccountLimits.

#include <algorithm>

#include "services/common/pagination.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/ssl_policies.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

Json policy_json(const SslPolicyInfo& policy) {
  Json ciphers = Json::array();
  for (std::size_t i = 0; i < policy.ciphers.size(); ++i)
    ciphers.push_back({{"Name", policy.ciphers[i]}, {"Priority", static_cast<int>(i + 1)}});
  return {{"SslProtocols", policy.protocols},
          {"Ciphers", ciphers},
          {"Name", policy.name},
          {"SupportedLoadBalancerTypes", Json::array({"application", "network"})}};
}

}  // namespace

Json Elbv2Service::describe_ssl_policies(RequestContext&, const Json& in) {
  Json matching = Json::array();
  if (in.contains("Names")) {
    for (const auto& name : in["Names"]) {
      const auto* policy = find_ssl_policy(name.get<std::string>());
      if (!policy) throw AwsError{"SSLPolicyNotFoundException", "One or more SSL policies not found"};
      Json described = policy_json(*policy);
      if (std::find(matching.begin(), matching.end(), described) == matching.end()) matching.push_back(described);
    }
  } else {
    for (const auto& policy : ssl_policies()) matching.push_back(policy_json(policy));
  }
  const auto page = pagination::page(matching, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"SslPolicies", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

Json Elbv2Service::describe_account_limits(RequestContext&, const Json& in) {
  static const std::pair<const char*, const char*> kLimits[] = {
      {"application-load-balancers", "50"},
      {"target-groups", "3000"},
      {"targets-per-application-load-balancer", "1000"},
      {"listeners-per-application-load-balancer", "50"},
      {"rules-per-application-load-balancer", "100"},
      {"network-load-balancers", "50"},
      {"targets-per-network-load-balancer", "3000"},
      {"targets-per-availability-zone-per-network-load-balancer", "500"},
      {"listeners-per-network-load-balancer", "50"},
      {"condition-values-per-alb-rule", "5"},
      {"condition-wildcards-per-alb-rule", "5"},
      {"target-groups-per-application-load-balancer", "100"},
      {"target-groups-per-action-on-application-load-balancer", "5"},
      {"target-groups-per-action-on-network-load-balancer", "1"},
      {"certificates-per-application-load-balancer", "25"},
      {"certificates-per-network-load-balancer", "25"},
      {"targets-per-target-group", "1000"},
  };
  Json all = Json::array();
  for (const auto& [name, max] : kLimits) all.push_back({{"Name", name}, {"Max", max}});
  const auto page = pagination::page(all, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"Limits", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

}  // namespace albatross::elbv2
