"""EC2 networking end to end: the aws CLI v2 (Debian's /usr/bin/aws) for shapes and shorthand, boto3 where
handier, raw HTTP for the wire envelope. Every test runs in its own random 12-digit account, so it sees a
fresh default network."""

import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import fake_sigv4_headers, header, random_account
from aws_errors import cli_error, client_error, ok

VPC_ID = re.compile(r"^vpc-[0-9a-f]{17}$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{17}$")
SG_ID = re.compile(r"^sg-[0-9a-f]{17}$")
SGR_ID = re.compile(r"^sgr-[0-9a-f]{17}$")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def err(fn, **kw):
    """(code, message) of a boto3 call that must fail with 400."""
    code, message, status = client_error(fn, **kw)
    assert status == 400, (code, message, status)
    return code, message


@pytest.fixture
def ec2(client):
    return client("ec2")


def default_vpc(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def group_named(ec2, vpc_id, name):
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                   {"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    assert len(groups) == 1, groups
    return groups[0]


def new_vpc(ec2, cidr="10.0.0.0/16", name=None):
    kw = {"CidrBlock": cidr}
    if name:
        kw["TagSpecifications"] = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]
    return ec2.create_vpc(**kw)["Vpc"]["VpcId"]


def rules_of(ec2, group_id):
    return ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]


def ec2_query(server, params, account="test", region="us-east-1"):
    """A raw EC2 query request; returns (status, headers, parsed XML root with namespaces stripped)."""
    body = urllib.parse.urlencode({"Version": "2016-11-15", **params}).encode()
    status, headers, data = server.http("POST", "/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        **fake_sigv4_headers("ec2", region, account, extra_signed=())})
    root = ET.fromstring(data)
    for el in root.iter():
        el.tag = el.tag.split("}", 1)[-1]
    return status, headers, root


# ------------------------------------------------------------------------------------------------
# the default network
# ------------------------------------------------------------------------------------------------


def test_default_vpc_subnets_and_group_exist_on_first_describe(aws, account):
    vpcs = ok(aws, "ec2", "describe-vpcs")["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert VPC_ID.match(vpc["VpcId"])
    assert vpc["IsDefault"] is True
    assert vpc["CidrBlock"] == "172.31.0.0/16"
    assert vpc["State"] == "available"
    assert vpc["OwnerId"] == account
    assert vpc["InstanceTenancy"] == "default"
    assert vpc["DhcpOptionsId"].startswith("dopt-")
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "172.31.0.0/16"

    subnets = ok(aws, "ec2", "describe-subnets")["Subnets"]
    assert [(s["CidrBlock"], s["AvailabilityZone"], s["AvailabilityZoneId"]) for s in subnets] == [
        ("172.31.0.0/20", "us-east-1a", "use1-az1"),
        ("172.31.16.0/20", "us-east-1b", "use1-az2"),
        ("172.31.32.0/20", "us-east-1c", "use1-az3"),
    ]
    for s in subnets:
        assert SUBNET_ID.match(s["SubnetId"])
        assert s["VpcId"] == vpc["VpcId"]
        assert s["DefaultForAz"] is True
        assert s["MapPublicIpOnLaunch"] is True
        assert s["State"] == "available"
        assert s["AvailableIpAddressCount"] == 4091
        assert s["SubnetArn"] == f"arn:aws:ec2:us-east-1:{account}:subnet/{s['SubnetId']}"

    groups = ok(aws, "ec2", "describe-security-groups")["SecurityGroups"]
    assert len(groups) == 1
    sg = groups[0]
    assert SG_ID.match(sg["GroupId"])
    assert (sg["GroupName"], sg["Description"], sg["VpcId"], sg["OwnerId"]) == (
        "default", "default VPC security group", vpc["VpcId"], account)
    assert sg["IpPermissions"] == [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                                    "UserIdGroupPairs": [{"GroupId": sg["GroupId"], "UserId": account}]}]
    assert sg["IpPermissionsEgress"] == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                          "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]

    # the same network on every later call
    assert ok(aws, "ec2", "describe-vpcs")["Vpcs"][0]["VpcId"] == vpc["VpcId"]


def test_availability_zones_internet_gateway_and_main_route_table(aws, ec2):
    zones = ok(aws, "ec2", "describe-availability-zones")["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"], z["State"], z["RegionName"]) for z in zones] == [
        ("us-east-1a", "use1-az1", "available", "us-east-1"),
        ("us-east-1b", "use1-az2", "available", "us-east-1"),
        ("us-east-1c", "use1-az3", "available", "us-east-1"),
    ]
    one = ec2.describe_availability_zones(Filters=[{"Name": "zone-name", "Values": ["*b"]}])["AvailabilityZones"]
    assert [z["ZoneName"] for z in one] == ["us-east-1b"]
    code, message, _ = client_error(ec2.describe_availability_zones, ZoneNames=["us-east-1z"])
    assert code == "InvalidParameterValue" and "us-east-1z" in message

    vpc = default_vpc(ec2)
    igws = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])["InternetGateways"]
    assert len(igws) == 1
    igw = igws[0]
    assert igw["InternetGatewayId"].startswith("igw-")
    assert igw["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                                                {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert len(tables) == 1
    routes = {r["DestinationCidrBlock"]: r["GatewayId"] for r in tables[0]["Routes"]}
    assert routes == {"172.31.0.0/16": "local", "0.0.0.0/0": igw["InternetGatewayId"]}


# ------------------------------------------------------------------------------------------------
# filters
# ------------------------------------------------------------------------------------------------


def test_vpc_and_subnet_filters(aws, ec2):
    default = default_vpc(ec2)
    mine = new_vpc(ec2, "10.20.0.0/16", name="filter-demo")
    for name in ("isDefault", "is-default"):
        out = ok(aws, "ec2", "describe-vpcs", "--filters", f"Name={name},Values=true")["Vpcs"]
        assert [v["VpcId"] for v in out] == [default["VpcId"]]
        out = ok(aws, "ec2", "describe-vpcs", "--filters", f"Name={name},Values=false")["Vpcs"]
        assert [v["VpcId"] for v in out] == [mine]
    by_tag = ok(aws, "ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=filter-*")["Vpcs"]
    assert [v["VpcId"] for v in by_tag] == [mine]
    assert by_tag[0]["Tags"] == [{"Key": "Name", "Value": "filter-demo"}]
    assert ok(aws, "ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=other")["Vpcs"] == []
    both = ok(aws, "ec2", "describe-vpcs", "--filters", f"Name=vpc-id,Values={default['VpcId']},{mine}")["Vpcs"]
    assert {v["VpcId"] for v in both} == {default["VpcId"], mine}
    assert [v["VpcId"] for v in ec2.describe_vpcs(
        Filters=[{"Name": "cidr", "Values": ["10.20.0.0/16"]}])["Vpcs"]] == [mine]

    sub = ec2.create_subnet(VpcId=mine, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    in_default = ok(aws, "ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={default['VpcId']}")["Subnets"]
    assert len(in_default) == 3 and all(s["VpcId"] == default["VpcId"] for s in in_default)
    in_mine = ok(aws, "ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={mine}")["Subnets"]
    assert [s["SubnetId"] for s in in_mine] == [sub["SubnetId"]]
    zone_b = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": ["us-east-1b"]}])["Subnets"]
    assert {s["CidrBlock"] for s in zone_b} == {"172.31.16.0/20", "10.20.1.0/24"}
    defaults = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                             {"Name": "availability-zone", "Values": ["us-east-1b"]}])["Subnets"]
    assert [s["CidrBlock"] for s in defaults] == ["172.31.16.0/20"]

    code, message = cli_error(aws, "ec2", "describe-vpcs", "--filters", "Name=colour,Values=red")
    assert (code, message) == ("InvalidParameterValue", "The filter 'colour' is invalid")


