// DescribeSecurityGroups, CreateSecurityGroup, DeleteSecurityGroup.
#include <algorithm>
#include <cctype>
#include <set>

#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

constexpr std::size_t kMaxGroupText = 255;
constexpr std::string_view kGroupTextSymbols = ". _-:/()#,@[]+=&;{}!$*";

FilterFields group_filters() {
  FilterFields fields = {{"description", "Description"},
                         {"group-id", "GroupId"},
                         {"group-name", "GroupName"},
                         {"owner-id", "OwnerId"},
                         {"vpc-id", "VpcId"}};
  const std::pair<const char*, const char*> permission_fields[] = {
      {"cidr", "IpRanges.CidrIp"},
      {"from-port", "FromPort"},
      {"to-port", "ToPort"},
      {"protocol", "IpProtocol"},
      {"group-id", "UserIdGroupPairs.GroupId"},
      {"group-name", "UserIdGroupPairs.GroupName"},
      {"ipv6-cidr", "Ipv6Ranges.CidrIpv6"},
      {"prefix-list-id", "PrefixListIds.PrefixListId"},
      {"user-id", "UserIdGroupPairs.UserId"},
  };
  for (const auto& [name, path] : permission_fields) {
    fields[std::string("ip-permission.") + name] = std::string("IpPermissions.") + path;
    fields[std::string("egress.ip-permission.") + name] = std::string("IpPermissionsEgress.") + path;
  }
  return fields;
}

const FilterFields kGroupFilters = group_filters();

void check_group_text(const std::string& value, const char* parameter) {
  const bool ok =
      !value.empty() && value.size() <= kMaxGroupText && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || kGroupTextSymbols.find(c) != std::string_view::npos;
      });
  if (!ok)
    throw AwsError{"InvalidParameterValue",
                   "Value (" + value + ") for parameter " + parameter +
                       " is invalid. Valid values are 1 to 255 characters from a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"};
}

}  // namespace

Json describe_security_groups(Network& net, const Json& in) {
  std::vector<storage::Resource> groups;
  const bool by_id = in.contains("GroupIds"), by_name = in.contains("GroupNames");
  if (by_id || !by_name) groups = select_resources(net, kSecurityGroupType, in.value("GroupIds", Json()));
  if (by_name) {
    std::set<std::string> seen;
    for (const auto& group : groups) seen.insert(group.id);
    for (const auto& name : in["GroupNames"]) {
      auto group = net.require_group_in_default_vpc(name.get<std::string>());
      if (seen.insert(group.id).second) groups.push_back(std::move(group));
    }
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  }
  Json docs = Json::array();
  for (const auto& group : groups) docs.push_back(net.render_group(group));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kGroupFilters), in, "SecurityGroups");
}

Json create_security_group(Network& net, const Json& in) {
  const std::string name = in.at("GroupName").get<std::string>();
  const std::string description = in.at("Description").get<std::string>();
  check_group_text(name, "GroupName");
  check_group_text(description, "GroupDescription");
  if (name.starts_with("sg-")) throw AwsError{"InvalidParameterValue", "Group names may not be in the format sg-*"};
  std::string vpc_id;
  if (in.contains("VpcId")) {
    vpc_id = net.require(kVpcType, in["VpcId"].get<std::string>()).id;
  } else {
    const auto vpc = net.default_vpc();
    if (!vpc) throw AwsError{"VPCIdNotSpecified", "No default VPC for this user"};
    vpc_id = vpc->id;
  }
  if (net.group_by_name(vpc_id, name))
    throw AwsError{"InvalidGroup.Duplicate",
                   "The security group '" + name + "' already exists for VPC '" + vpc_id + "'"};
  const Json tags = tags_from_specifications(in, "security-group");
  const auto group = net.create_group(vpc_id, name, description);
  tag_resource(net, group.id, tags);
  Json out = {{"GroupId", group.id}, {"SecurityGroupArn", group.document["SecurityGroupArn"]}};
  if (!tags.empty()) out["Tags"] = net.store().tags(net.scope(), group.id);
  return out;
}

Json delete_security_group(Network& net, const Json& in) {
  const auto group = net.require_group_of(in);
  if (group.document.value("GroupName", "") == kDefaultGroupName)
    throw AwsError{"CannotDelete",
                   "the specified group: \"" + group.id + "\" name: \"default\" cannot be deleted by a user"};
  const AwsError dependent{"DependencyViolation", "resource " + group.id + " has a dependent object"};
  if (net.in_use_elsewhere(group.id)) throw dependent;
  for (const auto& rule : net.list(kSecurityGroupRuleType)) {
    if (rule.parent == group.id) continue;
    const auto ref = rule.document.find("ReferencedGroupInfo");
    if (ref != rule.document.end() && ref->value("GroupId", "") == group.id) throw dependent;
  }
  net.delete_group(group.id);
  return {{"Return", true}, {"GroupId", group.id}};
}

}  // namespace albatross::ec2::handlers
