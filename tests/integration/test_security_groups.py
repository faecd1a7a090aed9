"""Security groups filter load-balancer traffic (on by default, --security-groups=off turns it off), driven with the
aws CLI v2 as the tutorials do: a listener admits a client only when one of its load balancer's groups allows the
listener port from the client's address; an ECS task behind it gets health checks and requests only when its
groups allow the load balancer's group (or a CIDR covering it). Blocked probes time out (Target.Timeout), and
authorizing the missing rule fixes it live; revoking takes effect on the next connection."""

import http.client
import json
import subprocess
import time

import pytest

from conftest import random_account, wait_until
from test_data_plane_support import Elb, apps, fixed, forward, http_request, unique  # noqa: F401 - fixtures
from test_ecs_tasks import server_with_containers

DEADLINE = 90.0


@pytest.fixture(scope="module")
def sg_server(server_factory_session):
    # Filtering on (the product's default). 0.1: probes every 0.5 s with a 0.2 s timeout.
    yield from server_with_containers(server_factory_session, time_scale=0.1, security_groups=True)


@pytest.fixture
def elb(sg_server):
    e = Elb(sg_server, random_account())
    yield e
    e.cleanup()
    for group in e.ec2.describe_security_groups()["SecurityGroups"]:
        if group["GroupName"] != "default":
            try:
                e.ec2.delete_security_group(GroupId=group["GroupId"])
            except Exception:  # noqa: BLE001 - best-effort cleanup (a group still referenced goes with the next)
                pass


def security_group(elb, name, description="test"):
    out = elb.server.aws_ok("ec2", "create-security-group", "--group-name", name, "--description", description,
                            "--vpc-id", elb.vpc_id, account=elb.account)
    return out["GroupId"]


def sg_rule(elb, verb, group, port, *peer):
    return elb.server.aws_ok("ec2", f"{verb}-security-group-ingress", "--group-id", group, "--protocol", "tcp",
                             "--port", str(port), *peer, account=elb.account)


def curl(address, port, path="/", host=None):
    cmd = ["curl", "-sS", "-m", "5", "-o", "-", "-w", "\n%{http_code}", f"http://{address}:{port}{path}"]
    if host:
        cmd[1:1] = ["-H", f"Host: {host}"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


def answered(proc):
    """The HTTP status curl got, or None when the connection ended without any response."""
    status = proc.stdout.rsplit("\n", 1)[-1]
    return int(status) if proc.returncode == 0 and status != "000" else None


def alb_in(elb, groups):
    lb = elb.elbv2.create_load_balancer(Name=unique("sg"), Subnets=elb.subnet_ids[:2], SecurityGroups=groups)[
        "LoadBalancers"][0]
    elb.load_balancers.append(lb["LoadBalancerArn"])
    return lb


def test_listener_admits_only_what_the_load_balancer_group_allows(elb):
    group = security_group(elb, unique("alb"))
    lb = alb_in(elb, [group])
    listener = elb.listener(lb["LoadBalancerArn"], fixed("200", "hello"))
    port = listener.configured_port

    # No inbound rule for the listener port: the connection ends without any HTTP response.
    refused = curl(listener.address, listener.port)
    assert answered(refused) is None, refused
    assert answered(curl(listener.own_address, listener.own_port)) is None

    # Authorize the port from anywhere: the very next connection is served.
    out = sg_rule(elb, "authorize", group, port, "--cidr", "0.0.0.0/0")
    assert out["Return"] is True
    ok = curl(listener.address, listener.port)
    assert answered(ok) == 200 and ok.stdout.startswith("hello"), ok
    assert answered(curl(listener.own_address, listener.own_port)) == 200

    # Revoked (what is left: another port from anywhere, this port from 10.0.0.0/8, which loopback is not in):
    # the next connection is refused, while one opened before stays.
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=5)
    conn.request("GET", "/")
    assert conn.getresponse().read() == b"hello"  # an established connection, kept alive
    sg_rule(elb, "revoke", group, port, "--cidr", "0.0.0.0/0")
    sg_rule(elb, "authorize", group, port + 1 if port < 65535 else port - 1, "--cidr", "0.0.0.0/0")
    sg_rule(elb, "authorize", group, port, "--cidr", "10.0.0.0/8")
    assert answered(curl(listener.address, listener.port)) is None
    conn.request("GET", "/")
    assert conn.getresponse().read() == b"hello"  # security groups are stateful: the open connection stays
    conn.close()

    # Loopback is in 127.0.0.0/8.
    sg_rule(elb, "authorize", group, port, "--cidr", "127.0.0.0/8")
    assert answered(curl(listener.address, listener.port)) == 200


