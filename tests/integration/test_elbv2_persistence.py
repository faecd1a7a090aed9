"""ELBv2 state survives restarts: a full configuration (load balancer with attributes and tags, target groups
with custom health checks, attributes and targets, an HTTPS listener with an ACM certificate and an SNI
certificate, an HTTP redirect listener, host-header rules, listener attributes) reads back identically after
SIGTERM and after kill -9; ACM's InUseBy and the refusal to delete a certificate in use come back with it;
time-derived states (provisioning -> active, draining -> gone) carry on across a kill -9."""

import atexit
import os
import shutil
import tempfile
import time

import botocore.exceptions
import pytest

from conftest import random_account, unique_domain, wait_issued, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SESSION = []


def _session():
    """One boto3 session (models parsed once) that also knows the current elbv2 model: Debian's botocore
    predates listener attributes."""
    import boto3

    if not _SESSION:
        data = tempfile.mkdtemp(prefix="albatross-elbv2-model-")
        atexit.register(shutil.rmtree, data, True)
        os.makedirs(os.path.join(data, "elbv2", "2015-12-01"))
        shutil.copy(os.path.join(REPO, "services", "models", "elbv2.json"),
                    os.path.join(data, "elbv2", "2015-12-01", "service-2.json"))
        session = boto3.session.Session()
        session._session.get_component("data_loader").search_paths.insert(0, data)
        _SESSION.append(session)
    return _SESSION[0]


def clients(server, account):
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
    make = lambda service: _session().client(  # noqa: E731
        service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=account,
        aws_secret_access_key="test", config=config)
    return make("ec2"), make("elbv2"), make("acm")


def client_error(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        fn(**kw)
    return ei.value.response["Error"]["Code"]


def fixed(status="503", body=None):
    config = {"StatusCode": status, "ContentType": "text/plain"}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def build(server, account):
    """Creates the configuration; returns the ARNs worth checking."""
    ec2, elbv2, acm = clients(server, account)
    vpc = [v for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
    subnets = sorted((s for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc),
                     key=lambda s: s["AvailabilityZone"])
    sg = ec2.create_security_group(GroupName="persist-alb", Description="alb", VpcId=vpc)["GroupId"]
    certs = []
    for name in ("site", "sni"):
        arn = acm.request_certificate(DomainName=unique_domain(name), ValidationMethod="DNS")["CertificateArn"]
        wait_issued(acm, arn)
        certs.append(arn)
    lb = elbv2.create_load_balancer(Name="persist-alb", Subnets=[s["SubnetId"] for s in subnets],
                                    SecurityGroups=[sg], Tags=[{"Key": "app", "Value": "shop"}])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[
        {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
        {"Key": "deletion_protection.enabled", "Value": "true"},
        {"Key": "routing.http.xff_header_processing.mode", "Value": "preserve"}])
    tgs = []
    for i, name in enumerate(("persist-a", "persist-b")):
        tg = elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=8000 + i, VpcId=vpc, TargetType="ip", HealthCheckPath=f"/health/{i}",
            HealthCheckIntervalSeconds=300, HealthCheckTimeoutSeconds=120, Matcher={"HttpCode": "200-299"},
            Tags=[{"Key": "site", "Value": name}])["TargetGroups"][0]["TargetGroupArn"]
        tgs.append(tg)
    elbv2.modify_target_group_attributes(TargetGroupArn=tgs[0], Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "500"},
        {"Key": "stickiness.enabled", "Value": "true"},
        {"Key": "load_balancing.algorithm.type", "Value": "least_outstanding_requests"}])
    elbv2.register_targets(TargetGroupArn=tgs[0], Targets=[{"Id": "127.0.0.1"}, {"Id": "127.0.0.2", "Port": 8100}])
    elbv2.register_targets(TargetGroupArn=tgs[1], Targets=[{"Id": "10.0.0.9", "AvailabilityZone": "all"}])
    https = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443,
                                  Certificates=[{"CertificateArn": certs[0]}],
                                  SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                                  DefaultActions=fixed("503", "No such site"),
                                  Tags=[{"Key": "listener", "Value": "https"}])["Listeners"][0]["ListenerArn"]
    elbv2.add_listener_certificates(ListenerArn=https, Certificates=[{"CertificateArn": certs[1]}])
    elbv2.modify_listener_attributes(ListenerArn=https, Attributes=[
        {"Key": "routing.http.response.server.enabled", "Value": "false"}])
    http = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])[
        "Listeners"][0]["ListenerArn"]
    rules = []
    for priority, (host, tg) in enumerate((("a.example.com", tgs[0]), ("b.example.com", tgs[1])), start=1):
        rules.append(elbv2.create_rule(
            ListenerArn=https, Priority=priority * 10,
            Conditions=[{"Field": "host-header", "HostHeaderConfig": {"Values": [host]}}],
            Actions=[{"Type": "forward", "TargetGroupArn": tg}], Tags=[{"Key": "host", "Value": host}])[
            "Rules"][0]["RuleArn"])
    return {"lb": lb, "tgs": tgs, "listeners": [https, http], "rules": rules, "certs": certs}


