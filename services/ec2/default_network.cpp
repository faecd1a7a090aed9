// The implicit parts of EC2 networking: every VPC's default security group and main route table, and the
// default VPC of an account and region with one default subnet per availability zone and an internet
// gateway.
#include "services/ec2/cidr.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/network.hpp"
#include "services/ec2/regions.hpp"

namespace albatross::ec2 {
namespace {

using nlohmann::json;

constexpr char kDefaultsId[] = "network";
// The default subnets: 172.31.0.0/20, 172.31.16.0/20, 172.31.32.0/20 in zones a, b, c.
constexpr const char* kDefaultSubnetCidrs[kZonesPerRegion] = {"172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"};
// AWS keeps five addresses of every subnet for itself.
constexpr std::uint64_t kReservedAddresses = 5;

json local_route(const std::string& cidr) {
  return {{"DestinationCidrBlock", cidr}, {"GatewayId", "local"}, {"Origin", "CreateRouteTable"}, {"State", "active"}};
}

}  // namespace

void Network::ensure_defaults() {
  if (store_.get(scope_, kind::kAccountDefaults, kDefaultsId)) return;
  json marker = {{"DhcpOptionsId", new_id("dopt")}};
  save(storage::Resource{kind::kAccountDefaults, kDefaultsId, "", "", marker});

  const auto vpc = create_vpc(kDefaultVpcCidr, true);
  marker["DefaultVpcId"] = vpc.id;
  save(storage::Resource{kind::kAccountDefaults, kDefaultsId, "", "", marker});
  for (int zone = 0; zone < kZonesPerRegion; ++zone) create_subnet(vpc, kDefaultSubnetCidrs[zone], zone, true);

  const std::string igw_id = new_id("igw");
  save(storage::Resource{kind::kInternetGateway, igw_id, vpc.id, "",
                         json{{"InternetGatewayId", igw_id},
                              {"OwnerId", account()},
                              {"Attachments", json::array({{{"State", "available"}, {"VpcId", vpc.id}}})}}});
  for (auto table : children(kRouteTableType, vpc.id)) {
    table.document["Routes"].push_back(
        {{"DestinationCidrBlock", "0.0.0.0/0"}, {"GatewayId", igw_id}, {"Origin", "CreateRoute"}, {"State", "active"}});
    save(std::move(table));
  }
}

std::optional<storage::Resource> Network::default_vpc() const {
  const auto marker = store_.get(scope_, kind::kAccountDefaults, kDefaultsId);
  if (!marker || !marker->document.contains("DefaultVpcId")) return std::nullopt;
  return find(kVpcType, marker->document["DefaultVpcId"].get<std::string>());
}

std::string Network::dhcp_options_id() const {
  const auto marker = store_.get(scope_, kind::kAccountDefaults, kDefaultsId);
  return marker ? marker->document.value("DhcpOptionsId", "") : std::string();
}

storage::Resource Network::create_vpc(const std::string& cidr, bool is_default) {
  const std::string id = new_id("vpc");
  json doc = {
      {"OwnerId", account()},
      {"InstanceTenancy", "default"},
      {"CidrBlockAssociationSet", json::array({{{"AssociationId", new_id("vpc-cidr-assoc")},
                                                {"CidrBlock", cidr},
                                                {"CidrBlockState", {{"State", "associated"}}}}})},
      {"IsDefault", is_default},
      {"BlockPublicAccessStates", {{"InternetGatewayBlockMode", "off"}}},
      {"VpcId", id},
      {"State", "available"},
      {"CidrBlock", cidr},
      {"DhcpOptionsId", dhcp_options_id()},
      {"_attributes",
       {{"EnableDnsSupport", true}, {"EnableDnsHostnames", is_default}, {"EnableNetworkAddressUsageMetrics", false}}}};
  auto vpc = save(storage::Resource{kind::kVpc, id, "", "", doc});

  const auto group = create_group(id, kDefaultGroupName, "default VPC security group");
  RuleSpec self;
  self.protocol = "-1";
  self.group_id = group.id;
  self.user_id = account();
  add_rule(group.id, self);

  const std::string table_id = new_id("rtb");
  save(storage::Resource{kind::kRouteTable, table_id, id, "",
                         json{{"RouteTableId", table_id},
                              {"VpcId", id},
                              {"OwnerId", account()},
                              {"Routes", json::array({local_route(cidr)})},
                              {"PropagatingVgws", json::array()},
                              {"Associations", json::array({{{"Main", true},
                                                             {"RouteTableAssociationId", new_id("rtbassoc")},
                                                             {"RouteTableId", table_id},
                                                             {"AssociationState", {{"State", "associated"}}}}})}}});
  return vpc;
}

storage::Resource Network::create_subnet(const storage::Resource& vpc, const std::string& cidr, int zone_index,
                                         bool default_for_az) {
  const auto block = parse_ipv4_cidr(cidr);
  const std::string id = new_id("subnet");
  json doc = {{"AvailabilityZoneId", zone_id(region(), zone_index)},
              {"MapCustomerOwnedIpOnLaunch", false},
              {"OwnerId", account()},
              {"AssignIpv6AddressOnCreation", false},
              {"Ipv6CidrBlockAssociationSet", json::array()},
              {"SubnetArn", ec2_arn(region(), account(), "subnet", id)},
              {"EnableDns64", false},
              {"Ipv6Native", false},
              {"PrivateDnsNameOptionsOnLaunch",
               {{"HostnameType", "ip-name"},
                {"EnableResourceNameDnsARecord", false},
                {"EnableResourceNameDnsAAAARecord", false}}},
              {"BlockPublicAccessStates", {{"InternetGatewayBlockMode", "off"}}},
              {"SubnetId", id},
              {"State", "available"},
              {"VpcId", vpc.id},
              {"CidrBlock", cidr},
              {"AvailableIpAddressCount", block ? static_cast<long long>(block->size() - kReservedAddresses) : 0},
              {"AvailabilityZone", zone_name(region(), zone_index)},
              {"DefaultForAz", default_for_az},
              {"MapPublicIpOnLaunch", default_for_az}};
  return save(storage::Resource{kind::kSubnet, id, vpc.id, "", doc});
}

}  // namespace albatross::ec2
