"""ALB data plane: the end of a deregistration delay (spec §4.1 502, §5.4): requests still in flight to the
draining target are cut — the client gets the 502 page and the connection is closed — instead of waiting for
the target."""

import threading
import time

from conftest import wait_until
from test_data_plane_support import PAGE_502, apps, elb, forward, get  # noqa: F401 - apps and elb are fixtures


def _slow_request_cut_by_deregistration(elb, apps, delay_seconds):
    (app,) = apps(1, f"cut{delay_seconds}")
    tg = elb.target_group(attributes={"deregistration_delay.timeout_seconds": delay_seconds})
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    result = {}

    def slow():
        result["resp"] = get(listener, "/slow?ms=6000", timeout=15)
        result["done"] = time.monotonic()

    worker = threading.Thread(target=slow)
    worker.start()
    try:
        wait_until(lambda: any(r["path"] == "/slow" for r in app.log()), timeout=5, message="slow request in flight")
        deregistered = time.monotonic()
        elb.deregister(tg, app)
    finally:
        worker.join(timeout=15)
    assert "resp" in result, "the request never finished"
    return result["resp"], result["done"] - deregistered


def test_request_in_flight_when_the_delay_ends_gets_502(elb, apps):
    resp, elapsed = _slow_request_cut_by_deregistration(elb, apps, 100)  # 1 s at time scale 0.01
    assert resp.status == 502, resp
    assert resp.body == PAGE_502
    assert resp.header("Server") == "awselb/2.0"
    assert resp.header("Connection") == "close"
    assert 0.7 <= elapsed <= 4, elapsed  # cut at the end of the 1 s delay, long before the target's 6 s


def test_delay_zero_cuts_in_flight_requests_at_once(elb, apps):
    resp, elapsed = _slow_request_cut_by_deregistration(elb, apps, 0)
    assert resp.status == 502, resp
    assert elapsed <= 2, elapsed
