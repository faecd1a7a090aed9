#include "services/ec2/security_group_rules.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "services/ec2/cidr.hpp"
#include "services/service.hpp"

namespace albatross::ec2 {
namespace {

using nlohmann::json;

constexpr int kMaxPort = 65535;
constexpr std::size_t kMaxDescription = 255;
constexpr std::string_view kDescriptionSymbols = ". _-:/()#,@[]+=&;{}!$*";

AwsError invalid(std::string message) { return AwsError{"InvalidParameterValue", std::move(message)}; }

bool has_ports(const std::string& protocol) {
  return protocol == "tcp" || protocol == "udp" || protocol == "icmp" || protocol == "icmpv6";
}

bool is_icmp(const std::string& protocol) { return protocol == "icmp" || protocol == "icmpv6"; }

void check_description(const std::string& description) {
  const bool ok =
      description.size() <= kMaxDescription && std::all_of(description.begin(), description.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || kDescriptionSymbols.find(c) != std::string_view::npos;
      });
  if (!ok)
    throw invalid(
        "Invalid rule description. Valid descriptions are strings less than 256 characters from the "
        "following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
}

void set_ports(RuleSpec& rule, const json& permission) {
  const auto from = permission.find("FromPort");
  const auto to = permission.find("ToPort");
  const bool has_from = from != permission.end() && from->is_number_integer();
  const bool has_to = to != permission.end() && to->is_number_integer();
  if (!has_ports(rule.protocol)) {
    rule.from_port = rule.to_port = -1;
    return;
  }
  if (is_icmp(rule.protocol)) {
    rule.from_port = has_from ? from->get<int>() : -1;
    rule.to_port = has_to ? to->get<int>() : -1;
    if (rule.from_port < -1 || rule.from_port > 255 || rule.to_port < -1 || rule.to_port > 255)
      throw invalid("Invalid value for portRange. ICMP type and code must be -1 or between 0 and 255.");
    if (rule.from_port == -1) rule.to_port = -1;
    return;
  }
  if (has_from != has_to)
    throw invalid("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
  int first = has_from ? from->get<int>() : 0;
  int last = has_to ? to->get<int>() : kMaxPort;
  if (first == -1 && last == -1) {
    first = 0;
    last = kMaxPort;
  }
  if (first < 0 || last < 0 || first > kMaxPort || last > kMaxPort)
    throw invalid("Invalid value for portRange. Must specify a valid fromPort and toPort.");
  if (first > last)
    throw invalid("Invalid TCP/UDP port range: fromPort " + std::to_string(first) + " is greater than toPort " +
                  std::to_string(last) + ".");
  rule.from_port = first;
  rule.to_port = last;
}

std::string description_of(const json& item) {
  std::string description = item.value("Description", "");
  check_description(description);
  return description;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string peer_text(const RuleSpec& rule) {
  if (!rule.cidr_ipv4.empty()) return rule.cidr_ipv4;
  if (!rule.cidr_ipv6.empty()) return rule.cidr_ipv6;
  if (!rule.prefix_list_id.empty()) return rule.prefix_list_id;
  return rule.group_id.empty() ? rule.group_name : rule.group_id;
}

json with_description(json item, const std::string& description) {
  if (!description.empty()) item["Description"] = description;
  return item;
}

}  // namespace

std::string normalize_protocol(const std::string& protocol) {
  std::string lower = protocol;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "tcp" || lower == "6") return "tcp";
  if (lower == "udp" || lower == "17") return "udp";
  if (lower == "icmp" || lower == "1") return "icmp";
  if (lower == "icmpv6" || lower == "58") return "icmpv6";
  if (lower == "-1" || lower == "all") return "-1";
  int number = -2;
  const auto [ptr, ec] = std::from_chars(lower.data(), lower.data() + lower.size(), number);
  if (!lower.empty() && ec == std::errc() && ptr == lower.data() + lower.size() && number >= 0 && number <= 255 &&
      (lower.size() == 1 || lower[0] != '0'))
    return lower;
  throw invalid("Invalid value '" + protocol + "' for IP protocol. Unknown protocol.");
}

json requested_permissions(const json& in) {
  if (const auto it = in.find("IpPermissions"); it != in.end() && it->is_array() && !it->empty()) return *it;
  const bool legacy = in.contains("CidrIp") || in.contains("IpProtocol") || in.contains("FromPort") ||
                      in.contains("ToPort") || in.contains("SourceSecurityGroupName");
  if (!legacy) return json::array();
  json permission = json::object();
  permission["IpProtocol"] = in.value("IpProtocol", in.contains("SourceSecurityGroupName") ? "-1" : "");
  if (in.contains("FromPort")) permission["FromPort"] = in["FromPort"];
  if (in.contains("ToPort")) permission["ToPort"] = in["ToPort"];
  if (in.contains("CidrIp")) permission["IpRanges"] = json::array({{{"CidrIp", in["CidrIp"]}}});
  if (in.contains("SourceSecurityGroupName")) {
    json pair = {{"GroupName", in["SourceSecurityGroupName"]}};
    if (in.contains("SourceSecurityGroupOwnerId")) pair["UserId"] = in["SourceSecurityGroupOwnerId"];
    permission["UserIdGroupPairs"] = json::array({pair});
  }
  return json::array({permission});
}

std::vector<RuleSpec> expand_permissions(const json& permissions, bool egress) {
  std::vector<RuleSpec> out;
  for (const auto& permission : permissions) {
    const std::string protocol_text = permission.value("IpProtocol", "");
    if (protocol_text.empty())
      throw AwsError{"MissingParameter", "The request must contain the parameter ipPermissions.ipProtocol"};
    RuleSpec base;
    base.egress = egress;
    base.protocol = normalize_protocol(protocol_text);
    set_ports(base, permission);
    const std::size_t before = out.size();
    for (const auto& range : permission.value("IpRanges", json::array())) {
      RuleSpec rule = base;
      rule.cidr_ipv4 = range.value("CidrIp", "");
      if (!parse_ipv4_cidr(rule.cidr_ipv4)) throw invalid("CIDR block " + rule.cidr_ipv4 + " is malformed");
      rule.description = description_of(range);
      out.push_back(std::move(rule));
    }
    for (const auto& range : permission.value("Ipv6Ranges", json::array())) {
      RuleSpec rule = base;
      rule.cidr_ipv6 = range.value("CidrIpv6", "");
      if (!valid_ipv6_cidr(rule.cidr_ipv6)) throw invalid("CIDR block " + rule.cidr_ipv6 + " is malformed");
      rule.description = description_of(range);
      out.push_back(std::move(rule));
    }
    for (const auto& prefix_list : permission.value("PrefixListIds", json::array())) {
      RuleSpec rule = base;
      rule.prefix_list_id = prefix_list.value("PrefixListId", "");
      if (!rule.prefix_list_id.starts_with("pl-"))
        throw AwsError{"InvalidPrefixListID.Malformed",
                       "The prefix list ID '" + rule.prefix_list_id + "' is malformed"};
      rule.description = description_of(prefix_list);
      out.push_back(std::move(rule));
    }
    for (const auto& pair : permission.value("UserIdGroupPairs", json::array())) {
      RuleSpec rule = base;
      rule.group_id = pair.value("GroupId", "");
      rule.group_name = pair.value("GroupName", "");
      rule.user_id = pair.value("UserId", "");
      if (rule.group_id.empty() && rule.group_name.empty())
        throw AwsError{"MissingParameter",
                       "Either 'groupId' or 'groupName' must be specified for a source security group"};
      rule.description = description_of(pair);
      out.push_back(std::move(rule));
    }
    if (out.size() == before)
      throw AwsError{"MissingParameter",
                     "The request must contain a source or destination for the rule: "
                     "ipRanges, ipv6Ranges, prefixListIds or groups"};
  }
  return out;
}

std::string rule_key(const RuleSpec& rule) {
  std::string peer;
  if (!rule.cidr_ipv4.empty())
    peer = "ipv4:" + rule.cidr_ipv4;
  else if (!rule.cidr_ipv6.empty())
    peer = "ipv6:" + rule.cidr_ipv6;
  else if (!rule.prefix_list_id.empty())
    peer = "pl:" + rule.prefix_list_id;
  else
    peer = "sg:" + rule.group_id;
  return std::string(rule.egress ? "egress|" : "ingress|") + rule.protocol + "|" + std::to_string(rule.from_port) +
         "|" + std::to_string(rule.to_port) + "|" + peer;
}

std::string duplicate_message(const RuleSpec& rule) {
  std::string text = "peer: " + peer_text(rule) + ", ";
  if (rule.protocol == "-1")
    text += "ALL";
  else if (is_icmp(rule.protocol))
    text +=
        upper(rule.protocol) + ", type: " + std::to_string(rule.from_port) + ", code: " + std::to_string(rule.to_port);
  else if (has_ports(rule.protocol))
    text += upper(rule.protocol) + ", from port: " + std::to_string(rule.from_port) +
            ", to port: " + std::to_string(rule.to_port);
  else
    text += rule.protocol;
  return "the specified rule \"" + text + ", ALLOW\" already exists";
}

json rule_document(const RuleSpec& rule, const std::string& rule_id, const std::string& group_id,
                   const std::string& owner_id, const std::string& rule_arn) {
  json doc = {{"SecurityGroupRuleId", rule_id}, {"GroupId", group_id},
              {"GroupOwnerId", owner_id},       {"IsEgress", rule.egress},
              {"IpProtocol", rule.protocol},    {"FromPort", rule.from_port},
              {"ToPort", rule.to_port},         {"SecurityGroupRuleArn", rule_arn}};
  if (!rule.cidr_ipv4.empty()) doc["CidrIpv4"] = rule.cidr_ipv4;
  if (!rule.cidr_ipv6.empty()) doc["CidrIpv6"] = rule.cidr_ipv6;
  if (!rule.prefix_list_id.empty()) doc["PrefixListId"] = rule.prefix_list_id;
  if (!rule.group_id.empty())
    doc["ReferencedGroupInfo"] = {{"GroupId", rule.group_id},
                                  {"UserId", rule.user_id.empty() ? owner_id : rule.user_id}};
  if (!rule.description.empty()) doc["Description"] = rule.description;
  return doc;
}

RuleSpec spec_from_document(const json& rule) {
  RuleSpec spec;
  spec.egress = rule.value("IsEgress", false);
  spec.protocol = rule.value("IpProtocol", "-1");
  spec.from_port = rule.value("FromPort", -1);
  spec.to_port = rule.value("ToPort", -1);
  spec.cidr_ipv4 = rule.value("CidrIpv4", "");
  spec.cidr_ipv6 = rule.value("CidrIpv6", "");
  spec.prefix_list_id = rule.value("PrefixListId", "");
  if (const auto ref = rule.find("ReferencedGroupInfo"); ref != rule.end()) {
    spec.group_id = ref->value("GroupId", "");
    spec.user_id = ref->value("UserId", "");
  }
  spec.description = rule.value("Description", "");
  return spec;
}

json revoked_rule(const json& rule) {
  json out = json::object();
  for (const char* member : {"SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort",
                             "CidrIpv4", "CidrIpv6", "PrefixListId", "Description"})
    if (rule.contains(member)) out[member] = rule[member];
  if (const auto ref = rule.find("ReferencedGroupInfo"); ref != rule.end())
    out["ReferencedGroupId"] = (*ref)["GroupId"];
  return out;
}

json permission_of(const RuleSpec& rule) { return ip_permissions({rule_document(rule, "", "", rule.user_id, "")})[0]; }

json ip_permissions(const std::vector<json>& rules) {
  json out = json::array();
  for (const auto& rule : rules) {
    const RuleSpec spec = spec_from_document(rule);
    json* permission = nullptr;
    for (auto& existing : out)
      if (existing["IpProtocol"] == spec.protocol && existing.value("FromPort", -1) == spec.from_port &&
          existing.value("ToPort", -1) == spec.to_port)
        permission = &existing;
    if (!permission) {
      json fresh = {{"IpProtocol", spec.protocol},
                    {"IpRanges", json::array()},
                    {"Ipv6Ranges", json::array()},
                    {"PrefixListIds", json::array()},
                    {"UserIdGroupPairs", json::array()}};
      if (has_ports(spec.protocol)) {
        fresh["FromPort"] = spec.from_port;
        fresh["ToPort"] = spec.to_port;
      }
      out.push_back(std::move(fresh));
      permission = &out.back();
    }
    if (!spec.cidr_ipv4.empty())
      (*permission)["IpRanges"].push_back(with_description({{"CidrIp", spec.cidr_ipv4}}, spec.description));
    else if (!spec.cidr_ipv6.empty())
      (*permission)["Ipv6Ranges"].push_back(with_description({{"CidrIpv6", spec.cidr_ipv6}}, spec.description));
    else if (!spec.prefix_list_id.empty())
      (*permission)["PrefixListIds"].push_back(
          with_description({{"PrefixListId", spec.prefix_list_id}}, spec.description));
    else
      (*permission)["UserIdGroupPairs"].push_back(
          with_description({{"UserId", spec.user_id}, {"GroupId", spec.group_id}}, spec.description));
  }
  return out;
}

}  // namespace albatross::ec2
