"""ELBv2 scenarios that another emulator's test suite exercises, replayed against Albatross where real AWS
behaves the same: target group listing order and lookup errors, name and health-check messages, condition
messages, DescribeTargetHealth's full shape, SSL policy look-ups, mutual TLS without trust stores, capacity
reservations, IPAM pools, dual-stack on IPv6 subnets, and an AWS-shaped answer from every model operation."""

import atexit
import ipaddress
import os
import shutil
import tempfile

import botocore.exceptions
import botocore.session
import pytest
from aws_errors import client_error

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_MODEL_DIR = []


def current_model_dir():
    """A botocore data directory with services/models/elbv2.json: Debian's botocore predates several operations
    (trust stores, capacity reservations, IPAM pools, mutual authentication)."""
    if not _MODEL_DIR:
        data = tempfile.mkdtemp(prefix="albatross-elbv2-model-")
        atexit.register(shutil.rmtree, data, True)
        os.makedirs(os.path.join(data, "elbv2", "2015-12-01"))
        shutil.copy(os.path.join(REPO, "services", "models", "elbv2.json"),
                    os.path.join(data, "elbv2", "2015-12-01", "service-2.json"))
        _MODEL_DIR.append(data)
    return _MODEL_DIR[0]


def elbv2_client(server, account, validate=True):
    from botocore.config import Config

    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, current_model_dir())
    return session.create_client("elbv2", endpoint_url=server.url, region_name="us-east-1",
                                 aws_access_key_id=account, aws_secret_access_key="test",
                                 config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate))


def attrs(pairs):
    return {a["Key"]: a["Value"] for a in pairs}


FIXED = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}]


class Net:
    """A VPC 172.28.7.0/24 with subnets in two zones and a security group, as the peer suite sets up."""

    def __init__(self, client, elbv2):
        self.ec2 = client("ec2")
        self.elbv2 = elbv2
        self.vpc = self.ec2.create_vpc(CidrBlock="172.28.7.0/24")["Vpc"]["VpcId"]
        self.subnets = [
            self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]
            for cidr, zone in (("172.28.7.192/26", "us-east-1a"), ("172.28.7.0/26", "us-east-1b"))]
        self.subnet_ids = [s["SubnetId"] for s in self.subnets]
        self.group = self.ec2.create_security_group(GroupName="peer-sg", Description="a", VpcId=self.vpc)["GroupId"]

    def alb(self, name="peer-lb", **kw):
        return self.elbv2.create_load_balancer(Name=name, Subnets=self.subnet_ids, SecurityGroups=[self.group],
                                               Scheme="internal", **kw)["LoadBalancers"][0]["LoadBalancerArn"]

    def tg(self, name, **kw):
        kw.setdefault("Protocol", "HTTP")
        kw.setdefault("Port", 80)
        return self.elbv2.create_target_group(Name=name, VpcId=self.vpc, **kw)["TargetGroups"][0]["TargetGroupArn"]

    def listener(self, lb, port=80, actions=FIXED, **kw):
        return self.elbv2.create_listener(LoadBalancerArn=lb, Protocol=kw.pop("Protocol", "HTTP"), Port=port,
                                          DefaultActions=actions, **kw)["Listeners"][0]["ListenerArn"]


@pytest.fixture
def net(client, server, account):
    return Net(client, elbv2_client(server, account))


@pytest.fixture
def raw_elbv2(server, account):
    """Sends what boto3 would refuse itself, so the server's own validation answers."""
    return elbv2_client(server, account, validate=False)


# --------------------------------------------------------------------------------------------------
# target groups
# --------------------------------------------------------------------------------------------------


def test_target_groups_are_listed_by_name_and_missing_ones_are_errors(net):
    for name in ("a-target", "c-target", "b-target"):
        net.tg(name)
    assert [g["TargetGroupName"] for g in net.elbv2.describe_target_groups()["TargetGroups"]] == [
        "a-target", "b-target", "c-target"]
    assert net.elbv2.describe_target_groups(Names=[])["TargetGroups"] == []
    assert client_error(net.elbv2.describe_target_groups, Names=["invalid"]) == (
        "TargetGroupNotFound", "One or more target groups not found", 400)
    # An unknown target group in a listener's forward action.
    code, message, _ = client_error(
        net.elbv2.create_listener, LoadBalancerArn=net.alb(), Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "unknown"}]}}])
    assert (code, message) == ("TargetGroupNotFound", "Target groups 'unknown' not found")


