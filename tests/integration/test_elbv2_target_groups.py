"""ELBv2 target groups and targets end to end (spec §5.1, §5.3–5.5, §4.8): CreateTargetGroup with AWS's
per-protocol health-check defaults and ranges, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup,
target group attributes, RegisterTargets / DeregisterTargets / DescribeTargetHealth.

Health checking is not this suite's subject: targets of a group in use are only expected in `initial`
(`Elb.RegistrationInProgress` or `Elb.InitialHealthChecking`). Groups used by a listener here keep the longest
interval (300 s x time scale) so that no verdict (healthy/unhealthy) can come before these assertions."""

import ipaddress
import re

import pytest

from conftest import random_account, wait_until
from aws_errors import client_error

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

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


def attrs(pairs):
    return {a["Key"]: a["Value"] for a in pairs}


def fixed(status="503"):
    return [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": status, "ContentType": "text/plain"}}]


def forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn}]


TG_ARN_RE = r"^arn:aws:elasticloadbalancing:us-east-1:{account}:targetgroup/{name}/[0-9a-f]{{16}}$"

NOT_IN_USE = {"State": "unused", "Reason": "Target.NotInUse",
              "Description": "Target group is not configured to receive traffic from the load balancer"}
NOT_REGISTERED = {"State": "unused", "Reason": "Target.NotRegistered",
                  "Description": "Target is not registered to the target group"}
# Right after registration, before the first verdict of the health checker (spec §5.3).
INITIAL = [{"State": "initial", "Reason": "Elb.RegistrationInProgress",
            "Description": "Target registration is in progress"},
           {"State": "initial", "Reason": "Elb.InitialHealthChecking",
            "Description": "Initial health checks in progress"}]
DRAINING = {"State": "draining", "Reason": "Target.DeregistrationInProgress",
            "Description": "Target deregistration is in progress"}


class Env:
    def __init__(self, server, account):
        self.account = account
        self.ec2 = boto_client(server, "ec2", account)
        self.elbv2 = boto_client(server, "elbv2", account)
        self.raw = boto_client(server, "elbv2", account, validate=False)
        self.vpc_id = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
        self.subnets = sorted([s for s in self.ec2.describe_subnets()["Subnets"] if s["VpcId"] == self.vpc_id],
                              key=lambda s: s["AvailabilityZone"])
        self.subnet_ids = [s["SubnetId"] for s in self.subnets]
        self._lb = None

    def tg(self, name, **kw):
        kw.setdefault("Protocol", "HTTP")
        kw.setdefault("Port", 80)
        kw.setdefault("VpcId", self.vpc_id)
        return self.elbv2.create_target_group(Name=name, **kw)["TargetGroups"][0]

    def lb(self):
        if self._lb is None:
            self._lb = self.elbv2.create_load_balancer(Name="tg-suite-alb", Subnets=self.subnet_ids[:2])[
                "LoadBalancers"][0]["LoadBalancerArn"]
        return self._lb

    def listener(self, port, actions):
        return self.elbv2.create_listener(LoadBalancerArn=self.lb(), Protocol="HTTP", Port=port,
                                          DefaultActions=actions)["Listeners"][0]["ListenerArn"]

    def health(self, tg_arn, targets=None):
        kw = {"TargetGroupArn": tg_arn}
        if targets is not None:
            kw["Targets"] = targets
        return self.elbv2.describe_target_health(**kw)["TargetHealthDescriptions"]

    def purge(self):
        try:
            for lb in self.elbv2.describe_load_balancers()["LoadBalancers"]:
                self.elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
            for tg in self.elbv2.describe_target_groups(PageSize=400)["TargetGroups"]:
                self.elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


@pytest.fixture
def env(server):
    e = Env(server, random_account())
    yield e
    e.purge()


def by_target(descriptions):
    return {(d["Target"]["Id"], d["Target"]["Port"]): d for d in descriptions}


# --------------------------------------------------------------------------------------------------
# CreateTargetGroup: defaults per protocol
# --------------------------------------------------------------------------------------------------


