#pragma once
// Security group rules, the pure part: a request's IpPermissions (or the legacy top-level CidrIp /
// IpProtocol / FromPort / ToPort / SourceSecurityGroupName members) -> validated single-peer rules; rule
// identity for duplicates and revocation; rules -> the SecurityGroupRule and IpPermission shapes.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace albatross::ec2 {

// One rule as EC2 keeps it: one protocol/port range and exactly one peer.
struct RuleSpec {
  bool egress = false;
  std::string protocol;  // "tcp", "udp", "icmp", "icmpv6", "-1" (all) or another protocol number
  int from_port = -1;    // ICMP type for icmp; -1 when the protocol has no ports
  int to_port = -1;      // ICMP code for icmp
  std::string cidr_ipv4;
  std::string cidr_ipv6;
  std::string prefix_list_id;
  std::string group_id;    // referenced group; the caller resolves group_name into it
  std::string group_name;  // referenced group by name, as requested
  std::string user_id;     // owner of the referenced group
  std::string description;
};

// "tcp"/"6" -> "tcp", "udp"/"17" -> "udp", "icmp"/"1" -> "icmp", "icmpv6"/"58" -> "icmpv6", "-1"/"all" -> "-1",
// another number 0..255 -> itself. Throws InvalidParameterValue otherwise.
std::string normalize_protocol(const std::string& protocol);
// The request's permissions: IpPermissions, or one built from the legacy top-level members.
nlohmann::json requested_permissions(const nlohmann::json& in);
// Validates and splits permissions into single-peer rules (protocol, ports, CIDRs, descriptions).
std::vector<RuleSpec> expand_permissions(const nlohmann::json& permissions, bool egress);
// Identity of a rule for duplicate detection and revocation (description excluded).
std::string rule_key(const RuleSpec& rule);
// EC2's InvalidPermission.Duplicate message for `rule`.
std::string duplicate_message(const RuleSpec& rule);

// The SecurityGroupRule shape (without Tags).
nlohmann::json rule_document(const RuleSpec& rule, const std::string& rule_id, const std::string& group_id,
                             const std::string& owner_id, const std::string& rule_arn);
RuleSpec spec_from_document(const nlohmann::json& rule);
// The RevokedSecurityGroupRule shape of a stored rule.
nlohmann::json revoked_rule(const nlohmann::json& rule);
// One IpPermission holding just this rule (for UnknownIpPermissions).
nlohmann::json permission_of(const RuleSpec& rule);
// Stored rules (one direction, creation order) grouped into EC2's IpPermissionList.
nlohmann::json ip_permissions(const std::vector<nlohmann::json>& rules);

}  // namespace albatross::ec2
