// Auto Scaling groups: create/describe/update/delete, desired capacity, instance protection and termination,
// scaling activities, target groups, suspended processes, account limits.
#include <algorithm>
#include <set>

#include "emulator/clock.hpp"
#include "emulator/protocol/timestamp.hpp"
#include "services/common/ids.hpp"
#include "services/ec2/ec2_service.hpp"
#include "services/ec2_autoscaling/auto_scaling_service.hpp"
#include "services/ec2_autoscaling/group_support.hpp"

namespace albatross::ec2_autoscaling {

using Json = nlohmann::json;

namespace {

constexpr std::size_t kMaxGroupsPerRegion = 500;
constexpr char kTargetGroupKind[] = "elbv2:target-group";
const std::set<std::string> kProcesses = {"AZRebalance", "AddToLoadBalancer", "AlarmNotification", "HealthCheck",
                                          "InstanceRefresh", "Launch", "RemoveFromLoadBalancerLowPriority",
                                          "ReplaceUnhealthy", "ScheduledActions", "Terminate"};

std::string now_text() { return protocol::format_iso8601(Clock::now()).substr(0, 19) + "Z"; }

std::string trim(std::string text) {
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

void check_bounds(long long min, long long max, long long desired) {
  if (max < min)
    throw AwsError{"ValidationError", "Max bound, " + std::to_string(max) + ", must be greater than or equal to min bound, " +
                                          std::to_string(min)};
  if (desired < min || desired > max)
    throw AwsError{"ValidationError", "Desired capacity:" + std::to_string(desired) +
                                          " must be between the specified min size:" + std::to_string(min) +
                                          " and max size:" + std::to_string(max)};
}

// The instance type the group launches, from its launch configuration or launch template version.
std::string instance_type_of(const Json& version_data) { return version_data.value("InstanceType", "t2.micro"); }

Json group_tag(const std::string& group, const Json& tag) {
  return {{"ResourceId", group},
          {"ResourceType", "auto-scaling-group"},
          {"Key", tag.at("Key")},
          {"Value", tag.value("Value", "")},
          {"PropagateAtLaunch", tag.value("PropagateAtLaunch", false)}};
}

}  // namespace

// Applies the launch source of `in` (one of LaunchConfigurationName, LaunchTemplate, MixedInstancesPolicy,
// InstanceId) to the group document; `required` when creating.
static void apply_launch_source(storage::ResourceStore& store, ec2::Ec2Service& ec2, const storage::Scope& scope,
                                Json& doc, const Json& in, bool required) {
  const int given = in.contains("LaunchConfigurationName") + in.contains("LaunchTemplate") +
                    in.contains("MixedInstancesPolicy") + in.contains("InstanceId");
  if (given == 0 && !required) return;
  if (given != 1)
    throw AwsError{"ValidationError", "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
                                      "InstanceId or MixedInstancesPolicy parameter."};
  doc.erase("LaunchConfigurationName");
  doc.erase("LaunchTemplate");
  doc.erase("MixedInstancesPolicy");
  if (in.contains("InstanceId"))
    throw AwsError{"ValidationError", "Instance Id not found - No managed instance found for instance ID: " +
                                          in["InstanceId"].get<std::string>()};
  if (in.contains("LaunchConfigurationName")) {
    const std::string name = in["LaunchConfigurationName"];
    const auto config = store.find_by_name(scope, kLaunchConfiguration, name);
    if (!config)
      throw AwsError{"ValidationError", "Launch configuration name not found - Launch configuration " + name + " not found"};
    doc["LaunchConfigurationName"] = name;
    doc["_InstanceType"] = instance_type_of(config->document);
    return;
  }
  const Json spec = in.contains("LaunchTemplate") ? in["LaunchTemplate"]
                                                  : in["MixedInstancesPolicy"].value("LaunchTemplate", Json::object())
                                                        .value("LaunchTemplateSpecification", Json::object());
  const std::string id = spec.value("LaunchTemplateId", "");
  const std::string name = spec.value("LaunchTemplateName", "");
  if (id.empty() == name.empty())
    throw AwsError{"ValidationError", "Valid requests must contain either launchTemplateId or launchTemplateName."};
  const auto tmpl = ec2.launch_template(scope, id, name);
  if (!tmpl)
    throw AwsError{"ValidationError", "You must use a valid fully-formed launch template. The specified launch "
                                      "template, with template " +
                                          (id.empty() ? "name " + name : "ID " + id) + ", does not exist."};
  const std::string version = spec.value("Version", "$Default");
  long long number = 0;
  if (version == "$Latest") number = tmpl->value("LatestVersionNumber", 1LL);
  else if (version == "$Default") number = tmpl->value("DefaultVersionNumber", 1LL);
  else {
    try {
      std::size_t used = 0;
      number = std::stoll(version, &used);
      if (used != version.size()) number = 0;
    } catch (const std::exception&) {
      number = 0;
    }
  }
  Json data;
  for (const auto& entry : tmpl->value("_Versions", Json::array()))
    if (entry.value("VersionNumber", 0LL) == number) data = entry.value("LaunchTemplateData", Json::object());
  if (data.is_null())
    throw AwsError{"ValidationError", "You must use a valid fully-formed launch template. The specified launch "
                                      "template version " + version + " does not exist."};
  doc["_InstanceType"] = instance_type_of(data);
  if (in.contains("LaunchTemplate")) {
    doc["LaunchTemplate"] = {{"LaunchTemplateId", (*tmpl)["LaunchTemplateId"]},
                             {"LaunchTemplateName", (*tmpl)["LaunchTemplateName"]},
                             {"Version", version}};
  } else {
    doc["MixedInstancesPolicy"] = in["MixedInstancesPolicy"];
  }
}

// VPCZoneIdentifier subnets (must exist) or AvailabilityZones (must be in the region) -> the group's zones.
static void apply_placement(ec2::Ec2Service& ec2, const RequestContext& ctx, Json& doc, const Json& in, bool required) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  if (in.contains("VPCZoneIdentifier") && !in["VPCZoneIdentifier"].get<std::string>().empty()) {
    const std::string text = in["VPCZoneIdentifier"];
    Json zones = Json::array();
    Json subnet_zones = Json::object();
    std::string vpc;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      const std::string subnet_id = trim(text.substr(start, comma - start));
      start = comma + 1;
      if (subnet_id.empty()) continue;
      const auto subnet = ec2.subnet(scope, subnet_id);
      if (!subnet) throw AwsError{"ValidationError", "The subnet ID '" + subnet_id + "' does not exist"};
      if (!vpc.empty() && (*subnet)["VpcId"] != vpc)
        throw AwsError{"ValidationError", "The subnet '" + subnet_id + "' and the other subnets of the group are in "
                                          "different VPCs; all subnets of a group must be in one VPC."};
      vpc = (*subnet)["VpcId"];
      const std::string zone = (*subnet)["AvailabilityZone"];
      subnet_zones[subnet_id] = zone;
      if (std::find(zones.begin(), zones.end(), zone) == zones.end()) zones.push_back(zone);
    }
    doc["VPCZoneIdentifier"] = text;
    doc["AvailabilityZones"] = zones;
    doc["_SubnetZones"] = subnet_zones;
    return;
  }
  if (in.contains("AvailabilityZones") && !in["AvailabilityZones"].empty()) {
    for (const auto& zone : in["AvailabilityZones"]) {
      const std::string name = zone;
      if (!name.starts_with(ctx.region) || name.size() != ctx.region.size() + 1)
        throw AwsError{"ValidationError", "The availability zone '" + name + "' is not legal"};
    }
    doc["AvailabilityZones"] = in["AvailabilityZones"];
    doc.erase("VPCZoneIdentifier");
    doc.erase("_SubnetZones");
    return;
  }
  if (required) throw AwsError{"ValidationError", "At least one Availability Zone or VPC Subnet is required."};
}