@pytest.mark.parametrize("name, message", [
    ("A" * 33, "Target group name '" + "A" * 33 + "' cannot be longer than '32' characters"),
    ("example.com", "Target group name 'example.com' can only contain characters that are alphanumeric "
                    "characters or hyphens(-)"),
    ("Na--me", "1 validation error detected: Value 'Na--me' at 'targetGroup.targetGroupArn.targetGroupName' "
               "failed to satisfy constraint: Member must satisfy regular expression pattern: "
               "(?!.*--)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$"),
    ("-name", None),
    ("name-", None),
])
def test_target_group_name_messages(net, raw_elbv2, name, message):
    code, got, status = client_error(raw_elbv2.create_target_group, Name=name, Protocol="HTTP", Port=80,
                                     VpcId=net.vpc)
    assert (code, status) == ("ValidationError", 400)
    assert got == (message or got) and ("regular expression pattern" in got if message is None else True)


@pytest.mark.parametrize("kw, message", [
    ({"HealthCheckIntervalSeconds": 5, "HealthCheckTimeoutSeconds": 5},
     "Health check timeout '5' must be smaller than the interval '5'"),
    ({"HealthCheckIntervalSeconds": 5, "HealthCheckTimeoutSeconds": 6},
     "Health check interval must be greater than the timeout."),
    ({"Port": 8080}, "Port cannot be specified for target groups with target type 'lambda'"),
    ({"VpcId": "vpc-0123456789abcdef0"}, "VPC ID cannot be specified for target groups with target type 'lambda'"),
    ({"Protocol": "HTTP"}, "Protocol cannot be specified for target groups with target type 'lambda'"),
])
def test_lambda_target_group_messages(net, kw, message):
    assert client_error(net.elbv2.create_target_group, Name="a-target", TargetType="lambda", **kw) == (
        "ValidationError", message, 400)


def test_network_target_group_health_check_rules(net):
    # An HTTP check switched on later gets the NLB defaults; a TCP check takes no path or matcher.
    arn = net.tg("tcp-tg", Protocol="TCP")
    out = net.elbv2.modify_target_group(TargetGroupArn=arn, HealthCheckProtocol="HTTP")["TargetGroups"][0]
    assert (out["HealthCheckPath"], out["Matcher"]) == ("/", {"HttpCode": "200-399"})
    assert net.elbv2.modify_target_group(TargetGroupArn=arn, Matcher={"HttpCode": "200-599"})[
        "TargetGroups"][0]["Matcher"] == {"HttpCode": "200-599"}  # NLB matchers go up to 599
    back = net.elbv2.modify_target_group(TargetGroupArn=arn, HealthCheckProtocol="TCP")["TargetGroups"][0]
    assert "HealthCheckPath" not in back and "Matcher" not in back
    for kw, message in (({"HealthCheckPath": "/x"}, "Health check paths are not supported for TCP health checks"),
                        ({"Matcher": {"HttpCode": "200"}}, "Health check matchers are not supported for TCP health checks")):
        assert client_error(net.elbv2.create_target_group, Name="tcp-bad", Protocol="TCP", Port=80, VpcId=net.vpc,
                            **kw) == ("InvalidConfigurationRequest", message, 400)
    # UDP keeps the client address: the attribute cannot be switched off.
    udp = net.tg("udp-tg", Protocol="UDP", Port=53, TargetType="ip")
    code, _, _ = client_error(net.elbv2.modify_target_group_attributes, TargetGroupArn=udp,
                              Attributes=[{"Key": "preserve_client_ip.enabled", "Value": "false"}])
    assert code == "InvalidConfigurationRequest"
    got = attrs(net.elbv2.describe_target_group_attributes(TargetGroupArn=udp)["Attributes"])
    assert got["preserve_client_ip.enabled"] == "true"


