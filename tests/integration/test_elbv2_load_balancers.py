"""ELBv2 load balancers end to end (spec §1.3–1.4, §2, §4.8): CreateLoadBalancer, DescribeLoadBalancers,
DeleteLoadBalancer, SetSecurityGroups, SetSubnets, SetIpAddressType, load balancer attributes, tags on every
taggable kind, DescribeAccountLimits, the query-protocol wire shape, and the aws CLI v2 / v1."""

import datetime
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import AWS_V2, fake_sigv4_headers, random_account, wait_until
from aws_errors import client_error

NS = "{http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/}"

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def fixed(status="503", body=None):
    config = {"StatusCode": status, "ContentType": "text/plain"}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def attrs(pairs):
    return {a["Key"]: a["Value"] for a in pairs}


def purge_elbv2(elbv2):
    """Best-effort removal of every load balancer and target group of a client's account/region."""
    try:
        for lb in elbv2.describe_load_balancers(PageSize=400)["LoadBalancers"]:
            arn = lb["LoadBalancerArn"]
            try:
                elbv2.modify_load_balancer_attributes(
                    LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
            elbv2.delete_load_balancer(LoadBalancerArn=arn)
        for tg in elbv2.describe_target_groups(PageSize=400)["TargetGroups"]:
            elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    except Exception:  # noqa: BLE001 - best-effort cleanup
        pass


class Net:
    """The account's default VPC (created on the first EC2 call) and its three default subnets."""

    def __init__(self, client, region="us-east-1"):
        self.ec2 = client("ec2", region=region)
        self.elbv2 = client("elbv2", region=region)
        subnets = sorted(self.ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
        self.vpc_id = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
        self.subnets = [s for s in subnets if s["VpcId"] == self.vpc_id]
        assert len(self.subnets) == 3, self.subnets
        self.subnet_ids = [s["SubnetId"] for s in self.subnets]
        self.zone_of = {s["SubnetId"]: s["AvailabilityZone"] for s in self.subnets}
        groups = self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}, {"Name": "group-name", "Values": ["default"]}])
        self.default_sg = groups["SecurityGroups"][0]["GroupId"]

    def alb(self, name, **kw):
        kw.setdefault("Subnets", self.subnet_ids[:2])
        return self.elbv2.create_load_balancer(Name=name, **kw)["LoadBalancers"][0]

    def target_group(self, name, **kw):
        kw.setdefault("Protocol", "HTTP")
        kw.setdefault("Port", 80)
        return self.elbv2.create_target_group(Name=name, VpcId=self.vpc_id, **kw)["TargetGroups"][0]

    def describe(self, arn):
        return self.elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]


_SESSION = []


def boto_client(server, service, account, region="us-east-1", validate=True):
    """A client from one shared boto3 session: the parsed models are cached, so clients come cheap."""
    import boto3
    from botocore.config import Config

    if not _SESSION:
        _SESSION.append(boto3.session.Session())
    return _SESSION[0].client(
        service, endpoint_url=server.url, region_name=region, aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate, connect_timeout=5,
                      read_timeout=30))


@pytest.fixture
def account():
    """A fresh 12-digit account on the shared server (overrides conftest's: no ACM clean-up needed here)."""
    return random_account()


@pytest.fixture
def client(server, account):
    made = {}

    def make(service="elbv2", account=account, region="us-east-1"):
        key = (service, account, region)
        if key not in made:
            made[key] = boto_client(server, service, account, region)
        return made[key]

    return make


@pytest.fixture
def net(client):
    n = Net(client)
    yield n
    purge_elbv2(n.elbv2)


@pytest.fixture
def unvalidated_elbv2(server, account):
    """An elbv2 client that sends out-of-range values instead of refusing them itself."""
    return boto_client(server, "elbv2", account, validate=False)


def lb_arn_re(account, name, kind="app", region="us-east-1"):
    return re.compile(rf"^arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{kind}/{re.escape(name)}/"
                      r"[0-9a-f]{16}$")


def zones(lb):
    return sorted((z["ZoneName"], z["SubnetId"]) for z in lb["AvailabilityZones"])


# --------------------------------------------------------------------------------------------------
# CreateLoadBalancer
# --------------------------------------------------------------------------------------------------


