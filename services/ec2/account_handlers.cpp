// Account- and region-wide answers: DescribeAvailabilityZones, DescribeRegions, DescribeAccountAttributes
// (DescribeNetworkInterfaces is in network_interface_handlers.cpp).
#include <set>

#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/regions.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kZoneFilters = {
    {"group-name", "GroupName"},
    {"message", "Messages.Message"},
    {"opt-in-status", "OptInStatus"},
    {"region-name", "RegionName"},
    {"state", "State"},
    {"zone-id", "ZoneId"},
    {"zone-name", "ZoneName"},
    {"zone-type", "ZoneType"},
    {"network-border-group", "NetworkBorderGroup"},
};

const FilterFields kRegionFilters = {
    {"endpoint", "Endpoint"},
    {"opt-in-status", "OptInStatus"},
    {"region-name", "RegionName"},
};

std::set<std::string> string_set(const Json& values) {
  std::set<std::string> out;
  if (values.is_array())
    for (const auto& v : values) out.insert(v.get<std::string>());
  return out;
}

}  // namespace

Json describe_availability_zones(Network& net, const Json& in) {
  const auto names = string_set(in.value("ZoneNames", Json()));
  const auto ids = string_set(in.value("ZoneIds", Json()));
  for (const auto& name : names)
    if (!zone_index_by_name(net.region(), name))
      throw AwsError{"InvalidParameterValue", "Invalid availability zone: [" + name + "]"};
  for (const auto& id : ids)
    if (!zone_index_by_id(net.region(), id))
      throw AwsError{"InvalidParameterValue", "Invalid availability zone ID: [" + id + "]"};
  Json zones = Json::array();
  for (int i = 0; i < kZonesPerRegion; ++i) {
    const std::string name = zone_name(net.region(), i), id = zone_id(net.region(), i);
    if ((!names.empty() || !ids.empty()) && !names.contains(name) && !ids.contains(id)) continue;
    zones.push_back({{"OptInStatus", "opt-in-not-required"},
                     {"Messages", Json::array()},
                     {"RegionName", net.region()},
                     {"ZoneName", name},
                     {"ZoneId", id},
                     {"GroupName", net.region()},
                     {"NetworkBorderGroup", net.region()},
                     {"ZoneType", "availability-zone"},
                     {"State", "available"}});
  }
  return {{"AvailabilityZones", filter_documents(zones, in.value("Filters", Json()), kZoneFilters, false)}};
}

Json describe_regions(Network&, const Json& in) {
  const auto names = string_set(in.value("RegionNames", Json()));
  const auto& regions = known_regions();
  for (const auto& name : names) {
    bool known = false;
    for (const auto& region : regions) known = known || region == name;
    if (!known) throw AwsError{"InvalidParameterValue", "Invalid region: " + name};
  }
  Json out = Json::array();
  for (const auto& region : regions) {
    if (!names.empty() && !names.contains(region)) continue;
    out.push_back({{"OptInStatus", "opt-in-not-required"},
                   {"RegionName", region},
                   {"Endpoint", "ec2." + region + ".amazonaws.com"}});
  }
  return {{"Regions", filter_documents(out, in.value("Filters", Json()), kRegionFilters, false)}};
}

Json describe_account_attributes(Network& net, const Json& in) {
  const auto wanted = string_set(in.value("AttributeNames", Json()));
  const auto vpc = net.default_vpc();
  const std::pair<const char*, std::string> attributes[] = {
      {"supported-platforms", "VPC"}, {"default-vpc", vpc ? vpc->id : "none"},
      {"max-instances", "20"},        {"vpc-max-security-groups-per-interface", "5"},
      {"max-elastic-ips", "5"},       {"vpc-max-elastic-ips", "5"},
  };
  Json out = Json::array();
  for (const auto& [name, value] : attributes) {
    if (!wanted.empty() && !wanted.contains(name)) continue;
    out.push_back({{"AttributeName", name}, {"AttributeValues", Json::array({{{"AttributeValue", value}}})}});
  }
  return {{"AccountAttributes", out}};
}

}  // namespace albatross::ec2::handlers
