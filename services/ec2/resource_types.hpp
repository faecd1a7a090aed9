#pragma once
// The EC2 resource types Albatross keeps, by id prefix: store kind, EC2's resource type name (for
// TagSpecifications and DescribeTags) and EC2's not-found / malformed error codes and wording.

#include <span>
#include <string>
#include <string_view>

#include "services/service.hpp"

namespace albatross::ec2 {

namespace kind {
inline constexpr char kVpc[] = "ec2:vpc";
inline constexpr char kSubnet[] = "ec2:subnet";
inline constexpr char kSecurityGroup[] = "ec2:security-group";
inline constexpr char kSecurityGroupRule[] = "ec2:security-group-rule";
inline constexpr char kInternetGateway[] = "ec2:internet-gateway";
inline constexpr char kRouteTable[] = "ec2:route-table";
inline constexpr char kAddress[] = "ec2:address";
inline constexpr char kNatGateway[] = "ec2:nat-gateway";
inline constexpr char kLaunchTemplate[] = "ec2:launch-template";
inline constexpr char kAccountDefaults[] = "ec2:account-defaults";  // one marker per scope
}  // namespace kind

struct ResourceType {
  std::string_view prefix;     // "vpc"
  std::string_view kind;       // "ec2:vpc"
  std::string_view type_name;  // "vpc", as in TagSpecification.ResourceType and DescribeTags
  std::string_view not_found;  // "InvalidVpcID.NotFound"
  std::string_view malformed;  // "InvalidVpcID.Malformed"
  std::string_view noun;       // "vpc ID" in "The vpc ID 'x' does not exist"
};

extern const ResourceType kVpcType;
extern const ResourceType kSubnetType;
extern const ResourceType kSecurityGroupType;
extern const ResourceType kSecurityGroupRuleType;
extern const ResourceType kInternetGatewayType;
extern const ResourceType kRouteTableType;
extern const ResourceType kAddressType;         // Elastic IP addresses, by allocation id
extern const ResourceType kNatGatewayType;
extern const ResourceType kLaunchTemplateType;

// The type whose ids start with "<prefix>-"; nullptr for ids Albatross does not keep.
const ResourceType* resource_type_of_id(std::string_view id);
// Every type, for DescribeTags.
std::span<const ResourceType* const> all_resource_types();

AwsError not_found_error(const ResourceType& type, const std::string& id);
AwsError malformed_error(const ResourceType& type, const std::string& id);

}  // namespace albatross::ec2
