"""ALB data plane: target selection and target changes (spec §3.3 weighted forward, §4.4, §5.4): round robin,
weighted target groups, draining on DeregisterTargets, and configuration changes while requests keep flowing."""

import collections
import http.client
import json
import threading

from conftest import wait_until
from test_data_plane_support import apps, elb, forward, get  # noqa: F401 - apps and elb are fixtures


def test_round_robin_across_two_targets(elb, apps):
    a, b = apps(2, "rr")
    tg = elb.target_group()
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    names = [get(listener, "/").json()["name"] for _ in range(20)]  # a new client connection each time
    assert collections.Counter(names) == {a.name: 10, b.name: 10}, names
    assert all(x != y for x, y in zip(names, names[1:])), names  # strict alternation
    # on one keep-alive connection too
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=5)
    try:
        seen = []
        for _ in range(10):
            conn.request("GET", "/")
            seen.append(json.loads(conn.getresponse().read())["name"])
    finally:
        conn.close()
    assert collections.Counter(seen) == {a.name: 5, b.name: 5}, seen


def test_weighted_forward_between_target_groups(elb, apps):
    light, heavy, never = apps(3, "w")
    groups = []
    for app in (light, heavy, never):
        groups.append(elb.target_group())
        elb.register(groups[-1], app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(*groups, weights=[1, 3, 0]))
    for tg in groups[:2]:
        elb.wait_healthy(tg, 1)
    counts = collections.Counter(get(listener, "/").json()["name"] for _ in range(400))
    assert counts[never.name] == 0, counts
    share = counts[light.name] / 400
    assert 0.17 <= share <= 0.33, counts  # expected 0.25, ±3.7 standard deviations


def test_least_outstanding_requests_avoids_the_busy_target(elb, apps):
    a, b = apps(2, "lor")
    # Lenient health checks (1 s interval, 0.6 s timeout, 10 failures at time scale 0.01): on a loaded machine a
    # probe timing out must not take the idle target out of rotation and leave only the busy one.
    tg = elb.target_group(attributes={"load_balancing.algorithm.type": "least_outstanding_requests"},
                          HealthCheckIntervalSeconds=100, HealthCheckTimeoutSeconds=60, HealthyThresholdCount=2,
                          UnhealthyThresholdCount=10)
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    busy = []

    def slow():
        # Long enough to stay in flight while the six requests below run on a loaded CI machine.
        busy.append(get(listener, "/slow?ms=6000", timeout=20).json()["name"])

    worker = threading.Thread(target=slow)
    worker.start()
    try:
        wait_until(lambda: any(r["path"] == "/slow" for app in (a, b) for r in app.log()), timeout=5,
                   message="slow request in flight")
        slow_app = a if any(r["path"] == "/slow" for r in a.log()) else b
        other = b if slow_app is a else a
        # One keep-alive connection: a request's in-flight count is released by the worker that served it right
        # after the last byte went out, so a request on a new connection (another worker) could still see the
        # previous one counted and find a tie with the busy target.
        conn = http.client.HTTPConnection(listener.address, listener.port, timeout=10)
        try:
            names = []
            for _ in range(6):
                conn.request("GET", "/")
                names.append(json.loads(conn.getresponse().read())["name"])
        finally:
            conn.close()
        assert set(names) == {other.name}, names
    finally:
        worker.join(timeout=20)
    assert busy == [slow_app.name]