def test_http_target_group_defaults(env):
    tg = env.tg("web-http", TargetType="ip", Port=8000)
    assert re.match(TG_ARN_RE.format(account=env.account, name="web-http"), tg["TargetGroupArn"]), tg
    expected = {
        "TargetGroupName": "web-http", "Protocol": "HTTP", "Port": 8000, "VpcId": env.vpc_id,
        "HealthCheckProtocol": "HTTP", "HealthCheckPort": "traffic-port", "HealthCheckEnabled": True,
        "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 5,
        "UnhealthyThresholdCount": 2, "HealthCheckPath": "/", "Matcher": {"HttpCode": "200"},
        "LoadBalancerArns": [], "TargetType": "ip", "ProtocolVersion": "HTTP1", "IpAddressType": "ipv4",
    }
    for key, value in expected.items():
        assert tg.get(key) == value, (key, tg.get(key))
    assert env.elbv2.describe_target_groups(TargetGroupArns=[tg["TargetGroupArn"]])["TargetGroups"] == [tg]
    # TargetType defaults to instance.
    assert env.tg("web-instance")["TargetType"] == "instance"


def test_https_grpc_and_http2_defaults(env):
    https = env.tg("web-https", Protocol="HTTPS", Port=443)
    assert https["HealthCheckProtocol"] == "HTTPS"
    assert https["HealthCheckPath"] == "/" and https["Matcher"] == {"HttpCode": "200"}
    assert https["ProtocolVersion"] == "HTTP1"
    grpc = env.tg("web-grpc", ProtocolVersion="GRPC", TargetType="ip")
    assert grpc["ProtocolVersion"] == "GRPC"
    assert grpc["HealthCheckPath"] == "/AWS.ALB/healthcheck"
    assert grpc["Matcher"] == {"GrpcCode": "12"}
    http2 = env.tg("web-h2", ProtocolVersion="HTTP2")
    assert http2["ProtocolVersion"] == "HTTP2" and http2["Matcher"] == {"HttpCode": "200"}


@pytest.mark.parametrize("protocol", ["TCP", "UDP", "TCP_UDP", "TLS"])
def test_network_target_group_defaults(env, protocol):
    tg = env.tg(f"net-{protocol.lower().replace('_', '-')}", Protocol=protocol, Port=53)
    assert tg["Protocol"] == protocol
    assert tg["HealthCheckProtocol"] == "TCP"
    assert tg["HealthCheckPort"] == "traffic-port"
    assert tg["HealthCheckIntervalSeconds"] == 30
    assert tg["HealthCheckTimeoutSeconds"] == 10
    assert tg["HealthyThresholdCount"] == 5
    assert tg["UnhealthyThresholdCount"] == 2
    assert "HealthCheckPath" not in tg and "Matcher" not in tg
    assert "ProtocolVersion" not in tg


def test_tcp_target_group_with_http_health_check_gets_nlb_defaults(env):
    # NLB HTTP health checks: path "/" and success codes 200-399 by default (CreateTargetGroup reference).
    tg = env.tg("tcp-httpcheck", Protocol="TCP", Port=80, HealthCheckProtocol="HTTP")
    assert tg["HealthCheckProtocol"] == "HTTP"
    assert tg.get("HealthCheckPath") == "/"
    assert tg.get("Matcher") == {"HttpCode": "200-399"}


def test_alb_target_type(env):
    tg = env.tg("alb-targets", Protocol="TCP", Port=80, TargetType="alb")
    assert tg["TargetType"] == "alb"
    code, _, status = client_error(env.elbv2.create_target_group, Name="alb-http", Protocol="HTTP", Port=80,
                                   VpcId=env.vpc_id, TargetType="alb")
    assert (code, status) == ("ValidationError", 400)


