// DescribeNetworkInterfaces. The only interfaces Albatross has are the ones its NAT gateways own (EC2
// creates a requester-managed interface per NAT gateway); they are derived from the gateways, not stored.
#include <algorithm>

#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kInterfaceFilters = {
    {"network-interface-id", "NetworkInterfaceId"},
    {"subnet-id", "SubnetId"},
    {"vpc-id", "VpcId"},
    {"availability-zone", "AvailabilityZone"},
    {"interface-type", "InterfaceType"},
    {"status", "Status"},
    {"owner-id", "OwnerId"},
    {"description", "Description"},
    {"private-ip-address", "PrivateIpAddress"},
    {"addresses.private-ip-address", "PrivateIpAddresses.PrivateIpAddress"},
    {"association.public-ip", "Association.PublicIp"},
    {"association.allocation-id", "Association.AllocationId"},
    {"association.association-id", "Association.AssociationId"},
    {"requester-managed", "RequesterManaged"},
    {"source-dest-check", "SourceDestCheck"},
};

Json nat_interface(const Network& net, const storage::Resource& gateway) {
  const Json& doc = gateway.document;
  const Json address = doc.value("NatGatewayAddresses", Json::array()).at(0);
  const auto subnet = net.find(kSubnetType, doc.value("SubnetId", ""));
  Json private_ip = {{"Primary", true}, {"PrivateIpAddress", address.value("PrivateIp", "")}};
  Json out = {{"NetworkInterfaceId", address.value("NetworkInterfaceId", "")},
              {"SubnetId", doc.value("SubnetId", "")},
              {"VpcId", doc.value("VpcId", "")},
              {"AvailabilityZone", subnet ? subnet->document.value("AvailabilityZone", "") : std::string()},
              {"Description", "Interface for NAT Gateway " + gateway.id},
              {"InterfaceType", "nat_gateway"},
              {"OwnerId", net.account()},
              {"RequesterId", "amazon"},
              {"RequesterManaged", true},
              {"SourceDestCheck", false},
              {"Status", "in-use"},
              {"Groups", Json::array()},
              {"Ipv6Addresses", Json::array()},
              {"PrivateIpAddress", address.value("PrivateIp", "")}};
  if (address.contains("PublicIp")) {
    const Json association = {{"AllocationId", address.value("AllocationId", "")},
                              {"AssociationId", address.value("AssociationId", "")},
                              {"IpOwnerId", "amazon"},
                              {"PublicIp", address["PublicIp"]}};
    out["Association"] = association;
    private_ip["Association"] = association;
  }
  out["PrivateIpAddresses"] = Json::array({private_ip});
  return out;
}

}  // namespace

Json describe_network_interfaces(Network& net, const Json& in) {
  Json all = Json::array();
  for (const auto& gateway : net.list(kNatGatewayType))
    if (gateway.document.value("State", "") != "deleted") all.push_back(nat_interface(net, gateway));
  if (const auto ids = in.find("NetworkInterfaceIds"); ids != in.end() && ids->is_array() && !ids->empty()) {
    Json chosen = Json::array();
    for (const auto& id : *ids) {
      const auto found = std::find_if(all.begin(), all.end(), [&](const Json& i) { return i["NetworkInterfaceId"] == id; });
      if (found == all.end())
        throw AwsError{"InvalidNetworkInterfaceID.NotFound",
                       "The networkInterface ID '" + id.get<std::string>() + "' does not exist"};
      chosen.push_back(*found);
    }
    all = std::move(chosen);
  }
  return paginate(filter_documents(all, in.value("Filters", Json()), kInterfaceFilters, false), in, "NetworkInterfaces");
}

}  // namespace albatross::ec2::handlers
