#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/protocol/service_model.hpp"

using namespace albatross::protocol;
using nlohmann::json;

namespace {

json parse_form(const char* service, const char* operation, std::string_view body) {
  const ServiceModel& model = *service_model(service);
  return parse_form_input(model, *model.operation(operation), parse_form_urlencoded(body));
}

albatross::AwsError form_error(const char* service, const char* operation, std::string_view body) {
  try {
    parse_form(service, operation, body);
  } catch (const albatross::AwsError& e) {
    return e;
  }
  FAIL("expected an AwsError");
  return {};
}

}  // namespace

TEST_CASE("form_urlencoded: decoding") {
  const FormParams p = parse_form_urlencoded("Action=Describe&A=b+c%2Fd&Empty=&Flag&x%2Ey=%E2%82%AC&&");
  REQUIRE(p.size() == 5);
  CHECK(p[0] == std::pair<std::string, std::string>{"Action", "Describe"});
  CHECK(p[1].second == "b c/d");
  CHECK(p[2] == std::pair<std::string, std::string>{"Empty", ""});
  CHECK(p[3] == std::pair<std::string, std::string>{"Flag", ""});
  CHECK(p[4] == std::pair<std::string, std::string>{"x.y", "\xE2\x82\xAC"});
  CHECK(parse_form_urlencoded("").empty());
  CHECK_THROWS_AS(parse_form_urlencoded("a=%4"), albatross::AwsError);
  CHECK_THROWS_AS(parse_form_urlencoded("a=%zz"), albatross::AwsError);
  CHECK_THROWS_AS(parse_form_urlencoded("a=%FF"), albatross::AwsError);  // not UTF-8
  try {
    parse_form_urlencoded("a=%");
  } catch (const albatross::AwsError& e) {
    CHECK(e.code == "MalformedQueryString");
    CHECK(e.http_status == 400);
  }
}

TEST_CASE("query: nested structures and lists (elbv2 CreateListener)") {
  const json in = parse_form("elbv2", "CreateListener",
                             "Action=CreateListener&Version=2015-12-01"
                             "&LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A123456789012%3Aloadbalancer%2Fapp%2Fa%2F1"
                             "&Protocol=HTTP&Port=80"
                             "&DefaultActions.member.1.Type=forward"
                             "&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=tg-1"
                             "&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=10"
                             "&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=tg-2"
                             "&DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=true"
                             "&DefaultActions.member.2.Type=fixed-response"
                             "&DefaultActions.member.2.Order=2"
                             "&Tags.member.1.Key=env&Tags.member.1.Value=dev"
                             "&Unknown.Member=1");
  const json expected = json::parse(R"({
    "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1",
    "Protocol": "HTTP", "Port": 80,
    "DefaultActions": [
      {"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": "tg-1", "Weight": 10}, {"TargetGroupArn": "tg-2"}],
        "TargetGroupStickinessConfig": {"Enabled": true}}},
      {"Type": "fixed-response", "Order": 2}],
    "Tags": [{"Key": "env", "Value": "dev"}]
  })");
  CHECK(in == expected);
}

TEST_CASE("query: list order follows the indexes, not the parameter order") {
  const json in = parse_form("elbv2", "DescribeLoadBalancers",
                             "Names.member.10=j&Names.member.2=b&Names.member.1=a&Names.member.x=ignored");
  CHECK(in == json::parse(R"({"Names": ["a", "b", "j"]})"));
}

TEST_CASE("query: attributes list, empty list, absent members") {
  const json in = parse_form("elbv2", "ModifyLoadBalancerAttributes",
                             "LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A1%3Aloadbalancer%2Fapp%2Fa%2F1"
                             "&Attributes.member.1.Key=idle_timeout.timeout_seconds&Attributes.member.1.Value=30"
                             "&Attributes.member.2.Key=deletion_protection.enabled&Attributes.member.2.Value=false");
  CHECK(in["Attributes"] == json::parse(R"([{"Key": "idle_timeout.timeout_seconds", "Value": "30"},
                                              {"Key": "deletion_protection.enabled", "Value": "false"}])"));

  const json empty = parse_form("elbv2", "DescribeLoadBalancers", "Action=DescribeLoadBalancers&Names=");
  CHECK(empty == json::parse(R"({"Names": []})"));
  CHECK(parse_form("elbv2", "DescribeLoadBalancers", "Action=DescribeLoadBalancers") == json::object());
}