def snapshot(server, account, arns):
    """Everything Describe* says about the configuration, in a comparable form."""
    _, elbv2, acm = clients(server, account)
    out = {}
    lbs = elbv2.describe_load_balancers()["LoadBalancers"]
    out["load_balancers"] = sorted(lbs, key=lambda lb: lb["LoadBalancerArn"])
    out["lb_attributes"] = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arns["lb"])["Attributes"]
    out["target_groups"] = sorted(elbv2.describe_target_groups()["TargetGroups"], key=lambda t: t["TargetGroupArn"])
    out["tg_attributes"] = [elbv2.describe_target_group_attributes(TargetGroupArn=t)["Attributes"]
                            for t in arns["tgs"]]
    # Targets of a group in use are probed by the health checker, whose verdicts are not this test's subject
    # (and start over after a restart): only "unused" / "draining" / "checked" is compared.
    out["health"] = [sorted(
        (d["Target"]["Id"], d["Target"]["Port"], d["Target"].get("AvailabilityZone"), d["HealthCheckPort"],
         d["TargetHealth"]["State"] if d["TargetHealth"]["State"] in ("unused", "draining") else "checked")
        for d in elbv2.describe_target_health(TargetGroupArn=t)["TargetHealthDescriptions"]) for t in arns["tgs"]]
    out["listeners"] = sorted(elbv2.describe_listeners(LoadBalancerArn=arns["lb"])["Listeners"],
                              key=lambda l: l["ListenerArn"])
    out["listener_certificates"] = sorted(
        (c["CertificateArn"], c["IsDefault"])
        for c in elbv2.describe_listener_certificates(ListenerArn=arns["listeners"][0])["Certificates"])
    out["listener_attributes"] = [elbv2.describe_listener_attributes(ListenerArn=l)["Attributes"]
                                  for l in arns["listeners"]]
    out["rules"] = [elbv2.describe_rules(ListenerArn=l)["Rules"] for l in arns["listeners"]]
    every = [arns["lb"], *arns["tgs"], *arns["listeners"], *arns["rules"]]
    out["tags"] = {d["ResourceArn"]: sorted((t["Key"], t["Value"]) for t in d["Tags"])
                   for d in elbv2.describe_tags(ResourceArns=every)["TagDescriptions"]}
    out["in_use_by"] = [acm.describe_certificate(CertificateArn=c)["Certificate"].get("InUseBy") for c in arns["certs"]]
    return out


def lb_active(server, account, arn):
    _, elbv2, _ = clients(server, account)
    return elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "active"