def test_security_group_filters(aws, ec2):
    vpc = default_vpc(ec2)["VpcId"]
    other = new_vpc(ec2, "10.30.0.0/16")
    web = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc,
                                    TagSpecifications=[{"ResourceType": "security-group",
                                                        "Tags": [{"Key": "Name", "Value": "web-sg"}]}])["GroupId"]
    web2 = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=other)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

    by_name = ok(aws, "ec2", "describe-security-groups", "--filters", "Name=group-name,Values=web")["SecurityGroups"]
    assert {g["GroupId"] for g in by_name} == {web, web2}
    by_name_vpc = ok(aws, "ec2", "describe-security-groups", "--filters", "Name=group-name,Values=web",
                     f"Name=vpc-id,Values={other}")["SecurityGroups"]
    assert [g["GroupId"] for g in by_name_vpc] == [web2]
    by_id = ok(aws, "ec2", "describe-security-groups", "--filters", f"Name=group-id,Values={web}")["SecurityGroups"]
    assert [g["GroupId"] for g in by_id] == [web]
    by_tag = ok(aws, "ec2", "describe-security-groups", "--filters", "Name=tag:Name,Values=web-sg")["SecurityGroups"]
    assert [g["GroupId"] for g in by_tag] == [web]
    by_port = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.from-port", "Values": ["443"]}])
    assert [g["GroupId"] for g in by_port["SecurityGroups"]] == [web]
    defaults = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert {g["VpcId"] for g in defaults} == {vpc, other}
    # GroupNames look in the default VPC
    named = ok(aws, "ec2", "describe-security-groups", "--group-names", "web")["SecurityGroups"]
    assert [g["GroupId"] for g in named] == [web]


# ------------------------------------------------------------------------------------------------
# create / delete with TagSpecifications
# ------------------------------------------------------------------------------------------------


