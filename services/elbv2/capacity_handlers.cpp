// Load balancer capacity reservations (DescribeCapacityReservation, ModifyCapacityReservation) and IPAM pools
// (ModifyIpPools), kept on the load balancer document. No real capacity is involved: a reservation is
// provisioned at once, split evenly over the load balancer's zones.

#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr int kDecreaseRequestsPerDay = 4;

Json reservation_of(const Json& load_balancer) {
  Json out = {{"DecreaseRequestsRemaining", load_balancer.value("_CapacityDecreasesRemaining", kDecreaseRequestsPerDay)},
              {"CapacityReservationState", Json::array()}};
  if (load_balancer.contains("_CapacityModifiedTime")) out["LastModifiedTime"] = load_balancer["_CapacityModifiedTime"];
  if (!load_balancer.contains("_CapacityUnits")) return out;
  const int units = load_balancer["_CapacityUnits"];
  out["MinimumLoadBalancerCapacity"] = {{"CapacityUnits", units}};
  const Json zones = load_balancer.value("AvailabilityZones", Json::array());
  for (const auto& zone : zones)
    out["CapacityReservationState"].push_back(
        {{"State", {{"Code", "provisioned"}}},
         {"AvailabilityZone", zone.value("ZoneName", "")},
         {"EffectiveCapacityUnits", zones.empty() ? 0.0 : static_cast<double>(units) / zones.size()}});
  return out;
}

}  // namespace

Json Elbv2Service::describe_capacity_reservation(RequestContext& ctx, const Json& in) {
  return reservation_of(require_load_balancer(scope_of(ctx), in.at("LoadBalancerArn")).document);
}

Json Elbv2Service::modify_capacity_reservation(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  Json& doc = resource.document;
  const bool reset = in.value("ResetCapacityReservation", false);
  if (reset == in.contains("MinimumLoadBalancerCapacity"))
    throw AwsError{"ValidationError",
                   "Specify either MinimumLoadBalancerCapacity or ResetCapacityReservation, but not both"};
  int previous = doc.value("_CapacityUnits", 0);
  int wanted = 0;
  if (!reset) {
    wanted = in["MinimumLoadBalancerCapacity"].value("CapacityUnits", 0);
    if (wanted < 1) throw AwsError{"ValidationError", "CapacityUnits must be a positive number"};
  }
  if (wanted < previous) {
    const int remaining = doc.value("_CapacityDecreasesRemaining", kDecreaseRequestsPerDay);
    if (remaining == 0)
      throw AwsError{"CapacityDecreaseRequestsLimitExceededException",
                     "You have reached the limit on the number of capacity decrease requests per day"};
    doc["_CapacityDecreasesRemaining"] = remaining - 1;
  }
  if (reset) doc.erase("_CapacityUnits");
  else doc["_CapacityUnits"] = wanted;
  doc["_CapacityModifiedTime"] = now();
  store().put(scope, resource);
  return reservation_of(doc);
}

Json Elbv2Service::modify_ip_pools(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  Json& doc = resource.document;
  for (const auto& removed : in.value("RemoveIpamPools", Json::array()))
    if (removed == "ipv4") doc.erase("IpamPools");
  if (in.contains("IpamPools")) doc["IpamPools"] = in["IpamPools"];
  store().put(scope, resource);
  return {{"IpamPools", doc.value("IpamPools", Json::object())}};
}

}  // namespace albatross::elbv2
