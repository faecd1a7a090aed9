// Route tables: DescribeRouteTables, Create/DeleteRouteTable, Create/Replace/DeleteRoute,
// Associate/DisassociateRouteTable.
#include "services/ec2/cidr.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kRouteTableFilters = {
    {"route-table-id", "RouteTableId"},
    {"vpc-id", "VpcId"},
    {"owner-id", "OwnerId"},
    {"association.main", "Associations.Main"},
    {"association.subnet-id", "Associations.SubnetId"},
    {"association.gateway-id", "Associations.GatewayId"},
    {"association.route-table-id", "Associations.RouteTableId"},
    {"association.route-table-association-id", "Associations.RouteTableAssociationId"},
    {"route.destination-cidr-block", "Routes.DestinationCidrBlock"},
    {"route.destination-ipv6-cidr-block", "Routes.DestinationIpv6CidrBlock"},
    {"route.destination-prefix-list-id", "Routes.DestinationPrefixListId"},
    {"route.gateway-id", "Routes.GatewayId"},
    {"route.nat-gateway-id", "Routes.NatGatewayId"},
    {"route.origin", "Routes.Origin"},
    {"route.state", "Routes.State"},
};

// Request members naming a route's target; all but VpcEndpointId keep their name in the Route shape.
constexpr const char* kTargets[] = {"GatewayId",
                                    "NatGatewayId",
                                    "NetworkInterfaceId",
                                    "InstanceId",
                                    "VpcPeeringConnectionId",
                                    "TransitGatewayId",
                                    "EgressOnlyInternetGatewayId",
                                    "LocalGatewayId",
                                    "CarrierGatewayId",
                                    "CoreNetworkArn",
                                    "VpcEndpointId"};
constexpr const char* kDestinations[] = {"DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"};

// The destination member and value of a Create/Replace/DeleteRoute request.
std::pair<std::string, std::string> destination(const Json& in) {
  for (const char* member : kDestinations)
    if (in.contains(member)) {
      const std::string value = in[member].get<std::string>();
      const bool valid = std::string_view(member) == "DestinationCidrBlock"       ? parse_ipv4_cidr(value).has_value()
                         : std::string_view(member) == "DestinationIpv6CidrBlock" ? valid_ipv6_cidr(value)
                                                                                  : value.starts_with("pl-");
      if (!valid)
        throw AwsError{"InvalidParameterValue", "Value (" + value + ") for parameter " + member +
                                                    " is invalid. This is not a valid CIDR block."};
      return {member, value};
    }
  throw AwsError{"MissingParameter",
                 "The request must contain the parameter destinationCidrBlock or "
                 "destinationIpv6CidrBlock or destinationPrefixListId"};
}

// The route's target members, checked: an internet gateway must exist and be attached to the table's VPC.
Json route_target(Network& net, const storage::Resource& table, const Json& in) {
  Json target = Json::object();
  for (const char* member : kTargets) {
    if (!in.contains(member)) continue;
    const std::string value = in[member].get<std::string>();
    const std::string name = std::string_view(member) == "VpcEndpointId" ? "GatewayId" : member;
    if (name == "GatewayId" && value.starts_with("igw-")) {
      const auto gateway = net.require(kInternetGatewayType, value);
      if (gateway.parent != table.document.value("VpcId", ""))
        throw AwsError{"InvalidParameterValue",
                       "route table " + table.id + " and network gateway " + value + " belong to different networks"};
    }
    target[name] = value;
  }
  if (target.empty()) throw AwsError{"InvalidParameterCombination", "No route target was specified"};
  if (target.size() > 1)
    throw AwsError{"InvalidParameterCombination", "More than one target was specified for the route"};
  return target;
}

Json::iterator find_route(Json& routes, const std::pair<std::string, std::string>& dest) {
  for (auto it = routes.begin(); it != routes.end(); ++it)
    if (it->value(dest.first, "") == dest.second) return it;
  return routes.end();
}

AwsError no_route(const storage::Resource& table, const std::pair<std::string, std::string>& dest) {
  return AwsError{"InvalidRoute.NotFound",
                  "no route with destination-cidr-block " + dest.second + " in route table " + table.id};
}

}  // namespace

Json describe_route_tables(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& table : select_resources(net, kRouteTableType, in.value("RouteTableIds", Json())))
    docs.push_back(net.render(table));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kRouteTableFilters), in, "RouteTables");
}