def test_create_vpc_subnet_and_group_with_tag_specifications(aws, ec2, account):
    vpc = ok(aws, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications",
             "ResourceType=vpc,Tags=[{Key=Name,Value=demo-vpc},{Key=env,Value=test}]")["Vpc"]
    vpc_id = vpc["VpcId"]
    assert VPC_ID.match(vpc_id)
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["IsDefault"] is False
    assert vpc["OwnerId"] == account
    assert {t["Key"]: t["Value"] for t in vpc["Tags"]} == {"Name": "demo-vpc", "env": "test"}
    described = ok(aws, "ec2", "describe-vpcs", "--vpc-ids", vpc_id)["Vpcs"][0]
    assert described["State"] == "available"
    assert {t["Key"] for t in described["Tags"]} == {"Name", "env"}

    subnet = ok(aws, "ec2", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.1.0/24",
                "--availability-zone", "us-east-1c", "--tag-specifications",
                "ResourceType=subnet,Tags=[{Key=Name,Value=public-c}]")["Subnet"]
    assert SUBNET_ID.match(subnet["SubnetId"])
    assert (subnet["VpcId"], subnet["CidrBlock"], subnet["AvailabilityZone"], subnet["AvailabilityZoneId"]) == (
        vpc_id, "10.0.1.0/24", "us-east-1c", "use1-az3")
    assert subnet["DefaultForAz"] is False and subnet["MapPublicIpOnLaunch"] is False
    assert subnet["AvailableIpAddressCount"] == 251
    assert subnet["Tags"] == [{"Key": "Name", "Value": "public-c"}]
    by_zone_id = ok(aws, "ec2", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.2.0/28",
                    "--availability-zone-id", "use1-az1")["Subnet"]
    assert by_zone_id["AvailabilityZone"] == "us-east-1a"
    assert by_zone_id["AvailableIpAddressCount"] == 11

    sg = ok(aws, "ec2", "create-security-group", "--group-name", "app", "--description", "app servers",
            "--vpc-id", vpc_id, "--tag-specifications", "ResourceType=security-group,Tags=[{Key=tier,Value=app}]")
    assert SG_ID.match(sg["GroupId"])
    assert sg["Tags"] == [{"Key": "tier", "Value": "app"}]
    groups = ok(aws, "ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={vpc_id}")["SecurityGroups"]
    assert sorted(g["GroupName"] for g in groups) == ["app", "default"]
    app = next(g for g in groups if g["GroupName"] == "app")
    assert app["IpPermissions"] == []
    assert app["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]

    assert err(ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.0.3.0/24", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])[0] == "InvalidParameterValue"

    # tear down in dependency order
    code, message = cli_error(aws, "ec2", "delete-vpc", "--vpc-id", vpc_id)
    assert (code, message) == ("DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    ok(aws, "ec2", "delete-subnet", "--subnet-id", subnet["SubnetId"])
    ec2.delete_subnet(SubnetId=by_zone_id["SubnetId"])
    assert err(ec2.delete_vpc, VpcId=vpc_id)[0] == "DependencyViolation"  # the "app" group still lives there
    ok(aws, "ec2", "delete-security-group", "--group-id", sg["GroupId"])
    ok(aws, "ec2", "delete-vpc", "--vpc-id", vpc_id)
    assert err(ec2.describe_vpcs, VpcIds=[vpc_id]) == ("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")
    # its default group and main route table went with it
    assert ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"] == []
    assert ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"] == []


def test_dual_stack_vpc_and_subnet(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    [assoc] = vpc["Ipv6CidrBlockAssociationSet"]
    block = assoc["Ipv6CidrBlock"]
    assert re.fullmatch(r"2600:1f18:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/56", block), block
    assert assoc["Ipv6CidrBlockState"]["State"] == "associated"
    groups = block.split("::")[0].split(":")
    assert int(groups[3], 16) & 0xff == 0, block
    groups[3] = format(int(groups[3], 16) + 1, "x")
    sub64 = ":".join(groups) + "::/64"
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.90.1.0/24", Ipv6CidrBlock=sub64)["Subnet"]
    assert [a["Ipv6CidrBlock"] for a in subnet["Ipv6CidrBlockAssociationSet"]] == [sub64]
    assert err(ec2.create_subnet, VpcId=vpc["VpcId"], CidrBlock="10.90.2.0/24", Ipv6CidrBlock=sub64)[0] == \
        "InvalidSubnet.Conflict"
    assert err(ec2.create_subnet, VpcId=vpc["VpcId"], CidrBlock="10.90.2.0/24",
               Ipv6CidrBlock="2001:db8::/64")[0] == "InvalidSubnet.Range"
    plain = new_vpc(ec2, "10.91.0.0/16")
    assert err(ec2.create_subnet, VpcId=plain, CidrBlock="10.91.1.0/24", Ipv6CidrBlock=sub64)[0] == \
        "InvalidSubnet.Range"
    found = ec2.describe_subnets(Filters=[{"Name": "ipv6-cidr-block-association.ipv6-cidr-block",
                                           "Values": [sub64]}])["Subnets"]
    assert [s["SubnetId"] for s in found] == [subnet["SubnetId"]]
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"][0]
    assert {"DestinationIpv6CidrBlock": block, "GatewayId": "local", "Origin": "CreateRouteTable",
            "State": "active"} in main["Routes"]


def test_new_subnets_without_zone_spread_over_zones(ec2):
    vpc = new_vpc(ec2, "10.40.0.0/16")
    zones = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24")["Subnet"]["AvailabilityZone"] for i in range(3)]
    assert sorted(zones) == ["us-east-1a", "us-east-1b", "us-east-1c"]


# ------------------------------------------------------------------------------------------------
# security group rules
# ------------------------------------------------------------------------------------------------


def test_authorize_ingress_with_cli_shorthand(aws, ec2, account):
    vpc = default_vpc(ec2)["VpcId"]
    lb = ec2.create_security_group(GroupName="lb", Description="load balancer")["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]

    out = ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", lb, "--protocol", "tcp", "--port", "80",
             "--cidr", "0.0.0.0/0")
    assert out["Return"] is True
    [rule] = out["SecurityGroupRules"]
    assert SGR_ID.match(rule["SecurityGroupRuleId"])
    assert (rule["GroupId"], rule["GroupOwnerId"], rule["IsEgress"], rule["IpProtocol"], rule["FromPort"],
            rule["ToPort"], rule["CidrIpv4"]) == (lb, account, False, "tcp", 80, 80, "0.0.0.0/0")

    out = ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", app, "--protocol", "tcp", "--port",
             "8000-8100", "--source-group", lb)
    [rule] = out["SecurityGroupRules"]
    assert rule["ReferencedGroupInfo"] == {"GroupId": lb, "UserId": account}
    assert (rule["FromPort"], rule["ToPort"]) == (8000, 8100)
    # --group-name and --source-group by name, in the default VPC
    ok(aws, "ec2", "authorize-security-group-ingress", "--group-name", "app", "--protocol", "udp", "--port", "53",
       "--source-group", "lb")
    ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", app, "--protocol", "all", "--cidr", "10.0.0.0/8")

    groups = {g["GroupId"]: g for g in ok(aws, "ec2", "describe-security-groups", "--group-ids", lb, app)["SecurityGroups"]}
    assert groups[lb]["IpPermissions"] == [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                                            "PrefixListIds": [], "UserIdGroupPairs": []}]
    perms = groups[app]["IpPermissions"]
    assert [(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")) for p in perms] == [
        ("tcp", 8000, 8100), ("udp", 53, 53), ("-1", None, None)]
    assert perms[0]["UserIdGroupPairs"] == [{"GroupId": lb, "UserId": account}]
    assert perms[1]["UserIdGroupPairs"] == [{"GroupId": lb, "UserId": account}]
    assert perms[2]["IpRanges"] == [{"CidrIp": "10.0.0.0/8"}]


def test_authorize_with_ip_permissions_json_and_egress(aws, ec2):
    sg = ec2.create_security_group(GroupName="json", Description="json rules")["GroupId"]
    perms = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "203.0.113.0/24", "Description": "office"}, {"CidrIp": "198.51.100.7/32"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32", "Description": "v6 office"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ]
    out = ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--ip-permissions", json.dumps(perms))
    assert len(out["SecurityGroupRules"]) == 4
    v6 = next(r for r in out["SecurityGroupRules"] if "CidrIpv6" in r)
    assert (v6["CidrIpv6"], v6["Description"]) == ("2001:db8::/32", "v6 office")

    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    https = group["IpPermissions"][0]
    assert (https["IpProtocol"], https["FromPort"], https["ToPort"]) == ("tcp", 443, 443)
    assert https["IpRanges"] == [{"CidrIp": "203.0.113.0/24", "Description": "office"}, {"CidrIp": "198.51.100.7/32"}]
    assert https["Ipv6Ranges"] == [{"CidrIpv6": "2001:db8::/32", "Description": "v6 office"}]
    icmp = group["IpPermissions"][1]
    assert (icmp["IpProtocol"], icmp["FromPort"], icmp["ToPort"]) == ("icmp", 8, -1)

    out = ok(aws, "ec2", "authorize-security-group-egress", "--group-id", sg, "--ip-permissions",
             json.dumps([{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                          "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]))
    assert out["SecurityGroupRules"][0]["IsEgress"] is True
    egress = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissionsEgress"]
    assert [(p["IpProtocol"], p.get("FromPort")) for p in egress] == [("-1", None), ("tcp", 5432)]

    # the legacy top-level members (boto3 and old SDKs send them without IpPermissions)
    out = ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=22, ToPort=22,
                                               CidrIp="192.0.2.0/24")
    assert [(r["IpProtocol"], r["FromPort"], r["CidrIpv4"]) for r in out["SecurityGroupRules"]] == [
        ("tcp", 22, "192.0.2.0/24")]
    code, message = cli_error(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
                              "--port", "22", "--cidr", "10.0.0.0/33")
    assert (code, message) == ("InvalidParameterValue", "CIDR block 10.0.0.0/33 is malformed")
    code, _ = cli_error(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--ip-permissions",
                        json.dumps([{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80,
                                     "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]))
    assert code == "InvalidParameterValue"


def test_duplicate_rules_are_refused(aws, ec2):
    sg = ec2.create_security_group(GroupName="dup", Description="dup")["GroupId"]
    ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80",
       "--cidr", "0.0.0.0/0")
    code, message = cli_error(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
                              "--port", "80", "--cidr", "0.0.0.0/0")
    assert code == "InvalidPermission.Duplicate"
    assert message == 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists'
    # a duplicate anywhere in the request refuses the whole request
    code, _, status = client_error(ec2.authorize_security_group_ingress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 81, "ToPort": 81, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "6", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "x"}]}])
    assert (code, status) == ("InvalidPermission.Duplicate", 400)
    assert [r["FromPort"] for r in rules_of(ec2, sg) if not r["IsEgress"]] == [80]
    # the default egress rule exists already
    code, _, _ = client_error(ec2.authorize_security_group_egress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert code == "InvalidPermission.Duplicate"


def test_revoke_rules(aws, ec2, server, account):
    # Debian's CLI/botocore models predate RevokedSecurityGroupRules; the wire answer is checked raw below.
    sg = ec2.create_security_group(GroupName="rev", Description="rev")["GroupId"]
    peer = ec2.create_security_group(GroupName="peer", Description="peer")["GroupId"]
    ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80",
       "--cidr", "0.0.0.0/0")
    ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "22",
       "--source-group", peer)
    https = ok(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "443",
               "--cidr", "0.0.0.0/0")["SecurityGroupRules"][0]["SecurityGroupRuleId"]

    out = ok(aws, "ec2", "revoke-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80",
             "--cidr", "0.0.0.0/0")
    assert out["Return"] is True
    remaining = [(r["FromPort"], r.get("CidrIpv4")) for r in rules_of(ec2, sg) if not r["IsEgress"]]
    assert remaining == [(22, None), (443, "0.0.0.0/0")]
    status, _, root = ec2_query(server, {"Action": "RevokeSecurityGroupIngress", "GroupId": sg,
                                         "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "22",
                                         "IpPermissions.1.ToPort": "22",
                                         "IpPermissions.1.Groups.1.GroupId": peer}, account=account)
    assert status == 200
    assert root.find("return").text == "true"
    assert root.find("revokedSecurityGroupRuleSet/item/referencedGroupId").text == peer
    assert root.find("revokedSecurityGroupRuleSet/item/fromPort").text == "22"
    out = ok(aws, "ec2", "revoke-security-group-ingress", "--group-id", sg, "--security-group-rule-ids", https)
    assert out["Return"] is True
    assert ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"] == []

    code, message = cli_error(aws, "ec2", "revoke-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
                              "--port", "80", "--cidr", "0.0.0.0/0")
    assert (code, message) == ("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
    code, _, _ = client_error(ec2.revoke_security_group_ingress, GroupId=sg, SecurityGroupRuleIds=[https])
    assert code == "InvalidSecurityGroupRuleId.NotFound"

    # egress: remove the default allow-all rule
    out = ok(aws, "ec2", "revoke-security-group-egress", "--group-id", sg, "--ip-permissions",
             json.dumps([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]))
    assert out["Return"] is True
    assert ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissionsEgress"] == []


def test_describe_security_group_rules(aws, ec2, server, account):
    sg = ec2.create_security_group(GroupName="rules", Description="rules")["GroupId"]
    src = ec2.create_security_group(GroupName="src", Description="src")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "http"}]},
        {"IpProtocol": "tcp", "FromPort": 9000, "ToPort": 9000, "UserIdGroupPairs": [{"GroupId": src}]}],
        TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "k", "Value": "v"}]}])

    rules = ok(aws, "ec2", "describe-security-group-rules", "--filters", f"Name=group-id,Values={sg}")["SecurityGroupRules"]
    assert len(rules) == 3
    egress = [r for r in rules if r["IsEgress"]]
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"]) for r in egress] == [("-1", -1, -1, "0.0.0.0/0")]
    http = next(r for r in rules if r.get("CidrIpv4") == "0.0.0.0/0" and not r["IsEgress"])
    assert (http["IpProtocol"], http["FromPort"], http["ToPort"], http["Description"]) == ("tcp", 80, 80, "http")
    assert http["GroupId"] == sg and http["GroupOwnerId"] == account
    assert http["Tags"] == [{"Key": "k", "Value": "v"}]
    # newer than Debian's CLI model: check the ARNs on the wire
    _, _, root = ec2_query(server, {"Action": "DescribeSecurityGroupRules",
                                    "SecurityGroupRuleId.1": http["SecurityGroupRuleId"]}, account=account)
    assert root.find("securityGroupRuleSet/item/securityGroupRuleArn").text == \
        f"arn:aws:ec2:us-east-1:{account}:security-group-rule/{http['SecurityGroupRuleId']}"
    _, _, root = ec2_query(server, {"Action": "DescribeSecurityGroups", "GroupId.1": sg}, account=account)
    assert root.find("securityGroupInfo/item/securityGroupArn").text == \
        f"arn:aws:ec2:us-east-1:{account}:security-group/{sg}"
    ref = next(r for r in rules if "ReferencedGroupInfo" in r)
    assert ref["ReferencedGroupInfo"] == {"GroupId": src, "UserId": account}
    assert "CidrIpv4" not in ref

    one = ok(aws, "ec2", "describe-security-group-rules", "--security-group-rule-ids", ref["SecurityGroupRuleId"])
    assert [r["SecurityGroupRuleId"] for r in one["SecurityGroupRules"]] == [ref["SecurityGroupRuleId"]]
    tagged = ec2.describe_security_group_rules(Filters=[{"Name": "tag:k", "Values": ["v"]}])["SecurityGroupRules"]
    assert len(tagged) == 2
    code, _ = cli_error(aws, "ec2", "describe-security-group-rules", "--security-group-rule-ids",
                        "sgr-00000000000000000")
    assert code == "InvalidSecurityGroupRuleId.NotFound"