def test_draining_lets_in_flight_request_finish_and_moves_new_requests(elb, apps):
    a, b = apps(2, "drain")
    tg = elb.target_group(attributes={"deregistration_delay.timeout_seconds": 200})  # 2 s at time scale 0.01
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)

    # keep sending /slow until one lands on `a`; deregister `a` while it is in flight
    result = {}

    def slow_on_a():
        for _ in range(4):
            resp = get(listener, "/slow?ms=1200", timeout=10)
            if resp.json()["name"] == a.name:
                result["resp"] = resp
                return

    a.clear_log()
    worker = threading.Thread(target=slow_on_a)
    worker.start()
    wait_until(lambda: any(r["path"] == "/slow" for r in a.log()), timeout=10, message="slow request reached a")
    elb.deregister(tg, a)
    state = elb.health(tg)[("127.0.0.1", a.port)]
    assert (state["State"], state["Reason"]) == ("draining", "Target.DeregistrationInProgress"), state
    # new requests (new connections and keep-alive) go only to b
    names = [get(listener, "/").json()["name"] for _ in range(6)]
    assert set(names) == {b.name}, names
    worker.join(timeout=10)
    assert "resp" in result, "the in-flight request on the draining target did not complete"
    assert result["resp"].status == 200
    assert result["resp"].json()["path"] == "/slow"
    # after the delay the target disappears; asked for explicitly it is unused/NotRegistered
    wait_until(lambda: ("127.0.0.1", a.port) not in elb.health(tg), timeout=10, message="drained target gone")
    explicit = elb.elbv2.describe_target_health(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1", "Port": a.port}])
    th = explicit["TargetHealthDescriptions"][0]["TargetHealth"]
    assert (th["State"], th["Reason"]) == ("unused", "Target.NotRegistered"), th
    assert {get(listener, "/").json()["name"] for _ in range(4)} == {b.name}


def test_draining_target_gets_no_new_requests_on_pooled_connections(elb, apps):
    """Spec §5.4: no new requests to a draining target, even over existing keep-alive connections."""
    a, b = apps(2, "pool")
    tg = elb.target_group(attributes={"deregistration_delay.timeout_seconds": 500})
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=5)
    try:
        for _ in range(4):  # warm pooled upstream connections to both
            conn.request("GET", "/")
            conn.getresponse().read()
        elb.deregister(tg, a)
        a.clear_log()
        for _ in range(6):
            conn.request("GET", "/after")
            assert json.loads(conn.getresponse().read())["name"] == b.name
    finally:
        conn.close()
    assert not [r for r in a.log() if r["path"] == "/after"]


def test_config_changes_under_load(elb, apps):
    """A client thread sends requests continuously (new connections and one keep-alive connection) while rules
    and targets are added, changed and removed: no request fails."""
    a, b, c = apps(3, "load")
    tg1 = elb.target_group(attributes={"deregistration_delay.timeout_seconds": 100})
    tg2 = elb.target_group(attributes={"deregistration_delay.timeout_seconds": 100})
    elb.register(tg1, a, b)
    elb.register(tg2, c)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg1))
    # rules keep both groups in use (health checked) whatever the default action says: a group no action
    # references goes unused and comes back as initial, which gets no traffic (spec §4.4)
    elb.rule(listener, 100, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/tg2/*"]}}], forward(tg2))
    elb.rule(listener, 101, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/tg1/*"]}}], forward(tg1))
    elb.wait_healthy(tg1, 2)
    elb.wait_healthy(tg2, 1)

    stop = threading.Event()
    failures = []
    counts = collections.Counter()

    def hammer(keep_alive):
        conn = None
        while not stop.is_set():
            try:
                if conn is None or not keep_alive:
                    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=10)
                conn.request("GET", "/x")
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    failures.append((resp.status, body[:200]))
                else:
                    counts[json.loads(body)["name"]] += 1
                if not keep_alive:
                    conn.close()
            except Exception as exc:  # noqa: BLE001 - every error is a failure
                failures.append(repr(exc))
                conn = None

    threads = [threading.Thread(target=hammer, args=(k,)) for k in (True, False)]
    for t in threads:
        t.start()
    try:
        def progressed(n=40):
            start = sum(counts.values())
            wait_until(lambda: sum(counts.values()) >= start + n, timeout=10, message="requests flowing")

        progressed()
        # a rule sending /x to tg2, then a higher-priority rule back to tg1, then both removed
        r1 = elb.rule(listener, 10, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/x"]}}], forward(tg2))
        progressed()
        wait_until(lambda: counts[c.name] > 0, timeout=5, message="rule to tg2 took effect")
        r2 = elb.rule(listener, 5, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/x"]}}], forward(tg1))
        progressed()
        elb.elbv2.modify_rule(RuleArn=r2, Actions=forward(tg1, tg2, weights=[1, 1]))
        progressed()
        elb.elbv2.delete_rule(RuleArn=r2)
        elb.elbv2.delete_rule(RuleArn=r1)
        progressed()
        # targets: add c to tg1 (used once healthy), remove a (draining), then b back and forth
        elb.register(tg1, c)
        elb.wait_state(tg1, c, "healthy")
        progressed()
        elb.deregister(tg1, a)
        progressed()
        elb.deregister(tg1, b)
        progressed()
        elb.register(tg1, b)  # cancels the drain
        progressed()
        elb.elbv2.modify_listener(ListenerArn=listener.arn, DefaultActions=forward(tg2))
        progressed()
        elb.elbv2.modify_listener(ListenerArn=listener.arn, DefaultActions=forward(tg1))
        progressed()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
    assert not failures, failures[:10]
    assert sum(counts.values()) > 200, counts