TEST_CASE("query: maps as entry.N.key/value (elbv2 AuthenticateOidcConfig)") {
  const json in = parse_form(
      "elbv2", "ModifyListener",
      "ListenerArn=arn&DefaultActions.member.1.Type=authenticate-oidc"
      "&DefaultActions.member.1.AuthenticateOidcConfig.Issuer=https%3A%2F%2Fissuer"
      "&DefaultActions.member.1.AuthenticateOidcConfig.AuthorizationEndpoint=https%3A%2F%2Fissuer%2Fauth"
      "&DefaultActions.member.1.AuthenticateOidcConfig.TokenEndpoint=https%3A%2F%2Fissuer%2Ftoken"
      "&DefaultActions.member.1.AuthenticateOidcConfig.UserInfoEndpoint=https%3A%2F%2Fissuer%2Fuser"
      "&DefaultActions.member.1.AuthenticateOidcConfig.ClientId=client"
      "&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key=prompt"
      "&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value=login"
      "&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.key=display"
      "&DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.value=page");
  CHECK(in["DefaultActions"][0]["AuthenticateOidcConfig"]["AuthenticationRequestExtraParams"] ==
        json::parse(R"({"prompt": "login", "display": "page"})"));
  CHECK(in["DefaultActions"][0]["AuthenticateOidcConfig"]["Issuer"] == "https://issuer");
}

TEST_CASE("query: a string list member sent as plain strings (SetSecurityGroups)") {
  const json in = parse_form("elbv2", "SetSecurityGroups",
                             "LoadBalancerArn=arn&SecurityGroups.member.1=sg-1&SecurityGroups.member.2=sg-2");
  CHECK(in["SecurityGroups"] == json::parse(R"(["sg-1", "sg-2"])"));
}

TEST_CASE("query: timestamps, booleans, numbers") {
  const json in = parse_form("elbv2", "CreateTargetGroup",
                             "Name=tg&Port=8080&HealthCheckEnabled=TRUE&HealthCheckIntervalSeconds=30"
                             "&Matcher.HttpCode=200-299");
  CHECK(in["Port"] == 8080);
  CHECK(in["Port"].is_number_integer());
  CHECK(in["HealthCheckEnabled"] == true);
  CHECK(in["HealthCheckIntervalSeconds"] == 30);
  CHECK(in["Matcher"] == json::parse(R"({"HttpCode": "200-299"})"));
}

TEST_CASE("query: type errors answer the validation code naming the member") {
  auto e = form_error("elbv2", "DescribeLoadBalancers", "PageSize=abc");
  CHECK(e.code == "ValidationError");
  CHECK(e.http_status == 400);
  CHECK(e.message ==
        "1 validation error detected: Value 'abc' at 'pageSize' failed to satisfy constraint: Member must be an integer");

  e = form_error("elbv2", "CreateTargetGroup", "Name=tg&HealthCheckEnabled=yes&Port=99999999999");
  CHECK(e.message ==
        "2 validation errors detected: Value '99999999999' at 'port' failed to satisfy constraint: Member must be an "
        "integer; Value 'yes' at 'healthCheckEnabled' failed to satisfy constraint: Member must be a boolean (true or "
        "false)");
}

TEST_CASE("ec2: flattened lists, capitalized locationNames (DescribeSubnets)") {
  const json in = parse_form("ec2", "DescribeSubnets",
                             "Action=DescribeSubnets&Version=2016-11-15"
                             "&SubnetId.1=subnet-1&SubnetId.2=subnet-2"
                             "&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2"
                             "&Filter.2.Name=default-for-az&Filter.2.Value.1=true"
                             "&DryRun=false&MaxResults=10");
  const json expected = json::parse(R"({
    "SubnetIds": ["subnet-1", "subnet-2"],
    "Filters": [{"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]},
                {"Name": "default-for-az", "Values": ["true"]}],
    "DryRun": false, "MaxResults": 10
  })");
  CHECK(in == expected);
}

TEST_CASE("ec2: missing required member answers MissingParameter") {
  const ServiceModel& ec2 = *service_model("ec2");
  const OperationModel* create_sg = ec2.operation("CreateSecurityGroup");
  REQUIRE(create_sg != nullptr);
  try {
    parse_form_input(ec2, *create_sg, parse_form_urlencoded("GroupName=web"));
    FAIL("expected an error");
  } catch (const albatross::AwsError& e) {
    CHECK(e.code == "MissingParameter");
    CHECK(e.message == "The request must contain the parameter GroupDescription");
    CHECK(e.http_status == 400);
  }
  try {
    parse_form_input(ec2, *ec2.operation("DescribeSubnets"), parse_form_urlencoded("MaxResults=x"));
    FAIL("expected an error");
  } catch (const albatross::AwsError& e) {
    CHECK(e.code == "InvalidParameterValue");
    CHECK(e.message == "1 validation error detected: Value 'x' at 'maxResults' failed to satisfy constraint: "
                       "Member must be an integer");
  }
}