def test_custom_health_check_settings(env):
    tg = env.tg("custom-hc", TargetType="ip", HealthCheckProtocol="HTTPS", HealthCheckPort="8443",
                HealthCheckPath="/healthz?full=1", HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=3,
                HealthyThresholdCount=3, UnhealthyThresholdCount=4, Matcher={"HttpCode": "200-299"})
    assert (tg["HealthCheckProtocol"], tg["HealthCheckPort"], tg["HealthCheckPath"]) == (
        "HTTPS", "8443", "/healthz?full=1")
    assert (tg["HealthCheckIntervalSeconds"], tg["HealthCheckTimeoutSeconds"]) == (10, 3)
    assert (tg["HealthyThresholdCount"], tg["UnhealthyThresholdCount"]) == (3, 4)
    assert tg["Matcher"] == {"HttpCode": "200-299"}
    for i, code in enumerate(["200", "200,202", "200-299", "200-499", "499"]):
        assert env.tg(f"matcher-{i}", Matcher={"HttpCode": code})["Matcher"] == {"HttpCode": code}
    # Range edges.
    edge = env.tg("edges", HealthCheckIntervalSeconds=300, HealthCheckTimeoutSeconds=120, HealthyThresholdCount=10,
                  UnhealthyThresholdCount=10, HealthCheckPort="65535")
    assert (edge["HealthCheckIntervalSeconds"], edge["HealthCheckTimeoutSeconds"]) == (300, 120)
    low = env.tg("low-edges", HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                 UnhealthyThresholdCount=2, HealthCheckPort="1")
    assert (low["HealthCheckIntervalSeconds"], low["HealthCheckTimeoutSeconds"]) == (5, 2)