# ------------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------------


def test_not_found_and_malformed_ids(aws, ec2):
    assert cli_error(aws, "ec2", "describe-vpcs", "--vpc-ids", "vpc-123") == (
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-123' does not exist")
    assert cli_error(aws, "ec2", "describe-subnets", "--subnet-ids", "subnet-123") == (
        "InvalidSubnetID.NotFound", "The subnet ID 'subnet-123' does not exist")
    assert cli_error(aws, "ec2", "describe-security-groups", "--group-ids", "sg-123") == (
        "InvalidGroup.NotFound", "The security group 'sg-123' does not exist")
    code, message = cli_error(aws, "ec2", "describe-security-groups", "--group-names", "nope")
    assert code == "InvalidGroup.NotFound" and message.startswith("The security group 'nope' does not exist")
    assert err(ec2.describe_vpcs, VpcIds=["foo"]) == ("InvalidVpcID.Malformed", 'Invalid id: "foo"')
    assert err(ec2.describe_security_groups, GroupIds=["foo"])[0] == "InvalidGroupId.Malformed"
    assert err(ec2.create_subnet, VpcId="vpc-123", CidrBlock="10.0.0.0/24")[0] == "InvalidVpcID.NotFound"
    assert err(ec2.create_security_group, GroupName="x", Description="x", VpcId="vpc-404")[0] == \
        "InvalidVpcID.NotFound"
    assert err(ec2.delete_subnet, SubnetId="subnet-404")[0] == "InvalidSubnetID.NotFound"
    assert err(ec2.delete_vpc, VpcId="vpc-404")[0] == "InvalidVpcID.NotFound"
    assert err(ec2.delete_security_group, GroupId="sg-404")[0] == "InvalidGroup.NotFound"
    assert err(ec2.authorize_security_group_ingress, GroupId="sg-404", IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])[0] == \
        "InvalidGroup.NotFound"
    sg = ec2.create_security_group(GroupName="src-missing", Description="x")["GroupId"]
    assert cli_error(aws, "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
                     "--port", "80", "--source-group", "sg-404") == (
        "InvalidGroup.NotFound", "The security group 'sg-404' does not exist")


