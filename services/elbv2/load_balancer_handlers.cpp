// CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, SetSecurityGroups, SetSubnets,
// SetIpAddressType.

#include <algorithm>
#include <set>

#include "emulator/clock.hpp"
#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/ec2/ec2_service.hpp"
#include "services/elbv2/elbv2_attributes.hpp"
#include "services/elbv2/elbv2_names.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/elbv2_tags.hpp"
#include "services/elbv2/listener_certificates.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxLoadBalancersPerRegion = 50;
constexpr double kProvisioningSeconds = 3.0;  // before the time scale; real ALBs take minutes

// Subnets (from Subnets or SubnetMappings) -> AvailabilityZones and the VPC they share.
struct Placement {
  Json zones = Json::array();
  std::string vpc_id;
  bool every_subnet_has_ipv6 = true;
};

bool has_ipv6_block(const Json& subnet) {
  for (const auto& association : subnet.value("Ipv6CidrBlockAssociationSet", Json::array()))
    if (association.value("Ipv6CidrBlockState", Json::object()).value("State", "") == "associated") return true;
  return false;
}

Placement place(Elbv2Service& service, const storage::Scope& scope, const Json& in, const std::string& type) {
  std::vector<std::string> subnet_ids;
  for (const auto& id : in.value("Subnets", Json::array())) subnet_ids.push_back(id);
  for (const auto& mapping : in.value("SubnetMappings", Json::array())) subnet_ids.push_back(mapping.at("SubnetId"));
  Placement placement;
  std::set<std::string> zones_seen;
  for (const auto& id : subnet_ids) {
    const auto subnet = service.ec2().subnet(scope, id);
    if (!subnet) throw AwsError{"SubnetNotFoundException", "The subnet ID '" + id + "' is not valid"};
    const std::string vpc = subnet->value("VpcId", "");
    if (!placement.vpc_id.empty() && vpc != placement.vpc_id)
      throw AwsError{"InvalidSubnetException", "The subnets must all be in the same VPC"};
    placement.vpc_id = vpc;
    placement.every_subnet_has_ipv6 = placement.every_subnet_has_ipv6 && has_ipv6_block(*subnet);
    const std::string zone = subnet->value("AvailabilityZone", "");
    if (!zones_seen.insert(zone).second)
      throw AwsError{"InvalidConfigurationRequestException",
                     "A load balancer cannot be attached to multiple subnets in the same Availability Zone"};
    placement.zones.push_back({{"ZoneName", zone}, {"SubnetId", id}, {"LoadBalancerAddresses", Json::array()}});
  }
  if (type == "application" && zones_seen.size() < 2)
    throw AwsError{"ValidationError", "At least two subnets in two different Availability Zones must be specified"};
  if (zones_seen.empty()) throw AwsError{"ValidationError", "At least one subnet must be specified"};
  return placement;
}

Json checked_security_groups(Elbv2Service& service, const storage::Scope& scope, const Json& groups,
                             const std::string& vpc_id) {
  for (const auto& id : groups) {
    const auto group = service.ec2().security_group(scope, id);
    if (!group) throw AwsError{"InvalidSecurityGroupException", "One or more security groups are invalid"};
    if (group->value("VpcId", "") != vpc_id)
      throw AwsError{"InvalidConfigurationRequestException", "Security group '" + id.get<std::string>() +
                                                                 "' does not belong to VPC '" + vpc_id + "'"};
  }
  return groups;
}

// State is derived from the creation time, so it survives restarts without timers.
Json with_current_state(Json document, double now) {
  const double active_at = document.value("_ActiveAt", 0.0);
  document["State"] = {{"Code", now >= active_at ? "active" : "provisioning"}};
  return document;
}

// AWS refuses dual-stack on subnets without an IPv6 block, and dual-stack without public IPv4 where it
// does not apply.
void check_ip_address_type(const std::string& ip_address_type, const Placement& placement, const std::string& type,
                           const std::string& scheme) {
  if (ip_address_type == "ipv4") return;
  if (ip_address_type == "dualstack-without-public-ipv4" && (type != "application" || scheme == "internal"))
    throw AwsError{"InvalidConfigurationRequestException",
                   "dualstack-without-public-ipv4 is only available for internet-facing Application Load Balancers"};
  if (!placement.every_subnet_has_ipv6)
    throw AwsError{"ValidationError", "You must specify subnets with an associated IPv6 CIDR block."};
}

bool same_settings(const Json& existing, const Json& wanted) {
  for (const char* key : {"Scheme", "Type", "IpAddressType", "AvailabilityZones", "SecurityGroups"})
    if (existing.value(key, Json()) != wanted.value(key, Json())) return false;
  return true;
}

}  // namespace

