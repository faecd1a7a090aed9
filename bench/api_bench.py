#!/usr/bin/env python3
"""API benchmark: Albatross vs moto_server (a benchmark, not a test).

Measures for each emulator, in one run:
  (a) ready time: process start -> first successful HTTP answer (polled every 1 ms), median of --starts starts,
      each with a fresh state directory;
  (b) idle RSS after ready (VmRSS from /proc/<pid>/status, summed over the process tree);
  (c) DescribeCertificate latency (p50/p90/p99/max) and throughput, after one RequestCertificate:
        - raw:      N requests over one keep-alive connection, request bytes pre-built (client cost tiny);
        - raw-new:  N requests, a new TCP connection per request (moto closes every connection anyway);
        - boto3:    N calls through a boto3 client, for reference.
Prints a table and the ratios albatross/moto. Traffic only to 127.0.0.1; every process and temp dir is removed.

Usage: /usr/bin/python3 bench/api_bench.py [--albatross build/albatross] [--moto CMD] [-n 2000] [--starts 10]
"""

import argparse
import datetime
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACM_PREFIX = "CertificateManager"


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def rss_kib(pid):
    """VmRSS of pid plus all its descendants, in KiB."""
    total = 0
    todo = [pid]
    seen = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(x) for x in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


def auth_headers(service="acm", region="us-east-1", access_key="test"):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return {
        "X-Amz-Date": now,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{now[:8]}/{region}/{service}/aws4_request, "
                         f"SignedHeaders=host;x-amz-date;x-amz-target, Signature={'0' * 64}",
    }


def build_request(port, operation, payload):
    body = json.dumps(payload).encode()
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"{ACM_PREFIX}.{operation}",
        "Content-Length": str(len(body)),
        **auth_headers(),
    }
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode() + body


