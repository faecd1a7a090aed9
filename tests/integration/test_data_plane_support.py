"""Support for the data-plane integration tests (test_data_plane_*.py): the test backend (tests/fixtures/test_app),
ELBv2 set-up on the shared server, and small HTTP clients. Holds no tests itself.

The backend binary is $TEST_APP_BIN if set, else <dir of $ALBATROSS_BIN>/tests/fixtures/test_app/test_app when
it is at least as new as test_app.cpp (built by CMake), else test_app.cpp compiled once with
`g++ -std=c++20 -O2 -static -pthread` into a temp dir keyed by the source's hash (reused by later runs)."""

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from conftest import DEFAULT_BIN, REPO, free_port, random_account, wait_until

APP_SOURCE = os.path.join(REPO, "tests", "fixtures", "test_app", "test_app.cpp")
TRACE_ROOT_RE = r"1-[0-9a-f]{8}-[0-9a-f]{24}"


def error_page(title):
    """An ALB-generated page with its exact bytes (spec §4.2)."""
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            f"</body>\r\n</html>\r\n").encode()


PAGE_400 = error_page("400 Bad Request")
PAGE_502 = error_page("502 Bad Gateway")
PAGE_503 = error_page("503 Service Temporarily Unavailable")
PAGE_504 = error_page("504 Gateway Time-out")

# --------------------------------------------------------------------------------------------------
# the test backend
# --------------------------------------------------------------------------------------------------

_BUILT = {}
_BUILD_LOCK = threading.Lock()


def app_binary():
    """Path of the test_app binary (see the module docstring)."""
    with _BUILD_LOCK:
        if "path" in _BUILT:
            return _BUILT["path"]
        path = os.environ.get("TEST_APP_BIN")
        if path:
            if not os.access(path, os.X_OK):
                pytest.fail(f"TEST_APP_BIN={path} is not an executable", pytrace=False)
        else:
            albatross = os.environ.get("ALBATROSS_BIN", DEFAULT_BIN)
            built = os.path.join(os.path.dirname(os.path.abspath(albatross)), "tests", "fixtures", "test_app",
                                 "test_app")
            if os.access(built, os.X_OK) and os.path.getmtime(built) >= os.path.getmtime(APP_SOURCE):
                path = built
            else:
                path = _compile_test_app()
        _BUILT["path"] = path
        return path


def _compile_test_app():
    with open(APP_SOURCE, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = os.path.join(tempfile.gettempdir(), f"albatross-test-app-{os.getuid()}-{digest}")
    binary = os.path.join(cache, "test_app")
    if os.access(binary, os.X_OK):
        return binary
    os.makedirs(cache, exist_ok=True)
    partial = os.path.join(cache, f"test_app.{os.getpid()}.tmp")
    cmd = ["g++", "-std=c++20", "-O2", "-static", "-pthread", "-Wall", "-Wextra", "-o", partial, APP_SOURCE]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"compiling test_app failed: {' '.join(cmd)}\n{proc.stderr}", pytrace=False)
    os.replace(partial, binary)
    return binary


class App:
    """One running test_app on 127.0.0.1 (a port chosen by the system)."""

    def __init__(self, binary, name):
        self.name = name
        self.proc = subprocess.Popen([binary, "--port", "0", "--bind", "127.0.0.1", "--name", name],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"test_app {name} did not start: {line!r}")
        self.port = int(match.group(1))
        self.host = "127.0.0.1"

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def health_off(self):
        assert self.request("POST", "/admin/health/off")[0] == 200

    def health_on(self):
        assert self.request("POST", "/admin/health/on")[0] == 200

    def health_code(self, code):
        assert self.request("POST", f"/admin/health/status?code={code}")[0] == 200

    def log(self):
        status, body = self.request("GET", "/admin/log")
        assert status == 200
        return json.loads(body)

    def clear_log(self):
        assert self.request("POST", "/admin/log/clear")[0] == 200

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture
def apps():
    """apps(n, prefix) starts n test_app instances (names prefix-0..n-1); all are stopped after the test."""
    binary = app_binary()
    started = []

    def start(n=1, prefix="app"):
        out = [App(binary, f"{prefix}-{i}") for i in range(n)]
        started.extend(out)
        return out

    yield start
    for app in started:
        app.stop()