@pytest.mark.parametrize("overrides", [
    {"HealthCheckIntervalSeconds": 4},
    {"HealthCheckIntervalSeconds": 301},
    {"HealthCheckTimeoutSeconds": 1},
    {"HealthCheckTimeoutSeconds": 121, "HealthCheckIntervalSeconds": 300},
    {"HealthCheckTimeoutSeconds": 30, "HealthCheckIntervalSeconds": 30},
    {"HealthyThresholdCount": 1},
    {"HealthyThresholdCount": 11},
    {"UnhealthyThresholdCount": 1},
    {"UnhealthyThresholdCount": 11},
    {"HealthCheckPath": "healthz"},
    {"HealthCheckPath": "/" + "a" * 1024},
    {"HealthCheckPort": "0"},
    {"HealthCheckPort": "65536"},
    {"HealthCheckPort": "web"},
    {"HealthCheckProtocol": "TCP"},
    {"HealthCheckEnabled": False},
    {"Matcher": {"HttpCode": "199"}},
    {"Matcher": {"HttpCode": "500"}},
    {"Matcher": {"HttpCode": "600"}},
    {"Matcher": {"HttpCode": "abc"}},
    {"Matcher": {"HttpCode": "200-"}},
    {"Matcher": {"HttpCode": "299-200"}},
    {"Port": 0},
    {"Port": 65536},
    {"Protocol": "FTP"},
    {"TargetType": "container"},
    {"ProtocolVersion": "HTTP3"},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_invalid_target_group_settings(env, overrides):
    kw = {"Name": "bad-tg", "Protocol": "HTTP", "Port": 80, "VpcId": env.vpc_id, "TargetType": "ip", **overrides}
    code, _, status = client_error(env.raw.create_target_group, **kw)
    assert (code, status) == ("ValidationError", 400)
    assert env.elbv2.describe_target_groups()["TargetGroups"] == []


def test_missing_protocol_port_or_vpc(env):
    for missing in ("Protocol", "Port", "VpcId"):
        kw = {"Name": "partial", "Protocol": "HTTP", "Port": 80, "VpcId": env.vpc_id}
        del kw[missing]
        code, _, _ = client_error(env.elbv2.create_target_group, **kw)
        assert code == "ValidationError", missing
    code, message, _ = client_error(env.elbv2.create_target_group, Name="novpc", Protocol="HTTP", Port=80,
                                    VpcId="vpc-0123456789abcdef0")
    assert code == "ValidationError" and "vpc-0123456789abcdef0" in message
    code, _, _ = client_error(env.elbv2.create_target_group, Name="tcp-version", Protocol="TCP", Port=80,
                              VpcId=env.vpc_id, ProtocolVersion="HTTP2")
    assert code == "ValidationError"


@pytest.mark.parametrize("name", ["a" * 33, "-lead", "trail-", "under_score", "dot.name", ""])
def test_invalid_target_group_names(env, name):
    code, _, status = client_error(env.raw.create_target_group, Name=name, Protocol="HTTP", Port=80,
                                   VpcId=env.vpc_id)
    assert (code, status) == ("ValidationError", 400)


def test_duplicate_name(env):
    first = env.tg("dup-tg", TargetType="ip", HealthCheckPath="/h")
    again = env.tg("dup-tg", TargetType="ip", HealthCheckPath="/h")
    assert again["TargetGroupArn"] == first["TargetGroupArn"]
    assert len(env.elbv2.describe_target_groups()["TargetGroups"]) == 1
    for different in ({"Port": 81}, {"HealthCheckPath": "/other"}, {"TargetType": "instance"}):
        kw = {"TargetType": "ip", "HealthCheckPath": "/h", **different}
        code, _, status = client_error(env.elbv2.create_target_group, Name="dup-tg", Protocol="HTTP",
                                       Port=kw.pop("Port", 80), VpcId=env.vpc_id, **kw)
        assert (code, status) == ("DuplicateTargetGroupName", 400), different
    assert env.tg("a" * 32)["TargetGroupName"] == "a" * 32


# --------------------------------------------------------------------------------------------------
# DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup
# --------------------------------------------------------------------------------------------------


def test_describe_target_groups(env):
    a, b, c = env.tg("desc-a"), env.tg("desc-b"), env.tg("desc-c")
    got = env.elbv2.describe_target_groups(TargetGroupArns=[c["TargetGroupArn"], a["TargetGroupArn"]])
    assert sorted(t["TargetGroupName"] for t in got["TargetGroups"]) == ["desc-a", "desc-c"]
    got = env.elbv2.describe_target_groups(Names=["desc-b"])["TargetGroups"]
    assert [t["TargetGroupArn"] for t in got] == [b["TargetGroupArn"]]
    assert sorted(t["TargetGroupName"] for t in env.elbv2.describe_target_groups()["TargetGroups"]) == [
        "desc-a", "desc-b", "desc-c"]

    missing = a["TargetGroupArn"][:-16] + "0123456789abcdef"
    code, message, status = client_error(env.elbv2.describe_target_groups, TargetGroupArns=[missing])
    assert (code, message, status) == ("TargetGroupNotFound", "One or more target groups not found", 400)
    code, _, _ = client_error(env.elbv2.describe_target_groups, Names=["desc-a", "nope"])
    assert code == "TargetGroupNotFound"

    # By load balancer: only the groups its listeners and rules use.
    assert env.elbv2.describe_target_groups(LoadBalancerArn=env.lb())["TargetGroups"] == []
    listener = env.listener(80, forward(a["TargetGroupArn"]))
    env.elbv2.create_rule(ListenerArn=listener, Priority=1, Conditions=[{"Field": "path-pattern", "Values": ["/b"]}],
                          Actions=forward(b["TargetGroupArn"]))
    used = env.elbv2.describe_target_groups(LoadBalancerArn=env.lb())["TargetGroups"]
    assert sorted(t["TargetGroupName"] for t in used) == ["desc-a", "desc-b"]
    assert all(t["LoadBalancerArns"] == [env.lb()] for t in used)
    assert env.elbv2.describe_target_groups(Names=["desc-c"])["TargetGroups"][0]["LoadBalancerArns"] == []
    code, _, _ = client_error(env.elbv2.describe_target_groups, LoadBalancerArn=env.lb()[:-16] + "0123456789abcdef")
    assert code == "LoadBalancerNotFound"


def test_describe_target_groups_pagination(env):
    names = [f"tg-page-{i}" for i in range(5)]
    for name in names:
        env.tg(name)
    seen, marker, sizes = [], None, []
    while True:
        kw = {"PageSize": 2}
        if marker:
            kw["Marker"] = marker
        page = env.elbv2.describe_target_groups(**kw)
        sizes.append(len(page["TargetGroups"]))
        seen += [t["TargetGroupName"] for t in page["TargetGroups"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert sizes == [2, 2, 1] and sorted(seen) == names
    pages = list(env.elbv2.get_paginator("describe_target_groups").paginate(PaginationConfig={"PageSize": 4}))
    assert [len(p["TargetGroups"]) for p in pages] == [4, 1]
    code, _, _ = client_error(env.raw.describe_target_groups, PageSize=401)
    assert code == "ValidationError"


def test_modify_target_group(env):
    tg = env.tg("mod-tg", TargetType="ip")
    arn = tg["TargetGroupArn"]
    out = env.elbv2.modify_target_group(
        TargetGroupArn=arn, HealthCheckPath="/ready", HealthCheckIntervalSeconds=15, HealthCheckTimeoutSeconds=10,
        HealthyThresholdCount=2, UnhealthyThresholdCount=3, HealthCheckPort="9000", HealthCheckProtocol="HTTPS",
        Matcher={"HttpCode": "200-204"})["TargetGroups"][0]
    assert out["TargetGroupArn"] == arn
    assert (out["HealthCheckPath"], out["HealthCheckIntervalSeconds"], out["HealthCheckTimeoutSeconds"]) == (
        "/ready", 15, 10)
    assert (out["HealthyThresholdCount"], out["UnhealthyThresholdCount"]) == (2, 3)
    assert (out["HealthCheckPort"], out["HealthCheckProtocol"], out["Matcher"]) == ("9000", "HTTPS",
                                                                                      {"HttpCode": "200-204"})
    # Untouched members stay.
    assert (out["Protocol"], out["Port"], out["TargetType"]) == ("HTTP", 80, "ip")
    assert env.elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0] == out

    for bad in ({"HealthCheckTimeoutSeconds": 20}, {"HealthCheckPath": "ready"}, {"Matcher": {"HttpCode": "600"}},
                {"HealthCheckProtocol": "TCP"}, {"HealthCheckIntervalSeconds": 301}):
        code, _, _ = client_error(env.raw.modify_target_group, TargetGroupArn=arn, **bad)
        assert code == "ValidationError", bad
    assert env.elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0] == out
    code, _, _ = client_error(env.elbv2.modify_target_group, TargetGroupArn=arn[:-16] + "0123456789abcdef",
                              HealthCheckPath="/x")
    assert code == "TargetGroupNotFound"


def test_delete_target_group_in_use(env):
    by_listener = env.tg("used-default")
    by_rule = env.tg("used-rule")
    listener = env.listener(80, forward(by_listener["TargetGroupArn"]))
    rule = env.elbv2.create_rule(ListenerArn=listener, Priority=1,
                                 Conditions=[{"Field": "path-pattern", "Values": ["/r"]}],
                                 Actions=forward(by_rule["TargetGroupArn"]))["Rules"][0]["RuleArn"]
    for tg in (by_listener, by_rule):
        code, message, status = client_error(env.elbv2.delete_target_group, TargetGroupArn=tg["TargetGroupArn"])
        assert (code, status) == ("ResourceInUse", 400)
        assert message == f"Target group '{tg['TargetGroupArn']}' is currently in use by a listener or a rule"
    env.elbv2.delete_rule(RuleArn=rule)
    env.elbv2.delete_target_group(TargetGroupArn=by_rule["TargetGroupArn"])
    env.elbv2.modify_listener(ListenerArn=listener, DefaultActions=fixed())
    env.elbv2.delete_target_group(TargetGroupArn=by_listener["TargetGroupArn"])
    for tg in (by_listener, by_rule):
        code, _, _ = client_error(env.elbv2.describe_target_groups, TargetGroupArns=[tg["TargetGroupArn"]])
        assert code == "TargetGroupNotFound"
    assert env.elbv2.describe_target_groups()["TargetGroups"] == []


# --------------------------------------------------------------------------------------------------
# target group attributes
# --------------------------------------------------------------------------------------------------

HTTP_TG_DEFAULTS = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "stickiness.type": "lb_cookie",
    "stickiness.lb_cookie.duration_seconds": "86400",
    "stickiness.app_cookie.cookie_name": "",
    "stickiness.app_cookie.duration_seconds": "86400",
    "load_balancing.algorithm.type": "round_robin",
    "load_balancing.algorithm.anomaly_mitigation": "off",
    "slow_start.duration_seconds": "0",
    "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
    "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
}


def test_http_target_group_attribute_defaults(env):
    arn = env.tg("attr-defaults")["TargetGroupArn"]
    got = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"])
    for key, value in HTTP_TG_DEFAULTS.items():
        assert got.get(key) == value, (key, got.get(key))
    assert got.get("target_group_health.dns_failover.minimum_healthy_targets.count") in ("1", "off")
    for nlb_only in ("proxy_protocol_v2.enabled", "preserve_client_ip.enabled",
                     "deregistration_delay.connection_termination.enabled"):
        assert nlb_only not in got
    code, _, _ = client_error(env.elbv2.describe_target_group_attributes, TargetGroupArn=arn[:-16] + "0" * 16)
    assert code == "TargetGroupNotFound"


def test_modify_target_group_attributes(env):
    arn = env.tg("attr-mod")["TargetGroupArn"]
    steps = [
        {"deregistration_delay.timeout_seconds": "0"},
        {"deregistration_delay.timeout_seconds": "3600"},
        {"stickiness.enabled": "true", "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "1"},
        {"stickiness.lb_cookie.duration_seconds": "604800"},
        {"stickiness.type": "app_cookie", "stickiness.app_cookie.cookie_name": "SESSIONID",
         "stickiness.app_cookie.duration_seconds": "3600"},
        {"load_balancing.algorithm.type": "least_outstanding_requests"},
        {"load_balancing.algorithm.type": "weighted_random", "load_balancing.algorithm.anomaly_mitigation": "on"},
        {"load_balancing.algorithm.anomaly_mitigation": "off", "load_balancing.algorithm.type": "round_robin",
         "slow_start.duration_seconds": "30"},
        {"slow_start.duration_seconds": "900"},
        {"load_balancing.cross_zone.enabled": "false"},
        {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "50"},
    ]
    expected = dict(HTTP_TG_DEFAULTS)
    for step in steps:
        out = env.elbv2.modify_target_group_attributes(
            TargetGroupArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in step.items()])
        expected.update(step)
        result = attrs(out["Attributes"])
        for key, value in step.items():
            assert result[key] == value, (step, key)
    got = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"])
    for key, value in expected.items():
        assert got[key] == value, key


@pytest.mark.parametrize("changes", [
    {"deregistration_delay.timeout_seconds": "3601"},
    {"deregistration_delay.timeout_seconds": "-1"},
    {"deregistration_delay.timeout_seconds": "ten"},
    {"stickiness.enabled": "on"},
    {"stickiness.type": "source_ip"},
    {"stickiness.lb_cookie.duration_seconds": "0"},
    {"stickiness.lb_cookie.duration_seconds": "604801"},
    {"stickiness.app_cookie.duration_seconds": "0"},
    {"stickiness.enabled": "true", "stickiness.type": "app_cookie", "stickiness.app_cookie.cookie_name": "AWSALBX"},
    {"load_balancing.algorithm.type": "random"},
    {"load_balancing.algorithm.anomaly_mitigation": "on"},  # only with weighted_random
    {"slow_start.duration_seconds": "29"},
    {"slow_start.duration_seconds": "901"},
    {"slow_start.duration_seconds": "60", "load_balancing.algorithm.type": "least_outstanding_requests"},
    {"load_balancing.cross_zone.enabled": "maybe"},
    {"proxy_protocol_v2.enabled": "true"},  # NLB only
    {"no.such.key": "1"},
], ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_invalid_target_group_attributes(env, changes):
    arn = env.tg("attr-bad")["TargetGroupArn"]
    code, _, status = client_error(env.elbv2.modify_target_group_attributes, TargetGroupArn=arn,
                                   Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "10"}] +
                                   [{"Key": k, "Value": v} for k, v in changes.items()])
    assert status == 400
    assert code in ("ValidationError", "InvalidConfigurationRequest"), code
    got = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"])
    assert got["deregistration_delay.timeout_seconds"] == "300"  # the whole request was refused


