"""ALB data plane: connections and bodies (spec §4.3, §4.5): keep-alive on both sides, pipelining, 20 MB
uploads and downloads streamed through (Content-Length and chunked), Expect: 100-continue answered by the load
balancer, HEAD, Connection: close, and a WebSocket echo through the upgrade tunnel."""

import base64
import hashlib
import http.client
import json
import os
import socket
import struct
import time
import zlib

import pytest

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    apps, elb, forward, recv_response,
)

MB20 = 20 * 1024 * 1024


@pytest.fixture
def echo(elb, apps):
    (app,) = apps(1, "stream")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    return listener, app


def pattern(n):
    block = bytes(range(256)) * 256
    return (block * (n // len(block) + 1))[:n]


def test_many_requests_on_one_connection_reuse_upstream_connections(echo):
    listener, _ = echo
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=10)
    upstream = set()
    try:
        sock = None
        for i in range(30):
            conn.request("GET", f"/seq/{i}")
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 200 and body["path"] == f"/seq/{i}"
            upstream.add(body["connection"])
            if sock is None:
                sock = conn.sock
            assert conn.sock is sock, "the load balancer closed the client connection"
    finally:
        conn.close()
    assert len(upstream) <= 3, f"upstream connections are not reused: {len(upstream)} for 30 requests"


def test_keep_alive_requests_are_not_delayed(echo):
    """Small requests on a kept-alive connection answer in well under a millisecond locally; a header and a
    body written separately without TCP_NODELAY wait for the client's delayed ACK (~40 ms) on every request."""
    listener, app = echo
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=10)
    try:
        conn.request("GET", "/warm")
        conn.getresponse().read()
        started = time.monotonic()
        for _ in range(25):
            conn.request("GET", "/")
            conn.getresponse().read()
        elapsed = time.monotonic() - started
    finally:
        conn.close()
    assert elapsed < 0.5, f"25 keep-alive requests took {elapsed:.2f}s ({elapsed / 25 * 1000:.0f} ms each)"


def test_pipelined_requests(echo):
    listener, _ = echo
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(b"".join(f"GET /pipe/{i} HTTP/1.1\r\nHost: p.example\r\n\r\n".encode() for i in range(5)))
        rest = b""
        for i in range(5):
            resp, rest = recv_response(s, 5, rest)
            assert resp.status == 200
            assert resp.json()["path"] == f"/pipe/{i}"


def test_20mb_upload_with_content_length(echo):
    listener, _ = echo
    data = os.urandom(MB20)
    resp = listener.http("POST", "/upload", body=data, timeout=60)
    assert resp.status == 200, resp
    seen = resp.json()
    assert seen["body_length"] == MB20
    assert seen["body_crc32"] == zlib.crc32(data)
    assert seen["headers"]["Content-Length"] == str(MB20)


def test_20mb_chunked_upload(echo):
    listener, _ = echo
    data = os.urandom(MB20)

    def chunks():
        for i in range(0, len(data), 1 << 20):
            yield data[i:i + (1 << 20)]

    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=60)
    try:
        conn.request("PUT", "/upload", body=chunks(), encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked"})
        resp = conn.getresponse()
        seen = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status == 200
    assert seen["body_length"] == MB20
    assert seen["body_crc32"] == zlib.crc32(data)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_20mb_download(echo, chunked):
    listener, _ = echo
    resp = listener.http("GET", f"/large?bytes={MB20}" + ("&chunked=1" if chunked else ""), timeout=60)
    assert resp.status == 200
    assert len(resp.body) == MB20
    assert zlib.crc32(resp.body) == zlib.crc32(pattern(MB20))
    if chunked:
        assert resp.header("Transfer-Encoding") == "chunked"
    else:
        assert resp.header("Content-Length") == str(MB20)


def test_download_is_streamed_not_buffered(echo):
    """The first bytes of a large body arrive long before the whole body could have been buffered."""
    listener, _ = echo
    with socket.create_connection((listener.address, listener.port), timeout=10) as s:
        s.sendall(b"GET /large?bytes=1000000000 HTTP/1.1\r\nHost: big.example\r\nConnection: close\r\n\r\n")
        started = time.monotonic()
        got = 0
        while got < 1 << 20:
            chunk = s.recv(65536)
            assert chunk
            got += len(chunk)
        assert time.monotonic() - started < 3


def test_expect_100_continue(echo):
    listener, _ = echo
    body = b"z" * 5000
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(b"POST /expect HTTP/1.1\r\nHost: e.example\r\nContent-Length: 5000\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        interim, rest = recv_response(s, 5)
        assert interim.status == 100, interim
        s.sendall(body)
        resp, _ = recv_response(s, 5, rest)
    assert resp.status == 200, resp
    seen = resp.json()
    assert seen["body_length"] == 5000
    assert "expect" not in {k.lower() for k, _ in seen["header_list"]}  # answered by the LB, stripped


def test_head(echo):
    listener, _ = echo
    resp = listener.http("HEAD", "/large?bytes=12345")
    assert resp.status == 200 and resp.body == b""
    assert resp.header("Content-Length") == "12345"
    assert listener.http("GET", "/after-head").status == 200


def test_connection_close_from_client_is_honoured(echo):
    """Spec §4.3: `Connection: close` from the client → the load balancer closes after the response."""
    listener, _ = echo
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(b"GET /bye HTTP/1.1\r\nHost: c.example\r\nConnection: close\r\n\r\n")
        resp, rest = recv_response(s, 5)
        assert resp.status == 200
        assert (resp.header("Connection") or "").lower() == "close", resp.headers
        s.settimeout(1)
        try:
            closed = rest == b"" and s.recv(100) == b""
        except socket.timeout:
            closed = False
        assert closed, "connection still open 1 s after answering a Connection: close request"


def _ws_frame(opcode, payload):
    mask = os.urandom(4)
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _ws_read(sock, buffered):
    def need(n):
        nonlocal buffered
        while len(buffered) < n:
            chunk = sock.recv(65536)
            assert chunk, "websocket closed"
            buffered += chunk

    need(2)
    opcode, length = buffered[0] & 0x0F, buffered[1] & 0x7F
    offset = 2
    if length == 126:
        need(4)
        length = struct.unpack("!H", buffered[2:4])[0]
        offset = 4
    need(offset + length)
    payload = buffered[offset:offset + length]
    return opcode, payload, buffered[offset + length:]


def test_websocket_echo_through_the_load_balancer(echo):
    listener, app = echo
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection((listener.address, listener.port), timeout=5) as s:
        s.sendall(f"GET /ws HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            assert chunk, head
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101"), lines
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        assert headers["sec-websocket-accept"] == expected.decode()
        for message in (b"hello", b"x" * 1000, "żółw".encode()):
            s.sendall(_ws_frame(0x1, message))
            opcode, payload, rest = _ws_read(s, rest)
            assert (opcode, payload) == (0x1, message)
        s.sendall(_ws_frame(0x9, b"ping"))
        opcode, payload, rest = _ws_read(s, rest)
        assert (opcode, payload) == (0xA, b"ping")
        s.sendall(_ws_frame(0x8, struct.pack("!H", 1000)))
        opcode, payload, rest = _ws_read(s, rest)
        assert opcode == 0x8
