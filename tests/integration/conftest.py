"""Shared fixtures and helpers for the Albatross integration tests.

Run with Debian's interpreter (stdlib + python3-boto3 + python3-pytest only):

    /usr/bin/python3 -m pytest -q tests/integration

The binary is taken from $ALBATROSS_BIN, default <repo>/build/albatross.
"""

import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.path.join(REPO, "build", "albatross")
AWS_V2 = "/usr/bin/aws"
ACM_TARGET_PREFIX = "CertificateManager"

START_DEADLINE = 15.0  # seconds for the binary to answer /_albatross/health
STOP_DEADLINE = 10.0  # seconds between SIGTERM and SIGKILL


# --------------------------------------------------------------------------------------------------
# small generic helpers
# --------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(fn, timeout=10.0, interval=0.02, message=None):
    """Polls fn() until it returns a truthy value; returns that value. Raises AssertionError on timeout.

    Exceptions raised by fn count as "not yet"; the last one is reported on timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    last_val = None
    while True:
        try:
            last_val = fn()
            if last_val:
                return last_val
            last_exc = None
        except Exception as exc:  # noqa: BLE001 - polling
            last_exc = exc
        if time.monotonic() >= deadline:
            detail = f"last value {last_val!r}" if last_exc is None else f"last error {last_exc!r}"
            raise AssertionError(f"timed out after {timeout}s waiting for {message or fn}: {detail}")
        time.sleep(interval)


def random_account():
    return "".join(random.choice("0123456789") for _ in range(12))


def unique_domain(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}.example.com"


def run(cmd, check=True, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd!r} failed rc={proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


def fake_sigv4_headers(service, region="us-east-1", access_key="test", extra_signed=("x-amz-target",)):
    """Authorization header that looks like SigV4 (the emulator does not verify signatures)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    signed = ";".join(["host", "x-amz-date", *extra_signed])
    return {
        "X-Amz-Date": amz_date,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={access_key}/{amz_date[:8]}/{region}/{service}/aws4_request, "
            f"SignedHeaders={signed}, Signature={'0' * 64}"
        ),
    }


def header(headers, name):
    """Case-insensitive lookup in a list of (name, value) pairs or a mapping."""
    items = headers.items() if hasattr(headers, "items") else headers
    for k, v in items:
        if k.lower() == name.lower():
            return v
    return None


