"""The API gateway with raw HTTP: protocol errors, routing, limits. No SDK involved."""

import http.client
import json
import socket
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import fake_sigv4_headers, header, unique_domain

ELB_NS = "{http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/}"


@pytest.fixture(autouse=True)
def still_alive(server):
    yield
    # whatever a test sent, the server must still answer afterwards
    assert server.health()["status"] == "running", server.log()[-2000:]
    assert server.proc.poll() is None


def assert_json_error(status, headers, body, code, http_status=400):
    assert status == http_status, (status, body)
    assert header(headers, "x-amzn-RequestId"), f"no x-amzn-RequestId header in {headers}"
    assert isinstance(body, dict), f"error body is not JSON: {body!r}"
    typ = body.get("__type", "")
    typ = typ.split("#")[-1].split(":")[0]
    if isinstance(code, (tuple, list)):
        assert typ in code, body
    else:
        assert typ == code, body
    msg = body.get("message", body.get("Message"))
    assert isinstance(msg, str), body
    return msg


def test_success_has_request_id_and_content_type(server):
    status, headers, body = server.json_call("ListCertificates", {})
    assert status == 200, body
    assert header(headers, "x-amzn-RequestId")
    assert "application/x-amz-json-1.1" in header(headers, "Content-Type")
    assert isinstance(body["CertificateSummaryList"], list)


def test_request_ids_are_unique(server):
    ids = {header(server.json_call("ListCertificates", {})[1], "x-amzn-RequestId") for _ in range(5)}
    assert len(ids) == 5


def test_unknown_operation(server):
    status, headers, body = server.json_call("NoSuchOperation", {})
    assert_json_error(status, headers, body, "UnknownOperationException")


def test_unknown_target_prefix(server):
    status, headers, body = server.json_call("Foo", {}, prefix="NoSuchService_20200101", service="nosuch")
    assert status == 400, body
    assert body, "an error body is expected"


def test_malformed_json(server):
    status, headers, body = server.json_call("RequestCertificate", None, raw_body=b'{"DomainName": ')
    assert_json_error(status, headers, body, "SerializationException")


def test_json_body_not_an_object(server):
    status, headers, body = server.json_call("ListCertificates", None, raw_body=b"[1, 2, 3]")
    assert_json_error(status, headers, body, ("SerializationException", "ValidationException"))


def test_wrong_member_type(server):
    status, headers, body = server.json_call("RequestCertificate", {"DomainName": 123})
    assert_json_error(status, headers, body, ("SerializationException", "ValidationException"))


def test_wrong_nested_member_type(server):
    status, headers, body = server.json_call("ListCertificates", {"CertificateStatuses": "ISSUED"})
    assert_json_error(status, headers, body, ("SerializationException", "ValidationException"))


def test_missing_required_member(server):
    status, headers, body = server.json_call("RequestCertificate", {"ValidationMethod": "DNS"})
    msg = assert_json_error(status, headers, body, "ValidationException")
    assert "domainName" in msg, msg


def test_enum_violation(server):
    status, headers, body = server.json_call(
        "RequestCertificate", {"DomainName": unique_domain(), "ValidationMethod": "CARRIER_PIGEON"})
    msg = assert_json_error(status, headers, body, "ValidationException")
    assert "validationMethod" in msg, msg
    assert "CARRIER_PIGEON" in msg, msg


def test_length_violation(server):
    status, headers, body = server.json_call(
        "RequestCertificate", {"DomainName": unique_domain(), "IdempotencyToken": "x" * 33})
    msg = assert_json_error(status, headers, body, "ValidationException")
    assert "idempotencyToken" in msg, msg


def test_integer_range_violation(server):
    status, headers, body = server.json_call("ListCertificates", {"MaxItems": 0})
    msg = assert_json_error(status, headers, body, "ValidationException")
    assert "maxItems" in msg, msg


def test_every_acm_operation_is_known(server):
    """Every operation of the embedded botocore model is routed (no UnknownOperation, no 5xx)."""
    import os

    from conftest import REPO

    model = json.load(open(os.path.join(REPO, "services", "models", "acm.json")))
    bad = []
    for op in model["operations"]:
        status, headers, body = server.json_call(op, {})
        if status >= 500 or not header(headers, "x-amzn-RequestId"):
            bad.append((op, status, body))
        elif status != 200 and (not isinstance(body, dict) or "UnknownOperation" in body.get("__type", "")):
            bad.append((op, status, body))
    assert not bad, bad


