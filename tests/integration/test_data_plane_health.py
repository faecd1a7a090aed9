"""ALB data plane: health checks (spec §5.2, §5.3) seen through DescribeTargetHealth and through routing:
initial → healthy after one probe, unhealthy with the right reason codes, back to healthy after
HealthyThresholdCount successes, unhealthy targets out of rotation, the probe's own request format."""

import time

from conftest import wait_until
from test_data_plane_support import apps, closed_port, elb, forward, get  # noqa: F401 - fixtures


def test_initial_while_the_first_probe_runs_then_healthy(elb, apps):
    """The first probe takes 400 ms (health path /slow; timeout 120 s × 0.01): meanwhile the target is initial;
    one success → healthy."""
    (app,) = apps(1, "init")
    tg = elb.target_group(health_path="/slow?ms=400", HealthCheckIntervalSeconds=300, HealthCheckTimeoutSeconds=120)
    elb.register(tg, app)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    th = wait_until(lambda: elb.health(tg).get(("127.0.0.1", app.port)), timeout=5)
    assert th["State"] == "initial", th
    assert (th["Reason"], th["Description"]) in (
        ("Elb.RegistrationInProgress", "Target registration is in progress"),
        ("Elb.InitialHealthChecking", "Initial health checks in progress")), th
    elb.wait_state(tg, app, "healthy", timeout=5)
    assert elb.health(tg)[("127.0.0.1", app.port)] == {"State": "healthy"}  # no Reason/Description


def test_healthy_then_unhealthy_on_503_then_healthy_after_threshold(elb, apps):
    (app,) = apps(1, "hc")
    tg = elb.target_group(HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=5, HealthyThresholdCount=3,
                          UnhealthyThresholdCount=2)
    elb.register(tg, app)
    before = elb.health(tg)[("127.0.0.1", app.port)]
    assert before["State"] == "unused", before  # no listener uses the group yet
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, app, "healthy")

    app.health_off()
    elb.wait_state(tg, app, "unhealthy")
    th = elb.health(tg)[("127.0.0.1", app.port)]
    assert th["Reason"] == "Target.ResponseCodeMismatch", th
    assert th["Description"] == "Health checks failed with these codes: [503]", th

    # recovery needs HealthyThresholdCount (3) consecutive successes at 10 s × 0.01 = 0.1 s apart
    app.health_on()
    started = time.monotonic()
    elb.wait_state(tg, app, "healthy")
    assert time.monotonic() - started >= 0.15, "healthy again after a single successful probe"


def test_response_code_mismatch_lists_the_codes_and_matcher_applies(elb, apps):
    (app,) = apps(1, "codes")
    tg = elb.target_group(HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, Matcher={"HttpCode": "200-299"})
    elb.register(tg, app)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, app, "healthy")
    app.health_code(404)
    elb.wait_state(tg, app, "unhealthy")
    th = elb.health(tg)[("127.0.0.1", app.port)]
    assert (th["Reason"], th["Description"]) == ("Target.ResponseCodeMismatch",
                                                 "Health checks failed with these codes: [404]"), th
    # a code inside the matcher's range counts as healthy
    elb.elbv2.modify_target_group(TargetGroupArn=tg, Matcher={"HttpCode": "200-299,404"})
    elb.wait_state(tg, app, "healthy")


def test_closed_port_fails_health_checks(elb):
    port = closed_port()
    tg = elb.target_group()
    elb.register(tg, port)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, port, "unhealthy")
    th = elb.health(tg)[("127.0.0.1", port)]
    assert (th["Reason"], th["Description"]) == ("Target.FailedHealthChecks", "Health checks failed"), th


def test_target_group_without_listener_is_unused(elb, apps):
    (app,) = apps(1, "unused")
    tg = elb.target_group()
    elb.register(tg, app)
    th = elb.health(tg)[("127.0.0.1", app.port)]
    assert (th["State"], th["Reason"]) == ("unused", "Target.NotInUse"), th


def test_unhealthy_target_leaves_rotation(elb, apps):
    good, bad = apps(2, "rot")
    tg = elb.target_group(HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2)
    elb.register(tg, good, bad)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    names = {get(listener, "/").json()["name"] for _ in range(6)}
    assert names == {good.name, bad.name}
    bad.health_off()
    elb.wait_state(tg, bad, "unhealthy")
    names = [get(listener, "/").json()["name"] for _ in range(10)]
    assert set(names) == {good.name}, names
    # back in rotation once healthy again
    bad.health_on()
    elb.wait_state(tg, bad, "healthy")
    names = {get(listener, "/").json()["name"] for _ in range(6)}
    assert names == {good.name, bad.name}


def test_probe_request_format(elb, apps):
    (app,) = apps(1, "probe")
    tg = elb.target_group(HealthCheckPath="/health?deep=1")
    elb.register(tg, app)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, app, "healthy")
    probes = [r for r in app.log() if r["path"] == "/health"]
    assert probes, app.log()
    probe = probes[0]
    assert probe["method"] == "GET"
    assert probe["query"] == "deep=1"
    assert probe["version"] == "HTTP/1.1"
    assert probe["headers"].get("User-Agent") == "ELB-HealthChecker/2.0"
    assert probe["headers"].get("Host") in (f"127.0.0.1:{app.port}", "127.0.0.1")
    # a new connection per probe
    wait_until(lambda: len([r for r in app.log() if r["path"] == "/health"]) >= 2, timeout=5)
    probes = [r for r in app.log() if r["path"] == "/health"]
    assert len({p["connection"] for p in probes}) == len(probes)


def test_health_check_port_override(elb, apps):
    served, checked = apps(2, "hcport")
    tg = elb.target_group(HealthCheckPort=str(checked.port))
    elb.register(tg, served)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, served, "healthy")
    d = elb.elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"][0]
    assert d["HealthCheckPort"] == str(checked.port)
    assert get(listener, "/").json()["name"] == served.name
    checked.health_off()
    elb.wait_state(tg, served, "unhealthy")