def closed_port():
    """A loopback port nobody listens on (bound then released)."""
    return free_port()


# --------------------------------------------------------------------------------------------------
# ELBv2 set-up
# --------------------------------------------------------------------------------------------------


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


_SESSION = []


def boto_client(server, service, account, region="us-east-1"):
    """A client from one shared boto3 session: models are parsed once, so clients come cheap."""
    import boto3
    from botocore.config import Config

    if not _SESSION:
        _SESSION.append(boto3.session.Session())
    return _SESSION[0].client(
        service, endpoint_url=server.url, region_name=region, aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30))


class Elb:
    """ELBv2 resources of one test (own account on the shared server), deleted by cleanup()."""

    def __init__(self, server, account=None):
        self.server = server
        self.account = account or random_account()
        self.elbv2 = boto_client(server, "elbv2", self.account)
        self.ec2 = boto_client(server, "ec2", self.account)
        self._acm = None
        vpcs = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")]
        assert vpcs, "no default VPC"
        self.vpc_id = vpcs[0]["VpcId"]
        subnets = [s for s in self.ec2.describe_subnets()["Subnets"] if s["VpcId"] == self.vpc_id]
        self.subnet_ids = [s["SubnetId"] for s in sorted(subnets, key=lambda s: s["AvailabilityZone"])]
        self.load_balancers = []
        self.target_groups = []
        self.certificates = []

    @property
    def acm(self):
        if self._acm is None:
            self._acm = boto_client(self.server, "acm", self.account)
        return self._acm

    # ---- resources -------------------------------------------------------------------------------

    def alb(self, name=None, attributes=None):
        lb = self.elbv2.create_load_balancer(Name=name or unique("alb"), Subnets=self.subnet_ids[:2])[
            "LoadBalancers"][0]
        self.load_balancers.append(lb["LoadBalancerArn"])
        if attributes:
            self.lb_attributes(lb["LoadBalancerArn"], attributes)
        return lb

    def nlb(self, name=None):
        lb = self.elbv2.create_load_balancer(Name=name or unique("nlb"), Type="network",
                                             Subnets=self.subnet_ids[:1])["LoadBalancers"][0]
        self.load_balancers.append(lb["LoadBalancerArn"])
        return lb

    def lb_attributes(self, lb_arn, attributes):
        self.elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=lb_arn, Attributes=[{"Key": k, "Value": str(v)} for k, v in attributes.items()])

    def target_group(self, name=None, protocol="HTTP", port=80, health_path="/health", attributes=None, **kw):
        args = dict(Name=name or unique("tg"), Protocol=protocol, Port=port, VpcId=self.vpc_id, TargetType="ip")
        if protocol in ("HTTP", "HTTPS"):
            args["HealthCheckPath"] = health_path
        args.update(kw)
        arn = self.elbv2.create_target_group(**args)["TargetGroups"][0]["TargetGroupArn"]
        self.target_groups.append(arn)
        if attributes:
            self.elbv2.modify_target_group_attributes(
                TargetGroupArn=arn, Attributes=[{"Key": k, "Value": str(v)} for k, v in attributes.items()])
        return arn

    def register(self, tg_arn, *apps_or_ports):
        self.elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[_target(a) for a in apps_or_ports])

    def deregister(self, tg_arn, *apps_or_ports):
        self.elbv2.deregister_targets(TargetGroupArn=tg_arn, Targets=[_target(a) for a in apps_or_ports])

    def listener(self, lb_arn, default_actions, protocol="HTTP", port=None, **kw):
        """Creates a listener on a free port; returns a Listener (arn, port, address of the shared endpoint)."""
        port = port or free_port()
        arn = self.elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol=protocol, Port=port,
                                         DefaultActions=default_actions, **kw)["Listeners"][0]["ListenerArn"]
        return Listener(self, arn, port, protocol)

    def rule(self, listener, priority, conditions, actions):
        return self.elbv2.create_rule(ListenerArn=listener.arn, Priority=priority, Conditions=conditions,
                                      Actions=actions)["Rules"][0]["RuleArn"]

    def certificate(self, domain, sans=()):
        args = dict(DomainName=domain, ValidationMethod="DNS")
        if sans:
            args["SubjectAlternativeNames"] = list(sans)
        arn = self.acm.request_certificate(**args)["CertificateArn"]
        self.certificates.append(arn)
        wait_until(lambda: self.acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED",
                   timeout=15, message=f"{domain} ISSUED")
        return arn

    # ---- health ----------------------------------------------------------------------------------

    def health(self, tg_arn):
        """{(id, port): TargetHealth} for the registered targets."""
        out = {}
        for d in self.elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]:
            out[(d["Target"]["Id"], d["Target"]["Port"])] = d["TargetHealth"]
        return out

    def state_of(self, tg_arn, app_or_port):
        target = _target(app_or_port)
        return self.health(tg_arn).get((target["Id"], target["Port"]), {}).get("State")

    def wait_state(self, tg_arn, app_or_port, state, timeout=15):
        return wait_until(lambda: self.state_of(tg_arn, app_or_port) == state, timeout=timeout,
                          message=f"target {_target(app_or_port)} {state} (now {self.health(tg_arn)})")

    def wait_healthy(self, tg_arn, count=None, timeout=15):
        def ready():
            states = [h["State"] for h in self.health(tg_arn).values()]
            return states and all(s == "healthy" for s in states) and (count is None or len(states) == count)

        wait_until(ready, timeout=timeout, message=f"all targets healthy in {tg_arn}: {self.health(tg_arn)}")

    # ---- cleanup ---------------------------------------------------------------------------------

    def cleanup(self):
        if self.server.proc is None or self.server.proc.poll() is not None:
            return
        for arn in self.load_balancers:
            try:
                self.elbv2.delete_load_balancer(LoadBalancerArn=arn)  # also deletes listeners and rules
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        for arn in self.target_groups:
            try:
                self.elbv2.delete_target_group(TargetGroupArn=arn)
            except Exception:  # noqa: BLE001
                pass
        for arn in self.certificates:
            try:
                self.acm.delete_certificate(CertificateArn=arn)
            except Exception:  # noqa: BLE001
                pass