def test_oversized_body_is_refused(server):
    """A body over 16 MiB gets 413 (or 400) with an error body; no hang, no crash."""
    size = 16 * 1024 * 1024 + 4096
    target = "CertificateManager.ImportCertificate"
    head = (
        "POST / HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"X-Amz-Target: {target}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in fake_sigv4_headers("acm").items())
        + f"Content-Length: {size}\r\n\r\n"
    ).encode()
    chunk = b'{"Certificate": "' + b"A" * (1024 * 1024 - 17)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    try:
        sock.sendall(head)
        sent = 0
        try:
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                sock.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading once the limit is exceeded
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
        except ConnectionResetError:
            pass
    finally:
        sock.close()
    assert data, "connection closed without any HTTP response"
    status_line = data.split(b"\r\n", 1)[0].decode("latin-1")
    status = int(status_line.split()[1])
    assert status in (413, 400), status_line
    body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    assert body.strip(), f"no error body: {data[:500]!r}"


def test_no_service_identifiable(server):
    status, headers, body = server.http("POST", "/", body=b"hello", headers={"Content-Type": "text/plain"})
    assert status == 400, (status, body)
    assert body.strip(), "an error body is expected"


def test_acm_scope_without_target(server):
    """SigV4 scope says acm but there is no X-Amz-Target: a 4xx error, not a crash."""
    status, _, body = server.http("POST", "/", body=b"{}", headers={
        "Content-Type": "application/x-amz-json-1.1", **fake_sigv4_headers("acm", extra_signed=())})
    assert 400 <= status < 500, (status, body)


def _parse_xml(body):
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise AssertionError(f"not well-formed XML: {exc}: {body[:500]!r}") from None


def test_query_string_reaches_elbv2(server):
    qs = urllib.parse.urlencode({"Action": "DescribeLoadBalancers", "Version": "2015-12-01"})
    status, headers, body = server.http(
        "GET", "/?" + qs, headers=fake_sigv4_headers("elasticloadbalancing", extra_signed=()))
    assert 200 <= status < 600, (status, body)  # any code, but XML from elbv2
    assert "xml" in (header(headers, "Content-Type") or ""), headers
    root = _parse_xml(body)
    assert root.tag in (f"{ELB_NS}DescribeLoadBalancersResponse", f"{ELB_NS}ErrorResponse", "ErrorResponse"), \
        root.tag
    if root.tag.endswith("ErrorResponse"):
        code = root.find(f"{ELB_NS}Error/{ELB_NS}Code")
        if code is None:
            code = root.find("Error/Code")
        assert code is not None and code.text, body
        # reached elbv2 (an ElasticLoadBalancing-style error), not a generic "no service" answer
        assert root.tag.startswith(ELB_NS), body


def test_unknown_elbv2_action(server):
    form = urllib.parse.urlencode({"Action": "NoSuchAction", "Version": "2015-12-01"}).encode()
    status, headers, body = server.http("POST", "/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        **fake_sigv4_headers("elasticloadbalancing", extra_signed=())})
    assert status == 400, (status, body)
    assert "xml" in (header(headers, "Content-Type") or "")
    root = _parse_xml(body)
    assert root.tag == f"{ELB_NS}ErrorResponse", root.tag
    err = root.find(f"{ELB_NS}Error")
    assert err is not None, body
    assert err.find(f"{ELB_NS}Code").text == "InvalidAction", body
    assert err.find(f"{ELB_NS}Type").text == "Sender", body
    assert err.find(f"{ELB_NS}Message") is not None, body
    rid = root.find(f"{ELB_NS}RequestId")
    assert rid is not None and rid.text, body
    assert header(headers, "x-amzn-RequestId") or header(headers, "x-amz-request-id"), headers


def test_keep_alive_connection_survives_errors(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for target, body in [
            ("CertificateManager.ListCertificates", b"{}"),
            ("CertificateManager.NoSuchOperation", b"{}"),
            ("CertificateManager.RequestCertificate", b"{not json"),
            ("CertificateManager.ListCertificates", b"{}"),
        ]:
            conn.request("POST", "/", body=body, headers={
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
                **fake_sigv4_headers("acm")})
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status in (200, 400), (target, resp.status, data)
            json.loads(data)
    finally:
        conn.close()


def test_garbage_request_line(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall(b"\x00\x01NOT HTTP AT ALL\r\n\r\n")
        data = b""
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        sock.close()
    if data:
        assert data.startswith(b"HTTP/1.1 4"), data[:200]


def test_truncated_body_then_close(server):
    """Client promises 1000 bytes, sends 10 and disconnects: the server must not wedge."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: CertificateManager.ListCertificates\r\n"
                 b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{\"a\": 1}")
    sock.close()
