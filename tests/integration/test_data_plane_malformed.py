"""ALB data plane: malformed requests on raw sockets (spec §4.1, §4.8 desync mitigation): the load balancer
answers 400 with its error page and `Connection: close`, closes the connection, and forwards nothing to the
target (checked in the test_app's request log)."""

import socket

import pytest

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    PAGE_400, apps, elb, forward, recv_response,
)


@pytest.fixture
def target(elb, apps):
    (app,) = apps(1, "strict")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    app.clear_log()
    return listener, app


def exchange(listener, data, timeout=5, wait_close=True):
    """Sends `data`; returns (response, closed) where closed tells whether the LB closed the connection."""
    with socket.create_connection((listener.address, listener.port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the LB may stop reading early; its answer is still readable
        resp, rest = recv_response(s, timeout)
        if not wait_close:
            return resp, None
        s.settimeout(1)
        try:
            closed = rest == b"" and s.recv(1) == b""
        except socket.timeout:
            closed = False
        except ConnectionResetError:
            closed = True
        return resp, closed


def assert_400_and_closed(resp, closed):
    assert resp.status == 400, resp
    assert resp.body == PAGE_400
    assert len(resp.body) == 122
    assert resp.header("Server") == "awselb/2.0"
    assert resp.header("Connection") == "close"
    assert closed, "connection left open after a 400"


def forwarded_paths(app):
    return [r["target"] for r in app.log() if r["path"] != "/health"]


@pytest.mark.parametrize("request_line", [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"GET / HTTZ/1.1\r\nHost: x\r\n\r\n",
    b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
], ids=["garbage", "method-only", "extra-token", "bad-version", "space-in-target"])
def test_bad_request_line(target, request_line):
    listener, app = target
    assert_400_and_closed(*exchange(listener, request_line))
    assert forwarded_paths(app) == []


def test_header_without_colon(target):
    listener, app = target
    assert_400_and_closed(*exchange(listener, b"GET /nocolon HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n"))
    assert forwarded_paths(app) == []


def test_request_headers_over_64_kib(target):
    listener, app = target
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 1000) for i in range(70))  # ~71 KiB
    assert_400_and_closed(*exchange(listener, b"GET /big HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"))
    assert forwarded_paths(app) == []
    # just under the limit passes
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 1000) for i in range(50))
    resp, _ = exchange(listener, b"GET /fits HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + b"\r\n",
                       wait_close=False)
    assert resp.status == 200


def test_content_length_with_transfer_encoding_is_rejected_not_forwarded(target):
    """The classic CL.TE smuggling attempt: the smuggled request must never reach the target."""
    listener, app = target
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    data = (b"POST /front HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(body)
            + body)
    assert_400_and_closed(*exchange(listener, data))
    assert forwarded_paths(app) == []


def test_transfer_encoding_then_content_length_is_rejected(target):
    listener, app = target
    data = (b"POST /front HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
            b"5\r\nhello\r\n0\r\n\r\n")
    assert_400_and_closed(*exchange(listener, data))
    assert forwarded_paths(app) == []


def test_conflicting_content_lengths_are_rejected(target):
    listener, app = target
    data = b"POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 11\r\n\r\nhello world"
    assert_400_and_closed(*exchange(listener, data))
    assert forwarded_paths(app) == []


def test_invalid_content_length_is_rejected(target):
    listener, app = target
    assert_400_and_closed(*exchange(listener, b"POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"))
    assert_400_and_closed(*exchange(listener, b"POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"))
    assert forwarded_paths(app) == []


def test_bad_chunk_framing_is_not_forwarded_as_a_second_request(target):
    listener, app = target
    data = (b"POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(data)
        s.settimeout(2)
        try:
            while s.recv(65536):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
    assert "/smuggled" not in forwarded_paths(app)


def test_unsupported_transfer_encoding_is_501(target):
    """Spec §4.1: a Transfer-Encoding other than chunked/identity → 501."""
    listener, app = target
    resp, _ = exchange(listener, b"POST /gz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\nabc",
                       wait_close=False)
    assert resp.status == 501, resp
    assert resp.header("Server") == "awselb/2.0"
    assert "/gz" not in forwarded_paths(app)


def test_well_formed_request_after_400_on_new_connection(target):
    listener, app = target
    assert_400_and_closed(*exchange(listener, b"GET /bad HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"))
    resp, _ = exchange(listener, b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n", wait_close=False)
    assert resp.status == 200
    assert forwarded_paths(app) == ["/ok"]
