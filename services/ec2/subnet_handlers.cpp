// DescribeSubnets, CreateSubnet, DeleteSubnet, ModifySubnetAttribute.
#include "services/ec2/cidr.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/regions.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

constexpr int kMinSubnetPrefix = 16;
constexpr int kMaxSubnetPrefix = 28;

const FilterFields kSubnetFilters = {
    {"availability-zone", "AvailabilityZone"},
    {"availabilityZone", "AvailabilityZone"},
    {"availability-zone-id", "AvailabilityZoneId"},
    {"availabilityZoneId", "AvailabilityZoneId"},
    {"available-ip-address-count", "AvailableIpAddressCount"},
    {"assign-ipv6-address-on-creation", "AssignIpv6AddressOnCreation"},
    {"cidr", "CidrBlock"},
    {"cidr-block", "CidrBlock"},
    {"cidrBlock", "CidrBlock"},
    {"default-for-az", "DefaultForAz"},
    {"defaultForAz", "DefaultForAz"},
    {"enable-dns64", "EnableDns64"},
    {"ipv6-native", "Ipv6Native"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"map-public-ip-on-launch", "MapPublicIpOnLaunch"},
    {"owner-id", "OwnerId"},
    {"state", "State"},
    {"subnet-arn", "SubnetArn"},
    {"subnet-id", "SubnetId"},
    {"vpc-id", "VpcId"},
};

// Boolean attributes of ModifySubnetAttribute: request member -> path in the Subnet shape.
const std::pair<const char*, const char*> kBooleanAttributes[] = {
    {"MapPublicIpOnLaunch", "/MapPublicIpOnLaunch"},
    {"AssignIpv6AddressOnCreation", "/AssignIpv6AddressOnCreation"},
    {"MapCustomerOwnedIpOnLaunch", "/MapCustomerOwnedIpOnLaunch"},
    {"EnableDns64", "/EnableDns64"},
    {"EnableResourceNameDnsARecordOnLaunch", "/PrivateDnsNameOptionsOnLaunch/EnableResourceNameDnsARecord"},
    {"EnableResourceNameDnsAAAARecordOnLaunch", "/PrivateDnsNameOptionsOnLaunch/EnableResourceNameDnsAAAARecord"},
};

std::string zone_list(const std::string& region) {
  std::string out;
  for (int i = 0; i < kZonesPerRegion; ++i) out += (i ? ", " : "") + zone_name(region, i);
  return out;
}

int chosen_zone(Network& net, const Json& in, const std::string& vpc_id) {
  std::optional<int> by_name, by_id;
  if (in.contains("AvailabilityZone")) {
    const std::string name = in["AvailabilityZone"].get<std::string>();
    by_name = zone_index_by_name(net.region(), name);
    if (!by_name)
      throw AwsError{"InvalidParameterValue", "Value (" + name +
                                                  ") for parameter availabilityZone is invalid. Subnets can currently "
                                                  "only be created in the following availability zones: " +
                                                  zone_list(net.region()) + "."};
  }
  if (in.contains("AvailabilityZoneId")) {
    const std::string id = in["AvailabilityZoneId"].get<std::string>();
    by_id = zone_index_by_id(net.region(), id);
    if (!by_id)
      throw AwsError{"InvalidParameterValue", "Value (" + id + ") for parameter availabilityZoneId is invalid."};
  }
  if (by_name && by_id && *by_name != *by_id)
    throw AwsError{"InvalidParameterCombination", "The availability zone and availability zone ID do not match."};
  if (by_name) return *by_name;
  if (by_id) return *by_id;
  // EC2 picks a zone; spread new subnets of a VPC over the zones so two of them suit a load balancer.
  return static_cast<int>(net.children(kSubnetType, vpc_id).size() % kZonesPerRegion);
}

