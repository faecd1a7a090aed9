#include "services/ec2/filters.hpp"

#include <doctest/doctest.h>

#include "services/service.hpp"

using namespace albatross;
using namespace albatross::ec2;
using nlohmann::json;

TEST_SUITE("ec2.filters") {
  TEST_CASE("wildcards: '*' any run, '?' one character, backslash escapes") {
    CHECK(wildcard_match("vpc-*", "vpc-0123"));
    CHECK(wildcard_match("*", ""));
    CHECK(wildcard_match("*web*", "my-web-sg"));
    CHECK(wildcard_match("us-east-1?", "us-east-1a"));
    CHECK_FALSE(wildcard_match("us-east-1?", "us-east-1"));
    CHECK_FALSE(wildcard_match("us-east-1?", "us-east-1ab"));
    CHECK(wildcard_match("a*b*c", "aXXbYYbZc"));
    CHECK_FALSE(wildcard_match("a*b*c", "aXXbYYbZ"));
    CHECK(wildcard_match("exact", "exact"));
    CHECK_FALSE(wildcard_match("exact", "Exact"));  // values are case-sensitive
    CHECK(wildcard_match("50\\%\\*", "50%*"));
    CHECK_FALSE(wildcard_match("a\\*", "abc"));
    CHECK(wildcard_match("a\\?", "a?"));
    CHECK_FALSE(wildcard_match("a\\?", "ab"));
  }

  TEST_CASE("values_at flattens arrays along the path and renders scalars as text") {
    const json group = json::parse(R"({
      "GroupId": "sg-1", "IsDefault": true,
      "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}
      ]})");
    CHECK(values_at(group, "GroupId") == std::vector<std::string>{"sg-1"});
    CHECK(values_at(group, "IsDefault") == std::vector<std::string>{"true"});
    CHECK(values_at(group, "IpPermissions.FromPort") == std::vector<std::string>{"80"});
    CHECK(values_at(group, "IpPermissions.IpRanges.CidrIp") == std::vector<std::string>{"0.0.0.0/0", "10.0.0.0/8"});
    CHECK(values_at(group, "IpPermissions.UserIdGroupPairs.GroupId") == std::vector<std::string>{"sg-2"});
    CHECK(values_at(group, "Missing.Path").empty());
  }

  TEST_CASE("filters AND across names, OR within values; tag filters work on Tags") {
    const FilterFields fields = {{"vpc-id", "VpcId"}, {"is-default", "IsDefault"}, {"isDefault", "IsDefault"}};
    const json vpcs = json::parse(R"([
      {"VpcId": "vpc-a", "IsDefault": true},
      {"VpcId": "vpc-b", "IsDefault": false, "Tags": [{"Key": "Name", "Value": "prod-net"}, {"Key": "team", "Value": ""}]},
      {"VpcId": "vpc-c", "IsDefault": false, "Tags": [{"Key": "Name", "Value": "dev-net"}]}
    ])");
    auto ids = [&](const char* filters) {
      std::vector<std::string> out;
      for (const auto& v : filter_documents(vpcs, json::parse(filters), fields)) out.push_back(v["VpcId"]);
      return out;
    };
    CHECK(ids("[]") == std::vector<std::string>{"vpc-a", "vpc-b", "vpc-c"});
    CHECK(ids(R"([{"Name":"isDefault","Values":["true"]}])") == std::vector<std::string>{"vpc-a"});
    CHECK(ids(R"([{"Name":"is-default","Values":["false"]}])") == std::vector<std::string>{"vpc-b", "vpc-c"});
    CHECK(ids(R"([{"Name":"vpc-id","Values":["vpc-a","vpc-c"]}])") == std::vector<std::string>{"vpc-a", "vpc-c"});
    CHECK(ids(R"([{"Name":"vpc-id","Values":["vpc-a","vpc-c"]},{"Name":"is-default","Values":["false"]}])") ==
          std::vector<std::string>{"vpc-c"});
    CHECK(ids(R"([{"Name":"tag:Name","Values":["prod-*"]}])") == std::vector<std::string>{"vpc-b"});
    CHECK(ids(R"([{"Name":"tag:Name","Values":["*-net"]}])") == std::vector<std::string>{"vpc-b", "vpc-c"});
    CHECK(ids(R"([{"Name":"tag-key","Values":["team"]}])") == std::vector<std::string>{"vpc-b"});
    CHECK(ids(R"([{"Name":"tag-value","Values":["dev-net"]}])") == std::vector<std::string>{"vpc-c"});
    CHECK(ids(R"([{"Name":"tag:Missing","Values":["*"]}])").empty());
    CHECK(ids(R"([{"Name":"vpc-id","Values":[]}])").empty());
  }

  TEST_CASE("an unknown filter name is InvalidParameterValue; tag filters only where taggable") {
    const FilterFields fields = {{"vpc-id", "VpcId"}};
    try {
      filter_documents(json::array({{{"VpcId", "vpc-a"}}}), json::parse(R"([{"Name":"colour","Values":["red"]}])"),
                       fields);
      FAIL("expected an error");
    } catch (const AwsError& error) {
      CHECK(error.code == "InvalidParameterValue");
      CHECK(error.message == "The filter 'colour' is invalid");
    }
    CHECK_THROWS_AS(
        check_filter_names(parse_filters(json::parse(R"([{"Name":"tag:x","Values":["1"]}])")), fields, false),
        AwsError);
    CHECK_NOTHROW(check_filter_names(parse_filters(json::parse(R"([{"Name":"tag:x","Values":["1"]}])")), fields, true));
    CHECK_THROWS_AS(check_filter_names(parse_filters(json::parse(R"([{"Name":"tag:","Values":["1"]}])")), fields, true),
                    AwsError);
  }
}