def test_configuration_survives_sigterm_and_kill_9(make_server):
    srv = make_server(time_scale=0.01)
    account = random_account()
    arns = build(srv, account)
    wait_until(lambda: lb_active(srv, account, arns["lb"]), timeout=5, message="load balancer active")
    before = snapshot(srv, account, arns)
    # Sanity: the snapshot is what was built.
    assert before["in_use_by"] == [[arns["lb"]], [arns["lb"]]]
    assert len(before["rules"][0]) == 3 and len(before["listeners"]) == 2
    assert {a["Key"]: a["Value"] for a in before["lb_attributes"]}["deletion_protection.enabled"] == "true"
    assert before["listener_certificates"] == sorted([(arns["certs"][0], True), (arns["certs"][1], False)])
    assert before["health"] == [[("127.0.0.1", 8000, None, "8000", "checked"),
                                 ("127.0.0.2", 8100, None, "8100", "checked")],
                                [("10.0.0.9", 8001, "all", "8001", "checked")]]

    srv.restart()  # SIGTERM, exit code 0 checked by the fixture
    assert snapshot(srv, account, arns) == before

    srv.restart(hard=True)  # kill -9
    assert snapshot(srv, account, arns) == before

    # Behaviour that depends on the restored state.
    _, elbv2, acm = clients(srv, account)
    assert client_error(elbv2.delete_load_balancer, LoadBalancerArn=arns["lb"]) == "OperationNotPermitted"
    assert client_error(acm.delete_certificate, CertificateArn=arns["certs"][0]) == "ResourceInUseException"
    assert client_error(elbv2.delete_target_group, TargetGroupArn=arns["tgs"][1]) == "ResourceInUse"
    assert client_error(elbv2.create_rule, ListenerArn=arns["listeners"][0], Priority=10,
                        Conditions=[{"Field": "path-pattern", "Values": ["/x"]}],
                        Actions=fixed()) == "PriorityInUse"
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arns["lb"], Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "false"}])
    elbv2.delete_load_balancer(LoadBalancerArn=arns["lb"])
    for cert in arns["certs"]:
        assert acm.describe_certificate(CertificateArn=cert)["Certificate"].get("InUseBy", []) == []
        acm.delete_certificate(CertificateArn=cert)
    for tg in arns["tgs"]:
        elbv2.delete_target_group(TargetGroupArn=tg)
    srv.restart(hard=True)
    _, elbv2, acm = clients(srv, account)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert elbv2.describe_target_groups()["TargetGroups"] == []
    assert acm.list_certificates()["CertificateSummaryList"] == []


def test_time_derived_states_continue_after_kill_9(make_server):
    srv = make_server(time_scale=0.01)
    account = random_account()
    ec2, elbv2, _ = clients(srv, account)
    subnets = [s["SubnetId"] for s in sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])]
    vpc = ec2.describe_subnets()["Subnets"][0]["VpcId"]
    tg = elbv2.create_target_group(Name="drain-tg", Protocol="HTTP", Port=8000, VpcId=vpc, TargetType="ip",
                                   HealthCheckIntervalSeconds=300, HealthCheckTimeoutSeconds=120)[
        "TargetGroups"][0]["TargetGroupArn"]
    # The default deregistration delay: 300 s x 0.01 = 3 s of draining.
    used_by = elbv2.create_load_balancer(Name="drain-alb", Subnets=subnets[:2])["LoadBalancers"][0][
        "LoadBalancerArn"]
    elbv2.create_listener(LoadBalancerArn=used_by, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}, {"Id": "127.0.0.2"}])
    late = elbv2.create_load_balancer(Name="late-alb", Subnets=subnets[1:])["LoadBalancers"][0]
    assert late["State"]["Code"] == "provisioning"
    elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}])
    deregistered_at = time.monotonic()
    srv.restart(hard=True)  # right after the last acknowledged call

    _, elbv2, _ = clients(srv, account)
    health = {d["Target"]["Id"]: d["TargetHealth"] for d in
              elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]}
    assert time.monotonic() - deregistered_at < 3, "restart took longer than the drain"
    assert health["127.0.0.1"]["State"] == "draining"
    assert health["127.0.0.1"]["Reason"] == "Target.DeregistrationInProgress"
    assert health["127.0.0.2"]["State"] in ("initial", "unhealthy")  # still registered, group in use
    wait_until(lambda: lb_active(srv, account, late["LoadBalancerArn"]), timeout=5, message="late LB active")
    again = elbv2.describe_load_balancers(LoadBalancerArns=[late["LoadBalancerArn"]])["LoadBalancers"][0]
    assert again["DNSName"] == late["DNSName"] and again["CreatedTime"] == late["CreatedTime"]

    def drained():
        ids = [d["Target"]["Id"] for d in elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]]
        return ids == ["127.0.0.2"]

    wait_until(drained, timeout=15, interval=0.1, message="draining target gone after restart")
    assert elbv2.describe_target_health(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1"}])[
        "TargetHealthDescriptions"][0]["TargetHealth"]["Reason"] == "Target.NotRegistered"
