"""Network load balancer data plane: a TCP listener forwards each TCP connection to a healthy target and copies
bytes both ways unchanged (no HTTP rewriting: no X-Forwarded-For); connections rotate over the targets."""

import collections
import socket

from test_data_plane_support import apps, elb, forward, recv_response  # noqa: F401 - fixtures


def test_tcp_listener_forwards_connections_to_targets(elb, apps):
    a, b = apps(2, "tcp")
    tg = elb.target_group(protocol="TCP", port=80)
    hc = elb.elbv2.describe_target_groups(TargetGroupArns=[tg])["TargetGroups"][0]
    assert hc["HealthCheckProtocol"] == "TCP", hc
    elb.register(tg, a, b)
    lb = elb.nlb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="TCP")
    elb.wait_healthy(tg, 2)
    names = collections.Counter()
    for i in range(6):
        with socket.create_connection((listener.address, listener.port), timeout=5) as s:
            # two requests on the same TCP connection go to the same target, bytes untouched
            s.sendall(f"GET /tcp/{i} HTTP/1.1\r\nHost: Raw.Example\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n".encode())
            first, rest = recv_response(s, 5)
            s.sendall(f"POST /tcp/{i}/2 HTTP/1.1\r\nHost: raw.example\r\nContent-Length: 3\r\n\r\nabc".encode())
            second, _ = recv_response(s, 5, rest)
        seen = first.json()
        assert seen["path"] == f"/tcp/{i}"
        assert seen["header_list"] == [["Host", "Raw.Example"], ["X-Forwarded-For", "1.2.3.4"]]
        assert second.json()["name"] == seen["name"]
        assert second.json()["connection"] == seen["connection"]
        assert second.json()["body_length"] == 3
        names[seen["name"]] += 1
    assert names == {a.name: 3, b.name: 3}, names
    # the load balancer's own address serves the same listener
    with socket.create_connection((listener.own_address, listener.own_port), timeout=5) as s:
        s.sendall(b"GET /own HTTP/1.1\r\nHost: x\r\n\r\n")
        resp, _ = recv_response(s, 5)
    assert resp.json()["path"] == "/own"


def test_tcp_listener_skips_unhealthy_target(elb, apps):
    a, b = apps(2, "tcphc")
    tg = elb.target_group(protocol="TCP", port=80)
    elb.register(tg, a, b)
    lb = elb.nlb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="TCP")
    elb.wait_healthy(tg, 2)
    b.stop()  # connection refused from now on
    elb.wait_state(tg, b, "unhealthy")
    for _ in range(4):
        with socket.create_connection((listener.address, listener.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            resp, _ = recv_response(s, 5)
        assert resp.json()["name"] == a.name