def test_duplicate_group_and_default_group_protection(aws, ec2):
    vpc = default_vpc(ec2)["VpcId"]
    ok(aws, "ec2", "create-security-group", "--group-name", "twice", "--description", "d")
    assert cli_error(aws, "ec2", "create-security-group", "--group-name", "twice", "--description", "d") == (
        "InvalidGroup.Duplicate", f"The security group 'twice' already exists for VPC '{vpc}'")
    assert cli_error(aws, "ec2", "create-security-group", "--group-name", "default", "--description", "d")[0] == \
        "InvalidGroup.Duplicate"
    default = group_named(ec2, vpc, "default")["GroupId"]
    assert cli_error(aws, "ec2", "delete-security-group", "--group-id", default) == (
        "CannotDelete", f'the specified group: "{default}" name: "default" cannot be deleted by a user')
    # a group another group's rule references cannot go
    target = ec2.create_security_group(GroupName="target", Description="t")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=target, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupName": "twice"}]}])
    twice = group_named(ec2, vpc, "twice")["GroupId"]
    assert cli_error(aws, "ec2", "delete-security-group", "--group-id", twice) == (
        "DependencyViolation", f"resource {twice} has a dependent object")
    ok(aws, "ec2", "delete-security-group", "--group-id", target)
    ok(aws, "ec2", "delete-security-group", "--group-name", "twice")
    assert cli_error(aws, "ec2", "describe-security-groups", "--group-ids", twice)[0] == "InvalidGroup.NotFound"


