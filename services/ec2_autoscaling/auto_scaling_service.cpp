#include "services/ec2_autoscaling/auto_scaling_service.hpp"

#include <algorithm>
#include <map>

#include "emulator/clock.hpp"
#include "emulator/protocol/timestamp.hpp"
#include "services/common/ids.hpp"

namespace albatross::ec2_autoscaling {

using Json = nlohmann::json;

namespace {

constexpr std::size_t kActivitiesKept = 100;

// The AZ with the most unprotected instances loses one first, the oldest there (AWS's default termination
// policy balances zones, then prefers the oldest launch).
Json::iterator instance_to_terminate(Json& instances) {
  std::map<std::string, int> per_zone;
  for (const auto& instance : instances) ++per_zone[instance.value("AvailabilityZone", "")];
  auto chosen = instances.end();
  for (auto it = instances.begin(); it != instances.end(); ++it) {
    if (it->value("ProtectedFromScaleIn", false)) continue;
    if (chosen == instances.end() ||
        per_zone[it->value("AvailabilityZone", "")] > per_zone[chosen->value("AvailabilityZone", "")])
      chosen = it;
  }
  return chosen;
}

// The zone with the fewest instances gets the next one (AWS balances a group across its zones).
std::string next_zone(const Json& group) {
  const Json& zones = group["AvailabilityZones"];
  if (zones.empty()) return "";
  std::string best;
  std::size_t best_count = SIZE_MAX;
  for (const auto& zone : zones) {
    std::size_t count = 0;
    for (const auto& instance : group["Instances"]) count += instance.value("AvailabilityZone", "") == zone;
    if (count < best_count) best = zone, best_count = count;
  }
  return best;
}

std::string subnet_in_zone(const Json& group, const std::string& zone) {
  const auto subnets = group.value("_SubnetZones", Json::object());
  for (const auto& [subnet, subnet_zone] : subnets.items())
    if (subnet_zone == zone) return subnet;
  return "";
}

}  // namespace

storage::Resource AutoScalingService::require_group(const storage::Scope& scope, const std::string& name) const {
  auto group = store_.find_by_name(scope, kGroup, name);
  if (!group)
    throw AwsError{"ValidationError", "AutoScalingGroup name not found - AutoScalingGroup " + name + " not found"};
  return *group;
}

void AutoScalingService::reconcile_instances(storage::Resource& group, const std::string& cause) {
  Json& doc = group.document;
  Json& instances = doc["Instances"];
  const long long desired = doc["DesiredCapacity"];
  const long long before = static_cast<long long>(instances.size());
  Json& activities = doc["_Activities"];
  const double now = Clock::now();
  const std::string now_text = protocol::format_iso8601(now).substr(0, 19) + "Z";
  auto record = [&](const std::string& description, const std::string& reason, const std::string& zone) {
    Json details = {{"Subnet ID", subnet_in_zone(doc, zone)}, {"Availability Zone", zone}};
    activities.push_back({{"ActivityId", ids::uuid4()},
                          {"AutoScalingGroupName", doc["AutoScalingGroupName"]},
                          {"AutoScalingGroupARN", doc["AutoScalingGroupARN"]},
                          {"Description", description},
                          {"Cause", reason},
                          {"StartTime", now},
                          {"EndTime", now},
                          {"StatusCode", "Successful"},
                          {"Progress", 100},
                          {"Details", details.dump()}});
  };
  auto suspended = [&doc](const char* process) {
    for (const auto& entry : doc.value("SuspendedProcesses", Json::array()))
      if (entry.value("ProcessName", "") == process) return true;
    return false;
  };
  if (before < desired && !suspended("Launch")) {
    const std::string reason = cause + "  At " + now_text +
                               " an instance was started in response to a difference between desired and actual "
                               "capacity, increasing the capacity from " + std::to_string(before) + " to " +
                               std::to_string(desired) + ".";
    while (static_cast<long long>(instances.size()) < desired) {
      const std::string zone = next_zone(doc);
      Json instance = {{"InstanceId", "i-" + ids::random_hex(17)},
                       {"InstanceType", doc.value("_InstanceType", "t2.micro")},
                       {"AvailabilityZone", zone},
                       {"LifecycleState", "InService"},
                       {"HealthStatus", "Healthy"},
                       {"ProtectedFromScaleIn", doc.value("NewInstancesProtectedFromScaleIn", false)}};
      if (doc.contains("LaunchConfigurationName")) instance["LaunchConfigurationName"] = doc["LaunchConfigurationName"];
      if (doc.contains("LaunchTemplate")) instance["LaunchTemplate"] = doc["LaunchTemplate"];
      record("Launching a new EC2 instance: " + instance["InstanceId"].get<std::string>(), reason, zone);
      instances.push_back(std::move(instance));
    }
  } else if (before > desired && !suspended("Terminate")) {
    const std::string reason = cause + "  At " + now_text +
                               " an instance was taken out of service in response to a difference between desired "
                               "and actual capacity, shrinking the capacity from " + std::to_string(before) + " to " +
                               std::to_string(desired) + ".";
    while (static_cast<long long>(instances.size()) > desired) {
      const auto victim = instance_to_terminate(instances);
      if (victim == instances.end()) break;  // the rest is protected from scale in
      record("Terminating EC2 instance: " + victim->value("InstanceId", ""), reason,
             victim->value("AvailabilityZone", ""));
      instances.erase(victim);
    }
  }
  while (activities.size() > kActivitiesKept) activities.erase(activities.begin());
}

ServiceDefinition AutoScalingService::definition() {
  ServiceDefinition definition;
  definition.model_name = "autoscaling";
  using Method = Json (AutoScalingService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateAutoScalingGroup", &AutoScalingService::create_group},
      {"DescribeAutoScalingGroups", &AutoScalingService::describe_groups},
      {"UpdateAutoScalingGroup", &AutoScalingService::update_group},
      {"DeleteAutoScalingGroup", &AutoScalingService::delete_group},
      {"SetDesiredCapacity", &AutoScalingService::set_desired_capacity},
      {"SetInstanceProtection", &AutoScalingService::set_instance_protection},
      {"TerminateInstanceInAutoScalingGroup", &AutoScalingService::terminate_instance},
      {"DescribeAutoScalingInstances", &AutoScalingService::describe_instances},
      {"DescribeScalingActivities", &AutoScalingService::describe_activities},
      {"AttachLoadBalancerTargetGroups", &AutoScalingService::attach_target_groups},
      {"DetachLoadBalancerTargetGroups", &AutoScalingService::detach_target_groups},
      {"DescribeLoadBalancerTargetGroups", &AutoScalingService::describe_target_groups},
      {"SuspendProcesses", &AutoScalingService::suspend_processes},
      {"ResumeProcesses", &AutoScalingService::resume_processes},
      {"DescribeAccountLimits", &AutoScalingService::describe_account_limits},
      {"CreateLaunchConfiguration", &AutoScalingService::create_launch_configuration},
      {"DescribeLaunchConfigurations", &AutoScalingService::describe_launch_configurations},
      {"DeleteLaunchConfiguration", &AutoScalingService::delete_launch_configuration},
      {"CreateOrUpdateTags", &AutoScalingService::create_or_update_tags},
      {"DeleteTags", &AutoScalingService::delete_tags},
      {"DescribeTags", &AutoScalingService::describe_tags},
  };
  for (const auto& [name, method] : table)
    definition.handlers[name] = [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); };
  // Fixed catalogues AWS answers the same way everywhere.
  definition.handlers["DescribeScalingProcessTypes"] = [](RequestContext&, const Json&) {
    Json processes = Json::array();
    for (const char* name : {"AZRebalance", "AddToLoadBalancer", "AlarmNotification", "HealthCheck", "InstanceRefresh",
                             "Launch", "RemoveFromLoadBalancerLowPriority", "ReplaceUnhealthy", "ScheduledActions",
                             "Terminate"})
      processes.push_back({{"ProcessName", name}});
    return Json{{"Processes", processes}};
  };
  definition.handlers["DescribeTerminationPolicyTypes"] = [](RequestContext&, const Json&) {
    return Json{{"TerminationPolicyTypes", {"AllocationStrategy", "ClosestToNextInstanceHour", "Default",
                                            "NewestInstance", "OldestInstance", "OldestLaunchConfiguration",
                                            "OldestLaunchTemplate"}}};
  };
  definition.handlers["DescribeAdjustmentTypes"] = [](RequestContext&, const Json&) {
    return Json{{"AdjustmentTypes", {{{"AdjustmentType", "ChangeInCapacity"}},
                                     {{"AdjustmentType", "ExactCapacity"}},
                                     {{"AdjustmentType", "PercentChangeInCapacity"}}}}};
  };
  definition.handlers["DescribeLifecycleHookTypes"] = [](RequestContext&, const Json&) {
    return Json{{"LifecycleHookTypes", {"autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"}}};
  };
  return definition;
}

}  // namespace albatross::ec2_autoscaling