def test_network_target_group_attributes(env):
    instance = env.tg("nlb-instance", Protocol="TCP", Port=80)["TargetGroupArn"]
    ip = env.tg("nlb-ip", Protocol="TCP", Port=80, TargetType="ip")["TargetGroupArn"]
    udp_ip = env.tg("nlb-udp-ip", Protocol="UDP", Port=53, TargetType="ip")["TargetGroupArn"]
    got = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=instance)["Attributes"])
    assert got["deregistration_delay.timeout_seconds"] == "300"
    assert got["deregistration_delay.connection_termination.enabled"] == "false"
    assert got["proxy_protocol_v2.enabled"] == "false"
    assert got["stickiness.enabled"] == "false" and got["stickiness.type"] == "source_ip"
    assert got["preserve_client_ip.enabled"] == "true"
    assert "slow_start.duration_seconds" not in got and "load_balancing.algorithm.type" not in got
    # Client IP preservation is off by default for ip targets over TCP/TLS, on for UDP.
    got_ip = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=ip)["Attributes"])
    assert got_ip["preserve_client_ip.enabled"] == "false"
    got_udp = attrs(env.elbv2.describe_target_group_attributes(TargetGroupArn=udp_ip)["Attributes"])
    assert got_udp["preserve_client_ip.enabled"] == "true"
    out = env.elbv2.modify_target_group_attributes(
        TargetGroupArn=instance, Attributes=[{"Key": "proxy_protocol_v2.enabled", "Value": "true"}])
    assert attrs(out["Attributes"])["proxy_protocol_v2.enabled"] == "true"
    code, _, _ = client_error(env.elbv2.modify_target_group_attributes, TargetGroupArn=instance,
                              Attributes=[{"Key": "slow_start.duration_seconds", "Value": "30"}])
    assert code in ("ValidationError", "InvalidConfigurationRequest")


