// The service through its dispatch table and the look-ups other services use, on a real SQLite file.
#include "services/ec2/ec2_service.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/database.hpp"

using namespace albatross;
using nlohmann::json;

namespace {

struct Fixture {
  std::filesystem::path dir;
  std::optional<storage::Database> db;
  std::optional<ec2::Ec2Service> service;
  ServiceDefinition definition;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("albatross-ec2-test-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir);
    db.emplace(dir / "state.db");
    service.emplace(*db);
    definition = service->definition();
  }
  ~Fixture() {
    service.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  json call(const std::string& operation, const json& in, const std::string& account = "123456789012",
            const std::string& region = "us-east-1") {
    RequestContext ctx{account, region, "req", "ec2", operation};
    json out;
    db->in_transaction([&] { out = definition.handlers.at(operation)(ctx, in); });
    return out;
  }

  std::string error(const std::string& operation, const json& in) {
    try {
      call(operation, in);
    } catch (const AwsError& e) {
      return e.code;
    }
    return "no error";
  }
};

}  // namespace

TEST_SUITE("ec2.service") {
  TEST_CASE("the default network appears once per account and region") {
    Fixture f;
    const json vpcs = f.call("DescribeVpcs", json::object())["Vpcs"];
    REQUIRE(vpcs.size() == 1);
    CHECK(vpcs[0]["IsDefault"] == true);
    CHECK(vpcs[0]["CidrBlock"] == "172.31.0.0/16");
    const json subnets = f.call("DescribeSubnets", json::object())["Subnets"];
    REQUIRE(subnets.size() == 3);
    CHECK(subnets[0]["CidrBlock"] == "172.31.0.0/20");
    CHECK(subnets[1]["AvailabilityZone"] == "us-east-1b");
    CHECK(subnets[2]["AvailabilityZoneId"] == "use1-az3");
    CHECK(f.call("DescribeVpcs", json::object())["Vpcs"] == vpcs);  // not created twice
    const json other = f.call("DescribeVpcs", json::object(), "123456789012", "eu-west-1")["Vpcs"];
    REQUIRE(other.size() == 1);
    CHECK(other[0]["VpcId"] != vpcs[0]["VpcId"]);
    CHECK(f.call("DescribeRouteTables", json::object())["RouteTables"][0]["Routes"].size() == 2);
    CHECK(f.call("DescribeInternetGateways", json::object())["InternetGateways"][0]["Attachments"][0]["VpcId"] ==
          vpcs[0]["VpcId"]);
  }

  TEST_CASE("look-ups for other services return model shapes") {
    Fixture f;
    const storage::Scope scope{"123456789012", "us-east-1"};
    json vpc;
    f.db->in_transaction([&] { vpc = f.service->default_vpc(scope); });
    const std::string vpc_id = vpc["VpcId"];
    json group;
    f.db->in_transaction([&] { group = f.service->default_security_group(scope, vpc_id); });
    CHECK(group["GroupName"] == "default");
    CHECK(group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == group["GroupId"]);
    CHECK(group["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"] == "0.0.0.0/0");
    const json subnets = f.call("DescribeSubnets", json::object())["Subnets"];
    f.db->in_transaction([&] {
      CHECK(f.service->subnet(scope, subnets[0]["SubnetId"])->at("VpcId") == vpc_id);
      CHECK_FALSE(f.service->subnet(scope, "subnet-404"));
      CHECK(f.service->security_group(scope, group["GroupId"])->at("VpcId") == vpc_id);
      CHECK_FALSE(f.service->security_group(scope, "sg-404"));
      CHECK(f.service->vpc(scope, vpc_id)->at("IsDefault") == true);
      CHECK_FALSE(f.service->vpc({"123456789012", "us-west-2"}, vpc_id));
    });
  }

  TEST_CASE("a dependency check vetoes deleting a subnet or group in use") {
    Fixture f;
    std::string used;
    f.service->add_dependency_check([&](const storage::Scope&, const std::string& id) { return id == used; });
    f.definition = f.service->definition();
    const std::string subnet = f.call("DescribeSubnets", json::object())["Subnets"][0]["SubnetId"];
    const std::string group = f.call("CreateSecurityGroup", {{"GroupName", "lb"}, {"Description", "lb"}})["GroupId"];
    used = subnet;
    CHECK(f.error("DeleteSubnet", {{"SubnetId", subnet}}) == "DependencyViolation");
    used = group;
    CHECK(f.error("DeleteSecurityGroup", {{"GroupId", group}}) == "DependencyViolation");
    used.clear();
    CHECK(f.call("DeleteSecurityGroup", {{"GroupId", group}})["Return"] == true);
    CHECK(f.call("DeleteSubnet", {{"SubnetId", subnet}}).empty());
  }

  TEST_CASE("a deleted default VPC stays deleted") {
    Fixture f;
    const std::string vpc = f.call("DescribeVpcs", json::object())["Vpcs"][0]["VpcId"];
    const json subnets = f.call("DescribeSubnets", json::object())["Subnets"];
    for (const auto& subnet : subnets) f.call("DeleteSubnet", {{"SubnetId", subnet["SubnetId"]}});
    CHECK(f.error("DeleteVpc", {{"VpcId", vpc}}) == "DependencyViolation");  // its internet gateway
    const std::string igw =
        f.call("DescribeInternetGateways", json::object())["InternetGateways"][0]["InternetGatewayId"];
    f.call("DetachInternetGateway", {{"InternetGatewayId", igw}, {"VpcId", vpc}});
    f.call("DeleteInternetGateway", {{"InternetGatewayId", igw}});
    f.call("DeleteVpc", {{"VpcId", vpc}});
    CHECK(f.call("DescribeVpcs", json::object())["Vpcs"].empty());
    CHECK(f.call("DescribeSecurityGroups", json::object())["SecurityGroups"].empty());
    CHECK(f.error("CreateSecurityGroup", {{"GroupName", "x"}, {"Description", "x"}}) == "VPCIdNotSpecified");
    CHECK(f.call("DescribeAccountAttributes",
                 {{"AttributeNames",
                   {"default-vpc"}}})["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"] == "none");
  }

  TEST_CASE("DryRun answers 412 DryRunOperation and changes nothing") {
    Fixture f;
    try {
      f.call("CreateVpc", {{"CidrBlock", "10.0.0.0/16"}, {"DryRun", true}});
      FAIL("expected DryRunOperation");
    } catch (const AwsError& e) {
      CHECK(e.code == "DryRunOperation");
      CHECK(e.http_status == 412);
      CHECK(e.message == "Request would have succeeded, but DryRun flag is set.");
    }
    CHECK(f.call("DescribeVpcs", json::object())["Vpcs"].size() == 1);
  }
}
