#include "services/elbv2/elbv2_names.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "services/common/arn.hpp"

namespace albatross::elbv2 {
namespace {

std::string name_problem(std::string_view name, std::string_view what) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.empty() || name.size() > 32)
    return std::string(what) + " name " + quoted + " cannot be longer than '32' characters";
  if (!std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
    return std::string(what) + " name " + quoted + " can only contain characters that are alphanumeric characters or hyphens(-)";
  if (name.front() == '-' || name.back() == '-')
    return std::string(what) + " name " + quoted + " cannot begin or end with a hyphen";
  return {};
}

}  // namespace

std::string load_balancer_name_problem(std::string_view name) {
  std::string problem = name_problem(name, "The load balancer");
  if (problem.empty() && name.starts_with("internal-"))
    problem = "Load balancer name '" + std::string(name) + "' cannot begin with 'internal-'";
  return problem;
}

std::string target_group_name_problem(std::string_view name) {
  std::string problem = name_problem(name, "Target group");
  // AWS reports hyphen misuse in target group names through the name's pattern.
  const bool hyphen_misuse = !name.empty() && (name.front() == '-' || name.back() == '-' ||
                                               name.find("--") != std::string_view::npos);
  if (hyphen_misuse && (problem.empty() || problem.ends_with("hyphen")))
    problem = "1 validation error detected: Value '" + std::string(name) +
              "' at 'targetGroup.targetGroupArn.targetGroupName' failed to satisfy constraint: Member must satisfy "
              "regular expression pattern: (?!.*--)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$";
  return problem;
}

std::string load_balancer_arn(std::string_view region, std::string_view account, std::string_view type,
                              std::string_view name, std::string_view id16) {
  const std::string prefix = type == "network" ? "net" : type == "gateway" ? "gwy" : "app";
  return arn::make("elasticloadbalancing", region, account,
                   "loadbalancer/" + prefix + "/" + std::string(name) + "/" + std::string(id16));
}

std::string listener_arn(std::string_view load_balancer_arn, std::string_view id16) {
  std::string out(load_balancer_arn);
  out.replace(out.find(":loadbalancer/"), 14, ":listener/");
  return out + "/" + std::string(id16);
}

std::string rule_arn(std::string_view listener_arn, std::string_view id16) {
  std::string out(listener_arn);
  out.replace(out.find(":listener/"), 10, ":listener-rule/");
  return out + "/" + std::string(id16);
}

std::string target_group_arn(std::string_view region, std::string_view account, std::string_view name,
                             std::string_view id16) {
  return arn::make("elasticloadbalancing", region, account,
                   "targetgroup/" + std::string(name) + "/" + std::string(id16));
}

std::string load_balancer_dns_name(std::string_view name, bool internal, std::string_view digits,
                                   std::string_view region) {
  return std::string(internal ? "internal-" : "") + std::string(name) + "-" + std::string(digits) + "." +
         std::string(region) + ".elb.localhost";
}

std::string canonical_hosted_zone_id(std::string_view region, bool network) {
  // {region, ALB zone, NLB zone}
  static constexpr std::pair<std::string_view, std::pair<std::string_view, std::string_view>> kZones[] = {
      {"us-east-1", {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"}},      {"us-east-2", {"Z3AADJGX6KTTL2", "ZLMOA37VPKANP"}},
      {"us-west-1", {"Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"}},      {"us-west-2", {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"}},
      {"eu-west-1", {"Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"}},      {"eu-west-2", {"ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"}},
      {"eu-central-1", {"Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"}},   {"ap-south-1", {"ZP97RAFLXTNZK", "ZVDDRBQ08TROA"}},
      {"ap-northeast-1", {"Z14GRHDCWA56QT", "Z31USIVHYNEOWT"}}, {"ap-southeast-1", {"Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"}},
      {"ap-southeast-2", {"Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"}},  {"sa-east-1", {"Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"}},
  };
  for (const auto& [name, zones] : kZones)
    if (name == region) return std::string(network ? zones.second : zones.first);
  return network ? "Z26RNL4JYFTOTI" : "Z35SXDOTRQ7X7K";
}

}  // namespace albatross::elbv2