# --------------------------------------------------------------------------------------------------
# targets
# --------------------------------------------------------------------------------------------------


def test_register_and_describe_targets_of_an_unused_group(env):
    tg = env.tg("targets-unused", TargetType="ip", Port=8000)["TargetGroupArn"]
    assert env.health(tg) == []
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[
        {"Id": "127.0.0.1"}, {"Id": "10.1.2.3", "Port": 9000, "AvailabilityZone": "all"}])
    got = by_target(env.health(tg))
    assert set(got) == {("127.0.0.1", 8000), ("10.1.2.3", 9000)}  # the port defaults to the group's
    assert got[("127.0.0.1", 8000)]["HealthCheckPort"] == "8000"
    assert got[("10.1.2.3", 9000)]["HealthCheckPort"] == "9000"
    assert got[("10.1.2.3", 9000)]["Target"]["AvailabilityZone"] == "all"
    for d in got.values():
        assert d["TargetHealth"] == NOT_IN_USE

    # Only the listed targets; a listed target that is not registered reads NotRegistered.
    listed = env.health(tg, [{"Id": "127.0.0.1"}, {"Id": "10.9.9.9", "Port": 1234}, {"Id": "10.1.2.3"}])
    assert [(d["Target"]["Id"], d["Target"]["Port"]) for d in listed] == [
        ("127.0.0.1", 8000), ("10.9.9.9", 1234), ("10.1.2.3", 8000)]
    assert listed[0]["TargetHealth"] == NOT_IN_USE
    assert listed[1]["TargetHealth"] == NOT_REGISTERED
    assert listed[2]["TargetHealth"] == NOT_REGISTERED  # registered on 9000, asked on the default port

    # Registering again is a no-op; the same address on another port is another target.
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}, {"Id": "127.0.0.1", "Port": 8001}])
    assert set(by_target(env.health(tg))) == {("127.0.0.1", 8000), ("127.0.0.1", 8001), ("10.1.2.3", 9000)}


