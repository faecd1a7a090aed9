#include "services/ec2/resource_types.hpp"

#include "services/ec2/ec2_ids.hpp"

namespace albatross::ec2 {

const ResourceType kVpcType{"vpc", kind::kVpc, "vpc", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed", "vpc ID"};
const ResourceType kSubnetType{
    "subnet", kind::kSubnet, "subnet", "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed", "subnet ID"};
const ResourceType kSecurityGroupType{"sg",
                                      kind::kSecurityGroup,
                                      "security-group",
                                      "InvalidGroup.NotFound",
                                      "InvalidGroupId.Malformed",
                                      "security group"};
const ResourceType kSecurityGroupRuleType{"sgr",
                                          kind::kSecurityGroupRule,
                                          "security-group-rule",
                                          "InvalidSecurityGroupRuleId.NotFound",
                                          "InvalidSecurityGroupRuleId.Malformed",
                                          "security group rule ID"};
const ResourceType kInternetGatewayType{"igw",
                                        kind::kInternetGateway,
                                        "internet-gateway",
                                        "InvalidInternetGatewayID.NotFound",
                                        "InvalidInternetGatewayId.Malformed",
                                        "internetGateway ID"};
const ResourceType kRouteTableType{
    "rtb",          kind::kRouteTable, "route-table", "InvalidRouteTableID.NotFound", "InvalidRouteTableId.Malformed",
    "routeTable ID"};

const ResourceType kAddressType{"eipalloc",          kind::kAddress, "elastic-ip", "InvalidAllocationID.NotFound",
                                "InvalidAllocationID.Malformed", "allocation ID"};
const ResourceType kNatGatewayType{"nat", kind::kNatGateway, "natgateway", "NatGatewayNotFound", "NatGatewayMalformed",
                                   "NAT gateway"};
const ResourceType kLaunchTemplateType{"lt",
                                       kind::kLaunchTemplate,
                                       "launch-template",
                                       "InvalidLaunchTemplateId.NotFound",
                                       "InvalidLaunchTemplateId.Malformed",
                                       "launch template ID"};

namespace {
const ResourceType* const kAll[] = {&kVpcType,          &kSubnetType,          &kSecurityGroupType,
                                    &kSecurityGroupRuleType, &kInternetGatewayType, &kRouteTableType,
                                    &kAddressType,      &kNatGatewayType,      &kLaunchTemplateType};
}  // namespace

const ResourceType* resource_type_of_id(std::string_view id) {
  const auto prefix = id_prefix(id);
  for (const auto* type : kAll)
    if (type->prefix == prefix && has_prefix(id, prefix)) return type;
  return nullptr;
}

std::span<const ResourceType* const> all_resource_types() { return kAll; }

AwsError not_found_error(const ResourceType& type, const std::string& id) {
  // These two word it their own way.
  if (&type == &kNatGatewayType) return AwsError{"NatGatewayNotFound", "NAT gateway " + id + " was not found"};
  if (&type == &kLaunchTemplateType)
    return AwsError{"InvalidLaunchTemplateId.NotFound",
                    "The specified launch template, with template ID " + id + ", does not exist."};
  return AwsError{std::string(type.not_found), "The " + std::string(type.noun) + " '" + id + "' does not exist"};
}

AwsError malformed_error(const ResourceType& type, const std::string& id) {
  if (&type == &kAddressType) return not_found_error(type, id);  // EC2 does not call allocation ids malformed
  std::string message = "Invalid id: \"" + id + "\"";
  if (&type == &kSecurityGroupType) message += " (expecting \"sg-...\")";
  return AwsError{std::string(type.malformed), message};
}

}  // namespace albatross::ec2