def _clean_env(tmpdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    empty = os.path.join(tmpdir, "empty-aws-config")
    if not os.path.exists(empty):
        open(empty, "w").close()
    env.update(
        AWS_CONFIG_FILE=empty,
        AWS_SHARED_CREDENTIALS_FILE=empty,
        AWS_SECRET_ACCESS_KEY="test",
        AWS_PAGER="",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
        AWS_RETRY_MODE="standard",
    )
    return env


def find_aws_v1():
    """Path of an aws CLI v1 (pip-installed) if any, else None."""
    candidates = []
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/root/.pyenv/shims", "/usr/local/bin"]:
        p = os.path.join(d, "aws")
        if os.path.isfile(p) and os.access(p, os.X_OK) and os.path.realpath(p) != os.path.realpath(AWS_V2):
            if p not in candidates:
                candidates.append(p)
    for p in candidates:
        try:
            out = subprocess.run([p, "--version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if (out.stdout + out.stderr).strip().startswith("aws-cli/1."):
            return p
    return None


# --------------------------------------------------------------------------------------------------
# the process handle
# --------------------------------------------------------------------------------------------------


class Albatross:
    """One emulator process with its own state directory; restartable on the same state dir."""

    def __init__(self, binary, workdir, time_scale=0.01, extra_args=(), env=None, security_groups=False):
        self.binary = binary
        self.workdir = workdir
        self.state_dir = os.path.join(workdir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.time_scale = time_scale
        # Security groups filter traffic by default, as on AWS; most tests make load balancers in the default
        # group (which admits only itself) and curl them, so they run with filtering off unless they ask.
        self.extra_args = [f"--security-groups={'on' if security_groups else 'off'}", *extra_args]
        self.extra_env = dict(env or {})
        self.proc = None
        self.port = None
        self.log_path = None
        self._log_file = None
        self._starts = 0
        self.ready_seconds = None
        self._clients = {}

    # ---- lifecycle -------------------------------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=START_DEADLINE):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        last_error = None
        for _attempt in range(3):  # a free port may be taken between probe and bind: retry
            self.port = free_port()
            self._starts += 1
            self.log_path = os.path.join(self.workdir, f"albatross-{self._starts}.log")
            self._log_file = open(self.log_path, "wb")
            cmd = [
                self.binary,
                "--listen", f"127.0.0.1:{self.port}",
                "--state-dir", self.state_dir,
                "--time-scale", str(self.time_scale),
                "--registry-listen", "127.0.0.1:0",  # parallel servers must not share the ECR registry port
                *self.extra_args,
            ]
            env = {k: v for k, v in os.environ.items() if not k.startswith("ALBATROSS_")}
            env.update(self.extra_env)
            t0 = time.monotonic()
            self.proc = subprocess.Popen(cmd, stdout=self._log_file, stderr=subprocess.STDOUT, env=env)
            self._clients = {}
            deadline = t0 + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if self._health_ok():
                    self.ready_seconds = time.monotonic() - t0
                    return self
                time.sleep(0.005)
            if self.proc.poll() is None:
                self.kill9()
                raise AssertionError(f"albatross not healthy within {timeout}s; log:\n{self.log()[-4000:]}")
            last_error = f"albatross exited rc={self.proc.returncode} during start; log:\n{self.log()[-4000:]}"
            self._log_file.close()
            if "address" not in self.log().lower():  # only retry bind failures
                break
        raise AssertionError(last_error)

    def _health_ok(self):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            conn.request("GET", "/_albatross/health")
            resp = conn.getresponse()
            resp.read()
            conn.close()
            return resp.status == 200
        except OSError:
            return False

    def stop(self, timeout=STOP_DEADLINE):
        """SIGTERM, wait, SIGKILL after the deadline. Returns the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        rc = self.proc.poll()
        if rc is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
                rc = None
        self._close_log()
        return rc

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=STOP_DEADLINE)
        self._close_log()

    def restart(self, hard=False):
        if hard:
            self.kill9()
        else:
            rc = self.stop()
            assert rc == 0, f"SIGTERM exit code {rc}; log:\n{self.log()[-2000:]}"
        return self.start()

    def _close_log(self):
        if self._log_file and not self._log_file.closed:
            self._log_file.close()

    def log(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # ---- admin -----------------------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None, timeout=30):
        """Raw HTTP request; returns (status, headers list, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheaders(), data
        finally:
            conn.close()

    def health(self):
        status, _, body = self.http("GET", "/_albatross/health")
        assert status == 200, (status, body)
        return json.loads(body)

    def reset(self):
        status, _, body = self.http("POST", "/_albatross/reset")
        assert status == 200, (status, body)

    def ca_pem(self):
        status, _, body = self.http("GET", "/_albatross/ca.pem")
        assert status == 200, (status, body)
        return body.decode()

    # ---- raw JSON protocol -------------------------------------------------------------------------

    def json_call(self, operation, payload, account=None, region="us-east-1", prefix=ACM_TARGET_PREFIX,
                  service="acm", raw_body=None, timeout=30):
        """POSTs a JSON 1.1 request. Returns (status, headers, parsed-json-or-bytes)."""
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"{prefix}.{operation}",
            **fake_sigv4_headers(service, region, account or "test"),
        }
        body = raw_body if raw_body is not None else json.dumps(payload).encode()
        status, hdrs, data = self.http("POST", "/", body=body, headers=headers, timeout=timeout)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data
        return status, hdrs, parsed

    # ---- clients ----------------------------------------------------------------------------------

    def client(self, service="acm", account=None, region="us-east-1"):
        key = (service, account, region, self.port)
        if key not in self._clients:
            import boto3
            from botocore.config import Config

            self._clients[key] = boto3.session.Session().client(
                service,
                endpoint_url=self.url,
                region_name=region,
                aws_access_key_id=account or "test",
                aws_secret_access_key="test",
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
            )
        return self._clients[key]

    def aws(self, *args, account=None, region="us-east-1", cli=AWS_V2, timeout=60, output="json"):
        """Runs the aws CLI; returns (returncode, parsed json or stdout, stderr)."""
        env = _clean_env(self.workdir)
        env["AWS_ACCESS_KEY_ID"] = account or "test"
        env["AWS_DEFAULT_REGION"] = region
        env["AWS_REGION"] = region
        cmd = [cli, "--endpoint-url", self.url, "--output", output, *[str(a) for a in args]]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=self.workdir)
        out = proc.stdout
        if output == "json" and out.strip():
            try:
                out = json.loads(out)
            except ValueError:
                pass
        return proc.returncode, out, proc.stderr

    def aws_ok(self, *args, **kw):
        rc, out, err = self.aws(*args, **kw)
        assert rc == 0, f"aws {' '.join(map(str, args))} failed rc={rc}: {err}"
        return out


# --------------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def albatross_bin():
    path = os.environ.get("ALBATROSS_BIN", DEFAULT_BIN)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"albatross binary not found at {path} (build it or set ALBATROSS_BIN)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def server_factory_session(albatross_bin):
    made = []

    def make(**kw):
        srv = Albatross(albatross_bin, tempfile.mkdtemp(prefix="albatross-it-"), **kw)
        made.append(srv)
        return srv.start()

    yield make
    for srv in made:
        srv.cleanup()


@pytest.fixture(scope="session")
def server(server_factory_session):
    """The shared fast server (time scale 0.01). Tests isolate themselves with a unique account."""
    return server_factory_session(time_scale=0.01)


@pytest.fixture
def make_server(albatross_bin):
    """Factory for dedicated servers (restart, kill -9, reset, flags); all stopped and removed afterwards."""
    made = []

    def make(start=True, **kw):
        srv = Albatross(albatross_bin, tempfile.mkdtemp(prefix="albatross-it-"), **kw)
        made.append(srv)
        return srv.start() if start else srv

    yield make
    for srv in made:
        srv.cleanup()


def _delete_all_certificates(srv, account, regions):
    if srv.proc is None or srv.proc.poll() is not None:
        return
    for region in regions:
        try:
            acm = srv.client("acm", account=account, region=region)
            for page in acm.get_paginator("list_certificates").paginate(
                Includes={"keyTypes": ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                                       "EC_secp384r1", "EC_secp521r1"]}
            ):
                for c in page.get("CertificateSummaryList", []):
                    try:
                        acm.delete_certificate(CertificateArn=c["CertificateArn"])
                    except Exception:  # noqa: BLE001 - best-effort cleanup
                        pass
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


@pytest.fixture
def account(server):
    """A fresh 12-digit account on the shared server; its certificates are deleted afterwards."""
    acct = random_account()
    yield acct
    _delete_all_certificates(server, acct, ["us-east-1", "eu-west-1"])


@pytest.fixture
def aws(server, account):
    """aws CLI v2 bound to the shared server and the test's account."""

    def call(*args, account=account, region="us-east-1"):
        return server.aws(*args, account=account, region=region)

    return call


@pytest.fixture
def client(server, account):
    def make(service="acm", account=account, region="us-east-1"):
        return server.client(service, account=account, region=region)

    return make


@pytest.fixture(scope="session")
def aws_v1_path():
    return find_aws_v1()


# --------------------------------------------------------------------------------------------------
# ACM helpers
# --------------------------------------------------------------------------------------------------

ARN_RE = re.compile(r"^arn:aws:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/"
                    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def wait_issued(acm, arn, timeout=10.0):
    def issued():
        cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        return cert if cert["Status"] == "ISSUED" else None

    return wait_until(issued, timeout=timeout, message=f"{arn} ISSUED")


class Openssl:
    """openssl CLI helpers working inside a temp dir."""

    def __init__(self, workdir):
        self.dir = workdir

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "w" if isinstance(text, str) else "wb") as f:
            f.write(text)
        return p

    def run(self, *args, check=True):
        return run(["openssl", *args], check=check, cwd=self.dir)

    def self_signed(self, name, cn, sans=(), days=30, key="rsa", org=None):
        """Creates <name>.key / <name>.crt; returns (cert path, key path)."""
        key_path, crt_path = self.path(f"{name}.key"), self.path(f"{name}.crt")
        if key == "rsa":
            self.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key_path)
        else:
            self.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key_path)
        subj = f"/CN={cn}" + (f"/O={org}" if org else "")
        args = ["req", "-x509", "-new", "-key", key_path, "-subj", subj, "-days", str(days), "-out", crt_path,
                "-sha256"]
        if sans:
            args += ["-addext", "subjectAltName=" + ",".join(f"DNS:{s}" for s in sans)]
        self.run(*args)
        return crt_path, key_path

    def ca_and_leaf(self, name, cn):
        """A CA plus a leaf signed by it: returns (leaf crt, leaf key, ca crt)."""
        ca_crt, ca_key = self.self_signed(f"{name}-ca", f"{name} Test CA", days=60, org="Albatross Test CA")
        key_path, csr, crt = self.path(f"{name}.key"), self.path(f"{name}.csr"), self.path(f"{name}.crt")
        self.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key_path)
        self.run("req", "-new", "-key", key_path, "-subj", f"/CN={cn}", "-out", csr)
        ext = self.write(f"{name}.ext", f"subjectAltName=DNS:{cn}\nbasicConstraints=CA:FALSE\n")
        self.run("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "30",
                 "-sha256", "-extfile", ext, "-out", crt)
        return crt, key_path, ca_crt

    def expired(self, name, cn):
        """A self-signed certificate valid only in January 2020."""
        key_path, csr, crt = self.path(f"{name}.key"), self.path(f"{name}.csr"), self.path(f"{name}.crt")
        self.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key_path)
        self.run("req", "-new", "-key", key_path, "-subj", f"/CN={cn}", "-out", csr)
        cadir = self.path(f"{name}-ca")
        os.makedirs(cadir, exist_ok=True)
        open(os.path.join(cadir, "index.txt"), "w").close()
        with open(os.path.join(cadir, "serial"), "w") as f:
            f.write("1000\n")
        cnf = self.write(f"{name}-ca.cnf", (
            "[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\n"
            f"database = {cadir}/index.txt\nnew_certs_dir = {cadir}\nserial = {cadir}/serial\n"
            "default_md = sha256\npolicy = policy_any\n[ policy_any ]\ncommonName = supplied\n"))
        self.run("ca", "-config", cnf, "-selfsign", "-keyfile", key_path, "-in", csr, "-startdate",
                 "20200101000000Z", "-enddate", "20200201000000Z", "-out", crt, "-batch", "-notext")
        return crt, key_path

    def text(self, pem_path):
        return self.run("x509", "-in", pem_path, "-noout", "-text").stdout

    def serial(self, pem_path):
        return self.run("x509", "-in", pem_path, "-noout", "-serial").stdout.strip().split("=", 1)[1]


