"""ALB data plane: the pages the load balancer generates itself (spec §4.1, §4.2) with their exact bodies:
503 without registered targets, 502 when the target refuses, closes or answers garbage, 504 when it does not
answer within the idle timeout, 405 for TRACE, 463 for more than 30 X-Forwarded-For addresses; a target's
own 5xx passes through unchanged."""

import http.client
import time

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    PAGE_502, PAGE_503, PAGE_504, apps, closed_port, elb, error_page, forward, get,
)


def assert_alb_page(resp, status, reason, page):
    assert resp.status == status, resp
    assert resp.reason == reason
    assert resp.body == page
    assert resp.header("Server") == "awselb/2.0"
    assert resp.header("Content-Type") == "text/html"
    assert resp.header("Content-Length") == str(len(page))
    assert resp.header("Date")


def test_503_when_target_group_has_no_registered_targets(elb):
    tg = elb.target_group()
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    resp = get(listener, "/")
    assert_alb_page(resp, 503, "Service Temporarily Unavailable", PAGE_503)
    assert len(resp.body) == 162
    # the connection stays usable after an ALB error page
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=5)
    try:
        for _ in range(3):
            conn.request("GET", "/again")
            r = conn.getresponse()
            assert (r.status, r.read()) == (503, PAGE_503)
    finally:
        conn.close()


def test_error_page_says_connection_keep_alive(elb):
    """Spec §4.2: ALB pages carry `Connection: keep-alive` (400 carries `Connection: close`)."""
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(elb.target_group()))
    resp = get(listener, "/")
    assert resp.status == 503
    assert resp.header("Connection") == "keep-alive", resp.headers


def test_502_when_the_only_target_refuses_connections(elb):
    """A registered port nobody listens on: health checks mark it unhealthy, the group fails open, the
    request goes to it anyway and the refused connection becomes 502."""
    port = closed_port()
    tg = elb.target_group()
    elb.register(tg, port)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, port, "unhealthy")
    resp = get(listener, "/")
    assert_alb_page(resp, 502, "Bad Gateway", PAGE_502)
    assert len(resp.body) == 122


def test_502_when_target_answers_garbage_or_closes(elb, apps):
    (app,) = apps(1, "err")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    assert_alb_page(get(listener, "/garbage"), 502, "Bad Gateway", PAGE_502)
    assert_alb_page(get(listener, "/close"), 502, "Bad Gateway", PAGE_502)
    # the target keeps working for well-formed requests
    assert get(listener, "/fine").status == 200


def test_target_5xx_passes_through_unchanged(elb, apps):
    (app,) = apps(1, "five")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    for status in (500, 502, 503, 504, 404):
        resp = get(listener, f"/status/{status}")
        assert resp.status == status
        assert resp.header("Server") == "test_app"  # not awselb/2.0: the target's own answer
        assert resp.json()["path"] == f"/status/{status}"


def test_504_when_target_does_not_answer_within_idle_timeout(elb, apps):
    (app,) = apps(1, "slow")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb(attributes={"idle_timeout.timeout_seconds": 1})
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    assert get(listener, "/slow?ms=200").status == 200  # answers within the timeout pass
    started = time.monotonic()
    resp = get(listener, "/slow?ms=3000", timeout=10)
    elapsed = time.monotonic() - started
    assert_alb_page(resp, 504, "Gateway Time-out", PAGE_504)
    assert 0.9 <= elapsed < 2.9, elapsed


def test_405_for_trace(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(elb.target_group()))
    resp = listener.http("TRACE", "/")
    # the reason text is not captured in the spec; the page follows the template with it
    assert_alb_page(resp, 405, resp.reason, error_page(f"405 {resp.reason}"))


def test_463_when_x_forwarded_for_has_more_than_30_addresses(elb, apps):
    (app,) = apps(1, "xff")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    thirty = ", ".join(f"10.0.0.{i}" for i in range(30))
    ok = get(listener, "/", headers={"X-Forwarded-For": thirty})
    assert ok.status == 200
    assert ok.json()["headers"]["X-Forwarded-For"] == thirty + ", 127.0.0.1"
    resp = get(listener, "/", headers={"X-Forwarded-For": thirty + ", 10.0.1.1"})
    assert resp.status == 463
    assert resp.header("Server") == "awselb/2.0"