Json create_route_table(Network& net, const Json& in) {
  const auto vpc = net.require(kVpcType, in.at("VpcId").get<std::string>());
  const Json tags = tags_from_specifications(in, "route-table");
  const std::string id = new_id("rtb");
  Json routes = Json::array();
  for (const auto& association : vpc.document.value("CidrBlockAssociationSet", Json::array()))
    routes.push_back({{"DestinationCidrBlock", association.value("CidrBlock", "")},
                      {"GatewayId", "local"},
                      {"Origin", "CreateRouteTable"},
                      {"State", "active"}});
  const auto table = net.save(storage::Resource{kind::kRouteTable, id, vpc.id, "",
                                                Json{{"RouteTableId", id},
                                                     {"VpcId", vpc.id},
                                                     {"OwnerId", net.account()},
                                                     {"Routes", routes},
                                                     {"PropagatingVgws", Json::array()},
                                                     {"Associations", Json::array()}}});
  tag_resource(net, id, tags);
  Json out = {{"RouteTable", net.render(table)}};
  if (in.contains("ClientToken")) out["ClientToken"] = in["ClientToken"];
  return out;
}

Json delete_route_table(Network& net, const Json& in) {
  const auto table = net.require(kRouteTableType, in.at("RouteTableId").get<std::string>());
  if (!table.document.value("Associations", Json::array()).empty())
    throw AwsError{"DependencyViolation", "The routeTable '" + table.id + "' has dependencies and cannot be deleted."};
  net.remove(kRouteTableType, table.id);
  return Json::object();
}

Json create_route(Network& net, const Json& in) {
  auto table = net.require(kRouteTableType, in.at("RouteTableId").get<std::string>());
  const auto dest = destination(in);
  Json route = route_target(net, table, in);
  auto& routes = table.document["Routes"];
  if (find_route(routes, dest) != routes.end())
    throw AwsError{"RouteAlreadyExists", "The route identified by " + dest.second + " already exists."};
  route[dest.first] = dest.second;
  route["Origin"] = "CreateRoute";
  route["State"] = "active";
  routes.push_back(std::move(route));
  net.save(std::move(table));
  return {{"Return", true}};
}

Json replace_route(Network& net, const Json& in) {
  auto table = net.require(kRouteTableType, in.at("RouteTableId").get<std::string>());
  const auto dest = destination(in);
  auto& routes = table.document["Routes"];
  const auto it = find_route(routes, dest);
  if (it == routes.end()) throw no_route(table, dest);
  Json route = route_target(net, table, in);
  route[dest.first] = dest.second;
  route["Origin"] = "CreateRoute";
  route["State"] = "active";
  *it = std::move(route);
  net.save(std::move(table));
  return Json::object();
}

Json delete_route(Network& net, const Json& in) {
  auto table = net.require(kRouteTableType, in.at("RouteTableId").get<std::string>());
  const auto dest = destination(in);
  auto& routes = table.document["Routes"];
  const auto it = find_route(routes, dest);
  if (it == routes.end()) throw no_route(table, dest);
  if (it->value("GatewayId", "") == "local")
    throw AwsError{"InvalidParameterValue", "cannot remove local route " + dest.second + " in route table " + table.id};
  routes.erase(it);
  net.save(std::move(table));
  return Json::object();
}

Json associate_route_table(Network& net, const Json& in) {
  auto table = net.require(kRouteTableType, in.at("RouteTableId").get<std::string>());
  if (!in.contains("SubnetId")) throw AwsError{"MissingParameter", "The request must contain the parameter subnetId"};
  const auto subnet = net.require(kSubnetType, in["SubnetId"].get<std::string>());
  if (subnet.document.value("VpcId", "") != table.document.value("VpcId", ""))
    throw AwsError{"InvalidParameterValue",
                   "Route table " + table.id + " and subnet " + subnet.id + " belong to different networks"};
  for (const auto& other : net.children(kRouteTableType, subnet.document.value("VpcId", "")))
    for (const auto& association : other.document.value("Associations", Json::array()))
      if (association.value("SubnetId", "") == subnet.id)
        throw AwsError{"Resource.AlreadyAssociated", "the specified association for route table " + table.id +
                                                         " conflicts with an existing association"};
  const std::string association_id = new_id("rtbassoc");
  const Json state = {{"State", "associated"}};
  table.document["Associations"].push_back({{"Main", false},
                                            {"RouteTableAssociationId", association_id},
                                            {"RouteTableId", table.id},
                                            {"SubnetId", subnet.id},
                                            {"AssociationState", state}});
  net.save(std::move(table));
  return {{"AssociationId", association_id}, {"AssociationState", state}};
}

Json disassociate_route_table(Network& net, const Json& in) {
  const std::string association_id = in.at("AssociationId").get<std::string>();
  for (auto table : net.list(kRouteTableType)) {
    auto& associations = table.document["Associations"];
    for (auto it = associations.begin(); it != associations.end(); ++it) {
      if (it->value("RouteTableAssociationId", "") != association_id) continue;
      if (it->value("Main", false))
        throw AwsError{"InvalidParameterValue",
                       "cannot disassociate the main route table association " + association_id};
      associations.erase(it);
      net.save(std::move(table));
      return Json::object();
    }
  }
  throw AwsError{"InvalidAssociationID.NotFound", "The association ID '" + association_id + "' does not exist"};
}

}  // namespace albatross::ec2::handlers
