// DescribeVpcs, CreateVpc, DeleteVpc, ModifyVpcAttribute, DescribeVpcAttribute.
#include "services/common/ids.hpp"
#include "services/ec2/cidr.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

constexpr int kMinVpcPrefix = 16;
constexpr int kMaxVpcPrefix = 28;

const FilterFields kVpcFilters = {
    {"vpc-id", "VpcId"},
    {"cidr", "CidrBlock"},
    {"cidrBlock", "CidrBlock"},
    {"cidr-block-association.cidr-block", "CidrBlockAssociationSet.CidrBlock"},
    {"cidr-block-association.association-id", "CidrBlockAssociationSet.AssociationId"},
    {"cidr-block-association.state", "CidrBlockAssociationSet.CidrBlockState.State"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"dhcp-options-id", "DhcpOptionsId"},
    {"instance-tenancy", "InstanceTenancy"},
    {"is-default", "IsDefault"},
    {"isDefault", "IsDefault"},
    {"owner-id", "OwnerId"},
    {"state", "State"},
};

// The ModifyVpcAttribute / DescribeVpcAttribute attributes: request member, stored name.
constexpr const char* kAttributes[] = {"EnableDnsSupport", "EnableDnsHostnames", "EnableNetworkAddressUsageMetrics"};

Json validated_vpc_cidr(const Json& in) {
  if (!in.contains("CidrBlock")) {
    if (in.contains("Ipv4IpamPoolId"))
      throw AwsError{"InvalidParameterValue", "IPAM pools are not supported by Albatross; give a CidrBlock"};
    throw AwsError{"MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided."};
  }
  const std::string text = in["CidrBlock"].get<std::string>();
  const auto cidr = parse_ipv4_cidr(text);
  if (!cidr)
    throw AwsError{"InvalidParameterValue",
                   "Value (" + text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block."};
  if (cidr->prefix < kMinVpcPrefix || cidr->prefix > kMaxVpcPrefix)
    throw AwsError{"InvalidVpc.Range", "The CIDR '" + text + "' is invalid."};
  return text;
}

std::string hex_group(std::string digits) {
  const auto first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

// An Amazon-provided /56 like EC2's (2600:1f18:XXXX:YY00::/56), with the VPC's and main route table's
// local IPv6 route.
void add_amazon_ipv6_block(Network& net, storage::Resource& vpc) {
  const std::string block =
      "2600:1f18:" + hex_group(ids::random_hex(4)) + ":" + hex_group(ids::random_hex(2) + "00") + "::/56";
  vpc.document["Ipv6CidrBlockAssociationSet"] = Json::array({{{"AssociationId", new_id("vpc-cidr-assoc")},
                                                              {"Ipv6CidrBlock", block},
                                                              {"Ipv6CidrBlockState", {{"State", "associated"}}},
                                                              {"NetworkBorderGroup", net.region()},
                                                              {"Ipv6Pool", "Amazon"}}});
  for (auto table : net.children(kRouteTableType, vpc.id)) {
    table.document["Routes"].push_back({{"DestinationIpv6CidrBlock", block},
                                        {"GatewayId", "local"},
                                        {"Origin", "CreateRouteTable"},
                                        {"State", "active"}});
    net.save(std::move(table));
  }
}

}  // namespace

Json describe_vpcs(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& vpc : select_resources(net, kVpcType, in.value("VpcIds", Json()))) docs.push_back(net.render(vpc));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kVpcFilters), in, "Vpcs");
}

Json create_vpc(Network& net, const Json& in) {
  const std::string cidr = validated_vpc_cidr(in);
  const Json tags = tags_from_specifications(in, "vpc");
  auto vpc = net.create_vpc(cidr, false);
  if (in.contains("InstanceTenancy")) vpc.document["InstanceTenancy"] = in["InstanceTenancy"];
  if (in.value("AmazonProvidedIpv6CidrBlock", false)) add_amazon_ipv6_block(net, vpc);
  vpc = net.save(std::move(vpc));
  tag_resource(net, vpc.id, tags);
  Json out = net.render(vpc);
  out["State"] = "pending";  // as EC2 answers CreateVpc; Describe shows "available"
  return {{"Vpc", out}};
}

Json delete_vpc(Network& net, const Json& in) {
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  const AwsError dependencies{"DependencyViolation",
                              "The vpc '" + vpc.id + "' has dependencies and cannot be deleted."};
  if (!net.children(kSubnetType, vpc.id).empty() || !net.children(kInternetGatewayType, vpc.id).empty() ||
      net.in_use_elsewhere(vpc.id))
    throw dependencies;
  const auto groups = net.children(kSecurityGroupType, vpc.id);
  for (const auto& group : groups)
    if (group.document.value("GroupName", "") != kDefaultGroupName || net.in_use_elsewhere(group.id))
      throw dependencies;
  const auto tables = net.children(kRouteTableType, vpc.id);
  for (const auto& table : tables) {
    bool main = false;
    for (const auto& association : table.document.value("Associations", Json::array()))
      main = main || association.value("Main", false);
    if (!main) throw dependencies;
  }
  for (const auto& group : groups) net.delete_group(group.id);
  for (const auto& table : tables) net.remove(kRouteTableType, table.id);
  net.remove(kVpcType, vpc.id);
  return Json::object();
}

Json modify_vpc_attribute(Network& net, const Json& in) {
  auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  const char* chosen = nullptr;
  for (const char* attribute : kAttributes) {
    if (!in.contains(attribute)) continue;
    if (chosen)
      throw AwsError{"InvalidParameterCombination",
                     "Fields for multiple attribute types specified: " + std::string(chosen) + ", " + attribute};
    chosen = attribute;
  }
  if (!chosen)
    throw AwsError{"MissingParameter",
                   "The request must contain the parameter EnableDnsSupport, "
                   "EnableDnsHostnames or EnableNetworkAddressUsageMetrics"};
  const Json& value = in[chosen];
  if (!value.contains("Value"))
    throw AwsError{"MissingParameter", "The request must contain the parameter " + std::string(chosen) + ".Value"};
  vpc.document["_attributes"][chosen] = value["Value"].get<bool>();
  net.save(std::move(vpc));
  return Json::object();
}

Json describe_vpc_attribute(Network& net, const Json& in) {
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  std::string attribute = in.at("Attribute").get<std::string>();  // enableDnsSupport, ... (the model's enum)
  attribute[0] = static_cast<char>(attribute[0] - 'a' + 'A');
  const Json stored = vpc.document.value("_attributes", Json::object());
  return {{"VpcId", vpc.id}, {attribute, {{"Value", stored.value(attribute, false)}}}};
}

}  // namespace albatross::ec2::handlers
