// Elastic IP addresses: AllocateAddress, DescribeAddresses, ReleaseAddress, AssociateAddress,
// DisassociateAddress. Addresses come from the documentation ranges (198.51.100.0/24, 203.0.113.0/24): they
// are bookkeeping for templates that replay a network, nothing routes them. Albatross runs no instances and
// creates no network interfaces, so only a NAT gateway ever holds an address.
#include <optional>
#include <random>
#include <set>

#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

constexpr std::size_t kMaxAddressesPerRegion = 5;  // EC2's default quota

const FilterFields kAddressFilters = {
    {"allocation-id", "AllocationId"},
    {"association-id", "AssociationId"},
    {"domain", "Domain"},
    {"network-border-group", "NetworkBorderGroup"},
    {"network-interface-id", "NetworkInterfaceId"},
    {"private-ip-address", "PrivateIpAddress"},
    {"public-ip", "PublicIp"},
    {"instance-id", "InstanceId"},
};

std::string unused_public_ip(const Network& net) {
  std::set<std::string> used;
  for (const auto& address : net.list(kAddressType)) used.insert(address.document.value("PublicIp", ""));
  std::random_device seed;
  std::mt19937 random(seed());
  for (;;) {
    const std::string prefix = random() % 2 ? "198.51.100." : "203.0.113.";
    const std::string ip = prefix + std::to_string(1 + random() % 254);
    if (!used.contains(ip)) return ip;
  }
}

std::optional<storage::Resource> address_by_ip(const Network& net, const std::string& ip) {
  for (const auto& address : net.list(kAddressType))
    if (address.document.value("PublicIp", "") == ip) return address;
  return std::nullopt;
}

// The address named by AllocationId, else PublicIp.
storage::Resource require_address(const Network& net, const Json& in) {
  if (in.contains("AllocationId")) return net.require(kAddressType, in["AllocationId"].get<std::string>());
  if (in.contains("PublicIp")) {
    const std::string ip = in["PublicIp"];
    if (auto found = address_by_ip(net, ip)) return *found;
    throw AwsError{"InvalidAddress.NotFound", "Address '" + ip + "' not found."};
  }
  throw AwsError{"MissingParameter", "Either public IP or allocation id must be specified"};
}

}  // namespace

Json allocate_address(Network& net, const Json& in) {
  if (in.value("Domain", "vpc") != "vpc")
    throw AwsError{"InvalidParameterValue", "Only addresses for use in a VPC (domain 'vpc') can be allocated"};
  if (in.contains("Address") || in.contains("CustomerOwnedIpv4Pool") || in.contains("IpamPoolId"))
    throw AwsError{"InvalidParameterValue", "Only Amazon-provided addresses can be allocated"};
  if (net.list(kAddressType).size() >= kMaxAddressesPerRegion)
    throw AwsError{"AddressLimitExceeded", "The maximum number of addresses has been reached."};
  const Json tags = tags_from_specifications(in, "elastic-ip");
  const std::string id = new_id("eipalloc");
  const Json doc = {{"AllocationId", id},
                    {"PublicIp", unused_public_ip(net)},
                    {"Domain", "vpc"},
                    {"PublicIpv4Pool", "amazon"},
                    {"NetworkBorderGroup", in.value("NetworkBorderGroup", net.region())}};
  net.save(storage::Resource{kind::kAddress, id, "", "", doc});
  tag_resource(net, id, tags);
  Json out = doc;
  if (!tags.empty()) out["Tags"] = tags;
  return out;
}

Json describe_addresses(Network& net, const Json& in) {
  std::vector<storage::Resource> chosen = select_resources(net, kAddressType, in.value("AllocationIds", Json()));
  if (in.contains("PublicIps")) {
    std::vector<storage::Resource> by_ip;
    for (const auto& ip : in["PublicIps"]) {
      const auto found = address_by_ip(net, ip.get<std::string>());
      if (!found) throw AwsError{"InvalidAddress.NotFound", "Address '" + ip.get<std::string>() + "' not found."};
      by_ip.push_back(*found);
    }
    chosen = in.contains("AllocationIds") ? chosen : by_ip;
  }
  Json docs = Json::array();
  for (const auto& address : chosen) docs.push_back(net.render(address));
  return {{"Addresses", filter_documents(docs, in.value("Filters", Json()), kAddressFilters)}};
}

Json release_address(Network& net, const Json& in) {
  const auto address = require_address(net, in);
  if (address.document.contains("AssociationId"))
    throw AwsError{"InvalidIPAddress.InUse", "Address '" + address.document.value("PublicIp", "") + "' is in use."};
  net.remove(kAddressType, address.id);
  return Json::object();
}

Json associate_address(Network& net, const Json& in) {
  require_address(net, in);
  // Nothing here can take an address: there are no instances or network interfaces.
  if (in.contains("InstanceId"))
    throw AwsError{"InvalidInstanceID.NotFound",
                   "The instance ID '" + in["InstanceId"].get<std::string>() + "' does not exist"};
  if (in.contains("NetworkInterfaceId"))
    throw AwsError{"InvalidNetworkInterfaceID.NotFound",
                   "The networkInterface ID '" + in["NetworkInterfaceId"].get<std::string>() + "' does not exist"};
  throw AwsError{"MissingParameter", "Either instance ID or network interface id must be specified"};
}

Json disassociate_address(Network& net, const Json& in) {
  if (in.contains("PublicIp")) {
    const auto address = require_address(net, in);
    if (!address.document.contains("AssociationId"))
      throw AwsError{"InvalidAssociationID.NotFound", "The address '" + address.document.value("PublicIp", "") +
                                                          "' is not associated"};
  }
  const std::string association = in.value("AssociationId", "");
  for (const auto& address : net.list(kAddressType))
    if (!association.empty() && address.document.value("AssociationId", "") == association)
      // Only NAT gateways hold addresses, and EC2 refuses to take an address from one.
      throw AwsError{"InvalidParameterValue",
                     "The address with allocation id [" + address.id + "] may not be disassociated from a NAT gateway"};
  if (association.empty() && !in.contains("PublicIp"))
    throw AwsError{"MissingParameter", "Either public IP or association id must be specified"};
  throw AwsError{"InvalidAssociationID.NotFound", "The association ID '" + association + "' does not exist"};
}

}  // namespace albatross::ec2::handlers
