#include "services/ec2/network.hpp"

#include "services/ec2/ec2_ids.hpp"

namespace albatross::ec2 {

using nlohmann::json;

std::optional<storage::Resource> Network::find(const ResourceType& type, const std::string& id) const {
  return store_.get(scope_, std::string(type.kind), id);
}

storage::Resource Network::require(const ResourceType& type, const std::string& id) const {
  if (!has_prefix(id, type.prefix)) throw malformed_error(type, id);
  auto found = find(type, id);
  if (!found) throw not_found_error(type, id);
  return *found;
}

std::optional<storage::Resource> Network::group_by_name(const std::string& vpc_id, const std::string& name) const {
  return store_.find_by_name(scope_, std::string(kind::kSecurityGroup), vpc_id + "/" + name);
}

storage::Resource Network::require_group_in_default_vpc(const std::string& name) const {
  const auto vpc = default_vpc();
  if (!vpc) throw AwsError{"VPCIdNotSpecified", "No default VPC for this user"};
  auto group = group_by_name(vpc->id, name);
  if (!group)
    throw AwsError{"InvalidGroup.NotFound",
                   "The security group '" + name + "' does not exist in default VPC '" + vpc->id + "'"};
  return *group;
}

storage::Resource Network::require_group_of(const json& in) const {
  if (const auto id = in.find("GroupId"); id != in.end() && id->is_string())
    return require(kSecurityGroupType, id->get<std::string>());
  if (const auto name = in.find("GroupName"); name != in.end() && name->is_string())
    return require_group_in_default_vpc(name->get<std::string>());
  throw AwsError{"MissingParameter", "The request must contain the parameter groupName or groupId"};
}

std::vector<json> Network::rules_of(const std::string& group_id, bool egress) const {
  std::vector<json> out;
  for (const auto& rule : children(kSecurityGroupRuleType, group_id))
    if (rule.document.value("IsEgress", false) == egress) out.push_back(render(rule));
  return out;
}

json Network::render(const storage::Resource& resource) const {
  json out = storage::public_view(resource.document);
  json tags = store_.tags(scope_, resource.id);
  if (!tags.empty()) out["Tags"] = std::move(tags);
  return out;
}

json Network::render_group(const storage::Resource& group) const {
  json out = render(group);
  out["IpPermissions"] = ip_permissions(rules_of(group.id, false));
  out["IpPermissionsEgress"] = ip_permissions(rules_of(group.id, true));
  return out;
}

storage::Resource Network::create_group(const std::string& vpc_id, const std::string& name,
                                        const std::string& description) {
  const std::string id = new_id("sg");
  storage::Resource group{std::string(kind::kSecurityGroup), id, vpc_id, vpc_id + "/" + name,
                          json{{"GroupId", id},
                               {"GroupName", name},
                               {"Description", description},
                               {"VpcId", vpc_id},
                               {"OwnerId", account()},
                               {"SecurityGroupArn", ec2_arn(region(), account(), "security-group", id)}}};
  group = save(std::move(group));
  RuleSpec egress;
  egress.egress = true;
  egress.protocol = "-1";
  egress.cidr_ipv4 = "0.0.0.0/0";
  add_rule(id, egress);
  return group;
}

json Network::add_rule(const std::string& group_id, const RuleSpec& rule) {
  const std::string id = new_id("sgr");
  json doc = rule_document(rule, id, group_id, account(), ec2_arn(region(), account(), "security-group-rule", id));
  save(storage::Resource{std::string(kind::kSecurityGroupRule), id, group_id, "", doc});
  return doc;
}

void Network::delete_group(const std::string& group_id) {
  for (const auto& rule : children(kSecurityGroupRuleType, group_id)) remove(kSecurityGroupRuleType, rule.id);
  remove(kSecurityGroupType, group_id);
}

bool Network::in_use_elsewhere(const std::string& resource_id) const {
  if (!checks_) return false;
  for (const auto& check : *checks_)
    if (check && check(scope_, resource_id)) return true;
  return false;
}

}  // namespace albatross::ec2