def test_load_balancer_in_the_default_group_refuses_outsiders(elb):
    lb = elb.alb()  # no SecurityGroups: the VPC's default group, which admits only its own members
    default = elb.ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"][0]["GroupId"]
    assert lb["SecurityGroups"] == [default]
    listener = elb.listener(lb["LoadBalancerArn"], fixed("200", "hi"))
    assert answered(curl(listener.address, listener.port)) is None
    # SetSecurityGroups to a group that allows the port takes effect on the next connection.
    group = security_group(elb, unique("open"))
    sg_rule(elb, "authorize", group, listener.configured_port, "--cidr", "0.0.0.0/0")
    elb.elbv2.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=[group])
    assert answered(curl(listener.address, listener.port)) == 200


def test_host_header_picks_the_load_balancer_whose_group_is_checked(elb):
    open_group, closed_group = security_group(elb, unique("open")), security_group(elb, unique("closed"))
    first = alb_in(elb, [open_group])
    second = alb_in(elb, [closed_group])
    a = elb.listener(first["LoadBalancerArn"], fixed("200", "first"))
    b = elb.listener(second["LoadBalancerArn"], fixed("200", "second"), port=a.configured_port)
    sg_rule(elb, "authorize", open_group, a.configured_port, "--cidr", "0.0.0.0/0")
    assert (a.address, a.port) == (b.address, b.port)  # one shared 127.0.0.1 endpoint
    ok = curl(a.address, a.port, host=first["DNSName"])
    assert answered(ok) == 200 and ok.stdout.startswith("first"), ok
    assert answered(curl(a.address, a.port, host=second["DNSName"])) is None


def test_network_load_balancer_without_groups_admits_all_with_groups_filters(elb, apps):
    (app,) = apps(1, "nlb")
    tg = elb.target_group(protocol="TCP", port=80)
    elb.register(tg, app)  # a plain IP target, not an ECS task: no known groups, always reachable
    open_lb = elb.nlb()  # no security groups: nothing filters its clients
    plain = elb.listener(open_lb["LoadBalancerArn"], forward(tg), protocol="TCP")
    elb.wait_healthy(tg, 1, timeout=30)
    ok = curl(plain.address, plain.port, "/nlb")
    assert answered(ok) == 200 and json.loads(ok.stdout.rsplit("\n", 1)[0])["path"] == "/nlb", ok

    group = security_group(elb, unique("nlb"))
    filtered = elb.elbv2.create_load_balancer(Name=unique("nlb"), Type="network", Subnets=elb.subnet_ids[:1],
                                              SecurityGroups=[group])["LoadBalancers"][0]
    elb.load_balancers.append(filtered["LoadBalancerArn"])
    tg2 = elb.target_group(protocol="TCP", port=80)
    elb.register(tg2, app)
    listener = elb.listener(filtered["LoadBalancerArn"], forward(tg2), protocol="TCP")
    elb.wait_healthy(tg2, 1, timeout=30)
    assert answered(curl(listener.address, listener.port)) is None
    sg_rule(elb, "authorize", group, listener.configured_port, "--cidr", "127.0.0.1/32")
    assert answered(curl(listener.address, listener.port)) == 200


def register(ecs, images):
    app = {"name": "app", "image": images["app"], "stopTimeout": 2, "command": ["--port", "8080", "--name", "sg"],
           "portMappings": [{"containerPort": 8080}]}
    return ecs.register_task_definition(family=unique("sg"), networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                        cpu="256", memory="512", containerDefinitions=[app])["taskDefinition"][
        "taskDefinitionArn"]