def test_create_application_load_balancer_defaults_and_provisioning(net, account):
    before = datetime.datetime.now(datetime.timezone.utc)
    lb = net.alb("web-alb", Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "web"}])
    arn = lb["LoadBalancerArn"]
    assert lb_arn_re(account, "web-alb").match(arn), arn
    assert re.fullmatch(r"web-alb-\d{9,10}\.us-east-1\.elb\.localhost", lb["DNSName"]), lb["DNSName"]
    assert lb["CanonicalHostedZoneId"] == "Z35SXDOTRQ7X7K"
    assert lb["LoadBalancerName"] == "web-alb"
    assert lb["Scheme"] == "internet-facing"
    assert lb["Type"] == "application"
    assert lb["IpAddressType"] == "ipv4"
    assert lb["VpcId"] == net.vpc_id
    assert lb["State"] == {"Code": "provisioning"}
    # No SecurityGroups given: the VPC's default security group.
    assert lb["SecurityGroups"] == [net.default_sg]
    assert zones(lb) == sorted((net.zone_of[s], s) for s in net.subnet_ids[:2])
    for zone in lb["AvailabilityZones"]:
        assert zone.get("LoadBalancerAddresses", []) == []
    created = lb["CreatedTime"]
    assert before - datetime.timedelta(seconds=5) <= created <= datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=5)

    # provisioning -> active (3 s x time scale 0.01); nothing else changes.
    active = wait_until(lambda: (lambda d: d if d["State"]["Code"] == "active" else None)(net.describe(arn)),
                        timeout=5, message="load balancer active")
    assert active["State"] == {"Code": "active"}
    for key in ("DNSName", "CanonicalHostedZoneId", "CreatedTime", "VpcId", "SecurityGroups", "Scheme"):
        assert active[key] == lb[key], key
    assert zones(active) == zones(lb)

    tags = net.elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    assert tags[0]["ResourceArn"] == arn
    assert {t["Key"]: t["Value"] for t in tags[0]["Tags"]} == {"env": "test", "team": "web"}


def test_internal_load_balancer_with_subnet_mappings(net, account):
    lb = net.elbv2.create_load_balancer(Name="intra", Scheme="internal",
                                        SubnetMappings=[{"SubnetId": s} for s in net.subnet_ids])["LoadBalancers"][0]
    assert lb["Scheme"] == "internal"
    assert re.fullmatch(r"internal-intra-\d{9,10}\.us-east-1\.elb\.localhost", lb["DNSName"]), lb["DNSName"]
    assert zones(lb) == sorted((net.zone_of[s], s) for s in net.subnet_ids)
    assert {z["ZoneName"] for z in lb["AvailabilityZones"]} == {"us-east-1a", "us-east-1b", "us-east-1c"}


def test_create_network_load_balancer(net, account):
    lb = net.elbv2.create_load_balancer(Name="tcp-nlb", Type="network", Scheme="internal",
                                        Subnets=[net.subnet_ids[0]])["LoadBalancers"][0]
    assert lb_arn_re(account, "tcp-nlb", kind="net").match(lb["LoadBalancerArn"]), lb["LoadBalancerArn"]
    assert lb["Type"] == "network"
    assert lb["CanonicalHostedZoneId"] == "Z26RNL4JYFTOTI"  # the NLB zone of us-east-1
    assert zones(lb) == [("us-east-1a", net.subnet_ids[0])]
    assert lb.get("SecurityGroups", []) == []  # NLBs get no security group unless asked
    assert lb["State"]["Code"] in ("provisioning", "active")
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"])
    assert got["deletion_protection.enabled"] == "false"
    assert got["load_balancing.cross_zone.enabled"] == "false"  # off by default for NLBs
    assert "routing.http2.enabled" not in got and "idle_timeout.timeout_seconds" not in got


def test_create_with_security_groups_and_set_security_groups(net):
    web = net.ec2.create_security_group(GroupName="alb-web", Description="alb", VpcId=net.vpc_id)["GroupId"]
    lb = net.alb("sg-alb", SecurityGroups=[web])
    assert lb["SecurityGroups"] == [web]
    out = net.elbv2.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=[web, net.default_sg])
    assert sorted(out["SecurityGroupIds"]) == sorted([web, net.default_sg])
    assert sorted(net.describe(lb["LoadBalancerArn"])["SecurityGroups"]) == sorted([web, net.default_sg])

    code, _, status = client_error(net.elbv2.set_security_groups, LoadBalancerArn=lb["LoadBalancerArn"],
                                   SecurityGroups=["sg-0123456789abcdef0"])
    assert (code, status) == ("InvalidSecurityGroup", 400)
    assert sorted(net.describe(lb["LoadBalancerArn"])["SecurityGroups"]) == sorted([web, net.default_sg])
    code, _, _ = client_error(net.elbv2.create_load_balancer, Name="sg-bad", Subnets=net.subnet_ids[:2],
                              SecurityGroups=["sg-0123456789abcdef0"])
    assert code == "InvalidSecurityGroup"
    # A group of another VPC is not valid for this load balancer.
    other_vpc = net.ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    foreign = net.ec2.create_security_group(GroupName="elsewhere", Description="x", VpcId=other_vpc)["GroupId"]
    code, message, _ = client_error(net.elbv2.set_security_groups, LoadBalancerArn=lb["LoadBalancerArn"],
                                    SecurityGroups=[foreign])
    assert (code, message) == ("InvalidConfigurationRequest",
                               f"Security group '{foreign}' does not belong to VPC '{net.vpc_id}'")
    missing = lb["LoadBalancerArn"][:-16] + "0123456789abcdef"
    code, _, _ = client_error(net.elbv2.set_security_groups, LoadBalancerArn=missing, SecurityGroups=[web])
    assert code == "LoadBalancerNotFound"