def test_unknown_and_known_target_health_shapes(net):
    lb = net.alb()
    tg = net.tg("health-tg", TargetType="ip", HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=3,
                Matcher={"HttpCode": "403"})
    net.listener(lb, actions=[{"Type": "forward", "TargetGroupArn": tg}])
    no_override = {"State": "no_override", "Reason": "AdministrativeOverride.NoOverride",
                   "Description": "No override is currently active on target"}
    healths = net.elbv2.describe_target_health(TargetGroupArn=tg, Targets=[{"Id": "172.28.7.10"}])[
        "TargetHealthDescriptions"]
    assert healths == [{
        "Target": {"Id": "172.28.7.10", "Port": 80},
        "HealthCheckPort": "80",
        "TargetHealth": {"State": "unused", "Reason": "Target.NotRegistered",
                         "Description": "Target is not registered to the target group"},
        "AdministrativeOverride": no_override}]
    net.elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.28.7.10"}])
    [d] = net.elbv2.describe_target_health(TargetGroupArn=tg, Include=["All"])["TargetHealthDescriptions"]
    assert d["Target"] == {"Id": "172.28.7.10", "Port": 80, "AvailabilityZone": "us-east-1b"}
    assert d["AdministrativeOverride"] == no_override
    assert d["AnomalyDetection"] == {"Result": "normal", "MitigationInEffect": "no"}
    [plain] = net.elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert "AnomalyDetection" not in plain


# --------------------------------------------------------------------------------------------------
# listeners and rules
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("condition, message", [
    ({"Field": "host-header", "Values": ["x" * 256]}, "The 'host-header' value is too long; the limit is '128'"),
    ({"Field": "host-header", "Values": ["one", "two"]},
     "The 'host-header' field contains too many values; the limit is '1'"),
    ({"Field": "path-pattern"}, "A condition value must be specified"),
    ({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "x" * 50, "Values": ["y"]}},
     "The 'HttpHeaderName' value is too long; the limit is '40'"),
    ({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["get"]}},
     "The 'http-request-method' value is invalid; the allowed characters are A-Z, hyphen and underscore"),
    ({"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "x" * 256, "Value": "world"}]}},
     "The 'Key' value is too long; the limit is '128'"),
    ({"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "hello", "Value": "x" * 256}]}},
     "The 'Value' value is too long; the limit is '128'"),
    ({"Field": "source-ip", "SourceIpConfig": {"Values": []}}, "A 'source-ip' value must be specified"),
    ({"Field": "source-ip"}, "A 'SourceIpConfig' must be specified with 'source-ip'"),
])
def test_condition_messages(net, condition, message):
    listener = net.listener(net.alb())
    assert client_error(net.elbv2.create_rule, ListenerArn=listener, Priority=100, Conditions=[condition],
                        Actions=FIXED) == ("ValidationError", message, 400)


def test_listener_redirect_loops_are_refused(net):
    lb = net.alb()
    loop = [{"Type": "redirect", "RedirectConfig": {"StatusCode": "HTTP_301"}}]
    code, message, _ = client_error(net.elbv2.create_listener, LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                    DefaultActions=loop)
    assert (code, message) == ("InvalidLoadBalancerAction",
                               "The redirect configuration is not valid because it creates a loop.")
    # Redirecting to the listener's own port loops too; another port does not.
    to_81 = [{"Type": "redirect", "RedirectConfig": {"Port": "81", "StatusCode": "HTTP_301"}}]
    listener = net.listener(lb, 80, to_81)
    code, _, _ = client_error(net.elbv2.modify_listener, ListenerArn=listener, Port=81)
    assert code == "InvalidLoadBalancerAction"
    assert net.elbv2.describe_listeners(ListenerArns=[listener])["Listeners"][0]["Port"] == 80