def _target(app_or_port):
    if isinstance(app_or_port, App):
        return {"Id": "127.0.0.1", "Port": app_or_port.port}
    if isinstance(app_or_port, tuple):
        return {"Id": app_or_port[0], "Port": app_or_port[1]}
    return {"Id": "127.0.0.1", "Port": int(app_or_port)}


class Listener:
    def __init__(self, elb, arn, port, protocol):
        self.elb = elb
        self.arn = arn
        self.configured_port = port
        self.protocol = protocol
        shared, own = wait_until(lambda: _endpoints_of(elb.server, arn), timeout=10,
                                 message=f"endpoints of {arn} in /_albatross/load-balancers")
        self.address, self.port = shared
        self.own_address, self.own_port = own

    def http(self, *args, **kw):
        return http_request(self.address, self.port, *args, **kw)


def _endpoints_of(server, listener_arn):
    status, _, body = server.http("GET", "/_albatross/load-balancers")
    assert status == 200
    shared = own = None
    for endpoint in json.loads(body)["endpoints"]:
        if listener_arn in endpoint["listener_arns"] and endpoint["port"]:
            if endpoint["address"] == "127.0.0.1":
                shared = (endpoint["address"], endpoint["port"])
            elif endpoint["address"].startswith("127."):  # (not the Docker bridge address, for containers)
                own = (endpoint["address"], endpoint["port"])
    return (shared, own) if shared and own else None


@pytest.fixture
def elb(server):
    env = Elb(server)
    yield env
    env.cleanup()


