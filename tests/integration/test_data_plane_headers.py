"""ALB data plane: how requests are rewritten toward the target (spec §4.3): X-Forwarded-For (append, preserve,
remove, client port), X-Forwarded-Proto/Port, X-Amzn-Trace-Id, Host, hop-by-hop headers. The test_app echoes
the headers it received."""

import re

import pytest

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    TRACE_ROOT_RE, apps, elb, forward, get, raw_request,
)


@pytest.fixture
def echo(elb, apps):
    """An ALB whose listener forwards to one healthy test_app; returns (listener, lb, app)."""
    (app,) = apps(1, "echo")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    return listener, lb, app


def received(listener, path="/", headers=None, **kw):
    resp = get(listener, path, headers=headers, **kw)
    assert resp.status == 200, resp
    return resp.json()


def values(seen, name):
    return [v for k, v in seen["header_list"] if k.lower() == name.lower()]


def test_x_forwarded_for_append(echo):
    listener, _, _ = echo
    seen = received(listener)
    assert values(seen, "X-Forwarded-For") == ["127.0.0.1"]
    seen = received(listener, headers={"X-Forwarded-For": "203.0.113.7"})
    assert values(seen, "X-Forwarded-For") == ["203.0.113.7, 127.0.0.1"]
    seen = received(listener, headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.2"})
    assert values(seen, "X-Forwarded-For") == ["203.0.113.7, 198.51.100.2, 127.0.0.1"]
    # the peer address is the real one (here a second loopback address)
    seen = received(listener, source_address=("127.0.0.2", 0))
    assert values(seen, "X-Forwarded-For") == ["127.0.0.2"]


def test_x_forwarded_for_preserve_remove_and_client_port(echo, elb):
    listener, lb, _ = echo
    arn = lb["LoadBalancerArn"]
    elb.lb_attributes(arn, {"routing.http.xff_client_port.enabled": "true"})
    seen = received(listener, headers={"X-Forwarded-For": "203.0.113.7"})
    (xff,) = values(seen, "X-Forwarded-For")
    assert re.fullmatch(r"203\.0\.113\.7, 127\.0\.0\.1:\d+", xff), xff

    elb.lb_attributes(arn, {"routing.http.xff_client_port.enabled": "false",
                            "routing.http.xff_header_processing.mode": "preserve"})
    assert values(received(listener, headers={"X-Forwarded-For": "203.0.113.7"}), "X-Forwarded-For") == [
        "203.0.113.7"]
    assert values(received(listener), "X-Forwarded-For") == []

    elb.lb_attributes(arn, {"routing.http.xff_header_processing.mode": "remove"})
    assert values(received(listener, headers={"X-Forwarded-For": "203.0.113.7"}), "X-Forwarded-For") == []


def test_x_forwarded_proto_and_port(echo):
    listener, _, _ = echo
    seen = received(listener, headers={"X-Forwarded-Proto": "https", "X-Forwarded-Port": "1"})
    assert values(seen, "X-Forwarded-Proto") == ["http"]
    assert values(seen, "X-Forwarded-Port") == [str(listener.configured_port)]


def test_x_amzn_trace_id(echo):
    listener, _, _ = echo
    (trace,) = values(received(listener), "X-Amzn-Trace-Id")
    assert re.fullmatch(f"Root={TRACE_ROOT_RE}", trace), trace
    (other,) = values(received(listener), "X-Amzn-Trace-Id")
    assert other != trace  # a fresh id per request
    # the epoch part is the current time (8 hex digits of seconds)
    import time
    assert abs(int(trace.split("-")[1], 16) - time.time()) < 300

    root = "Root=1-5759e988-bd862e3fe1be46a994272793"
    (extended,) = values(received(listener, headers={"X-Amzn-Trace-Id": root + ";Sampled=1"}), "X-Amzn-Trace-Id")
    assert re.fullmatch(f"Self={TRACE_ROOT_RE};{re.escape(root)};Sampled=1", extended), extended

    with_self = "Self=1-00000000-000000000000000000000000;" + root
    (updated,) = values(received(listener, headers={"X-Amzn-Trace-Id": with_self}), "X-Amzn-Trace-Id")
    match = re.fullmatch(f"Self=({TRACE_ROOT_RE});{re.escape(root)}", updated)
    assert match and match.group(1) != "1-00000000-000000000000000000000000", updated


def test_host_rewriting(echo):
    listener, lb, _ = echo
    port = listener.configured_port
    # lower-cased; a listener port other than 80/443 is appended when missing
    assert values(received(listener, headers={"Host": "Example.COM"}), "Host") == [f"example.com:{port}"]
    assert values(received(listener, headers={"Host": "example.com:1234"}), "Host") == ["example.com:1234"]
    # absolute-form request target: the Host comes from the URL
    resp, _ = raw_request(listener.address, listener.port,
                          b"GET http://Absolute.Example/p?q=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n")
    assert resp.status == 200, resp
    assert values(resp.json(), "Host") == [f"absolute.example:{port}"]
    # HTTP/1.0 without Host: the load balancer's DNS name
    resp, closed = raw_request(listener.address, listener.port, b"GET /ten HTTP/1.0\r\n\r\n", wait_close=2)
    assert resp.status == 200, resp
    assert closed, "HTTP/1.0 request without keep-alive: connection left open"
    assert values(resp.json(), "Host") == [f"{lb['DNSName'].lower()}:{port}"]


def test_absolute_form_target_is_forwarded_in_origin_form(echo):
    """RFC 9112 §3.2.1: toward an origin server the request target is origin-form (path and query only)."""
    listener, _, _ = echo
    resp, _ = raw_request(listener.address, listener.port,
                          b"GET http://absolute.example/p?q=1 HTTP/1.1\r\nHost: absolute.example\r\n\r\n")
    assert resp.status == 200, resp
    seen = resp.json()
    assert seen["target"] == "/p?q=1", seen["target"]


def test_preserve_host_header(echo, elb):
    listener, lb, _ = echo
    elb.lb_attributes(lb["LoadBalancerArn"], {"routing.http.preserve_host_header.enabled": "true"})
    assert values(received(listener, headers={"Host": "Example.COM"}), "Host") == ["Example.COM"]


def test_hop_by_hop_headers_removed_and_others_kept(echo):
    listener, _, _ = echo
    resp, _ = raw_request(
        listener.address, listener.port,
        b"GET /hop HTTP/1.1\r\nHost: h.example\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n"
        b"X-Secret: drop me\r\nX-Custom: Keep Me\r\nx-lower: lower\r\nCookie: a=1\r\nCookie: b=2\r\n"
        b"Proxy-Connection: keep-alive\r\nTE: trailers\r\n\r\n")
    assert resp.status == 200, resp
    seen = resp.json()
    names = {k.lower() for k, _ in seen["header_list"]}
    for gone in ("x-secret", "keep-alive", "proxy-connection", "te"):
        assert gone not in names, seen["header_list"]
    assert values(seen, "X-Custom") == ["Keep Me"]
    assert values(seen, "x-lower") == ["lower"]
    assert values(seen, "Cookie") == ["a=1", "b=2"]
    assert resp.header("Server") == "test_app"  # the target's own Server header is kept