def test_subnet_errors(net):
    code, message, status = client_error(net.elbv2.create_load_balancer, Name="one-az",
                                         Subnets=[net.subnet_ids[0]])
    assert (code, status) == ("ValidationError", 400)
    assert "two" in message.lower()
    code, message, _ = client_error(net.elbv2.create_load_balancer, Name="no-subnet",
                                    Subnets=[net.subnet_ids[0], "subnet-0123456789abcdef0"])
    assert code == "SubnetNotFound"
    assert "subnet-0123456789abcdef0" in message
    # Two subnets of the same Availability Zone.
    extra = net.ec2.create_subnet(VpcId=net.vpc_id, CidrBlock="172.31.200.0/24",
                                  AvailabilityZone=net.zone_of[net.subnet_ids[0]])["Subnet"]["SubnetId"]
    code, _, _ = client_error(net.elbv2.create_load_balancer, Name="same-az",
                              Subnets=[net.subnet_ids[0], extra, net.subnet_ids[1]])
    assert code == "InvalidConfigurationRequest"
    # Subnets of two VPCs.
    vpc = net.ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    foreign = net.ec2.create_subnet(VpcId=vpc, CidrBlock="10.78.1.0/24", AvailabilityZone="us-east-1c")[
        "Subnet"]["SubnetId"]
    code, _, _ = client_error(net.elbv2.create_load_balancer, Name="two-vpcs", Subnets=[net.subnet_ids[0], foreign])
    assert code in ("InvalidSubnet", "InvalidConfigurationRequest", "ValidationError")
    assert net.elbv2.describe_load_balancers()["LoadBalancers"] == []


@pytest.mark.parametrize("name", ["a" * 33, "-lead", "trail-", "under_score", "dot.name", "sp ace",
                                  "internal-web"])
def test_invalid_load_balancer_names(net, name):
    code, _, status = client_error(net.elbv2.create_load_balancer, Name=name, Subnets=net.subnet_ids[:2])
    assert (code, status) == ("ValidationError", 400)


def test_valid_name_edges(net):
    for name in ("a" * 32, "A1-b2", "x"):
        assert net.alb(name)["LoadBalancerName"] == name


def test_duplicate_name_is_idempotent_or_refused(net):
    first = net.alb("dup-alb")
    again = net.alb("dup-alb")
    assert again["LoadBalancerArn"] == first["LoadBalancerArn"]
    assert len(net.elbv2.describe_load_balancers()["LoadBalancers"]) == 1
    code, message, status = client_error(net.elbv2.create_load_balancer, Name="dup-alb", Scheme="internal",
                                         Subnets=net.subnet_ids[:2])
    assert (code, status) == ("DuplicateLoadBalancerName", 400)
    code, _, _ = client_error(net.elbv2.create_load_balancer, Name="dup-alb", Subnets=net.subnet_ids)
    assert code == "DuplicateLoadBalancerName"


# --------------------------------------------------------------------------------------------------
# DescribeLoadBalancers
# --------------------------------------------------------------------------------------------------


def test_describe_by_arns_and_names_and_errors(net):
    a, b, c = net.alb("desc-a"), net.alb("desc-b"), net.alb("desc-c")
    got = net.elbv2.describe_load_balancers(LoadBalancerArns=[c["LoadBalancerArn"], a["LoadBalancerArn"]])
    assert sorted(lb["LoadBalancerName"] for lb in got["LoadBalancers"]) == ["desc-a", "desc-c"]
    got = net.elbv2.describe_load_balancers(Names=["desc-b"])["LoadBalancers"]
    assert [lb["LoadBalancerArn"] for lb in got] == [b["LoadBalancerArn"]]
    assert sorted(lb["LoadBalancerName"] for lb in net.elbv2.describe_load_balancers()["LoadBalancers"]) == [
        "desc-a", "desc-b", "desc-c"]

    code, message, status = client_error(net.elbv2.describe_load_balancers, Names=["desc-a", "nope"])
    assert (code, status) == ("LoadBalancerNotFound", 400)
    assert "nope" in message
    missing = a["LoadBalancerArn"][:-16] + "0123456789abcdef"
    code, message, _ = client_error(net.elbv2.describe_load_balancers, LoadBalancerArns=[a["LoadBalancerArn"], missing])
    assert (code, message) == ("LoadBalancerNotFound", "One or more load balancers not found")
    code, _, _ = client_error(net.elbv2.describe_load_balancers, LoadBalancerArns=[a["LoadBalancerArn"]],
                              Names=["desc-a"])
    assert code == "ValidationError"


