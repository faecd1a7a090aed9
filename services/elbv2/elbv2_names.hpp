#pragma once
// ELBv2 names, ARNs and DNS names. Pure functions.

#include <string>
#include <string_view>

namespace albatross::elbv2 {

// Why a load balancer / target group name is not valid (AWS's wording), or empty when it is.
std::string load_balancer_name_problem(std::string_view name);
std::string target_group_name_problem(std::string_view name);

// arn:…:loadbalancer/app/<name>/<id16> ("net/" for network load balancers).
std::string load_balancer_arn(std::string_view region, std::string_view account, std::string_view type,
                              std::string_view name, std::string_view id16);
// arn:…:listener/app/<name>/<lb-id16>/<id16>, built from the load balancer's ARN.
std::string listener_arn(std::string_view load_balancer_arn, std::string_view id16);
// arn:…:listener-rule/app/<name>/<lb-id16>/<listener-id16>/<id16>, built from the listener's ARN.
std::string rule_arn(std::string_view listener_arn, std::string_view id16);
std::string target_group_arn(std::string_view region, std::string_view account, std::string_view name,
                             std::string_view id16);

// "<name>-<digits>.<region>.elb.localhost" ("internal-" prefix for internal load balancers): curl and browsers
// resolve *.localhost to loopback.
std::string load_balancer_dns_name(std::string_view name, bool internal, std::string_view digits,
                                   std::string_view region);
// Route 53 hosted zone of ALBs in the region (AWS's published per-region constants).
std::string canonical_hosted_zone_id(std::string_view region, bool network);

}  // namespace albatross::elbv2
