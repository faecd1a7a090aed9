// DescribeInstances, DescribeImages, DescribeKeyPairs. Albatross runs no EC2 instances (ECS tasks are
// containers) and keeps no AMIs or key pairs: every list is empty, and naming one answers EC2's NotFound.
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

std::vector<std::string> ids_of(const Json& in, const char* member) {
  std::vector<std::string> out;
  for (const auto& id : in.value(member, Json::array())) out.push_back(id.get<std::string>());
  return out;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

// Filters are still checked by name, so a typo answers as EC2 would.
void check_filters(const Json& in, const FilterFields& fields) {
  check_filter_names(parse_filters(in.value("Filters", Json())), fields);
}

}  // namespace

Json describe_instances(Network&, const Json& in) {
  static const FilterFields kFields = {
      {"instance-id", "InstanceId"}, {"instance-state-name", "State.Name"}, {"instance-state-code", "State.Code"},
      {"instance-type", "InstanceType"}, {"image-id", "ImageId"}, {"vpc-id", "VpcId"}, {"subnet-id", "SubnetId"},
      {"private-ip-address", "PrivateIpAddress"}, {"ip-address", "PublicIpAddress"}, {"key-name", "KeyName"},
      {"availability-zone", "Placement.AvailabilityZone"}, {"instance.group-id", "SecurityGroups.GroupId"},
      {"network-interface.network-interface-id", "NetworkInterfaces.NetworkInterfaceId"},
      {"reservation-id", "ReservationId"}, {"launch-time", "LaunchTime"}, {"dns-name", "PublicDnsName"},
      {"private-dns-name", "PrivateDnsName"}, {"iam-instance-profile.arn", "IamInstanceProfile.Arn"},
      {"architecture", "Architecture"}, {"platform", "Platform"}, {"tenancy", "Placement.Tenancy"}};
  const auto ids = ids_of(in, "InstanceIds");
  for (const auto& id : ids)
    if (!id.starts_with("i-") || id.size() < 3) throw AwsError{"InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\""};
  if (ids.size() == 1) throw AwsError{"InvalidInstanceID.NotFound", "The instance ID '" + ids[0] + "' does not exist"};
  if (ids.size() > 1) throw AwsError{"InvalidInstanceID.NotFound", "The instance IDs '" + joined(ids) + "' do not exist"};
  check_filters(in, kFields);
  return {{"Reservations", Json::array()}};
}

Json describe_images(Network&, const Json& in) {
  static const FilterFields kFields = {
      {"image-id", "ImageId"}, {"name", "Name"}, {"owner-id", "OwnerId"}, {"owner-alias", "ImageOwnerAlias"},
      {"state", "State"}, {"architecture", "Architecture"}, {"image-type", "ImageType"}, {"is-public", "Public"},
      {"platform", "Platform"}, {"root-device-type", "RootDeviceType"}, {"virtualization-type", "VirtualizationType"},
      {"description", "Description"}, {"creation-date", "CreationDate"}};
  const auto ids = ids_of(in, "ImageIds");
  for (const auto& id : ids)
    if (!id.starts_with("ami-") || id.size() < 5)
      throw AwsError{"InvalidAMIID.Malformed", "Invalid id: \"" + id + "\" (expecting \"ami-...\")"};
  if (!ids.empty()) throw AwsError{"InvalidAMIID.NotFound", "The image id '[" + joined(ids) + "]' does not exist"};
  check_filters(in, kFields);
  return {{"Images", Json::array()}};
}

Json describe_key_pairs(Network&, const Json& in) {
  static const FilterFields kFields = {{"key-pair-id", "KeyPairId"}, {"key-name", "KeyName"},
                                       {"fingerprint", "KeyFingerprint"}};
  for (const auto& name : ids_of(in, "KeyNames"))
    throw AwsError{"InvalidKeyPair.NotFound", "The key pair '" + name + "' does not exist"};
  for (const auto& id : ids_of(in, "KeyPairIds"))
    throw AwsError{"InvalidKeyPair.NotFound", "The key pair ID '" + id + "' does not exist"};
  check_filters(in, kFields);
  return {{"KeyPairs", Json::array()}};
}

}  // namespace albatross::ec2::handlers