def test_describe_pagination(net, unvalidated_elbv2):
    names = [f"page-{i}" for i in range(5)]
    for name in names:
        net.alb(name)
    seen, marker, sizes = [], None, []
    while True:
        kw = {"PageSize": 2}
        if marker:
            kw["Marker"] = marker
        page = net.elbv2.describe_load_balancers(**kw)
        sizes.append(len(page["LoadBalancers"]))
        seen += [lb["LoadBalancerName"] for lb in page["LoadBalancers"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert sizes == [2, 2, 1]
    assert sorted(seen) == names and len(set(seen)) == 5
    # The paginator follows NextMarker the same way.
    pages = list(net.elbv2.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["LoadBalancers"]) for p in pages] == [3, 2]
    # Names work with paging too.
    page = net.elbv2.describe_load_balancers(Names=names[:3], PageSize=2)
    assert len(page["LoadBalancers"]) == 2 and page["NextMarker"]
    for bad in (0, 401):
        code, _, _ = client_error(unvalidated_elbv2.describe_load_balancers, PageSize=bad)
        assert code == "ValidationError"


def test_accounts_and_regions_are_isolated(net, client, account):
    lb = net.alb("iso-alb")
    other = client("elbv2", account=random_account())
    assert other.describe_load_balancers()["LoadBalancers"] == []
    code, _, _ = client_error(other.describe_load_balancers, LoadBalancerArns=[lb["LoadBalancerArn"]])
    assert code == "LoadBalancerNotFound"
    code, _, _ = client_error(other.describe_load_balancers, Names=["iso-alb"])
    assert code == "LoadBalancerNotFound"

    eu = Net(client, region="eu-west-1")
    try:
        assert eu.elbv2.describe_load_balancers()["LoadBalancers"] == []
        lb_eu = eu.alb("iso-alb")  # same name, other region: no clash
        assert lb_arn_re(account, "iso-alb", region="eu-west-1").match(lb_eu["LoadBalancerArn"])
        assert re.fullmatch(r"iso-alb-\d{9,10}\.eu-west-1\.elb\.localhost", lb_eu["DNSName"]), lb_eu["DNSName"]
        assert lb_eu["CanonicalHostedZoneId"] == "Z32O12XQLNTSW2"
        assert {z["ZoneName"] for z in lb_eu["AvailabilityZones"]} <= {"eu-west-1a", "eu-west-1b", "eu-west-1c"}
        assert lb_eu["LoadBalancerArn"] != lb["LoadBalancerArn"]
    finally:
        purge_elbv2(eu.elbv2)


# --------------------------------------------------------------------------------------------------
# DeleteLoadBalancer
# --------------------------------------------------------------------------------------------------


def test_delete_cascades_to_listeners_and_rules_but_keeps_target_groups(net):
    lb = net.alb("del-alb")
    arn = lb["LoadBalancerArn"]
    tg = net.target_group("del-tg", TargetType="ip")
    net.elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": "10.0.0.7", "Port": 8080}])
    listener = net.elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80,
                                         DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])[
        "Listeners"][0]["ListenerArn"]
    other = net.elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=8080,
                                      DefaultActions=fixed())["Listeners"][0]["ListenerArn"]
    rule = net.elbv2.create_rule(ListenerArn=listener, Priority=5,
                                 Conditions=[{"Field": "path-pattern", "Values": ["/a"]}],
                                 Actions=fixed("404"))["Rules"][0]["RuleArn"]
    default_rule = [r["RuleArn"] for r in net.elbv2.describe_rules(ListenerArn=listener)["Rules"] if r["IsDefault"]][0]
    code, _, _ = client_error(net.elbv2.delete_target_group, TargetGroupArn=tg["TargetGroupArn"])
    assert code == "ResourceInUse"

    assert net.elbv2.delete_load_balancer(LoadBalancerArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    code, _, _ = client_error(net.elbv2.describe_load_balancers, LoadBalancerArns=[arn])
    assert code == "LoadBalancerNotFound"
    for listener_arn in (listener, other):
        code, _, _ = client_error(net.elbv2.describe_listeners, ListenerArns=[listener_arn])
        assert code == "ListenerNotFound"
    for rule_arn in (rule, default_rule):
        code, _, _ = client_error(net.elbv2.describe_rules, RuleArns=[rule_arn])
        assert code == "RuleNotFound"
    code, _, _ = client_error(net.elbv2.describe_listeners, LoadBalancerArn=arn)
    assert code == "LoadBalancerNotFound"
    # The target group and its targets stay; it is no longer used.
    left = net.elbv2.describe_target_groups(TargetGroupArns=[tg["TargetGroupArn"]])["TargetGroups"][0]
    assert left["LoadBalancerArns"] == []
    health = net.elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    assert [(h["Target"]["Id"], h["Target"]["Port"]) for h in health] == [("10.0.0.7", 8080)]
    assert health[0]["TargetHealth"]["State"] == "unused"
    # Deleting a load balancer that no longer exists succeeds (AWS API reference).
    net.elbv2.delete_load_balancer(LoadBalancerArn=arn)
    net.elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    # The name is free again.
    assert net.alb("del-alb")["LoadBalancerArn"] != arn


def test_deletion_protection_is_enforced(net):
    lb = net.alb("protected")
    arn = lb["LoadBalancerArn"]
    out = net.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}])
    assert attrs(out["Attributes"])["deletion_protection.enabled"] == "true"
    code, message, status = client_error(net.elbv2.delete_load_balancer, LoadBalancerArn=arn)
    assert (code, status) == ("OperationNotPermitted", 400)
    assert "deletion protection" in message.lower()
    assert net.describe(arn)["LoadBalancerName"] == "protected"
    net.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
    net.elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert net.elbv2.describe_load_balancers()["LoadBalancers"] == []