Json Elbv2Service::create_load_balancer(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("Name");
  if (const auto problem = load_balancer_name_problem(name); !problem.empty()) throw AwsError{"ValidationError", problem};
  const std::string type = in.value("Type", "application");
  if (type == "gateway") throw AwsError{"UnsupportedProtocolException", "Gateway load balancers are not supported by Albatross"};
  const std::string scheme = in.value("Scheme", "internet-facing");
  const Placement placement = place(*this, scope, in, type);
  check_ip_address_type(in.value("IpAddressType", "ipv4"), placement, type, scheme);

  Json wanted = {{"LoadBalancerName", name},
                 {"Scheme", scheme},
                 {"VpcId", placement.vpc_id},
                 {"Type", type},
                 {"AvailabilityZones", placement.zones},
                 {"IpAddressType", in.value("IpAddressType", "ipv4")}};
  if (type == "application") {
    Json groups = in.value("SecurityGroups", Json::array());
    if (groups.empty()) groups.push_back(ec2().default_security_group(scope, placement.vpc_id).value("GroupId", ""));
    wanted["SecurityGroups"] = checked_security_groups(*this, scope, groups, placement.vpc_id);
  } else if (in.contains("SecurityGroups")) {
    wanted["SecurityGroups"] = checked_security_groups(*this, scope, in["SecurityGroups"], placement.vpc_id);
  }
  if (const auto existing = store().find_by_name(scope, kLoadBalancer, name)) {
    if (!same_settings(existing->document, wanted))
      throw AwsError{"DuplicateLoadBalancerNameException",
                     "A load balancer with the same name '" + name + "' exists, but with different settings"};
    return {{"LoadBalancers", Json::array({with_current_state(existing->document, now())})}};
  }
  if (store().list(scope, kLoadBalancer).size() >= kMaxLoadBalancersPerRegion)
    throw AwsError{"TooManyLoadBalancersException", "The quota for the number of load balancers has been reached"};

  const double created = now();
  const std::string arn = load_balancer_arn(ctx.region, ctx.account_id, type, name, ids::random_hex(16));
  Json doc = wanted;
  doc["LoadBalancerArn"] = arn;
  doc["DNSName"] = load_balancer_dns_name(name, scheme == "internal", ids::random_digits(10), ctx.region);
  doc["CanonicalHostedZoneId"] = canonical_hosted_zone_id(ctx.region, type == "network");
  doc["CreatedTime"] = created;
  doc["_ActiveAt"] = created + clock().scaled(kProvisioningSeconds).count() / 1000.0;
  doc["_Attributes"] = resource_defaults(doc);
  store().put(scope, {kLoadBalancer, arn, "", name, doc});
  apply_tags(store(), scope, arn, in.value("Tags", Json::array()));
  changed();
  return {{"LoadBalancers", Json::array({with_current_state(doc, created)})}};
}

Json Elbv2Service::describe_load_balancers(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  if (in.contains("LoadBalancerArns") && in.contains("Names"))
    throw AwsError{"ValidationError", "Load balancer names and load balancer ARNs cannot be specified at the same time"};
  Json matching = Json::array();
  const double current = now();
  if (in.contains("LoadBalancerArns")) {
    for (const auto& arn : in["LoadBalancerArns"])
      matching.push_back(with_current_state(require_load_balancer(scope, arn).document, current));
  } else if (in.contains("Names")) {
    for (const auto& name : in["Names"]) {
      const auto found = store().find_by_name(scope, kLoadBalancer, name);
      if (!found)
        throw AwsError{"LoadBalancerNotFoundException", "Load balancers '[" + name.get<std::string>() + "]' not found"};
      matching.push_back(with_current_state(found->document, current));
    }
  } else {
    for (const auto& resource : store().list(scope, kLoadBalancer))
      matching.push_back(with_current_state(resource.document, current));
  }
  const auto page = pagination::page(matching, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"LoadBalancers", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

Json Elbv2Service::delete_load_balancer(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("LoadBalancerArn");
  const auto found = store().get(scope, kLoadBalancer, arn);
  if (!found) return Json::object();  // deleting a missing load balancer succeeds, as on AWS
  if (found->document.value("_Attributes", Json::object()).value("deletion_protection.enabled", "false") == "true")
    throw AwsError{"OperationNotPermittedException",
                   "Load balancer '" + arn + "' cannot be deleted because deletion protection is enabled"};
  std::vector<std::string> certificates;
  for (const auto& listener : store().children(scope, kListener, arn)) {
    for (const auto& certificate : listener_certificate_arns(listener.document)) certificates.push_back(certificate);
    for (const auto& rule : store().children(scope, kRule, listener.id)) store().remove(scope, kRule, rule.id);
    store().remove(scope, kListener, listener.id);
  }
  release_certificates(*this, scope, arn, certificates);
  store().remove(scope, kLoadBalancer, arn);
  changed();
  return Json::object();
}

Json Elbv2Service::set_security_groups(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  resource.document["SecurityGroups"] =
      checked_security_groups(*this, scope, in.at("SecurityGroups"), resource.document.value("VpcId", ""));
  store().put(scope, resource);
  changed();
  return {{"SecurityGroupIds", resource.document["SecurityGroups"]}};
}

Json Elbv2Service::set_subnets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  const Placement placement = place(*this, scope, in, resource.document.value("Type", "application"));
  if (placement.vpc_id != resource.document.value("VpcId", ""))
    throw AwsError{"InvalidSubnetException", "The subnets must be in the load balancer's VPC"};
  const std::string ip_address_type = in.value("IpAddressType", resource.document.value("IpAddressType", "ipv4"));
  check_ip_address_type(ip_address_type, placement, resource.document.value("Type", "application"),
                        resource.document.value("Scheme", ""));
  resource.document["AvailabilityZones"] = placement.zones;
  resource.document["IpAddressType"] = ip_address_type;
  store().put(scope, resource);
  changed();
  return {{"AvailabilityZones", placement.zones}, {"IpAddressType", resource.document["IpAddressType"]}};
}

Json Elbv2Service::set_ip_address_type(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  const std::string type = in.at("IpAddressType");
  const Json& doc = resource.document;
  Placement placement;
  for (const auto& zone : doc.value("AvailabilityZones", Json::array())) {
    const auto subnet = ec2().subnet(scope, zone.value("SubnetId", ""));
    placement.every_subnet_has_ipv6 = placement.every_subnet_has_ipv6 && subnet && has_ipv6_block(*subnet);
  }
  check_ip_address_type(type, placement, doc.value("Type", "application"), doc.value("Scheme", ""));
  resource.document["IpAddressType"] = type;
  store().put(scope, resource);
  changed();
  return {{"IpAddressType", type}};
}

}  // namespace albatross::elbv2
