"""ALB data plane: the idle timeout on the client side (spec §4.1 408, §4.5): an idle keep-alive connection is
closed after `idle_timeout.timeout_seconds`; a request still incomplete at that point is answered 408 and the
connection closed — never held open indefinitely."""

import socket
import time

import pytest

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    read_until_close, apps, elb, error_page, forward, parse_response, recv_response,
)


@pytest.fixture
def short_idle(elb, apps):
    (app,) = apps(1, "idle")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb(attributes={"idle_timeout.timeout_seconds": 1})
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    app.clear_log()
    return listener, app


def test_idle_keep_alive_connection_is_closed_after_idle_timeout(short_idle):
    listener, _ = short_idle
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        resp, rest = recv_response(s, 5)
        assert resp.status == 200
        started = time.monotonic()
        data, closed = read_until_close(s, 4)
        elapsed = time.monotonic() - started
    assert closed and data == b"" and rest == b""
    assert 0.8 <= elapsed <= 2.5, elapsed


def _answer_within(listener, data, seconds):
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(data)
        started = time.monotonic()
        received, closed = read_until_close(s, seconds)
        return received, closed, time.monotonic() - started


def test_incomplete_request_header_gets_408(short_idle):
    listener, app = short_idle
    received, closed, elapsed = _answer_within(listener, b"GET /partial HTTP/1.1\r\nHost: x\r\n", 4)
    assert closed, "connection still open 4 s after a 1 s idle timeout"
    assert elapsed < 2.5, elapsed
    assert received, "closed without an answer; expected 408"
    resp, _ = parse_response(received)
    assert resp.status == 408
    assert resp.header("Server") == "awselb/2.0"
    assert resp.body == error_page(f"408 {resp.reason}")
    assert not [r for r in app.log() if r["path"] == "/partial"]


def test_incomplete_request_body_does_not_hold_the_connection(short_idle):
    listener, _ = short_idle
    received, closed, elapsed = _answer_within(
        listener, b"POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", 4)
    assert closed, f"connection still open {elapsed:.1f} s after a 1 s idle timeout with an incomplete body"
    assert elapsed < 2.5, elapsed
    resp, _ = parse_response(received)
    assert resp.status == 408, resp