# --------------------------------------------------------------------------------------------------
# SetSubnets, SetIpAddressType
# --------------------------------------------------------------------------------------------------


def test_set_subnets(net):
    lb = net.alb("subnets-alb")
    arn = lb["LoadBalancerArn"]
    out = net.elbv2.set_subnets(LoadBalancerArn=arn, Subnets=net.subnet_ids)
    assert sorted((z["ZoneName"], z["SubnetId"]) for z in out["AvailabilityZones"]) == sorted(
        (net.zone_of[s], s) for s in net.subnet_ids)
    assert zones(net.describe(arn)) == sorted((net.zone_of[s], s) for s in net.subnet_ids)
    out = net.elbv2.set_subnets(LoadBalancerArn=arn, SubnetMappings=[{"SubnetId": s} for s in net.subnet_ids[1:]])
    assert zones(net.describe(arn)) == sorted((net.zone_of[s], s) for s in net.subnet_ids[1:])

    code, _, _ = client_error(net.elbv2.set_subnets, LoadBalancerArn=arn, Subnets=[net.subnet_ids[0]])
    assert code == "ValidationError"
    code, _, _ = client_error(net.elbv2.set_subnets, LoadBalancerArn=arn,
                              Subnets=[net.subnet_ids[0], "subnet-0123456789abcdef0"])
    assert code == "SubnetNotFound"
    assert zones(net.describe(arn)) == sorted((net.zone_of[s], s) for s in net.subnet_ids[1:])
    code, _, _ = client_error(net.elbv2.set_subnets, LoadBalancerArn=arn[:-16] + "0123456789abcdef",
                              Subnets=net.subnet_ids[:2])
    assert code == "LoadBalancerNotFound"


def test_set_ip_address_type(net, unvalidated_elbv2):
    lb = net.alb("ipv4-alb")
    arn = lb["LoadBalancerArn"]
    assert net.elbv2.set_ip_address_type(LoadBalancerArn=arn, IpAddressType="ipv4")["IpAddressType"] == "ipv4"
    code, _, _ = client_error(unvalidated_elbv2.set_ip_address_type, LoadBalancerArn=arn, IpAddressType="ipv5")
    assert code == "ValidationError"
    code, _, _ = client_error(net.elbv2.set_ip_address_type, LoadBalancerArn=arn[:-16] + "0123456789abcdef",
                              IpAddressType="ipv4")
    assert code == "LoadBalancerNotFound"
    # The default subnets have no IPv6 CIDR block: AWS refuses dual-stack for them
    # ("ValidationError: You must specify subnets with an associated IPv6 CIDR block.",
    # kubernetes-sigs/aws-load-balancer-controller#4852).
    code, message, _ = client_error(net.elbv2.create_load_balancer, Name="ds-alb", Subnets=net.subnet_ids[:2],
                                    IpAddressType="dualstack")
    assert code == "ValidationError" and "IPv6" in message
    code, _, _ = client_error(net.elbv2.set_ip_address_type, LoadBalancerArn=arn, IpAddressType="dualstack")
    assert code in ("ValidationError", "InvalidConfigurationRequest")
    assert net.describe(arn)["IpAddressType"] == "ipv4"


# --------------------------------------------------------------------------------------------------
# attributes
# --------------------------------------------------------------------------------------------------

ALB_DEFAULTS = {
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "client_keep_alive.seconds": "3600",
    "routing.http2.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "load_balancing.cross_zone.enabled": "true",
    "waf.fail_open.enabled": "false",
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "zonal_shift.config.enabled": "false",
}


def test_default_attributes(net):
    lb = net.alb("attr-alb")
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"])
    for key, value in ALB_DEFAULTS.items():
        assert got.get(key) == value, (key, got.get(key))
    code, _, _ = client_error(net.elbv2.describe_load_balancer_attributes,
                              LoadBalancerArn=lb["LoadBalancerArn"][:-16] + "0123456789abcdef")
    assert code == "LoadBalancerNotFound"


