// RegisterTargets, DeregisterTargets, DescribeTargetHealth.

#include <algorithm>
#include <arpa/inet.h>

#include "emulator/clock.hpp"
#include "services/ec2/ec2_service.hpp"
#include "services/elbv2/elbv2_attributes.hpp"
#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxTargetsPerGroup = 1000;

std::string target_key(const std::string& group_arn, const std::string& id, int port) {
  return group_arn + "|" + id + "|" + std::to_string(port);
}

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

void check_target(const Json& group, const Json& target) {
  const std::string type = group.value("TargetType", "instance");
  const std::string id = target.at("Id");
  const bool ok = type == "ip"       ? is_ip_address(id)
                  : type == "instance" ? id.starts_with("i-")
                  : type == "lambda"   ? id.starts_with("arn:") && id.find(":lambda:") != std::string::npos
                                       : id.starts_with("arn:") && id.find(":loadbalancer/app/") != std::string::npos;
  if (!ok)
    throw AwsError{"InvalidTargetException", "The target '" + id + "' is not a valid target of type '" + type + "'"};
  if (target.contains("Port") && (target["Port"] < 1 || target["Port"] > 65535))
    throw AwsError{"ValidationError", "Target port must be from 1 to 65535"};
}

// A draining target whose deregistration delay has passed is gone.
bool drained(const Json& target, double now) {
  return target.contains("_DrainUntil") && now >= target["_DrainUntil"].get<double>();
}

Json health(const std::string& state, const std::string& reason, const std::string& description) {
  Json out = {{"State", state}};
  if (!reason.empty()) out["Reason"] = reason;
  if (!description.empty()) out["Description"] = description;
  return out;
}

}  // namespace

Json Elbv2Service::register_targets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_target_group(scope, in.at("TargetGroupArn"));
  std::size_t count = store().children(scope, kTarget, group.id).size();
  for (const auto& target : in.at("Targets")) {
    check_target(group.document, target);
    const int port = target.value("Port", group.document.value("Port", 0));
    const std::string key = target_key(group.id, target["Id"], port);
    Json doc = {{"Id", target["Id"]}, {"Port", port}, {"RegisteredAt", now()}};
    if (target.contains("AvailabilityZone")) {
      doc["AvailabilityZone"] = target["AvailabilityZone"];
    } else if (group.document.value("TargetType", "") == "ip") {
      // An address inside the group's VPC is placed in its subnet's zone, as AWS detects it.
      const std::string zone = ec2().zone_of_address(scope, group.document.value("VpcId", ""), target["Id"]);
      if (!zone.empty()) doc["AvailabilityZone"] = zone;
    }
    const auto existing = store().get(scope, kTarget, key);
    if (existing && !existing->document.contains("_DrainUntil")) continue;  // registering again is a no-op
    if (!existing && ++count > kMaxTargetsPerGroup)
      throw AwsError{"TooManyTargetsException", "You've reached the limit on the number of targets per target group"};
    store().put(scope, {kTarget, key, group.id, "", doc});  // also cancels a drain in progress
  }
  changed();
  return Json::object();
}

Json Elbv2Service::deregister_targets(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_target_group(scope, in.at("TargetGroupArn"));
  const int delay = std::stoi(attribute_value(target_group_attribute_owner(group.document),
                                              group.document.value("_Attributes", AttributeMap{}),
                                              "deregistration_delay.timeout_seconds"));
  for (const auto& target : in.at("Targets")) {
    const int port = target.value("Port", group.document.value("Port", 0));
    auto existing = store().get(scope, kTarget, target_key(group.id, target.at("Id"), port));
    if (!existing || existing->document.contains("_DrainUntil")) continue;
    if (delay == 0) {
      store().remove(scope, kTarget, existing->id);
      continue;
    }
    existing->document["_DrainUntil"] = now() + clock().scaled(delay).count() / 1000.0;
    store().put(scope, *existing);
  }
  changed();
  return Json::object();
}

Json Elbv2Service::describe_target_health(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_target_group(scope, in.at("TargetGroupArn"));
  const bool in_use = !load_balancers_using(scope, group.id).empty();
  const double current = now();
  const std::string check_port = group.document.value("HealthCheckPort", "traffic-port");
  bool with_anomalies = false;
  for (const auto& option : in.value("Include", Json::array()))
    with_anomalies = with_anomalies || option == "AnomalyDetection" || option == "All";
  const std::string protocol = group.document.value("Protocol", "");
  with_anomalies = with_anomalies && (protocol == "HTTP" || protocol == "HTTPS");  // ALB target groups only
  auto describe = [&](const Json& target, const Json& state) {
    Json description = {{"Target", {{"Id", target["Id"]}, {"Port", target["Port"]}}}, {"TargetHealth", state}};
    if (target.contains("AvailabilityZone")) description["Target"]["AvailabilityZone"] = target["AvailabilityZone"];
    description["HealthCheckPort"] =
        check_port == "traffic-port" ? std::to_string(target["Port"].get<int>()) : check_port;
    // No zonal shift or anomaly mitigation exists here: AWS's "nothing going on" values.
    description["AdministrativeOverride"] = {{"State", "no_override"},
                                             {"Reason", "AdministrativeOverride.NoOverride"},
                                             {"Description", "No override is currently active on target"}};
    if (with_anomalies) description["AnomalyDetection"] = {{"Result", "normal"}, {"MitigationInEffect", "no"}};
    return description;
  };
  auto state_of = [&](const Json& target) {
    if (target.contains("_DrainUntil"))
      return health("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress");
    if (!in_use)
      return health("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");
    if (health_source_)
      if (auto reported = health_source_(scope, group.id, target["Id"], target["Port"])) return *reported;
    return health("initial", "Elb.RegistrationInProgress", "Target registration is in progress");
  };
  Json out = Json::array();
  if (in.contains("Targets")) {
    for (const auto& wanted : in["Targets"]) {
      const int port = wanted.value("Port", group.document.value("Port", 0));
      const auto found = store().get(scope, kTarget, target_key(group.id, wanted.at("Id"), port));
      if (!found || drained(found->document, current)) {
        Json target = {{"Id", wanted["Id"]}, {"Port", port}};
        out.push_back(describe(target, health("unused", "Target.NotRegistered", "Target is not registered to the target group")));
      } else {
        out.push_back(describe(found->document, state_of(found->document)));
      }
    }
  } else {
    for (const auto& target : store().children(scope, kTarget, group.id))
      if (!drained(target.document, current)) out.push_back(describe(target.document, state_of(target.document)));
  }
  return {{"TargetHealthDescriptions", out}};
}

}  // namespace albatross::elbv2