std::string validated_subnet_cidr(Network& net, const Json& in, const storage::Resource& vpc) {
  if (!in.contains("CidrBlock")) throw AwsError{"MissingParameter", "The request must contain the parameter cidrBlock"};
  const std::string text = in["CidrBlock"].get<std::string>();
  const auto cidr = parse_ipv4_cidr(text);
  if (!cidr)
    throw AwsError{"InvalidParameterValue",
                   "Value (" + text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block."};
  bool inside = false;
  for (const auto& association : vpc.document.value("CidrBlockAssociationSet", Json::array()))
    if (const auto block = parse_ipv4_cidr(association.value("CidrBlock", "")); block && contains(*block, *cidr))
      inside = true;
  if (!inside || cidr->prefix < kMinSubnetPrefix || cidr->prefix > kMaxSubnetPrefix)
    throw AwsError{"InvalidSubnet.Range", "The CIDR '" + text + "' is invalid."};
  for (const auto& subnet : net.children(kSubnetType, vpc.id))
    if (const auto other = parse_ipv4_cidr(subnet.document.value("CidrBlock", "")); other && overlaps(*other, *cidr))
      throw AwsError{"InvalidSubnet.Conflict", "The CIDR '" + text + "' conflicts with another subnet"};
  return text;
}

// The subnet's IPv6 association for a requested /64 inside the VPC's IPv6 block; null when none requested.
Json validated_subnet_ipv6(Network& net, const Json& in, const storage::Resource& vpc) {
  if (!in.contains("Ipv6CidrBlock")) return Json();
  const std::string text = in["Ipv6CidrBlock"].get<std::string>();
  const auto cidr = parse_ipv6_cidr(text);
  if (!cidr)
    throw AwsError{"InvalidParameterValue",
                   "Value (" + text + ") for parameter ipv6CidrBlock is invalid. This is not a valid CIDR block."};
  bool inside = false;
  for (const auto& association : vpc.document.value("Ipv6CidrBlockAssociationSet", Json::array()))
    if (const auto block = parse_ipv6_cidr(association.value("Ipv6CidrBlock", "")); block && contains(*block, *cidr))
      inside = true;
  if (!inside || cidr->prefix != 64) throw AwsError{"InvalidSubnet.Range", "The CIDR '" + text + "' is invalid."};
  for (const auto& subnet : net.children(kSubnetType, vpc.id))
    for (const auto& association : subnet.document.value("Ipv6CidrBlockAssociationSet", Json::array()))
      if (const auto other = parse_ipv6_cidr(association.value("Ipv6CidrBlock", "")); other && overlaps(*other, *cidr))
        throw AwsError{"InvalidSubnet.Conflict", "The CIDR '" + text + "' conflicts with another subnet"};
  return {{"AssociationId", new_id("subnet-cidr-assoc")},
          {"Ipv6CidrBlock", text},
          {"Ipv6CidrBlockState", {{"State", "associated"}}}};
}

}  // namespace

Json describe_subnets(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& subnet : select_resources(net, kSubnetType, in.value("SubnetIds", Json())))
    docs.push_back(net.render(subnet));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kSubnetFilters), in, "Subnets");
}

Json create_subnet(Network& net, const Json& in) {
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  const std::string cidr = validated_subnet_cidr(net, in, vpc);
  if (in.value("Ipv6Native", false))
    throw AwsError{"InvalidParameterValue", "IPv6-only subnets are not supported by Albatross; give a CidrBlock"};
  const Json ipv6 = validated_subnet_ipv6(net, in, vpc);
  const int zone = chosen_zone(net, in, vpc.id);
  const Json tags = tags_from_specifications(in, "subnet");
  auto subnet = net.create_subnet(vpc, cidr, zone, false);
  if (!ipv6.is_null()) {
    subnet.document["Ipv6CidrBlockAssociationSet"].push_back(ipv6);
    subnet = net.save(std::move(subnet));
  }
  tag_resource(net, subnet.id, tags);
  return {{"Subnet", net.render(subnet)}};
}

Json delete_subnet(Network& net, const Json& in) {
  const auto subnet = net.require(kSubnetType, in.at("SubnetId").get<std::string>());
  if (net.in_use_elsewhere(subnet.id) || !net.children(kNatGatewayType, subnet.id).empty())
    throw AwsError{"DependencyViolation", "The subnet '" + subnet.id + "' has dependencies and cannot be deleted."};
  for (auto table : net.children(kRouteTableType, subnet.document.value("VpcId", ""))) {
    auto& associations = table.document["Associations"];
    const auto before = associations.size();
    for (auto it = associations.begin(); it != associations.end();)
      it = it->value("SubnetId", "") == subnet.id ? associations.erase(it) : it + 1;
    if (associations.size() != before) net.save(std::move(table));
  }
  net.remove(kSubnetType, subnet.id);
  return Json::object();
}

Json modify_subnet_attribute(Network& net, const Json& in) {
  auto subnet = net.require(kSubnetType, in.at("SubnetId").get<std::string>());
  for (const auto& [member, path] : kBooleanAttributes) {
    const auto it = in.find(member);
    if (it == in.end()) continue;
    if (!it->contains("Value"))
      throw AwsError{"MissingParameter", "The request must contain the parameter " + std::string(member) + ".Value"};
    subnet.document[Json::json_pointer(path)] = (*it)["Value"].get<bool>();
  }
  if (in.contains("PrivateDnsHostnameTypeOnLaunch"))
    subnet.document["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] = in["PrivateDnsHostnameTypeOnLaunch"];
  if (in.contains("CustomerOwnedIpv4Pool")) subnet.document["CustomerOwnedIpv4Pool"] = in["CustomerOwnedIpv4Pool"];
  if (in.contains("EnableLniAtDeviceIndex")) subnet.document["EnableLniAtDeviceIndex"] = in["EnableLniAtDeviceIndex"];
  if (in.contains("DisableLniAtDeviceIndex") && in["DisableLniAtDeviceIndex"].value("Value", false))
    subnet.document.erase("EnableLniAtDeviceIndex");
  net.save(std::move(subnet));
  return Json::object();
}

}  // namespace albatross::ec2::handlers