def test_cidr_errors(aws, ec2):
    assert cli_error(aws, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/8") == (
        "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid.")
    assert cli_error(aws, "ec2", "create-vpc", "--cidr-block", "10.0.0.300/16") == (
        "InvalidParameterValue",
        "Value (10.0.0.300/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.")
    assert err(ec2.create_vpc, CidrBlock="banana")[0] == "InvalidParameterValue"
    assert err(ec2.create_vpc, CidrBlock="10.0.0.1/16")[0] == "InvalidParameterValue"
    assert err(ec2.create_vpc, CidrBlock="10.0.0.0/29")[0] == "InvalidVpc.Range"
    vpc = new_vpc(ec2, "10.50.0.0/16")
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/24")
    assert cli_error(aws, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.50.0.128/25") == (
        "InvalidSubnet.Conflict", "The CIDR '10.50.0.128/25' conflicts with another subnet")
    assert err(ec2.create_subnet, VpcId=vpc, CidrBlock="10.50.0.0/23")[0] == "InvalidSubnet.Conflict"
    assert cli_error(aws, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.51.0.0/24") == (
        "InvalidSubnet.Range", "The CIDR '10.51.0.0/24' is invalid.")
    assert err(ec2.create_subnet, VpcId=vpc, CidrBlock="10.50.1.0/29")[0] == "InvalidSubnet.Range"
    assert err(ec2.create_subnet, VpcId=vpc, CidrBlock="10.50.1.0/33")[0] == "InvalidParameterValue"
    code, message = err(ec2.create_subnet, VpcId=vpc, CidrBlock="10.50.1.0/24", AvailabilityZone="us-east-1z")
    assert code == "InvalidParameterValue" and "us-east-1a, us-east-1b, us-east-1c" in message
    assert err(ec2.create_subnet, VpcId=vpc, CidrBlock="10.50.1.0/24", AvailabilityZoneId="use1-az9")[0] == \
        "InvalidParameterValue"
    assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 1
    # the same block in another VPC is fine
    other = new_vpc(ec2, "10.50.0.0/16")
    assert ec2.create_subnet(VpcId=other, CidrBlock="10.50.0.0/24")["Subnet"]["VpcId"] == other


def test_dry_run(aws, ec2):
    before = len(ec2.describe_vpcs()["Vpcs"])
    assert cli_error(aws, "ec2", "create-vpc", "--cidr-block", "10.9.0.0/16", "--dry-run") == (
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    code, message, status = client_error(ec2.describe_vpcs, DryRun=True)
    assert (code, status) == ("DryRunOperation", 412)
    assert message == "Request would have succeeded, but DryRun flag is set."
    sg = default_vpc(ec2)
    code, _, status = client_error(ec2.create_security_group, GroupName="dry", Description="d", DryRun=True)
    assert (code, status) == ("DryRunOperation", 412)
    assert len(ec2.describe_vpcs()["Vpcs"]) == before
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["dry"]}])["SecurityGroups"]
    assert groups == [] and sg


def test_error_envelope_on_the_wire(server):
    account = random_account()
    status, headers, root = ec2_query(server, {"Action": "DescribeVpcs", "VpcId.1": "vpc-123"}, account=account)
    assert status == 400
    assert header(headers, "Content-Type").startswith("text/xml")
    assert root.tag == "Response"
    assert root.find("Errors/Error/Code").text == "InvalidVpcID.NotFound"
    assert root.find("Errors/Error/Message").text == "The vpc ID 'vpc-123' does not exist"
    assert root.find("RequestID").text
    status, _, root = ec2_query(server, {"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16", "DryRun": "true"},
                                account=account)
    assert status == 412
    assert root.find("Errors/Error/Code").text == "DryRunOperation"
    status, _, root = ec2_query(server, {"Action": "DescribeVpcs"}, account=account)
    assert status == 200
    assert root.tag == "DescribeVpcsResponse"
    assert root.find("requestId").text
    assert root.find("vpcSet/item/isDefault").text == "true"


# ------------------------------------------------------------------------------------------------
# tags
# ------------------------------------------------------------------------------------------------


