#include "services/ec2/security_group_rules.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross;
using namespace albatross::ec2;
using nlohmann::json;

namespace {

std::string error_code(const json& permissions) {
  try {
    expand_permissions(permissions, false);
  } catch (const AwsError& error) {
    return error.code + ": " + error.message;
  }
  return "no error";
}

}  // namespace

TEST_SUITE("ec2.rules") {
  TEST_CASE("protocols normalize to EC2's names") {
    CHECK(normalize_protocol("tcp") == "tcp");
    CHECK(normalize_protocol("TCP") == "tcp");
    CHECK(normalize_protocol("6") == "tcp");
    CHECK(normalize_protocol("17") == "udp");
    CHECK(normalize_protocol("1") == "icmp");
    CHECK(normalize_protocol("58") == "icmpv6");
    CHECK(normalize_protocol("-1") == "-1");
    CHECK(normalize_protocol("all") == "-1");
    CHECK(normalize_protocol("50") == "50");
    CHECK_THROWS_AS(normalize_protocol("256"), AwsError);
    CHECK_THROWS_AS(normalize_protocol("http"), AwsError);
    CHECK_THROWS_AS(normalize_protocol("06"), AwsError);
  }

  TEST_CASE("one permission splits into one rule per peer, ports per protocol") {
    const auto rules = expand_permissions(json::parse(R"([
      {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "web"}, {"CidrIp": "10.0.0.0/8"}],
       "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
       "UserIdGroupPairs": [{"GroupId": "sg-1"}], "PrefixListIds": [{"PrefixListId": "pl-1"}]}
    ])"),
                                          false);
    REQUIRE(rules.size() == 5);
    CHECK(rules[0].cidr_ipv4 == "0.0.0.0/0");
    CHECK(rules[0].description == "web");
    CHECK(rules[1].cidr_ipv4 == "10.0.0.0/8");
    CHECK(rules[2].cidr_ipv6 == "::/0");
    CHECK(rules[3].prefix_list_id == "pl-1");
    CHECK(rules[4].group_id == "sg-1");
    for (const auto& rule : rules) {
      CHECK(rule.protocol == "tcp");
      CHECK(rule.from_port == 80);
      CHECK(rule.to_port == 80);
      CHECK_FALSE(rule.egress);
    }

    const auto all = expand_permissions(
        json::parse(R"([{"IpProtocol":"-1","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"1.2.3.4/32"}]}])"), true);
    CHECK(all[0].from_port == -1);
    CHECK(all[0].to_port == -1);
    CHECK(all[0].egress);
    const auto no_ports =
        expand_permissions(json::parse(R"([{"IpProtocol":"tcp","IpRanges":[{"CidrIp":"1.2.3.4/32"}]}])"), false);
    CHECK(no_ports[0].from_port == 0);
    CHECK(no_ports[0].to_port == 65535);
    const auto any_port = expand_permissions(
        json::parse(R"([{"IpProtocol":"udp","FromPort":-1,"ToPort":-1,"IpRanges":[{"CidrIp":"1.2.3.4/32"}]}])"), false);
    CHECK(any_port[0].to_port == 65535);
    const auto icmp = expand_permissions(
        json::parse(R"([{"IpProtocol":"icmp","FromPort":8,"IpRanges":[{"CidrIp":"1.2.3.4/32"}]}])"), false);
    CHECK(icmp[0].from_port == 8);
    CHECK(icmp[0].to_port == -1);
  }

  TEST_CASE("bad permissions are refused with EC2's codes") {
    CHECK(error_code(json::parse(
              R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/33"}]}])")) ==
          "InvalidParameterValue: CIDR block 0.0.0.0/33 is malformed");
    CHECK(error_code(
              json::parse(R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":70,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"))
              .starts_with("InvalidParameterValue"));
    CHECK(error_code(
              json::parse(R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":70000,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"))
              .starts_with("InvalidParameterValue"));
    CHECK(error_code(json::parse(R"([{"IpProtocol":"tcp","FromPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"))
              .starts_with("InvalidParameterValue"));
    CHECK(error_code(json::parse(R"([{"IpProtocol":"bogus","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"))
              .starts_with("InvalidParameterValue"));
    CHECK(error_code(json::parse(R"([{"FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"))
              .starts_with("MissingParameter"));
    CHECK(
        error_code(json::parse(R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":80}])")).starts_with("MissingParameter"));
    CHECK(
        error_code(
            json::parse(
                R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"it's"}]}])"))
            .starts_with("InvalidParameterValue"));
  }

  TEST_CASE("the legacy top-level members make one permission") {
    const auto permissions = requested_permissions(
        json::parse(R"({"GroupId":"sg-1","IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":"10.0.0.0/8"})"));
    REQUIRE(permissions.size() == 1);
    CHECK(permissions[0]["IpRanges"][0]["CidrIp"] == "10.0.0.0/8");
    CHECK(permissions[0]["FromPort"] == 22);
    const auto by_group = requested_permissions(json::parse(R"({"GroupName":"web","SourceSecurityGroupName":"lb"})"));
    CHECK(by_group[0]["IpProtocol"] == "-1");
    CHECK(by_group[0]["UserIdGroupPairs"][0]["GroupName"] == "lb");
    CHECK(requested_permissions(json::parse(R"({"GroupId":"sg-1"})")).empty());
    const json explicit_list = json::parse(R"({"IpPermissions":[{"IpProtocol":"udp"}],"CidrIp":"1.0.0.0/8"})");
    CHECK(requested_permissions(explicit_list) == explicit_list["IpPermissions"]);
  }

  TEST_CASE("rule identity ignores descriptions; direction, ports and peer matter") {
    const auto a = expand_permissions(
        json::parse(
            R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"x"}]}])"),
        false)[0];
    const auto b = expand_permissions(
        json::parse(R"([{"IpProtocol":"6","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"), false)[0];
    const auto egress = expand_permissions(
        json::parse(R"([{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"),
        true)[0];
    const auto other_port = expand_permissions(
        json::parse(R"([{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"),
        false)[0];
    CHECK(rule_key(a) == rule_key(b));
    CHECK(rule_key(a) != rule_key(egress));
    CHECK(rule_key(a) != rule_key(other_port));
    CHECK(duplicate_message(a) ==
          "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW\" already exists");
    RuleSpec all;
    all.protocol = "-1";
    all.group_id = "sg-9";
    CHECK(duplicate_message(all) == "the specified rule \"peer: sg-9, ALL, ALLOW\" already exists");
  }

  TEST_CASE("stored rules round-trip and group into IpPermissions like EC2") {
    const auto rules = expand_permissions(json::parse(R"([
      {"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"web"}]},
      {"IpProtocol":"tcp","FromPort":80,"ToPort":80,"UserIdGroupPairs":[{"GroupId":"sg-lb","UserId":"111122223333"}]},
      {"IpProtocol":"-1","IpRanges":[{"CidrIp":"10.0.0.0/8"}]}
    ])"),
                                          false);
    std::vector<json> docs;
    int n = 0;
    for (const auto& rule : rules)
      docs.push_back(rule_document(rule, "sgr-" + std::to_string(++n), "sg-1", "123456789012", "arn"));
    CHECK(docs[0]["CidrIpv4"] == "0.0.0.0/0");
    CHECK(docs[0]["Description"] == "web");
    CHECK(docs[1]["ReferencedGroupInfo"] == json{{"GroupId", "sg-lb"}, {"UserId", "111122223333"}});
    CHECK(docs[2]["FromPort"] == -1);
    CHECK(rule_key(spec_from_document(docs[1])) == rule_key(rules[1]));

    const json permissions = ip_permissions(docs);
    REQUIRE(permissions.size() == 2);
    CHECK(permissions[0]["IpProtocol"] == "tcp");
    CHECK(permissions[0]["FromPort"] == 80);
    CHECK(permissions[0]["IpRanges"] == json::parse(R"([{"CidrIp":"0.0.0.0/0","Description":"web"}])"));
    CHECK(permissions[0]["UserIdGroupPairs"] == json::parse(R"([{"GroupId":"sg-lb","UserId":"111122223333"}])"));
    CHECK(permissions[0]["Ipv6Ranges"] == json::array());
    CHECK(permissions[1]["IpProtocol"] == "-1");
    CHECK_FALSE(permissions[1].contains("FromPort"));

    const json revoked = revoked_rule(docs[1]);
    CHECK(revoked["ReferencedGroupId"] == "sg-lb");
    CHECK_FALSE(revoked.contains("ReferencedGroupInfo"));
    CHECK(permission_of(rules[0])["IpRanges"][0]["CidrIp"] == "0.0.0.0/0");
  }
}
