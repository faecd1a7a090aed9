#include "services/ec2/ec2_service.hpp"

#include <string_view>
#include <utility>

#include "emulator/change_feed.hpp"
#include "services/ec2/cidr.hpp"
#include "services/ec2/handlers.hpp"
#include "storage/database.hpp"

namespace albatross::ec2 {
namespace {

using nlohmann::json;
using Operation = json (*)(Network&, const json&);

const std::pair<const char*, Operation> kOperations[] = {
    {"DescribeVpcs", handlers::describe_vpcs},
    {"CreateVpc", handlers::create_vpc},
    {"DeleteVpc", handlers::delete_vpc},
    {"ModifyVpcAttribute", handlers::modify_vpc_attribute},
    {"DescribeVpcAttribute", handlers::describe_vpc_attribute},
    {"DescribeSubnets", handlers::describe_subnets},
    {"CreateSubnet", handlers::create_subnet},
    {"DeleteSubnet", handlers::delete_subnet},
    {"ModifySubnetAttribute", handlers::modify_subnet_attribute},
    {"DescribeSecurityGroups", handlers::describe_security_groups},
    {"CreateSecurityGroup", handlers::create_security_group},
    {"DeleteSecurityGroup", handlers::delete_security_group},
    {"AuthorizeSecurityGroupIngress", handlers::authorize_ingress},
    {"AuthorizeSecurityGroupEgress", handlers::authorize_egress},
    {"RevokeSecurityGroupIngress", handlers::revoke_ingress},
    {"RevokeSecurityGroupEgress", handlers::revoke_egress},
    {"DescribeSecurityGroupRules", handlers::describe_security_group_rules},
    {"CreateTags", handlers::create_tags},
    {"DeleteTags", handlers::delete_tags},
    {"DescribeTags", handlers::describe_tags},
    {"DescribeInternetGateways", handlers::describe_internet_gateways},
    {"CreateInternetGateway", handlers::create_internet_gateway},
    {"AttachInternetGateway", handlers::attach_internet_gateway},
    {"DetachInternetGateway", handlers::detach_internet_gateway},
    {"DeleteInternetGateway", handlers::delete_internet_gateway},
    {"DescribeRouteTables", handlers::describe_route_tables},
    {"CreateRouteTable", handlers::create_route_table},
    {"DeleteRouteTable", handlers::delete_route_table},
    {"CreateRoute", handlers::create_route},
    {"ReplaceRoute", handlers::replace_route},
    {"DeleteRoute", handlers::delete_route},
    {"AssociateRouteTable", handlers::associate_route_table},
    {"DisassociateRouteTable", handlers::disassociate_route_table},
    {"DescribeAvailabilityZones", handlers::describe_availability_zones},
    {"DescribeRegions", handlers::describe_regions},
    {"DescribeAccountAttributes", handlers::describe_account_attributes},
    {"DescribeNetworkInterfaces", handlers::describe_network_interfaces},
    {"AllocateAddress", handlers::allocate_address},
    {"DescribeAddresses", handlers::describe_addresses},
    {"ReleaseAddress", handlers::release_address},
    {"AssociateAddress", handlers::associate_address},
    {"DisassociateAddress", handlers::disassociate_address},
    {"CreateNatGateway", handlers::create_nat_gateway},
    {"DescribeNatGateways", handlers::describe_nat_gateways},
    {"DeleteNatGateway", handlers::delete_nat_gateway},
    {"CreateLaunchTemplate", handlers::create_launch_template},
    {"CreateLaunchTemplateVersion", handlers::create_launch_template_version},
    {"DescribeLaunchTemplates", handlers::describe_launch_templates},
    {"DescribeLaunchTemplateVersions", handlers::describe_launch_template_versions},
    {"ModifyLaunchTemplate", handlers::modify_launch_template},
    {"DeleteLaunchTemplate", handlers::delete_launch_template},
    {"DescribeInstances", handlers::describe_instances},
    {"DescribeImages", handlers::describe_images},
    {"DescribeKeyPairs", handlers::describe_key_pairs},
};

}  // namespace

Ec2Service::Ec2Service(storage::Database& db, ChangeFeed* changes) : db_(db), changes_(changes), store_(db) {}

Network Ec2Service::network(const storage::Scope& scope) {
  Network net(store_, scope, &dependency_checks_);
  net.ensure_defaults();
  return net;
}

std::optional<json> Ec2Service::subnet(const storage::Scope& scope, const std::string& subnet_id) {
  auto net = network(scope);
  const auto found = net.find(kSubnetType, subnet_id);
  if (!found) return std::nullopt;
  return net.render(*found);
}

std::optional<json> Ec2Service::security_group(const storage::Scope& scope, const std::string& group_id) {
  auto net = network(scope);
  const auto found = net.find(kSecurityGroupType, group_id);
  if (!found) return std::nullopt;
  return net.render_group(*found);
}

std::optional<json> Ec2Service::vpc(const storage::Scope& scope, const std::string& vpc_id) {
  auto net = network(scope);
  const auto found = net.find(kVpcType, vpc_id);
  if (!found) return std::nullopt;
  return net.render(*found);
}

std::optional<json> Ec2Service::launch_template(const storage::Scope& scope, const std::string& id,
                                                const std::string& name) {
  auto net = network(scope);
  for (const auto& resource : net.list(kLaunchTemplateType))
    if (id.empty() ? resource.document.value("LaunchTemplateName", "") == name : resource.id == id)
      return resource.document;
  return std::nullopt;
}

json Ec2Service::default_vpc(const storage::Scope& scope) {
  auto net = network(scope);
  const auto found = net.default_vpc();
  return found ? net.render(*found) : json::object();
}

json Ec2Service::default_security_group(const storage::Scope& scope, const std::string& vpc_id) {
  auto net = network(scope);
  const auto found = net.group_by_name(vpc_id, kDefaultGroupName);
  return found ? net.render_group(*found) : json::object();
}

std::string Ec2Service::zone_of_address(const storage::Scope& scope, const std::string& vpc_id,
                                        const std::string& address) {
  const auto host = parse_ipv4_cidr(address + "/32");
  if (!host) return {};
  auto net = network(scope);
  for (const auto& subnet : net.children(kSubnetType, vpc_id)) {
    const auto block = parse_ipv4_cidr(subnet.document.value("CidrBlock", ""));
    if (block && contains(*block, *host)) return subnet.document.value("AvailabilityZone", "");
  }
  return {};
}

void Ec2Service::add_dependency_check(DependencyCheck check) { dependency_checks_.push_back(std::move(check)); }

ServiceDefinition Ec2Service::definition() {
  ServiceDefinition definition;
  definition.model_name = "ec2";
  for (const auto& [name, operation] : kOperations) {
    const bool read_only = std::string_view(name).starts_with("Describe");
    definition.handlers[name] = [this, operation, read_only](RequestContext& ctx, const json& in) -> json {
      if (in.value("DryRun", false))
        throw AwsError{"DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412};
      auto net = network(storage::Scope{ctx.account_id, ctx.region});
      json out = operation(net, in);
      if (changes_ && !read_only) changes_->mark("ec2");
      return out;
    };
  }
  return definition;
}

}  // namespace albatross::ec2