def test_create_delete_and_describe_tags(aws, ec2):
    vpc = default_vpc(ec2)["VpcId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    sg = group_named(ec2, vpc, "default")["GroupId"]
    ok(aws, "ec2", "create-tags", "--resources", vpc, subnet, sg, "--tags", "Key=Name,Value=main", "Key=team,Value=web")
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == [{"Key": "Name", "Value": "main"},
                                                                  {"Key": "team", "Value": "web"}]
    tags = ok(aws, "ec2", "describe-tags", "--filters", "Name=key,Values=Name")["Tags"]
    assert sorted((t["ResourceType"], t["ResourceId"], t["Value"]) for t in tags) == sorted(
        [("vpc", vpc, "main"), ("subnet", subnet, "main"), ("security-group", sg, "main")])
    only_subnets = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["subnet"]}])["Tags"]
    assert {t["Key"] for t in only_subnets} == {"Name", "team"}
    assert {t["ResourceId"] for t in only_subnets} == {subnet}
    by_id = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [sg]}])["Tags"]
    assert len(by_id) == 2

    # overwrite, delete by key, delete with a non-matching value (kept), delete all
    ok(aws, "ec2", "create-tags", "--resources", vpc, "--tags", "Key=Name,Value=renamed")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["renamed"]}])["Vpcs"][0]["VpcId"] == vpc
    ok(aws, "ec2", "delete-tags", "--resources", vpc, "--tags", "Key=team,Value=other")
    assert {t["Key"] for t in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"]} == {"Name", "team"}
    ok(aws, "ec2", "delete-tags", "--resources", vpc, "--tags", "Key=team")
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == [{"Key": "Name", "Value": "renamed"}]
    ok(aws, "ec2", "delete-tags", "--resources", subnet)
    assert "Tags" not in ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]

    assert cli_error(aws, "ec2", "create-tags", "--resources", "vpc-404", "--tags", "Key=a,Value=b")[0] == \
        "InvalidVpcID.NotFound"
    assert cli_error(aws, "ec2", "create-tags", "--resources", vpc, "--tags", "Key=aws:x,Value=b")[0] == \
        "InvalidParameterValue"
    code, _ = cli_error(aws, "ec2", "create-tags", "--resources", vpc, "--tags",
                        *[f"Key=k{i},Value=v" for i in range(50)])
    assert code == "TagLimitExceeded"


# ------------------------------------------------------------------------------------------------
# accounts, regions, persistence
# ------------------------------------------------------------------------------------------------


def test_accounts_and_regions_are_isolated(server):
    a, b = random_account(), random_account()
    ea, eb = server.client("ec2", account=a), server.client("ec2", account=b)
    va, vb = default_vpc(ea), default_vpc(eb)
    assert va["VpcId"] != vb["VpcId"]
    assert (va["OwnerId"], vb["OwnerId"]) == (a, b)
    mine = ea.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    code, _, _ = client_error(eb.describe_vpcs, VpcIds=[mine])
    assert code == "InvalidVpcID.NotFound"
    assert [v["VpcId"] for v in eb.describe_vpcs()["Vpcs"]] == [vb["VpcId"]]

    eu = server.client("ec2", account=a, region="eu-west-1")
    veu = default_vpc(eu)
    assert veu["VpcId"] != va["VpcId"]
    subnets = eu.describe_subnets()["Subnets"]
    assert [(s["AvailabilityZone"], s["AvailabilityZoneId"]) for s in subnets] == [
        ("eu-west-1a", "euw1-az1"), ("eu-west-1b", "euw1-az2"), ("eu-west-1c", "euw1-az3")]
    assert subnets[0]["SubnetArn"].startswith(f"arn:aws:ec2:eu-west-1:{a}:subnet/")
    code, _, _ = client_error(eu.describe_vpcs, VpcIds=[mine])
    assert code == "InvalidVpcID.NotFound"


