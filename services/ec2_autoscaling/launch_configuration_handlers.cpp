// Launch configurations: CreateLaunchConfiguration, DescribeLaunchConfigurations, DeleteLaunchConfiguration.
#include <algorithm>

#include "emulator/clock.hpp"
#include "services/ec2_autoscaling/auto_scaling_service.hpp"
#include "services/ec2_autoscaling/group_support.hpp"

namespace albatross::ec2_autoscaling {

using Json = nlohmann::json;

namespace {
constexpr std::size_t kMaxLaunchConfigurations = 200;
}

Json AutoScalingService::create_launch_configuration(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const std::string name = in.at("LaunchConfigurationName");
  if (store_.find_by_name(scope, kLaunchConfiguration, name))
    throw AwsError{"AlreadyExistsFault", "Launch Configuration by this name already exists - A launch configuration "
                                         "already exists with the name " + name};
  if (in.contains("InstanceId"))
    throw AwsError{"ValidationError", "Invalid instance id: " + in["InstanceId"].get<std::string>()};
  if (!in.contains("ImageId"))
    throw AwsError{"ValidationError", "Valid requests must contain either the InstanceID parameter or both the ImageId "
                                      "and InstanceType parameters."};
  if (!in.contains("InstanceType"))
    throw AwsError{"ValidationError", "Valid requests must contain either the InstanceID parameter or both the ImageId "
                                      "and InstanceType parameters."};
  if (store_.list(scope, kLaunchConfiguration).size() >= kMaxLaunchConfigurations)
    throw AwsError{"LimitExceededFault", "You have reached your limit of " + std::to_string(kMaxLaunchConfigurations) +
                                             " launch configurations."};
  const std::string arn = resource_arn(ctx, "launchConfiguration", name);
  Json doc = {{"LaunchConfigurationName", name},
              {"LaunchConfigurationARN", arn},
              {"ImageId", in["ImageId"]},
              {"KeyName", in.value("KeyName", "")},
              {"SecurityGroups", in.value("SecurityGroups", Json::array())},
              {"ClassicLinkVPCSecurityGroups", Json::array()},
              {"UserData", in.value("UserData", "")},
              {"InstanceType", in["InstanceType"]},
              {"KernelId", in.value("KernelId", "")},
              {"RamdiskId", in.value("RamdiskId", "")},
              {"BlockDeviceMappings", in.value("BlockDeviceMappings", Json::array())},
              {"InstanceMonitoring", in.value("InstanceMonitoring", Json{{"Enabled", true}})},
              {"CreatedTime", Clock::now()},
              {"EbsOptimized", in.value("EbsOptimized", false)}};
  for (const char* optional : {"IamInstanceProfile", "AssociatePublicIpAddress", "PlacementTenancy", "SpotPrice",
                               "MetadataOptions"})
    if (in.contains(optional)) doc[optional] = in[optional];
  store_.put(scope, {kLaunchConfiguration, arn, "", name, std::move(doc)});
  return Json::object();
}

Json AutoScalingService::describe_launch_configurations(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const Json names = in.value("LaunchConfigurationNames", Json::array());
  Json all = Json::array();
  for (const auto& config : store_.list(scope, kLaunchConfiguration))
    if (names.empty() || std::find(names.begin(), names.end(), config.name) != names.end())
      all.push_back(config.document);
  return records_page(all, in, "LaunchConfigurations");
}

Json AutoScalingService::delete_launch_configuration(RequestContext& ctx, const Json& in) {
  const storage::Scope scope{ctx.account_id, ctx.region};
  const std::string name = in.at("LaunchConfigurationName");
  const auto config = store_.find_by_name(scope, kLaunchConfiguration, name);
  if (!config)
    throw AwsError{"ValidationError", "Launch configuration name not found - Launch configuration " + name + " not found"};
  for (const auto& group : store_.list(scope, kGroup))
    if (group.document.value("LaunchConfigurationName", "") == name)
      throw AwsError{"ResourceInUseFault", "Cannot delete launch configuration " + name +
                                               " because it is attached to AutoScalingGroup " + group.name};
  store_.remove(scope, kLaunchConfiguration, config->id);
  return Json::object();
}

}  // namespace albatross::ec2_autoscaling
