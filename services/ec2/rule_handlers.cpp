// AuthorizeSecurityGroupIngress/Egress, RevokeSecurityGroupIngress/Egress, DescribeSecurityGroupRules.
#include <set>

#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

const FilterFields kRuleFilters = {
    {"group-id", "GroupId"},
    {"security-group-rule-id", "SecurityGroupRuleId"},
};

storage::Resource target_group(Network& net, const Json& in, bool egress) {
  if (egress) return net.require(kSecurityGroupType, in.at("GroupId").get<std::string>());
  return net.require_group_of(in);
}

// Fills in the referenced group's id (from its name, in the target group's VPC) and owner.
// Returns false when the referenced group does not exist and `must_exist` is false.
bool resolve_peer(Network& net, const storage::Resource& group, RuleSpec& rule, bool must_exist) {
  if (rule.group_id.empty() && rule.group_name.empty()) return true;
  std::optional<storage::Resource> peer;
  std::string asked = rule.group_id;
  if (!rule.group_id.empty()) {
    if (must_exist)
      peer = net.require(kSecurityGroupType, rule.group_id);
    else
      peer = net.find(kSecurityGroupType, rule.group_id);
  } else {
    asked = rule.group_name;
    peer = net.group_by_name(group.document.value("VpcId", ""), rule.group_name);
  }
  if (!peer) {
    if (must_exist) throw AwsError{"InvalidGroup.NotFound", "The security group '" + asked + "' does not exist"};
    return false;
  }
  rule.group_id = peer->id;
  if (rule.user_id.empty()) rule.user_id = net.account();
  return true;
}

Json authorize(Network& net, const Json& in, bool egress) {
  const auto group = target_group(net, in, egress);
  const Json permissions = requested_permissions(in);
  if (permissions.empty()) throw AwsError{"MissingParameter", "The request must contain the parameter ipPermissions"};
  auto rules = expand_permissions(permissions, egress);
  std::set<std::string> keys;
  for (const auto& existing : net.rules_of(group.id, egress)) keys.insert(rule_key(spec_from_document(existing)));
  for (auto& rule : rules) {
    resolve_peer(net, group, rule, true);
    if (!keys.insert(rule_key(rule)).second) throw AwsError{"InvalidPermission.Duplicate", duplicate_message(rule)};
  }
  const Json tags = tags_from_specifications(in, "security-group-rule");
  Json added = Json::array();
  for (const auto& rule : rules) {
    Json doc = net.add_rule(group.id, rule);
    tag_resource(net, doc["SecurityGroupRuleId"].get<std::string>(), tags);
    if (!tags.empty()) doc["Tags"] = net.store().tags(net.scope(), doc["SecurityGroupRuleId"].get<std::string>());
    added.push_back(std::move(doc));
  }
  return {{"Return", true}, {"SecurityGroupRules", added}};
}

Json revoke(Network& net, const Json& in, bool egress) {
  const auto group = target_group(net, in, egress);
  const auto existing = net.children(kSecurityGroupRuleType, group.id);
  Json revoked = Json::array();
  auto revoke_rule = [&](const storage::Resource& rule) {
    revoked.push_back(revoked_rule(rule.document));
    net.remove(kSecurityGroupRuleType, rule.id);
  };
  if (in.contains("SecurityGroupRuleIds")) {
    for (const auto& id_value : in["SecurityGroupRuleIds"]) {
      const std::string id = id_value.get<std::string>();
      const storage::Resource* match = nullptr;
      for (const auto& rule : existing)
        if (rule.id == id && rule.document.value("IsEgress", false) == egress) match = &rule;
      if (!match)
        throw AwsError{"InvalidSecurityGroupRuleId.NotFound",
                       "The security group rule ID '" + id + "' does not exist in security group '" + group.id + "'"};
      revoke_rule(*match);
    }
    return {{"Return", true}, {"RevokedSecurityGroupRules", revoked}};
  }
  const Json permissions = requested_permissions(in);
  if (permissions.empty()) throw AwsError{"MissingParameter", "The request must contain the parameter ipPermissions"};
  Json unknown = Json::array();
  std::set<std::string> done;
  for (auto rule : expand_permissions(permissions, egress)) {
    const storage::Resource* match = nullptr;
    if (resolve_peer(net, group, rule, false))
      for (const auto& candidate : existing)
        if (candidate.document.value("IsEgress", false) == egress &&
            rule_key(spec_from_document(candidate.document)) == rule_key(rule))
          match = &candidate;
    if (!match) {
      unknown.push_back(permission_of(rule));
      continue;
    }
    if (done.insert(match->id).second) revoke_rule(*match);
  }
  if (revoked.empty())
    throw AwsError{"InvalidPermission.NotFound", "The specified rule does not exist in this security group."};
  Json out = {{"Return", true}, {"RevokedSecurityGroupRules", revoked}};
  if (!unknown.empty()) out["UnknownIpPermissions"] = unknown;
  return out;
}

}  // namespace

Json authorize_ingress(Network& net, const Json& in) { return authorize(net, in, false); }
Json authorize_egress(Network& net, const Json& in) { return authorize(net, in, true); }
Json revoke_ingress(Network& net, const Json& in) { return revoke(net, in, false); }
Json revoke_egress(Network& net, const Json& in) { return revoke(net, in, true); }

Json describe_security_group_rules(Network& net, const Json& in) {
  Json docs = Json::array();
  for (const auto& rule : select_resources(net, kSecurityGroupRuleType, in.value("SecurityGroupRuleIds", Json())))
    docs.push_back(net.render(rule));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kRuleFilters), in, "SecurityGroupRules");
}

}  // namespace albatross::ec2::handlers