def forward(*tg_arns, weights=None):
    if len(tg_arns) == 1 and not weights:
        return [{"Type": "forward", "TargetGroupArn": tg_arns[0]}]
    weights = weights or [1] * len(tg_arns)
    return [{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": a, "Weight": w} for a, w in zip(tg_arns, weights)]}}]


def fixed(status="200", body=None, content_type="text/plain"):
    config = {"StatusCode": str(status), "ContentType": content_type}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def redirect(**config):
    config.setdefault("StatusCode", "HTTP_301")
    return [{"Type": "redirect", "RedirectConfig": config}]


# --------------------------------------------------------------------------------------------------
# HTTP clients
# --------------------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, reason, headers, body, version=11):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body
        self.version = version

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.reason} {self.headers} {self.body[:300]!r}>"


def http_request(address, port, method="GET", path="/", body=None, headers=None, timeout=10, source_address=None):
    """One request on a new connection (http.client; Host defaults to address:port)."""
    conn = http.client.HTTPConnection(address, port, timeout=timeout, source_address=source_address)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.reason, resp.getheaders(), data, resp.version)
    finally:
        conn.close()


def get(listener, path="/", **kw):
    return listener.http("GET", path, **kw)


def read_until_close(s, timeout, until_close=True):
    """Reads until the peer closes or `timeout` passes: (bytes, closed)."""
    chunks = []
    deadline = time.monotonic() + timeout
    closed = False
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        chunks.append(chunk)
        if not until_close:
            break
    return b"".join(chunks), closed


def parse_response(data, allow_short=False):
    """Parses one HTTP/1.1 response with Content-Length from raw bytes: (Response, rest)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, f"no complete response head in {data[:500]!r}"
    lines = head.decode("latin-1").split("\r\n")
    version, status, *reason = lines[0].split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    resp = Response(int(status), reason[0] if reason else "", headers, b"")
    if allow_short and resp.header("Content-Length") is None:
        resp.body, rest = rest, b""
        return resp, rest
    length = int(resp.header("Content-Length") or 0)
    resp.body, rest = rest[:length], rest[length:]
    return resp, rest


def recv_response(sock, timeout=5, buffered=b""):
    """Reads one complete response (Content-Length or chunked framing, or until close) from a socket.
    Returns (Response, leftover bytes)."""
    data = buffered
    deadline = time.monotonic() + timeout
    while True:
        done = _complete(data)
        if done:
            return done
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            raise AssertionError(f"no complete response within {timeout}s: {data[:500]!r}")
        if not chunk:
            if b"\r\n\r\n" in data:  # framed by close
                resp, _ = parse_response(data, allow_short=True)
                return resp, b""
            raise AssertionError(f"connection closed before a complete response: {data[:500]!r}")
        data += chunk


def _complete(data):
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    resp, _ = parse_response(head + sep, allow_short=True)
    if 100 <= resp.status < 200:
        return resp, rest
    if (resp.header("Transfer-Encoding") or "").lower() == "chunked":
        body, pos = b"", 0
        while True:
            line_end = rest.find(b"\r\n", pos)
            if line_end < 0:
                return None
            size = int(rest[pos:line_end].split(b";")[0], 16)
            if size == 0:
                end = rest.find(b"\r\n\r\n", line_end)
                if end < 0:
                    return None
                resp.body = body
                return resp, rest[end + 4:]
            if len(rest) < line_end + 2 + size + 2:
                return None
            body += rest[line_end + 2:line_end + 2 + size]
            pos = line_end + 2 + size + 2
    length = resp.header("Content-Length")
    if length is None:
        return None  # until close
    if len(rest) < int(length):
        return None
    resp.body = rest[:int(length)]
    return resp, rest[int(length):]


def raw_request(address, port, data, timeout=5, wait_close=0.05):
    """Sends raw bytes on a new connection and reads one response: (Response, closed) where closed tells
    whether the peer closed the connection within `wait_close` seconds after the response."""
    with socket.create_connection((address, port), timeout=timeout) as s:
        s.sendall(data)
        resp, rest = recv_response(s, timeout)
        extra, closed = read_until_close(s, wait_close)
        return resp, closed and not extra and not rest


def run_cmd(cmd, timeout=30, input=None):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)


def have(tool):
    return shutil.which(tool) is not None