class RawConnection:
    """A minimal HTTP/1.1 client on a socket: send pre-built bytes, read one response (Content-Length or chunked)."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.rfile = None
        self.reconnects = 0

    def connect(self):
        self.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def close(self):
        if self.rfile:
            self.rfile.close()
        if self.sock:
            self.sock.close()
        self.sock = self.rfile = None

    def roundtrip(self, request_bytes):
        if self.sock is None:
            self.connect()
            self.reconnects += 1
        self.sock.sendall(request_bytes)
        status_line = self.rfile.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, status_line.startswith(b"HTTP/1.0")
        while True:
            line = self.rfile.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            value = value.strip()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection":
                close = value.lower() == b"close"
        if chunked:
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        elif length is not None:
            body = self.rfile.read(length)
        else:
            body = self.rfile.read()
            close = True
        if close:
            self.close()
        return status, body


def http_get_status(port, path, timeout=1.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n" not in data:
            piece = s.recv(4096)
            if not piece:
                break
            data += piece
        return int(data.split()[1]) if data.startswith(b"HTTP/") else None
    finally:
        s.close()


# ------------------------------------------------------------------------------------------------
# emulators
# ------------------------------------------------------------------------------------------------


class Emulator:
    name = "?"
    ready_path = "/"

    def __init__(self):
        self.proc = None
        self.port = None
        self.tmp = None
        self.log = None

    def command(self):
        raise NotImplementedError

    def start(self, deadline=60.0):
        """Starts a fresh instance; returns seconds from spawn to the first 2xx answer (polled every 1 ms)."""
        self.tmp = tempfile.mkdtemp(prefix=f"bench-{self.name}-")
        self.port = free_port()
        self.log = open(os.path.join(self.tmp, "server.log"), "wb")
        cmd = self.command()
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.tmp,
                                     env=self.env(), start_new_session=True)
        end = t0 + deadline
        while time.perf_counter() < end:
            try:
                status = http_get_status(self.port, self.ready_path)
                if status is not None and 200 <= status < 300:
                    return time.perf_counter() - t0
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited rc={self.proc.returncode}: {self.tail()}")
            time.sleep(0.001)
        raise RuntimeError(f"{self.name} not ready within {deadline}s: {self.tail()}")

    def env(self):
        return dict(os.environ)

    def tail(self):
        try:
            with open(os.path.join(self.tmp, "server.log"), "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None
        if self.log:
            self.log.close()
            self.log = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class Albatross(Emulator):
    name = "albatross"
    ready_path = "/_albatross/health"

    def __init__(self, binary):
        super().__init__()
        self.binary = binary

    def command(self):
        state = os.path.join(self.tmp, "state")
        return [self.binary, "--listen", f"127.0.0.1:{self.port}", "--state-dir", state, "--time-scale", "0.01"]

    def env(self):
        return {k: v for k, v in os.environ.items() if not k.startswith("ALBATROSS_")}


class Moto(Emulator):
    name = "moto"

    def __init__(self, cmd):
        super().__init__()
        self.cmd = cmd

    def command(self):
        return [*self.cmd, "-H", "127.0.0.1", "-p", str(self.port)]


def find_moto(explicit):
    if explicit:
        return shlex.split(explicit)
    # the real script first (a pyenv shim adds ~100 ms of bash to every start)
    for root in ("/root/.pyenv/versions",):
        if os.path.isdir(root):
            for v in sorted(os.listdir(root), reverse=True):
                p = os.path.join(root, v, "bin", "moto_server")
                if os.access(p, os.X_OK):
                    return [p]
    for p in ("/root/.pyenv/shims/moto_server", shutil.which("moto_server")):
        if p and os.access(p, os.X_OK):
            return [p]
    for py in ("/root/.pyenv/shims/python3", sys.executable):
        if py and subprocess.run([py, "-c", "import moto.server"], capture_output=True).returncode == 0:
            return [py, "-m", "moto.server"]
    return None


# ------------------------------------------------------------------------------------------------
# measurements
# ------------------------------------------------------------------------------------------------


def measure_ready(emu, starts):
    times, rss = [], []
    for _ in range(starts):
        try:
            times.append(emu.start())
            time.sleep(0.5)  # let start-up allocations settle before reading the idle RSS
            rss.append(rss_kib(emu.proc.pid))
        finally:
            emu.stop()
    return times, rss


def request_certificate(port):
    conn = RawConnection(port)
    try:
        status, body = conn.roundtrip(build_request(port, "RequestCertificate",
                                                    {"DomainName": "bench.example.com", "ValidationMethod": "DNS"}))
        if status != 200:
            raise RuntimeError(f"RequestCertificate -> {status}: {body[:300]!r}")
        return json.loads(body)["CertificateArn"]
    finally:
        conn.close()


def wait_settled(port, arn, timeout=3.0):
    """Polls until the certificate is ISSUED (Albatross issues it 50 ms after the request at time scale 0.01;
    the key generation must not land inside the measurement). moto keeps it pending for a minute: no wait."""
    req = build_request(port, "DescribeCertificate", {"CertificateArn": arn})
    conn = RawConnection(port)
    end = time.monotonic() + timeout
    status_text = "?"
    try:
        while time.monotonic() < end:
            status, body = conn.roundtrip(req)
            status_text = json.loads(body).get("Certificate", {}).get("Status", "?") if status == 200 else str(status)
            if status_text != "PENDING_VALIDATION":
                break
            time.sleep(0.01)
    finally:
        conn.close()
    return status_text


def measure_raw(port, arn, n, new_connection=False, warmup=50):
    req = build_request(port, "DescribeCertificate", {"CertificateArn": arn})
    conn = RawConnection(port)
    lat = []
    try:
        for i in range(warmup + n):
            t = time.perf_counter_ns()
            status, body = conn.roundtrip(req)
            dt = time.perf_counter_ns() - t
            if status != 200:
                raise RuntimeError(f"DescribeCertificate -> {status}: {body[:300]!r}")
            if new_connection:
                conn.close()
            if i >= warmup:
                lat.append(dt / 1e6)
        return lat, conn.reconnects
    finally:
        conn.close()


def measure_boto3(port, arn, n, warmup=20):
    import boto3
    from botocore.config import Config

    acm = boto3.session.Session().client(
        "acm", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}))
    lat = []
    for i in range(warmup + n):
        t = time.perf_counter_ns()
        acm.describe_certificate(CertificateArn=arn)
        dt = time.perf_counter_ns() - t
        if i >= warmup:
            lat.append(dt / 1e6)
    return lat


def summarize(lat):
    s = sorted(lat)
    total_s = sum(lat) / 1000.0
    return {"p50": percentile(s, 50), "p90": percentile(s, 90), "p99": percentile(s, 99), "max": s[-1],
            "mean": statistics.fmean(s), "rps": len(s) / total_s if total_s else float("nan")}


def run_emulator(emu, args):
    res = {}
    print(f"[{emu.name}] {args.starts} starts ...", file=sys.stderr, flush=True)
    times, rss = measure_ready(emu, args.starts)
    res["ready_ms"] = statistics.median(times) * 1000
    res["ready_min_ms"] = min(times) * 1000
    res["ready_max_ms"] = max(times) * 1000
    res["rss_mib"] = statistics.median(rss) / 1024
    print(f"[{emu.name}] latency runs (n={args.n}) ...", file=sys.stderr, flush=True)
    try:
        emu.start()
        arn = request_certificate(emu.port)
        res["cert_status"] = wait_settled(emu.port, arn)
        lat, reconnects = measure_raw(emu.port, arn, args.n)
        res["raw"] = summarize(lat)
        res["raw_reconnects"] = reconnects
        res["raw-new"] = summarize(measure_raw(emu.port, arn, args.n, new_connection=True)[0])
        if not args.no_boto3:
            res["boto3"] = summarize(measure_boto3(emu.port, arn, args.boto3_n or args.n))
        res["rss_after_mib"] = rss_kib(emu.proc.pid) / 1024
    finally:
        emu.stop()
    return res


def fmt(v, unit=""):
    if v is None or v != v:
        return "-"
    if v >= 100:
        return f"{v:,.0f}{unit}"
    if v >= 10:
        return f"{v:.1f}{unit}"
    return f"{v:.3f}{unit}"


def print_report(results, args):
    names = list(results)
    rows = [
        ("ready time, median (ms)", lambda r: r["ready_ms"], "lower"),
        ("ready time, min..max (ms)", None, None),
        ("idle RSS after ready (MiB)", lambda r: r["rss_mib"], "lower"),
        ("RSS after the latency runs (MiB)", lambda r: r["rss_after_mib"], "lower"),
    ]
    for mode in ("raw", "raw-new", "boto3"):
        if all(mode in r for r in results.values()):
            rows += [
                (f"Describe {mode} p50 (ms)", lambda r, m=mode: r[m]["p50"], "lower"),
                (f"Describe {mode} p99 (ms)", lambda r, m=mode: r[m]["p99"], "lower"),
                (f"Describe {mode} max (ms)", lambda r, m=mode: r[m]["max"], "lower"),
                (f"Describe {mode} throughput (req/s)", lambda r, m=mode: r[m]["rps"], "higher"),
            ]
    w0 = max(len(r[0]) for r in rows) + 2
    header = "metric".ljust(w0) + "".join(n.rjust(14) for n in names)
    if len(names) == 2:
        header += "   albatross/moto"
    print()
    print(f"DescribeCertificate n={args.n} (boto3 n={args.boto3_n or args.n}), {args.starts} starts each")
    print(header)
    print("-" * len(header))
    for label, get, better in rows:
        if get is None:
            line = label.ljust(w0) + "".join(
                f"{results[n]['ready_min_ms']:.0f}..{results[n]['ready_max_ms']:.0f}".rjust(14) for n in names)
            print(line)
            continue
        vals = [get(results[n]) for n in names]
        line = label.ljust(w0) + "".join(fmt(v).rjust(14) for v in vals)
        if len(names) == 2 and vals[1]:
            ratio = vals[0] / vals[1]
            line += f"   {ratio:8.3f}x"
            if better == "lower" and ratio:
                line += f"  ({1 / ratio:.1f}x better)" if ratio < 1 else f"  ({ratio:.1f}x worse)"
            elif better == "higher" and ratio:
                line += f"  ({ratio:.1f}x better)" if ratio > 1 else f"  ({1 / ratio:.1f}x worse)"
        print(line)
    print("certificate status during the Describe runs: " +
          ", ".join(f"{n}={results[n].get('cert_status', '?')}" for n in names))
    for n in names:
        if results[n].get("raw_reconnects", 1) > 1:
            print(f"note: {n} closed the keep-alive connection; 'raw' reconnected {results[n]['raw_reconnects']} "
                  "times (its 'raw' numbers include a TCP connect per request)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--albatross", default=os.environ.get("ALBATROSS_BIN", os.path.join(REPO, "build", "albatross")))
    ap.add_argument("--moto", default=None, help="command that runs moto_server (default: search pyenv, PATH)")
    ap.add_argument("-n", type=int, default=2000, help="DescribeCertificate calls per mode")
    ap.add_argument("--boto3-n", type=int, default=0, help="calls for the boto3 mode (default: -n)")
    ap.add_argument("--starts", type=int, default=10, help="starts for the ready-time median")
    ap.add_argument("--no-boto3", action="store_true")
    ap.add_argument("--only", choices=["albatross", "moto"])
    ap.add_argument("--json", help="also write the raw results to this file")
    args = ap.parse_args()

    emus = []
    if args.only != "moto":
        if not os.access(args.albatross, os.X_OK):
            sys.exit(f"albatross binary not found: {args.albatross}")
        emus.append(Albatross(args.albatross))
    if args.only != "albatross":
        moto = find_moto(args.moto)
        if not moto:
            sys.exit("moto_server not found (pass --moto 'CMD')")
        print(f"moto: {' '.join(moto)}", file=sys.stderr)
        emus.append(Moto(moto))

    results = {}
    try:
        for emu in emus:
            results[emu.name] = run_emulator(emu, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        for emu in emus:
            emu.stop()
    if results:
        print_report(results, args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