static void check_target_groups(storage::ResourceStore& store, const storage::Scope& scope, const Json& arns) {
  for (const auto& arn : arns)
    if (!store.get(scope, kTargetGroupKind, arn.get<std::string>()))
      throw AwsError{"ValidationError", "Provided Target Groups may not be valid. Please ensure they exist and try again."};
}

static Json traffic_sources(const Json& target_groups) {
  Json sources = Json::array();
  for (const auto& arn : target_groups) sources.push_back({{"Identifier", arn}, {"Type", "elbv2"}});
  return sources;
}

Json AutoScalingService::create_group(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const std::string name = in.at("AutoScalingGroupName");
  if (store_.find_by_name(scope, kGroup, name))
    throw AwsError{"AlreadyExistsFault", "AutoScalingGroup by this name already exists - A group with the name " + name +
                                             " already exists"};
  if (store_.list(scope, kGroup).size() >= kMaxGroupsPerRegion)
    throw AwsError{"LimitExceededFault", "You have reached your limit of " + std::to_string(kMaxGroupsPerRegion) +
                                             " Auto Scaling groups."};
  const long long min = in.at("MinSize"), max = in.at("MaxSize");
  const long long desired = in.value("DesiredCapacity", min);
  check_bounds(min, max, desired);

  const std::string arn = resource_arn(ctx, "autoScalingGroup", name);
  Json doc = {{"AutoScalingGroupName", name},
              {"AutoScalingGroupARN", arn},
              {"MinSize", min},
              {"MaxSize", max},
              {"DesiredCapacity", desired},
              {"DefaultCooldown", in.value("DefaultCooldown", 300)},
              {"LoadBalancerNames", in.value("LoadBalancerNames", Json::array())},
              {"TargetGroupARNs", in.value("TargetGroupARNs", Json::array())},
              {"HealthCheckType", in.value("HealthCheckType", "EC2")},
              {"HealthCheckGracePeriod", in.value("HealthCheckGracePeriod", 0)},
              {"Instances", Json::array()},
              {"CreatedTime", Clock::now()},
              {"SuspendedProcesses", Json::array()},
              {"EnabledMetrics", Json::array()},
              {"Tags", Json::array()},
              {"TerminationPolicies", in.value("TerminationPolicies", Json::array({"Default"}))},
              {"NewInstancesProtectedFromScaleIn", in.value("NewInstancesProtectedFromScaleIn", false)},
              {"ServiceLinkedRoleARN",
               in.value("ServiceLinkedRoleARN",
                        "arn:" + arn.substr(4, arn.find(':', 4) - 4) + ":iam::" + ctx.account_id +
                            ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")},
              {"CapacityRebalance", in.value("CapacityRebalance", false)},
              {"_Activities", Json::array()}};
  for (const char* optional : {"MaxInstanceLifetime", "DefaultInstanceWarmup", "Context", "PlacementGroup",
                               "DesiredCapacityType", "InstanceMaintenancePolicy", "AvailabilityZoneDistribution",
                               "CapacityReservationSpecification"})
    if (in.contains(optional)) doc[optional] = in[optional];
  apply_launch_source(store_, ec2_, scope, doc, in, true);
  apply_placement(ec2_, ctx, doc, in, true);
  check_target_groups(store_, scope, doc["TargetGroupARNs"]);
  doc["TrafficSources"] = traffic_sources(doc["TargetGroupARNs"]);
  for (const auto& tag : in.value("Tags", Json::array())) doc["Tags"].push_back(group_tag(name, tag));
  if (doc["Tags"].size() > 50)
    throw AwsError{"LimitExceededFault", "The number of tags for the Auto Scaling group " + name +
                                             " exceeds the limit of 50."};

  if (!in.contains("ServiceLinkedRoleARN") && ensure_linked_role_) ensure_linked_role_(ctx, "autoscaling.amazonaws.com");
  storage::Resource group{kGroup, arn, "", name, std::move(doc)};
  reconcile_instances(group, "At " + now_text() + " a user request created an AutoScalingGroup changing the desired "
                                                  "capacity from 0 to " + std::to_string(desired) + ".");
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::describe_groups(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const Json names = in.value("AutoScalingGroupNames", Json::array());
  const Json filters = in.value("Filters", Json::array());
  Json all = Json::array();
  for (const auto& group : store_.list(scope, kGroup)) {
    if (!names.empty() && std::find(names.begin(), names.end(), group.name) == names.end()) continue;
    bool keep = true;
    for (const auto& filter : filters) {
      const std::string filter_name = filter.value("Name", "");
      const Json values = filter.value("Values", Json::array());
      bool any = false;
      for (const auto& tag : group.document["Tags"]) {
        const bool key_ok = filter_name == "tag-key" ? std::find(values.begin(), values.end(), tag["Key"]) != values.end()
                            : filter_name == "tag-value" ? std::find(values.begin(), values.end(), tag["Value"]) != values.end()
                            : filter_name.starts_with("tag:") && tag["Key"] == filter_name.substr(4) &&
                                  std::find(values.begin(), values.end(), tag["Value"]) != values.end();
        any = any || key_ok;
      }
      if (!filter_name.starts_with("tag"))
        throw AwsError{"ValidationError", "Filter type " + filter_name + " is not correct. Allowed Filter types are: "
                                          "tag-key, tag-value, tag:<key>."};
      keep = keep && any;
    }
    if (keep) all.push_back(storage::public_view(group.document));
  }
  return records_page(all, in, "AutoScalingGroups");
}

Json AutoScalingService::update_group(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  Json& doc = group.document;
  const long long before = doc["DesiredCapacity"];
  const long long min = in.value("MinSize", doc["MinSize"].get<long long>());
  const long long max = in.value("MaxSize", doc["MaxSize"].get<long long>());
  long long desired = before;
  if (in.contains("DesiredCapacity")) desired = in["DesiredCapacity"];
  else desired = std::clamp(desired, std::min(min, max), std::max(min, max));  // AWS moves it inside new bounds
  check_bounds(min, max, desired);
  doc["MinSize"] = min;
  doc["MaxSize"] = max;
  doc["DesiredCapacity"] = desired;
  for (const char* field : {"DefaultCooldown", "HealthCheckType", "HealthCheckGracePeriod", "TerminationPolicies",
                            "NewInstancesProtectedFromScaleIn", "ServiceLinkedRoleARN", "CapacityRebalance",
                            "MaxInstanceLifetime", "DefaultInstanceWarmup", "Context", "PlacementGroup",
                            "DesiredCapacityType", "InstanceMaintenancePolicy", "AvailabilityZoneDistribution",
                            "CapacityReservationSpecification"})
    if (in.contains(field)) doc[field] = in[field];
  apply_launch_source(store_, ec2_, scope, doc, in, false);
  apply_placement(ec2_, ctx, doc, in, false);
  reconcile_instances(group, "At " + now_text() + " a user request update of AutoScalingGroup constraints to min: " +
                                 std::to_string(min) + ", max: " + std::to_string(max) + ", desired: " +
                                 std::to_string(desired) + " changing the desired capacity from " +
                                 std::to_string(before) + " to " + std::to_string(desired) + ".");
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::delete_group(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const auto group = require_group(scope, in.at("AutoScalingGroupName"));
  if (!in.value("ForceDelete", false) && !group.document["Instances"].empty())
    throw AwsError{"ResourceInUseFault", "You cannot delete an AutoScalingGroup while there are instances or pending "
                                         "Spot instance request(s) still in the group."};
  store_.remove(scope, kGroup, group.id);
  return Json::object();
}

Json AutoScalingService::set_desired_capacity(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  Json& doc = group.document;
  const long long desired = in.at("DesiredCapacity"), before = doc["DesiredCapacity"];
  if (desired > doc["MaxSize"].get<long long>())
    throw AwsError{"ValidationError", "New SetDesiredCapacity value " + std::to_string(desired) + " is above max value " +
                                          std::to_string(doc["MaxSize"].get<long long>()) + " for the AutoScalingGroup."};
  if (desired < doc["MinSize"].get<long long>())
    throw AwsError{"ValidationError", "New SetDesiredCapacity value " + std::to_string(desired) + " is below min value " +
                                          std::to_string(doc["MinSize"].get<long long>()) + " for the AutoScalingGroup."};
  doc["DesiredCapacity"] = desired;
  reconcile_instances(group, "At " + now_text() + " a user request explicitly set group desired capacity changing the "
                                                  "desired capacity from " + std::to_string(before) + " to " +
                                                  std::to_string(desired) + ".");
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::set_instance_protection(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  for (const auto& id : in.at("InstanceIds")) {
    auto& instances = group.document["Instances"];
    const auto found = std::find_if(instances.begin(), instances.end(), [&](const Json& i) { return i["InstanceId"] == id; });
    if (found == instances.end())
      throw AwsError{"ValidationError", "The instance " + id.get<std::string>() + " is not part of Auto Scaling group " +
                                            group.name + "."};
    (*found)["ProtectedFromScaleIn"] = in.at("ProtectedFromScaleIn");
  }
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::terminate_instance(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const std::string id = in.at("InstanceId");
  for (auto group : store_.list(scope, kGroup)) {
    Json& doc = group.document;
    auto& instances = doc["Instances"];
    const auto found = std::find_if(instances.begin(), instances.end(), [&](const Json& i) { return i["InstanceId"] == id; });
    if (found == instances.end()) continue;
    const long long before = doc["DesiredCapacity"];
    const bool decrement = in.at("ShouldDecrementDesiredCapacity");
    if (decrement && before <= doc["MinSize"].get<long long>())
      throw AwsError{"ValidationError", "Currently, desiredSize equals minSize (" + std::to_string(before) +
                                            "). Terminating instance without replacement will violate group's min size "
                                            "constraint. Either set shouldDecrementDesiredCapacity flag to false or "
                                            "lower group's min size."};
    const std::string zone = found->value("AvailabilityZone", "");
    instances.erase(found);
    const std::string when = now_text();
    std::string cause = "At " + when + " instance " + id + " was taken out of service in response to a user request";
    if (decrement) {
      doc["DesiredCapacity"] = before - 1;
      cause += ", shrinking the capacity from " + std::to_string(before) + " to " + std::to_string(before - 1) + ".";
    } else {
      cause += ".";
    }
    Json activity = {{"ActivityId", ids::uuid4()},
                     {"AutoScalingGroupName", group.name},
                     {"AutoScalingGroupARN", doc["AutoScalingGroupARN"]},
                     {"Description", "Terminating EC2 instance: " + id},
                     {"Cause", cause},
                     {"StartTime", Clock::now()},
                     {"StatusCode", "InProgress"},
                     {"Progress", 0},
                     {"Details", Json{{"Availability Zone", zone}}.dump()}};
    doc["_Activities"].push_back(activity);
    if (!decrement)
      reconcile_instances(group, "At " + when + " an instance was taken out of service in response to a user request.");
    store_.put(scope, std::move(group));
    return {{"Activity", activity}};
  }
  throw AwsError{"ValidationError", "Instance Id not found - No managed instance found for instance ID: " + id};
}

Json AutoScalingService::describe_instances(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const Json ids = in.value("InstanceIds", Json::array());
  Json all = Json::array();
  for (const auto& group : store_.list(scope, kGroup))
    for (const auto& instance : group.document["Instances"]) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), instance["InstanceId"]) == ids.end()) continue;
      Json detail = instance;
      detail["AutoScalingGroupName"] = group.name;
      detail["HealthStatus"] = "HEALTHY";  // this API spells it in capitals, the group's Instances do not
      all.push_back(detail);
    }
  return records_page(all, in, "AutoScalingInstances");
}

Json AutoScalingService::describe_activities(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const std::string name = in.value("AutoScalingGroupName", "");
  const Json ids = in.value("ActivityIds", Json::array());
  Json all = Json::array();
  for (const auto& group : store_.list(scope, kGroup)) {
    if (!name.empty() && group.name != name) continue;
    const Json& activities = group.document["_Activities"];
    for (auto it = activities.rbegin(); it != activities.rend(); ++it)  // newest first
      if (ids.empty() || std::find(ids.begin(), ids.end(), (*it)["ActivityId"]) != ids.end()) all.push_back(*it);
  }
  return records_page(all, in, "Activities", 100);
}

Json AutoScalingService::attach_target_groups(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  check_target_groups(store_, scope, in.at("TargetGroupARNs"));
  Json& arns = group.document["TargetGroupARNs"];
  for (const auto& arn : in["TargetGroupARNs"])
    if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(arn);
  group.document["TrafficSources"] = traffic_sources(arns);
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::detach_target_groups(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  Json kept = Json::array();
  const Json& removed = in.at("TargetGroupARNs");
  for (const auto& arn : group.document["TargetGroupARNs"])
    if (std::find(removed.begin(), removed.end(), arn) == removed.end()) kept.push_back(arn);
  group.document["TargetGroupARNs"] = kept;
  group.document["TrafficSources"] = traffic_sources(kept);
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::describe_target_groups(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const auto group = require_group(scope, in.at("AutoScalingGroupName"));
  Json all = Json::array();
  // The instances are records, never registered in the target groups, so the attachment stays "Added".
  for (const auto& arn : group.document["TargetGroupARNs"])
    all.push_back({{"LoadBalancerTargetGroupARN", arn}, {"State", "Added"}});
  return records_page(all, in, "LoadBalancerTargetGroups", 100);
}

Json AutoScalingService::suspend_processes(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  Json wanted = in.value("ScalingProcesses", Json::array());
  if (wanted.empty())
    for (const auto& process : kProcesses) wanted.push_back(process);
  Json& suspended = group.document["SuspendedProcesses"];
  for (const auto& process : wanted) {
    if (!kProcesses.contains(process.get<std::string>()))
      throw AwsError{"ValidationError", "Process " + process.get<std::string>() + " is not a valid scaling process."};
    const bool already = std::any_of(suspended.begin(), suspended.end(),
                                     [&](const Json& s) { return s["ProcessName"] == process; });
    if (!already) suspended.push_back({{"ProcessName", process}, {"SuspensionReason", "User suspended at " + now_text()}});
  }
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::resume_processes(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  auto group = require_group(scope, in.at("AutoScalingGroupName"));
  const Json wanted = in.value("ScalingProcesses", Json::array());
  Json kept = Json::array();
  for (const auto& process : group.document["SuspendedProcesses"])
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), process["ProcessName"]) == wanted.end())
      kept.push_back(process);
  group.document["SuspendedProcesses"] = kept;
  store_.put(scope, std::move(group));
  return Json::object();
}

Json AutoScalingService::describe_account_limits(RequestContext& ctx, const Json&) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  return {{"MaxNumberOfAutoScalingGroups", kMaxGroupsPerRegion},
          {"MaxNumberOfLaunchConfigurations", 200},
          {"NumberOfAutoScalingGroups", store_.list(scope, kGroup).size()},
          {"NumberOfLaunchConfigurations", store_.list(scope, kLaunchConfiguration).size()}};
}

}  // namespace albatross::ec2_autoscaling