def test_ipv6_deny_all_igw_traffic_default_depends_on_scheme(net):
    public = net.alb("igw-public")
    internal = net.alb("igw-internal", Scheme="internal")
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=public["LoadBalancerArn"])["Attributes"])
    assert got.get("ipv6.deny_all_igw_traffic") == "false"
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=internal["LoadBalancerArn"])["Attributes"])
    assert got.get("ipv6.deny_all_igw_traffic") == "true"


def test_modify_attributes_round_trip(net):
    arn = net.alb("mod-alb")["LoadBalancerArn"]
    changes = {
        "idle_timeout.timeout_seconds": "4000",
        "client_keep_alive.seconds": "60",
        "routing.http2.enabled": "false",
        "routing.http.drop_invalid_header_fields.enabled": "true",
        "routing.http.preserve_host_header.enabled": "true",
        "routing.http.xff_header_processing.mode": "remove",
        "routing.http.xff_client_port.enabled": "true",
        "routing.http.desync_mitigation_mode": "strictest",
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "true",
        "waf.fail_open.enabled": "true",
        "access_logs.s3.bucket": "my-logs",
        "access_logs.s3.prefix": "alb/web",
    }
    out = net.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in changes.items()])
    result = attrs(out["Attributes"])
    for key, value in changes.items():
        assert result[key] == value, key
    # The answer carries the full resulting set, not only the changed keys.
    assert result["deletion_protection.enabled"] == "false"
    described = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert described == result
    # Another change keeps the previous ones.
    net.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "1"},
                                         {"Key": "routing.http.xff_header_processing.mode", "Value": "preserve"}])
    described = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert described["idle_timeout.timeout_seconds"] == "1"
    assert described["routing.http.xff_header_processing.mode"] == "preserve"
    assert described["routing.http2.enabled"] == "false"
    assert described["access_logs.s3.prefix"] == "alb/web"


@pytest.mark.parametrize("key, value", [
    ("idle_timeout.timeout_seconds", "0"),
    ("idle_timeout.timeout_seconds", "4001"),
    ("idle_timeout.timeout_seconds", "abc"),
    ("client_keep_alive.seconds", "59"),
    ("client_keep_alive.seconds", "604801"),
    ("deletion_protection.enabled", "yes"),
    ("routing.http2.enabled", "TRUE1"),
    ("routing.http.drop_invalid_header_fields.enabled", "1"),
    ("routing.http.xff_header_processing.mode", "drop"),
    ("routing.http.desync_mitigation_mode", "paranoid"),
    ("no.such.attribute", "true"),
    ("dns_record.client_routing_policy", "any_availability_zone"),  # NLB only
    ("load_balancing.cross_zone.enabled", "false"),  # always on for ALBs
    ("access_logs.s3.enabled", "true"),  # no bucket given
])
def test_invalid_attribute_values(net, key, value):
    arn = net.alb("bad-attr")["LoadBalancerArn"]
    code, _, status = client_error(net.elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn,
                                   Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "99"},
                                               {"Key": key, "Value": value}])
    assert status == 400
    assert code in ("ValidationError", "InvalidConfigurationRequest"), code
    # Nothing of a refused request is applied.
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert got["idle_timeout.timeout_seconds"] == "60"


def test_network_load_balancer_refuses_alb_attributes(net):
    arn = net.elbv2.create_load_balancer(Name="attr-nlb", Type="network", Subnets=net.subnet_ids[:1])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    code, _, _ = client_error(net.elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn,
                              Attributes=[{"Key": "routing.http2.enabled", "Value": "false"}])
    assert code in ("ValidationError", "InvalidConfigurationRequest")
    out = net.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    assert attrs(out["Attributes"])["load_balancing.cross_zone.enabled"] == "true"


# --------------------------------------------------------------------------------------------------
# limits
# --------------------------------------------------------------------------------------------------


def test_fifty_load_balancers_per_region(client):
    n = Net(client, region="us-east-1")
    other = Net(client, region="eu-west-1")
    try:
        for i in range(50):
            n.alb(f"quota-{i}")
        code, _, status = client_error(n.elbv2.create_load_balancer, Name="quota-50", Subnets=n.subnet_ids[:2])
        assert (code, status) == ("TooManyLoadBalancers", 400)
        # Idempotent re-creation of an existing one is not a new load balancer.
        assert n.alb("quota-7")["LoadBalancerName"] == "quota-7"
        # Another region has its own quota.
        assert other.alb("quota-50")["LoadBalancerName"] == "quota-50"
    finally:
        purge_elbv2(n.elbv2)
        purge_elbv2(other.elbv2)