def test_health_check_port_override_is_reported(env):
    tg = env.tg("hc-port", TargetType="ip", Port=8000, HealthCheckPort="8081")["TargetGroupArn"]
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1", "Port": 8000}])
    assert [d["HealthCheckPort"] for d in env.health(tg)] == ["8081"]


def test_ip_target_in_the_vpc_gets_its_availability_zone(env):
    subnet = env.subnets[1]
    address = str(next(ipaddress.ip_network(subnet["CidrBlock"]).hosts()) + 10)
    tg = env.tg("az-detect", TargetType="ip", Port=8000)["TargetGroupArn"]
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": address}])
    [d] = env.health(tg)
    assert d["Target"].get("AvailabilityZone") == subnet["AvailabilityZone"]


def test_targets_of_a_group_in_use_are_registering(env):
    tg = env.tg("targets-used", TargetType="ip", Port=8000, HealthCheckIntervalSeconds=300,
                HealthCheckTimeoutSeconds=120)["TargetGroupArn"]
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}])
    assert env.health(tg)[0]["TargetHealth"] == NOT_IN_USE
    listener = env.listener(80, forward(tg))
    [d] = env.health(tg)
    assert d["TargetHealth"] in INITIAL
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.2", "Port": 8001}])
    assert {d["TargetHealth"]["State"] for d in env.health(tg)} == {"initial"}
    # No longer used -> unused again.
    env.elbv2.delete_listener(ListenerArn=listener)
    assert [d["TargetHealth"] for d in env.health(tg)] == [NOT_IN_USE, NOT_IN_USE]