def test_state_survives_restart_and_kill(make_server):
    srv = make_server()
    account = random_account()

    def ec2():
        return srv.client("ec2", account=account)

    default = default_vpc(ec2())["VpcId"]
    vpc = ec2().create_vpc(CidrBlock="10.60.0.0/16",
                           TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "keep"}]}])
    vpc_id = vpc["Vpc"]["VpcId"]
    subnet = ec2().create_subnet(VpcId=vpc_id, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2().create_security_group(GroupName="persist", Description="p", VpcId=vpc_id)["GroupId"]
    ec2().authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

    def snapshot():
        c = ec2()
        return (default_vpc(c)["VpcId"],
                c.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"],
                c.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["CidrBlock"],
                c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"],
                sorted(r["SecurityGroupRuleId"] for r in rules_of(c, sg)))

    before = snapshot()
    assert before[0] == default
    srv.restart()
    assert snapshot() == before
    srv.restart(hard=True)
    assert snapshot() == before
    code, _, _ = client_error(ec2().authorize_security_group_ingress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert code == "InvalidPermission.Duplicate"


def test_reset_brings_a_fresh_default_network(make_server):
    srv = make_server()
    account = random_account()
    first = default_vpc(srv.client("ec2", account=account))["VpcId"]
    srv.reset()
    second = default_vpc(srv.client("ec2", account=account))["VpcId"]
    assert VPC_ID.match(second) and second != first


# ------------------------------------------------------------------------------------------------
# the extras deployment scripts use
# ------------------------------------------------------------------------------------------------


def test_account_attributes_regions_and_network_interfaces(aws, ec2):
    vpc = default_vpc(ec2)["VpcId"]
    attrs = ok(aws, "ec2", "describe-account-attributes", "--attribute-names", "default-vpc")["AccountAttributes"]
    assert attrs == [{"AttributeName": "default-vpc", "AttributeValues": [{"AttributeValue": vpc}]}]
    platforms = ec2.describe_account_attributes(AttributeNames=["supported-platforms"])["AccountAttributes"]
    assert platforms[0]["AttributeValues"] == [{"AttributeValue": "VPC"}]
    regions = ok(aws, "ec2", "describe-regions")["Regions"]
    names = [r["RegionName"] for r in regions]
    assert "us-east-1" in names and "eu-west-1" in names
    assert next(r for r in regions if r["RegionName"] == "us-east-1")["Endpoint"] == "ec2.us-east-1.amazonaws.com"
    assert [r["RegionName"] for r in ec2.describe_regions(RegionNames=["eu-west-1"])["Regions"]] == ["eu-west-1"]
    assert ok(aws, "ec2", "describe-network-interfaces")["NetworkInterfaces"] == []
    assert ec2.describe_network_interfaces(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"] == []


def test_vpc_and_subnet_attributes(aws, ec2):
    default = default_vpc(ec2)["VpcId"]
    vpc = new_vpc(ec2, "10.70.0.0/16")
    hostnames = ok(aws, "ec2", "describe-vpc-attribute", "--vpc-id", vpc, "--attribute", "enableDnsHostnames")
    assert hostnames == {"VpcId": vpc, "EnableDnsHostnames": {"Value": False}}
    assert ec2.describe_vpc_attribute(VpcId=default, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    ok(aws, "ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames", '{"Value":true}')
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True

    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.1.0/24")["Subnet"]["SubnetId"]
    ok(aws, "ec2", "modify-subnet-attribute", "--subnet-id", subnet, "--map-public-ip-on-launch")
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["MapPublicIpOnLaunch"] is True
    public = ec2.describe_subnets(Filters=[{"Name": "map-public-ip-on-launch", "Values": ["true"]},
                                           {"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [s["SubnetId"] for s in public] == [subnet]
    ok(aws, "ec2", "modify-subnet-attribute", "--subnet-id", subnet, "--no-map-public-ip-on-launch")
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["MapPublicIpOnLaunch"] is False


def test_public_subnet_tutorial_flow(aws, ec2):
    """The usual 'VPC with two public subnets' script: IGW, route table, default route, associations."""
    vpc = new_vpc(ec2, "10.80.0.0/16", name="tutorial")
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.80.{i}.0/24", AvailabilityZone=f"us-east-1{z}")
               ["Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    igw = ok(aws, "ec2", "create-internet-gateway", "--tag-specifications",
             "ResourceType=internet-gateway,Tags=[{Key=Name,Value=tutorial-igw}]")["InternetGateway"]
    igw_id = igw["InternetGatewayId"]
    assert igw["Attachments"] == []
    ok(aws, "ec2", "attach-internet-gateway", "--internet-gateway-id", igw_id, "--vpc-id", vpc)
    assert cli_error(aws, "ec2", "attach-internet-gateway", "--internet-gateway-id", igw_id, "--vpc-id", vpc)[0] == \
        "Resource.AlreadyAssociated"
    rtb = ok(aws, "ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]
    rtb_id = rtb["RouteTableId"]
    assert rtb["Routes"] == [{"DestinationCidrBlock": "10.80.0.0/16", "GatewayId": "local",
                              "Origin": "CreateRouteTable", "State": "active"}]
    assert ok(aws, "ec2", "create-route", "--route-table-id", rtb_id, "--destination-cidr-block", "0.0.0.0/0",
              "--gateway-id", igw_id)["Return"] is True
    assert cli_error(aws, "ec2", "create-route", "--route-table-id", rtb_id, "--destination-cidr-block",
                     "0.0.0.0/0", "--gateway-id", igw_id)[0] == "RouteAlreadyExists"
    associations = [ok(aws, "ec2", "associate-route-table", "--route-table-id", rtb_id, "--subnet-id", s)
                    for s in subnets]
    assert all(a["AssociationId"].startswith("rtbassoc-") for a in associations)
    table = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnets[0]]}])["RouteTables"]
    assert [t["RouteTableId"] for t in table] == [rtb_id]
    assert {r["DestinationCidrBlock"]: r["GatewayId"] for r in table[0]["Routes"]} == {
        "10.80.0.0/16": "local", "0.0.0.0/0": igw_id}

    # and back down again
    assert err(ec2.delete_route_table, RouteTableId=rtb_id)[0] == "DependencyViolation"
    for a in associations:
        ec2.disassociate_route_table(AssociationId=a["AssociationId"])
    assert err(ec2.delete_route, RouteTableId=rtb_id, DestinationCidrBlock="10.80.0.0/16")[0] == \
        "InvalidParameterValue"  # the local route stays
    ec2.delete_route(RouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0")
    ec2.delete_route_table(RouteTableId=rtb_id)
    for s in subnets:
        ec2.delete_subnet(SubnetId=s)
    assert err(ec2.delete_vpc, VpcId=vpc)[0] == "DependencyViolation"  # the gateway is still attached
    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    ec2.delete_vpc(VpcId=vpc)
    assert err(ec2.describe_internet_gateways, InternetGatewayIds=[igw_id])[0] == "InvalidInternetGatewayID.NotFound"
    assert err(ec2.describe_vpcs, VpcIds=[vpc])[0] == "InvalidVpcID.NotFound"


def test_pagination(ec2):
    for i in range(6):
        ec2.create_security_group(GroupName=f"page-{i}", Description="p")
    pages = list(ec2.get_paginator("describe_security_groups").paginate(PaginationConfig={"PageSize": 5}))
    assert len(pages) == 2
    names = [g["GroupName"] for p in pages for g in p["SecurityGroups"]]
    assert names == ["default"] + [f"page-{i}" for i in range(6)]
    first = ec2.describe_security_groups(MaxResults=5)
    assert len(first["SecurityGroups"]) == 5 and first["NextToken"]
    rest = ec2.describe_security_groups(MaxResults=5, NextToken=first["NextToken"])
    assert len(rest["SecurityGroups"]) == 2 and "NextToken" not in rest