def test_describe_account_limits(net):
    limits = {l["Name"]: l["Max"] for l in net.elbv2.describe_account_limits()["Limits"]}
    expected = {
        "application-load-balancers": "50",
        "listeners-per-application-load-balancer": "50",
        "rules-per-application-load-balancer": "100",
        "target-groups": "3000",
        "targets-per-application-load-balancer": "1000",
        "network-load-balancers": "50",
        "listeners-per-network-load-balancer": "50",
    }
    for name, value in expected.items():
        assert limits.get(name) == value, (name, limits.get(name))
    first = net.elbv2.describe_account_limits(PageSize=3)
    assert len(first["Limits"]) == 3 and first["NextMarker"]
    rest = net.elbv2.describe_account_limits(Marker=first["NextMarker"], PageSize=400)
    assert len(first["Limits"]) + len(rest["Limits"]) == len(limits)
    assert "NextMarker" not in rest


# --------------------------------------------------------------------------------------------------
# tags (load balancers, target groups, listeners, rules)
# --------------------------------------------------------------------------------------------------


def test_tags_on_every_resource_kind(net):
    lb = net.alb("tag-alb")["LoadBalancerArn"]
    tg = net.target_group("tag-tg")["TargetGroupArn"]
    listener = net.elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                         DefaultActions=fixed())["Listeners"][0]["ListenerArn"]
    rule = net.elbv2.create_rule(ListenerArn=listener, Priority=1,
                                 Conditions=[{"Field": "path-pattern", "Values": ["/t"]}],
                                 Actions=fixed("200"))["Rules"][0]["RuleArn"]
    arns = [lb, tg, listener, rule]
    net.elbv2.add_tags(ResourceArns=arns, Tags=[{"Key": "app", "Value": "shop"}, {"Key": "tier", "Value": "1"}])
    described = net.elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"]
    assert [d["ResourceArn"] for d in described] == arns
    for d in described:
        assert {t["Key"]: t["Value"] for t in d["Tags"]} == {"app": "shop", "tier": "1"}, d["ResourceArn"]

    # AddTags overwrites an existing key; RemoveTags ignores keys that are not there.
    net.elbv2.add_tags(ResourceArns=[tg], Tags=[{"Key": "tier", "Value": "2"}, {"Key": "empty", "Value": ""}])
    net.elbv2.remove_tags(ResourceArns=[lb, rule], TagKeys=["app", "not-there"])
    got = {d["ResourceArn"]: {t["Key"]: t["Value"] for t in d["Tags"]}
           for d in net.elbv2.describe_tags(ResourceArns=arns)["TagDescriptions"]}
    assert got == {lb: {"tier": "1"}, tg: {"app": "shop", "tier": "2", "empty": ""},
                   listener: {"app": "shop", "tier": "1"}, rule: {"tier": "1"}}