def test_target_group_of_another_vpc_is_refused(net, client):
    lb = net.alb()
    default_vpc = [v for v in client("ec2").describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
    other = net.elbv2.create_target_group(Name="other-vpc", Protocol="HTTP", Port=80, VpcId=default_vpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    assert client_error(net.elbv2.create_listener, LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": other}]) == (
        "InvalidConfigurationRequest",
        f"Target group '{other}' is in a different VPC than load balancer '{lb}'", 400)


def test_ssl_policy_names_are_not_repeated(net):
    got = net.elbv2.describe_ssl_policies(Names=["ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-2016-08",
                                                 "ELBSecurityPolicy-2016-08"])["SslPolicies"]
    assert sorted(p["Name"] for p in got) == ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-2-2017-01"]


# --------------------------------------------------------------------------------------------------
# trust stores, mutual TLS, capacity, IPAM
# --------------------------------------------------------------------------------------------------


def test_trust_stores_need_an_s3_bundle_that_cannot_exist(net, client, account):
    code, message, status = client_error(net.elbv2.create_trust_store, Name="ts1", CaCertificatesBundleS3Bucket="b",
                                         CaCertificatesBundleS3Key="ca.pem")
    assert (code, status) == ("CaCertificatesBundleNotFound", 400) and "'b'" in message and "'ca.pem'" in message
    assert net.elbv2.describe_trust_stores()["TrustStores"] == []
    assert client_error(net.elbv2.describe_trust_stores, Names=["ts1"])[0] == "TrustStoreNotFound"
    arn = f"arn:aws:elasticloadbalancing:us-east-1:{account}:truststore/ts1/0123456789abcdef"
    for call in (net.elbv2.delete_trust_store, net.elbv2.describe_trust_store_associations,
                 net.elbv2.describe_trust_store_revocations, net.elbv2.get_trust_store_ca_certificates_bundle):
        assert client_error(call, TrustStoreArn=arn)[:3:2] == ("TrustStoreNotFound", 400), call
    assert client_error(net.elbv2.describe_tags, ResourceArns=[arn])[0] == "TrustStoreNotFound"
    assert client_error(net.elbv2.get_resource_policy, ResourceArn=arn)[0] == "ResourceNotFound"


def test_listener_mutual_authentication(net, client):
    acm = client("acm")
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=mtls.example.com", "-keyout", f"{tmp}/k.pem", "-out", f"{tmp}/c.pem"],
                       check=True, capture_output=True)
        cert = acm.import_certificate(Certificate=open(f"{tmp}/c.pem", "rb").read(),
                                      PrivateKey=open(f"{tmp}/k.pem", "rb").read())["CertificateArn"]
    lb = net.alb()
    https = {"Protocol": "HTTPS", "Certificates": [{"CertificateArn": cert}]}
    code, _, _ = client_error(net.elbv2.create_listener, LoadBalancerArn=lb, Port=443, DefaultActions=FIXED,
                              MutualAuthentication={"Mode": "verify"}, **https)
    assert code == "ValidationError"  # verify names a trust store
    code, _, _ = client_error(net.elbv2.create_listener, LoadBalancerArn=lb, Port=443, DefaultActions=FIXED,
                              MutualAuthentication={"Mode": "verify", "TrustStoreArn": "arn:aws:elasticloadbalancing:"
                                                    "us-east-1:123456789012:truststore/x/0123456789abcdef"}, **https)
    assert code == "TrustStoreNotFound"
    listener = net.listener(lb, 443, MutualAuthentication={"Mode": "passthrough"}, **https)
    described = net.elbv2.describe_listeners(ListenerArns=[listener])["Listeners"][0]
    assert described["MutualAuthentication"] == {"Mode": "passthrough"}
    code, _, _ = client_error(net.elbv2.create_listener, LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                              DefaultActions=FIXED, MutualAuthentication={"Mode": "passthrough"})
    assert code == "ValidationError"
    net.elbv2.delete_listener(ListenerArn=listener)


def test_capacity_reservation_round_trip(net):
    lb = net.alb()
    out = net.elbv2.describe_capacity_reservation(LoadBalancerArn=lb)
    assert out["CapacityReservationState"] == [] and "MinimumLoadBalancerCapacity" not in out
    out = net.elbv2.modify_capacity_reservation(LoadBalancerArn=lb, MinimumLoadBalancerCapacity={"CapacityUnits": 100})
    assert out["MinimumLoadBalancerCapacity"] == {"CapacityUnits": 100}
    assert sorted((z["AvailabilityZone"], z["State"]["Code"], z["EffectiveCapacityUnits"])
                  for z in out["CapacityReservationState"]) == [
        ("us-east-1a", "provisioned", 50.0), ("us-east-1b", "provisioned", 50.0)]
    before = out["DecreaseRequestsRemaining"]
    out = net.elbv2.modify_capacity_reservation(LoadBalancerArn=lb, ResetCapacityReservation=True)
    assert "MinimumLoadBalancerCapacity" not in out and out["DecreaseRequestsRemaining"] == before - 1
    code, _, _ = client_error(net.elbv2.modify_capacity_reservation, LoadBalancerArn=lb,
                              MinimumLoadBalancerCapacity={"CapacityUnits": 100}, ResetCapacityReservation=True)
    assert code == "ValidationError"
    code, _, _ = client_error(net.elbv2.describe_capacity_reservation, LoadBalancerArn=lb[:-16] + "0123456789abcdef")
    assert code == "LoadBalancerNotFound"


def test_modify_ip_pools(net):
    lb = net.alb()
    assert net.elbv2.modify_ip_pools(LoadBalancerArn=lb, IpamPools={"Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0"})[
        "IpamPools"] == {"Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0"}
    assert net.elbv2.modify_ip_pools(LoadBalancerArn=lb, RemoveIpamPools=["ipv4"]).get("IpamPools", {}) == {}


# --------------------------------------------------------------------------------------------------
# dual-stack with IPv6 subnets, log buckets
# --------------------------------------------------------------------------------------------------


def test_dualstack_on_ipv6_subnets(client, server, account):
    ec2, elbv2 = client("ec2"), elbv2_client(server, account)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    sixty_fours = ipaddress.ip_network(block).subnets(new_prefix=64)
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", Ipv6CidrBlock=str(next(sixty_fours)),
                                 AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for i, zone in ((1, "a"), (2, "b"))]
    lb = elbv2.create_load_balancer(Name="ds-alb", Subnets=subnets, IpAddressType="dualstack")["LoadBalancers"][0]
    assert lb["IpAddressType"] == "dualstack"
    arn = lb["LoadBalancerArn"]
    assert elbv2.set_ip_address_type(LoadBalancerArn=arn, IpAddressType="dualstack-without-public-ipv4")[
        "IpAddressType"] == "dualstack-without-public-ipv4"
    internal = elbv2.create_load_balancer(Name="ds-internal", Subnets=subnets, Scheme="internal")["LoadBalancers"][0]
    code, _, _ = client_error(elbv2.set_ip_address_type, LoadBalancerArn=internal["LoadBalancerArn"],
                              IpAddressType="dualstack-without-public-ipv4")
    assert code == "InvalidConfigurationRequest"
    assert elbv2.set_ip_address_type(LoadBalancerArn=internal["LoadBalancerArn"], IpAddressType="dualstack")[
        "IpAddressType"] == "dualstack"