def test_task_group_without_the_alb_group_times_out_until_authorized(elb, test_images):
    ecs = elb.server.client("ecs", account=elb.account)
    alb_sg, task_sg = security_group(elb, unique("alb")), security_group(elb, unique("tasks"))
    lb = alb_in(elb, [alb_sg])
    tg = elb.target_group(port=8080, health_path="/health", HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2,
                          HealthyThresholdCount=2, UnhealthyThresholdCount=2,
                          attributes={"deregistration_delay.timeout_seconds": 0})
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    sg_rule(elb, "authorize", alb_sg, listener.configured_port, "--cidr", "0.0.0.0/0")
    task_definition = register(ecs, test_images)
    # The task group admits "your IP" only, as in the lab before its fix.
    sg_rule(elb, "authorize", task_sg, 8080, "--cidr", "127.0.0.1/32")
    ecs.create_service(serviceName="web", taskDefinition=task_definition, desiredCount=1, launchType="FARGATE",
                       healthCheckGracePeriodSeconds=3600,  # no replacement while the checks fail
                       networkConfiguration={"awsvpcConfiguration": {"subnets": elb.subnet_ids,
                                                                     "securityGroups": [task_sg]}},
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])
    try:
        def timed_out():
            health = list(elb.health(tg).values())
            return health and health[0]["State"] == "unhealthy" and health[0]
        health = wait_until(timed_out, timeout=DEADLINE, interval=0.2, message=f"target unhealthy: {elb.health(tg)}")
        assert health["Reason"] == "Target.Timeout"
        assert health["Description"] == "Request timed out"

        # All targets unhealthy: the ALB fails open, and the dropped connect ends in a 504 after 10 s.
        started = time.monotonic()
        response = http_request(listener.address, listener.port, "GET", "/", timeout=30)
        assert response.status == 504, response
        assert 9.0 <= time.monotonic() - started < 20

        # The tutorials' fix: let the ALB's group in.
        out = sg_rule(elb, "authorize", task_sg, 8080, "--source-group", alb_sg)
        assert out["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"] == alb_sg
        elb.wait_healthy(tg, count=1, timeout=DEADLINE)
        ok = curl(listener.address, listener.port, "/who")
        assert answered(ok) == 200 and json.loads(ok.stdout.rsplit("\n", 1)[0])["name"] == "sg", ok

        # Revoked again: the probes time out and the target turns unhealthy.
        sg_rule(elb, "revoke", task_sg, 8080, "--source-group", alb_sg)
        wait_until(lambda: list(elb.health(tg).values())[0].get("Reason") == "Target.Timeout", timeout=DEADLINE,
                   interval=0.2, message=f"target unhealthy again: {elb.health(tg)}")
    finally:
        ecs.delete_service(service="web", force=True)
        wait_until(lambda: ecs.describe_services(services=["web"])["services"][0]["status"] == "INACTIVE" and
                   not ecs.list_tasks()["taskArns"], timeout=DEADLINE, interval=0.2, message="service web gone")
        ecs.deregister_task_definition(taskDefinition=task_definition)


def test_container_calling_a_load_balancer_counts_as_its_task(elb, test_images):
    """A task's container reaches an internal ALB through the Docker bridge: the ALB's group admits the caller's group
    (source-group rule), not another task's group."""
    ecs = elb.server.client("ecs", account=elb.account)
    alb_sg, callers, others = (security_group(elb, unique(n)) for n in ("alb", "callers", "others"))
    lb = alb_in(elb, [alb_sg])
    listener = elb.listener(lb["LoadBalancerArn"], fixed("200", "hello from the alb"))
    sg_rule(elb, "authorize", alb_sg, listener.configured_port, "--source-group", callers)
    url = f"http://{lb['DNSName']}:{listener.port}/"
    # Up to 30 tries: the call may start before the emulator has seen the task's address.
    calls = (f"i=0; while [ $i -lt 30 ]; do /bin/busybox wget -q -O- {url} | /bin/busybox grep -q 'hello from the alb'"
             " && exit 0; i=$((i+1)); /bin/busybox sleep 0.2; done; exit 1")
    td = ecs.register_task_definition(family=unique("caller"), networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                      cpu="256", memory="512", containerDefinitions=[{
                                          "name": "caller", "image": test_images["busybox"], "essential": True,
                                          "entryPoint": ["/bin/busybox", "sh", "-c"], "command": [calls]}])[
        "taskDefinition"]["taskDefinitionArn"]
    try:
        def run_in(group):
            return ecs.run_task(taskDefinition=td, launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                "subnets": elb.subnet_ids[:1], "securityGroups": [group]}})["tasks"][0]["taskArn"]

        def exit_code(task_arn):
            def stopped():
                task = ecs.describe_tasks(tasks=[task_arn])["tasks"][0]
                return task if task["lastStatus"] == "STOPPED" else None
            return wait_until(stopped, timeout=DEADLINE, message="the calling task to finish")["containers"][0].get(
                "exitCode")

        allowed, refused = run_in(callers), run_in(others)
        assert exit_code(allowed) == 0
        assert exit_code(refused) == 1
    finally:
        ecs.deregister_task_definition(taskDefinition=td)


def test_off_flag_lets_everything_through(server):
    # The shared test server runs with --security-groups=off.
    elb = Elb(server, random_account())
    group = security_group(elb, unique("closed"))
    try:
        lb = alb_in(elb, [group])
        listener = elb.listener(lb["LoadBalancerArn"], fixed("200", "open"))
        ok = curl(listener.address, listener.port)
        assert answered(ok) == 200 and ok.stdout.startswith("open"), ok
    finally:
        elb.cleanup()
        elb.ec2.delete_security_group(GroupId=group)