def test_tag_errors_and_limits(net):
    lb = net.alb("tagerr-alb")["LoadBalancerArn"]
    tg = net.target_group("tagerr-tg")["TargetGroupArn"]
    listener = net.elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                         DefaultActions=fixed())["Listeners"][0]["ListenerArn"]
    rule = [r["RuleArn"] for r in net.elbv2.describe_rules(ListenerArn=listener)["Rules"]][0]
    for arn, expected in ((lb, "LoadBalancerNotFound"), (tg, "TargetGroupNotFound"),
                          (listener, "ListenerNotFound"), (rule, "RuleNotFound")):
        missing = arn[:-16] + "0123456789abcdef"
        code, _, status = client_error(net.elbv2.describe_tags, ResourceArns=[missing])
        assert (code, status) == (expected, 400), arn
        code, _, _ = client_error(net.elbv2.add_tags, ResourceArns=[missing], Tags=[{"Key": "k", "Value": "v"}])
        assert code == expected
        code, _, _ = client_error(net.elbv2.remove_tags, ResourceArns=[missing], TagKeys=["k"])
        assert code == expected

    code, _, _ = client_error(net.elbv2.add_tags, ResourceArns=[lb],
                              Tags=[{"Key": "same", "Value": "1"}, {"Key": "same", "Value": "2"}])
    assert code == "DuplicateTagKeys"
    net.elbv2.add_tags(ResourceArns=[lb], Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(20)])
    net.elbv2.add_tags(ResourceArns=[lb], Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(20, 40)])
    net.elbv2.add_tags(ResourceArns=[lb], Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(40, 50)])
    code, _, status = client_error(net.elbv2.add_tags, ResourceArns=[lb], Tags=[{"Key": "k50", "Value": "v"}])
    assert (code, status) == ("TooManyTags", 400)
    # Overwriting an existing key at the limit is fine.
    net.elbv2.add_tags(ResourceArns=[lb], Tags=[{"Key": "k0", "Value": "w"}])
    tags = net.elbv2.describe_tags(ResourceArns=[lb])["TagDescriptions"][0]["Tags"]
    assert len(tags) == 50 and {"Key": "k0", "Value": "w"} in tags
    code, _, _ = client_error(net.elbv2.create_load_balancer, Name="tagdup", Subnets=net.subnet_ids[:2],
                              Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
    assert code == "DuplicateTagKeys"
    assert [lb_["LoadBalancerName"] for lb_ in net.elbv2.describe_load_balancers()["LoadBalancers"]] == [
        "tagerr-alb"]


# --------------------------------------------------------------------------------------------------
# the wire: query protocol XML
# --------------------------------------------------------------------------------------------------


def query(server, account, params):
    body = urllib.parse.urlencode({"Version": "2015-12-01", **params}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
               **fake_sigv4_headers("elasticloadbalancing", "us-east-1", account, extra_signed=())}
    status, hdrs, data = server.http("POST", "/", body=body, headers=headers)
    return status, {k.lower(): v for k, v in hdrs}, ET.fromstring(data)


def test_query_protocol_success_and_error_documents(server, net, account):
    lb = net.alb("wire-alb")
    status, hdrs, root = query(server, account, {"Action": "DescribeLoadBalancers", "Names.member.1": "wire-alb"})
    assert status == 200
    assert hdrs["content-type"].startswith("text/xml")
    assert root.tag == f"{NS}DescribeLoadBalancersResponse"
    members = root.findall(f"{NS}DescribeLoadBalancersResult/{NS}LoadBalancers/{NS}member")
    assert len(members) == 1
    assert members[0].findtext(f"{NS}LoadBalancerArn") == lb["LoadBalancerArn"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", members[0].findtext(f"{NS}CreatedTime"))
    assert root.find(f"{NS}DescribeLoadBalancersResult/{NS}NextMarker") is None
    assert root.findtext(f"{NS}ResponseMetadata/{NS}RequestId")

    status, _, root = query(server, account, {"Action": "DeleteLoadBalancer", "LoadBalancerArn": "arn:aws:"
                                              "elasticloadbalancing:us-east-1:" + account +
                                              ":loadbalancer/app/gone/0123456789abcdef"})
    assert status == 200
    assert root.tag == f"{NS}DeleteLoadBalancerResponse"
    assert root.find(f"{NS}DeleteLoadBalancerResult") is not None

    status, hdrs, root = query(server, account, {"Action": "DescribeLoadBalancers", "Names.member.1": "absent"})
    assert status == 400
    assert hdrs["content-type"].startswith("text/xml")
    assert root.tag == f"{NS}ErrorResponse"
    assert root.findtext(f"{NS}Error/{NS}Type") == "Sender"
    assert root.findtext(f"{NS}Error/{NS}Code") == "LoadBalancerNotFound"
    assert "absent" in root.findtext(f"{NS}Error/{NS}Message")
    assert root.findtext(f"{NS}RequestId")


# --------------------------------------------------------------------------------------------------
# aws CLI v2 and v1
# --------------------------------------------------------------------------------------------------


@pytest.fixture(params=["v2", "v1"])
def cli(request, server, aws_v1_path):
    if request.param == "v1":
        if not aws_v1_path:
            pytest.skip("aws CLI v1 is not installed")
        path = aws_v1_path
    else:
        path = AWS_V2
    acct = random_account()

    def call(*args, region="us-east-1"):
        rc, out, err = server.aws(*args, account=acct, region=region, cli=path)
        assert rc == 0, f"{request.param}: aws {' '.join(args)} -> rc={rc}: {err}"
        return out

    call.version = request.param
    call.account = acct
    call.raw = lambda *args: server.aws(*args, account=acct, cli=path)
    yield call
    purge_elbv2(boto_client(server, "elbv2", acct))


def test_cli_create_and_describe_load_balancer(cli, server):
    subnets = sorted(boto_client(server, "ec2", cli.account).describe_subnets()["Subnets"],
                     key=lambda s: s["AvailabilityZone"])
    ids = [s["SubnetId"] for s in subnets][:2]
    name = f"cli-{cli.version}"
    lb = cli("elbv2", "create-load-balancer", "--name", name, "--subnets", *ids,
             "--tags", "Key=made-by,Value=cli")["LoadBalancers"][0]
    assert lb_arn_re(cli.account, name).match(lb["LoadBalancerArn"]), lb["LoadBalancerArn"]
    assert lb["State"]["Code"] == "provisioning"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)", lb["CreatedTime"]), lb["CreatedTime"]
    got = cli("elbv2", "describe-load-balancers", "--names", name)["LoadBalancers"]
    assert [g["LoadBalancerArn"] for g in got] == [lb["LoadBalancerArn"]]
    assert sorted(z["SubnetId"] for z in got[0]["AvailabilityZones"]) == sorted(ids)
    if cli.version == "v2":  # the error path once is enough (each CLI start costs about a second)
        rc, _, err = cli.raw("elbv2", "describe-load-balancers", "--names", "missing-lb")
        assert rc != 0 and "(LoadBalancerNotFound)" in err, err