def test_log_buckets(net):
    arn = net.alb()
    out = net.elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "logs"}])
    assert attrs(out["Attributes"])["access_logs.s3.enabled"] == "true"
    for logs in ("connection_logs", "health_check_logs"):
        assert client_error(net.elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn, Attributes=[
            {"Key": f"{logs}.s3.enabled", "Value": "true"}]) == (
            "ValidationError", f"The value of '{logs}.s3.bucket' cannot be empty", 400)
    nlb = net.elbv2.create_load_balancer(Name="peer-nlb", Type="network", Subnets=net.subnet_ids[:1])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    got = attrs(net.elbv2.describe_load_balancer_attributes(LoadBalancerArn=nlb)["Attributes"])
    assert got["ipv6.deny_all_igw_traffic"] == "false"


# --------------------------------------------------------------------------------------------------
# every operation of the model
# --------------------------------------------------------------------------------------------------


def _minimal(shape, depth=0):
    """A value for a botocore shape that satisfies its type and required members."""
    if shape.type_name == "structure":
        return {name: _minimal(shape.members[name], depth + 1) for name in shape.required_members}
    if shape.type_name == "list":
        return [_minimal(shape.member, depth + 1)]
    if shape.type_name in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if shape.type_name == "boolean":
        return False
    if shape.enum:
        return shape.enum[0]
    return "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/none/0123456789abcdef"


def test_every_operation_answers_in_aws_shape(raw_elbv2):
    """Each operation of services/models/elbv2.json, called with minimal input, answers a modelled error or a
    result: never a 5xx or 'not implemented'."""
    model = raw_elbv2.meta.service_model
    known_errors = {shape.error_code for shape in model.error_shapes} | {"ValidationError"}
    answered = 0
    for name in model.operation_names:
        operation = model.operation_model(name)
        params = _minimal(operation.input_shape) if operation.input_shape else {}
        try:
            raw_elbv2._make_api_call(name, params)
        except botocore.exceptions.ClientError as e:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] < 500, (name, e.response)
            assert e.response["Error"]["Code"] in known_errors, (name, e.response["Error"])
        answered += 1
    assert answered == len(model.operation_names) >= 51
