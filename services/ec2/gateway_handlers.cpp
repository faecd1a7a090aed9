// Internet gateways: DescribeInternetGateways, Create/Attach/Detach/DeleteInternetGateway.
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kGatewayFilters = {
    {"internet-gateway-id", "InternetGatewayId"},
    {"attachment.vpc-id", "Attachments.VpcId"},
    {"attachment.state", "Attachments.State"},
    {"owner-id", "OwnerId"},
};

std::string attached_vpc(const storage::Resource& gateway) {
  for (const auto& attachment : gateway.document.value("Attachments", Json::array()))
    return attachment.value("VpcId", "");
  return {};
}

}  // namespace

Json describe_internet_gateways(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& gateway : select_resources(net, kInternetGatewayType, in.value("InternetGatewayIds", Json())))
    docs.push_back(net.render(gateway));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kGatewayFilters), in, "InternetGateways");
}

Json create_internet_gateway(Network& net, const Json& in) {
  const Json tags = tags_from_specifications(in, "internet-gateway");
  const std::string id = new_id("igw");
  const auto gateway = net.save(
      storage::Resource{kind::kInternetGateway, id, "", "",
                        Json{{"InternetGatewayId", id}, {"OwnerId", net.account()}, {"Attachments", Json::array()}}});
  tag_resource(net, id, tags);
  return {{"InternetGateway", net.render(gateway)}};
}

Json attach_internet_gateway(Network& net, const Json& in) {
  auto gateway = net.require(kInternetGatewayType, in.at("InternetGatewayId").get<std::string>());
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  if (const std::string current = attached_vpc(gateway); !current.empty())
    throw AwsError{"Resource.AlreadyAssociated",
                   "resource " + gateway.id + " is already attached to network " + current};
  if (!net.children(kInternetGatewayType, vpc.id).empty())
    throw AwsError{"InvalidParameterValue", "Network " + vpc.id + " already has an internet gateway attached"};
  gateway.document["Attachments"] = Json::array({{{"State", "available"}, {"VpcId", vpc.id}}});
  gateway.parent = vpc.id;
  net.save(std::move(gateway));
  return Json::object();
}

Json detach_internet_gateway(Network& net, const Json& in) {
  auto gateway = net.require(kInternetGatewayType, in.at("InternetGatewayId").get<std::string>());
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  if (attached_vpc(gateway) != vpc.id)
    throw AwsError{"Gateway.NotAttached", "resource " + gateway.id + " is not attached to network " + vpc.id};
  gateway.document["Attachments"] = Json::array();
  gateway.parent.clear();
  net.save(std::move(gateway));
  // Routes through a detached gateway go nowhere, as in EC2.
  for (auto table : net.children(kRouteTableType, vpc.id)) {
    bool changed = false;
    for (auto& route : table.document["Routes"])
      if (route.value("GatewayId", "") == in["InternetGatewayId"]) {
        route["State"] = "blackhole";
        changed = true;
      }
    if (changed) net.save(std::move(table));
  }
  return Json::object();
}

Json delete_internet_gateway(Network& net, const Json& in) {
  const auto gateway = net.require(kInternetGatewayType, in.at("InternetGatewayId").get<std::string>());
  if (!attached_vpc(gateway).empty())
    throw AwsError{"DependencyViolation",
                   "The internetGateway '" + gateway.id + "' has dependencies and cannot be deleted."};
  net.remove(kInternetGatewayType, gateway.id);
  return Json::object();
}

}  // namespace albatross::ec2::handlers