def test_deregistration_drains_then_forgets(env):
    tg = env.tg("drain", TargetType="ip", Port=8000, HealthCheckIntervalSeconds=300,
                HealthCheckTimeoutSeconds=120)["TargetGroupArn"]
    # 100 s x time scale 0.01 = 1 s of draining.
    env.elbv2.modify_target_group_attributes(
        TargetGroupArn=tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "100"}])
    env.listener(80, forward(tg))
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}, {"Id": "127.0.0.2"}])
    env.elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}])
    got = by_target(env.health(tg))
    assert got[("127.0.0.1", 8000)]["TargetHealth"] == DRAINING
    assert got[("127.0.0.2", 8000)]["TargetHealth"]["State"] == "initial"
    wait_until(lambda: set(by_target(env.health(tg))) == {("127.0.0.2", 8000)}, timeout=10,
               message="drained target gone")
    assert env.health(tg, [{"Id": "127.0.0.1"}])[0]["TargetHealth"] == NOT_REGISTERED

    # A zero delay removes the target at once.
    env.elbv2.modify_target_group_attributes(
        TargetGroupArn=tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "0"}])
    env.elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.2", "Port": 8000}])
    assert env.health(tg) == []


def test_target_errors(env):
    ip_tg = env.tg("err-ip", TargetType="ip")["TargetGroupArn"]
    instance_tg = env.tg("err-instance")["TargetGroupArn"]
    missing = ip_tg[:-16] + "0123456789abcdef"
    for op, kw in ((env.elbv2.register_targets, {"Targets": [{"Id": "10.0.0.1"}]}),
                   (env.elbv2.deregister_targets, {"Targets": [{"Id": "10.0.0.1"}]}),
                   (env.elbv2.describe_target_health, {})):
        code, _, status = client_error(op, TargetGroupArn=missing, **kw)
        assert (code, status) == ("TargetGroupNotFound", 400), op
    code, _, _ = client_error(env.elbv2.register_targets, TargetGroupArn=instance_tg, Targets=[{"Id": "10.0.0.1"}])
    assert code == "InvalidTarget"
    code, _, _ = client_error(env.elbv2.register_targets, TargetGroupArn=ip_tg, Targets=[{"Id": "not-an-ip"}])
    assert code in ("InvalidTarget", "ValidationError")
    for port in (0, 65536):
        code, _, _ = client_error(env.raw.register_targets, TargetGroupArn=ip_tg,
                                  Targets=[{"Id": "10.0.0.1", "Port": port}])
        assert code == "ValidationError", port
    assert env.health(ip_tg) == []


def test_too_many_targets(env):
    tg = env.tg("many-targets", TargetType="ip")["TargetGroupArn"]
    targets = [{"Id": f"10.0.{i // 250}.{i % 250 + 1}", "Port": 80} for i in range(1000)]
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=targets)
    assert len(env.health(tg)) == 1000
    code, _, status = client_error(env.elbv2.register_targets, TargetGroupArn=tg,
                                   Targets=[{"Id": "10.9.0.1", "Port": 80}])
    assert (code, status) == ("TooManyTargets", 400)
    # Re-registering existing targets does not count.
    env.elbv2.register_targets(TargetGroupArn=tg, Targets=targets[:10])
    assert len(env.health(tg)) == 1000