@pytest.fixture
def ossl():
    d = tempfile.mkdtemp(prefix="albatross-ossl-")
    yield Openssl(d)
    shutil.rmtree(d, ignore_errors=True)


def pem_blocks(text):
    return re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S)


def normalize_pem(text):
    return [re.sub(r"\s+", "", b) for b in pem_blocks(text)]


# Emulator gaps that these tests pin down (each is an AWS behaviour not yet matched; see the latest closing
# note). They run as xfail so CI stays green; remove an entry when its fix lands.
KNOWN_GAPS = {
}


def pytest_collection_modifyitems(config, items):
    import pytest as _pytest
    for item in items:
        if item.nodeid in KNOWN_GAPS:
            item.add_marker(_pytest.mark.xfail(reason="known emulator gap, see KNOWN_GAPS", strict=False))


# --------------------------------------------------------------------------------------------------
# Docker test images (tests/fixtures/images): built FROM scratch once per session, removed afterwards
# --------------------------------------------------------------------------------------------------


def _image_builder():
    import importlib.util
    path = os.path.join(REPO, "tests", "fixtures", "images", "build_images.py")
    spec = importlib.util.spec_from_file_location("albatross_build_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def test_images(albatross_bin):
    """{"app": "albatross-test-app:<tag>", "busybox": "albatross-test-busybox:<tag>", "tag": <tag>}.

    The test app is taken from the build directory beside $ALBATROSS_BIN. The tag is unique to this session so
    that parallel sessions on one daemon do not remove each other's images."""
    builder = _image_builder()
    tag = f"s{os.getpid()}-{uuid.uuid4().hex[:6]}"
    test_app = os.path.join(os.path.dirname(albatross_bin), "tests", "fixtures", "test_app", "test_app")
    try:
        images = builder.build_images(tag, test_app if os.path.isfile(test_app) else None)
    except Exception as e:  # noqa: BLE001 - report any failure to build as a fixture error
        builder.remove_images(tag)
        pytest.fail(f"cannot build the test images: {e}", pytrace=False)
    yield {**images, "tag": tag}
    builder.remove_images(tag)
