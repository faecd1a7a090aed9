// NAT gateways: CreateNatGateway, DescribeNatGateways, DeleteNatGateway. A public NAT gateway takes an
// Elastic IP (recorded as associated with it) and a private address in its subnet. No traffic flows through
// it: it exists so network templates that create one (and route 0.0.0.0/0 to it) replay unchanged.
#include <cstdint>

#include "emulator/clock.hpp"
#include "services/ec2/cidr.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kNatFilters = {
    {"nat-gateway-id", "NatGatewayId"},
    {"state", "State"},
    {"subnet-id", "SubnetId"},
    {"vpc-id", "VpcId"},
};

// The subnet's next free host address after the four EC2 reserves.
std::string private_address(const Network& net, const storage::Resource& subnet) {
  const auto block = parse_ipv4_cidr(subnet.document.value("CidrBlock", ""));
  if (!block) return {};
  std::uint32_t used = 0;
  for (const auto& gateway : net.list(kNatGatewayType))
    if (gateway.document.value("SubnetId", "") == subnet.id) ++used;
  const std::uint32_t host = block->first() + 4 + used;
  return std::to_string(host >> 24) + "." + std::to_string((host >> 16) & 255) + "." + std::to_string((host >> 8) & 255) +
         "." + std::to_string(host & 255);
}

// Frees the gateway's Elastic IPs (a deleted gateway gives its addresses back).
void release_addresses(Network& net, const Json& gateway) {
  for (const auto& entry : gateway.value("NatGatewayAddresses", Json::array())) {
    const auto address = net.find(kAddressType, entry.value("AllocationId", ""));
    if (!address) continue;
    auto freed = *address;
    for (const char* member : {"AssociationId", "NetworkInterfaceId", "PrivateIpAddress", "NetworkInterfaceOwnerId"})
      freed.document.erase(member);
    net.save(std::move(freed));
  }
}

}  // namespace

Json create_nat_gateway(Network& net, const Json& in) {
  const auto subnet = net.require(kSubnetType, in.at("SubnetId").get<std::string>());
  const std::string connectivity = in.value("ConnectivityType", "public");
  const Json tags = tags_from_specifications(in, "natgateway");
  const std::string id = new_id("nat");
  const std::string interface_id = new_id("eni");
  Json address = {{"NetworkInterfaceId", interface_id},
                  {"PrivateIp", in.value("PrivateIpAddress", private_address(net, subnet))},
                  {"IsPrimary", true},
                  {"Status", "succeeded"}};
  if (connectivity == "public") {
    if (!in.contains("AllocationId"))
      throw AwsError{"MissingParameter", "The request must include the AllocationId parameter for a public NAT gateway"};
    auto eip = net.require(kAddressType, in["AllocationId"].get<std::string>());
    if (eip.document.contains("AssociationId"))
      throw AwsError{"Resource.AlreadyAssociated", "Elastic IP address [" + eip.id + "] is already associated"};
    const std::string association = new_id("eipassoc");
    eip.document["AssociationId"] = association;
    eip.document["NetworkInterfaceId"] = interface_id;
    eip.document["NetworkInterfaceOwnerId"] = net.account();
    eip.document["PrivateIpAddress"] = address["PrivateIp"];
    address["AllocationId"] = eip.id;
    address["PublicIp"] = eip.document["PublicIp"];
    address["AssociationId"] = association;
    net.save(std::move(eip));
  } else if (in.contains("AllocationId")) {
    throw AwsError{"InvalidParameterCombination", "A private NAT gateway cannot have an Elastic IP address"};
  }
  Json doc = {{"CreateTime", Clock::now()},
              {"NatGatewayId", id},
              {"SubnetId", subnet.id},
              {"VpcId", subnet.document.value("VpcId", "")},
              {"State", "available"},
              {"ConnectivityType", connectivity},
              {"NatGatewayAddresses", Json::array({address})}};
  const auto saved = net.save(storage::Resource{kind::kNatGateway, id, subnet.id, "", doc});
  tag_resource(net, id, tags);
  Json out = net.render(saved);
  out["State"] = "pending";  // as EC2 answers CreateNatGateway; Describe shows "available"
  Json answer = {{"NatGateway", out}};
  if (in.contains("ClientToken")) answer["ClientToken"] = in["ClientToken"];
  return answer;
}

Json describe_nat_gateways(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& gateway : select_resources(net, kNatGatewayType, in.value("NatGatewayIds", Json())))
    docs.push_back(net.render(gateway));
  // DescribeNatGateways names its filter list "Filter".
  return paginate(filter_documents(docs, in.value("Filter", Json()), kNatFilters), in, "NatGateways");
}

Json delete_nat_gateway(Network& net, const Json& in) {
  auto gateway = net.require(kNatGatewayType, in.at("NatGatewayId").get<std::string>());
  if (gateway.document.value("State", "") != "deleted") {
    release_addresses(net, gateway.document);
    // Deleted gateways stay visible for a while, as in EC2; they no longer hold their subnet.
    gateway.document["State"] = "deleted";
    gateway.document["DeleteTime"] = Clock::now();
    gateway.parent.clear();
    for (auto table : net.list(kRouteTableType)) {
      bool changed = false;
      for (auto& route : table.document["Routes"])
        if (route.value("NatGatewayId", "") == gateway.id) {
          route["State"] = "blackhole";
          changed = true;
        }
      if (changed) net.save(std::move(table));
    }
    net.save(std::move(gateway));
  }
  return {{"NatGatewayId", in["NatGatewayId"]}};
}

}  // namespace albatross::ec2::handlers
