#!/usr/bin/env python3
"""Proxy benchmark: Albatross's ALB data plane vs HAProxy vs nginx, on loopback, in one run.

A benchmark, not a test: it prints numbers and never fails on slow ones. See bench/README.md.

One backend (tests/fixtures/test_app) serves all three proxies. Albatross gets an ALB with an HTTP listener
and an HTTPS listener (certificate issued by its ACM), HAProxy and nginx run as unprivileged child processes
with configs in a temp dir (self-signed certificate made with openssl). wrk drives each with the same
threads/connections/duration; the report gives requests/s, p50/p99 latency, the ratios Albatross/HAProxy and
Albatross/nginx, and Albatross's RSS before and after. --soak SECONDS runs Albatross alone for that long,
alternating HTTP and HTTPS wrk runs, and prints its RSS over time.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_NAME = "bench.example.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pgid):
    """User+system CPU seconds of every live process in the process group (nginx's workers, HAProxy's threads,
    Albatross's threads)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after ")": state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what() if callable(what) else what}")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def ensure_packages(packages, skip_install):
    """Debian's packages (haproxy, nginx, wrk, openssl) via apt-get when missing. We never start the system
    services; on Docker images policy-rc.d also keeps the packages' scripts from starting them."""
    missing = [p for p in packages if not find_binary(p)]
    if not missing:
        return
    if skip_install:
        raise SystemExit(f"missing {' '.join(missing)} and --no-install given")
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    print(f"installing {' '.join(missing)} with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(prefix + ["apt-get", "install", "-y", "-q"] + missing, check=True, env=env,
                   stdout=subprocess.DEVNULL)


def find_binary(name):
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)),
                                      None)


class Processes:
    """Children in their own process groups; all stopped at the end (also on Ctrl-C)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, name, cmd, stdout=None):
        log = open(os.path.join(self.tmp, f"{name}.log"), "w")
        proc = subprocess.Popen(cmd, stdout=stdout or log, stderr=log, start_new_session=True, cwd=self.tmp)
        self.procs.append((name, proc, log))
        return proc

    def log_tail(self, name, lines=20):
        path = os.path.join(self.tmp, f"{name}.log")
        try:
            with open(path) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop_all(self):
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, proc, log in reversed(self.procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            log.close()


# ---------------------------------------------------------------------------------------------------
# backend and proxies
# ---------------------------------------------------------------------------------------------------

def start_backend(procs, binary):
    proc = procs.start("test_app", [binary, "--port", "0", "--bind", "127.0.0.1", "--name", "bench"],
                       stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode()
    match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not match:
        raise RuntimeError(f"test_app did not start: {line!r}")
    return int(match.group(1))


class Albatross:
    def __init__(self, procs, binary, tmp, threads):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [binary, "--listen", f"127.0.0.1:{self.port}", "--state-dir", os.path.join(tmp, "albatross-state"),
               "--time-scale", "0.01", "--log-level", "warn"]
        self.proc = procs.start("albatross", cmd)
        self.procs = procs
        wait_for(self.healthy, 30, "Albatross /_albatross/health")

    def healthy(self):
        if self.proc.poll() is not None:
            raise RuntimeError("albatross exited:\n" + self.procs.log_tail("albatross"))
        try:
            with urllib.request.urlopen(self.url + "/_albatross/health", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def client(self, service):
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test")

    def set_up(self, backend_port):
        """ALB, target group with the backend, HTTP listener, HTTPS listener with an ACM certificate.
        Returns (http_port, https_port) where the listeners really listen."""
        ec2, elbv2, acm = self.client("ec2"), self.client("elbv2"), self.client("acm")
        vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault"))
        subnets = sorted((s for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc),
                         key=lambda s: s["AvailabilityZone"])
        lb = elbv2.create_load_balancer(Name="bench", Subnets=[s["SubnetId"] for s in subnets[:2]])
        lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(Name="bench", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip",
                                       HealthCheckPath="/health")["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "127.0.0.1", "Port": backend_port}])
        cert = acm.request_certificate(DomainName=SERVER_NAME, ValidationMethod="DNS")["CertificateArn"]
        wait_for(lambda: acm.describe_certificate(CertificateArn=cert)["Certificate"]["Status"] == "ISSUED", 30,
                 "the ACM certificate to be ISSUED")
        forward = [{"Type": "forward", "TargetGroupArn": tg}]
        http = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=free_port(),
                                     DefaultActions=forward)["Listeners"][0]["ListenerArn"]
        https = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTPS", Port=free_port(),
                                      Certificates=[{"CertificateArn": cert}],
                                      DefaultActions=forward)["Listeners"][0]["ListenerArn"]
        wait_for(lambda: all(h["TargetHealth"]["State"] == "healthy" for h in
                             elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]), 60,
                 "the backend to be a healthy target")
        return self.listener_port(http), self.listener_port(https)

    def listener_port(self, listener_arn):
        def bound():
            with urllib.request.urlopen(self.url + "/_albatross/load-balancers", timeout=5) as r:
                endpoints = json.load(r)["endpoints"]
            for endpoint in endpoints:
                if listener_arn in endpoint["listener_arns"] and endpoint["address"] == "127.0.0.1" \
                        and endpoint["port"]:
                    return endpoint["port"]
            return None
        return wait_for(bound, 15, f"listener {listener_arn} to be bound")


def make_certificate(tmp):
    """Self-signed RSA-2048 certificate (what ACM issues by default) for HAProxy and nginx."""
    key, crt = os.path.join(tmp, "proxy.key"), os.path.join(tmp, "proxy.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME}"],
                   check=True, capture_output=True)
    combined = os.path.join(tmp, "proxy.pem")
    with open(combined, "w") as out:
        out.write(open(crt).read() + open(key).read())
    return key, crt, combined


def start_haproxy(procs, tmp, backend_port, threads, pem):
    http_port, https_port = free_port(), free_port()
    config = f"""global
    nbthread {threads}
    maxconn 4096
    tune.ssl.default-dh-param 2048
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
    option forwardfor
    unique-id-format %{{+X}}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
    unique-id-header X-Amzn-Trace-Id
frontend http_in
    bind 127.0.0.1:{http_port}
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port {http_port}
    default_backend app
frontend https_in
    bind 127.0.0.1:{https_port} ssl crt {pem}
    http-request set-header X-Forwarded-Proto https
    http-request set-header X-Forwarded-Port {https_port}
    default_backend app
backend app
    http-reuse always
    server app1 127.0.0.1:{backend_port}
"""
    path = os.path.join(tmp, "haproxy.cfg")
    with open(path, "w") as f:
        f.write(config)
    proc = procs.start("haproxy", [find_binary("haproxy"), "-db", "-f", path])
    wait_for(lambda: proc.poll() is None and port_open(http_port) and port_open(https_port), 15,
             lambda: "haproxy to listen\n" + procs.log_tail("haproxy"))
    return http_port, https_port


def start_nginx(procs, tmp, backend_port, threads, crt, key):
    http_port, https_port = free_port(), free_port()
    prefix = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    config = f"""worker_processes {threads};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_requests 100000;
    upstream app {{ server 127.0.0.1:{backend_port}; keepalive 256; }}
    server {{
        listen 127.0.0.1:{http_port};
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {crt};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_set_header X-Amzn-Trace-Id $request_id;
        }}
    }}
}}
"""
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(config)
    proc = procs.start("nginx", [find_binary("nginx"), "-p", prefix, "-c", path, "-g", "daemon off;"])
    wait_for(lambda: proc.poll() is None and port_open(http_port) and port_open(https_port), 15,
             lambda: "nginx to listen\n" + procs.log_tail("nginx"))
    return http_port, https_port


# ---------------------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def run_wrk(url, args, duration=None):
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration or args.duration}s",
           "--latency", "--timeout", "10s", url + args.path]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=(duration or args.duration) + 60).stdout
    result = {"url": url, "rps": None, "p50_ms": None, "p99_ms": None, "errors": 0, "non2xx": 0}
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match:
        result["rps"] = float(match.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        if match:
            result[key] = to_ms(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if match:
        result["errors"] = sum(int(g) for g in match.groups())
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match:
        result["non2xx"] = int(match.group(1))
    match = re.search(r"(\d+) requests in", out)
    result["requests"] = int(match.group(1)) if match else None
    if result["rps"] is None:
        result["raw"] = out
    return result


# ---------------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------------

def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return None if not a or not b else a / b


def print_report(results, rss, args):
    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, path {args.path}; "
          f"{args.proxy_threads} worker threads/processes per proxy; loopback; {os.cpu_count()} CPUs")
    print(f"{'target':<10} {'proto':<6} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'non-2xx':>8} "
          f"{'CPU s':>6} {'CPU µs/req':>10}")
    for proto in ("http", "https"):
        for name in ("backend", "albatross", "haproxy", "nginx"):
            r = results.get((name, proto))
            if r:
                print(f"{name:<10} {proto:<6} {fmt(r['rps'], 0):>10} {fmt(r['p50_ms']):>8} {fmt(r['p99_ms']):>8} "
                      f"{r['errors']:>7} {r['non2xx']:>8} {fmt(r.get('cpu_s'), 1):>6} "
                      f"{fmt(r.get('cpu_us_per_req'), 1):>10}")
    print("\nratios (Albatross / other): req/s (higher is better), p50, p99 and CPU per request (lower is better)")
    for proto in ("http", "https"):
        alb = results.get(("albatross", proto))
        for other in ("haproxy", "nginx"):
            o = results.get((other, proto))
            if alb and o:
                print(f"  {proto:<5} albatross/{other:<8} req/s {fmt(ratio(alb['rps'], o['rps']))}  "
                      f"p50 {fmt(ratio(alb['p50_ms'], o['p50_ms']))}  p99 {fmt(ratio(alb['p99_ms'], o['p99_ms']))}  "
                      f"CPU/req {fmt(ratio(alb.get('cpu_us_per_req'), o.get('cpu_us_per_req')))}")
    if rss:
        print(f"\nAlbatross RSS: before {rss['before_kib'] / 1024:.1f} MiB, after {rss['after_kib'] / 1024:.1f} MiB")


def soak(albatross, ports, args):
    """Albatross alone for args.soak seconds: wrk runs of args.soak_interval seconds alternating HTTP/HTTPS,
    RSS after each."""
    print(f"\nsoak: {args.soak} s, wrk -t{args.threads} -c{args.connections} in {args.soak_interval} s slices")
    print(f"{'t (s)':>7} {'proto':<6} {'req/s':>10} {'p99 ms':>8} {'errors':>7} {'RSS MiB':>8}")
    samples = [{"t": 0, "rss_kib": rss_kib(albatross.proc.pid)}]
    print(f"{0:>7} {'-':<6} {'-':>10} {'-':>8} {'-':>7} {samples[0]['rss_kib'] / 1024:>8.1f}", flush=True)
    start = time.monotonic()
    index = 0
    while time.monotonic() - start < args.soak:
        proto = "http" if index % 2 == 0 else "https"
        remaining = int(args.soak - (time.monotonic() - start))
        if remaining < 2:
            break
        slice_s = min(args.soak_interval, remaining)
        r = run_wrk(f"{proto}://127.0.0.1:{ports[proto]}", args, duration=slice_s)
        sample = {"t": round(time.monotonic() - start), "proto": proto, "rps": r["rps"], "p99_ms": r["p99_ms"],
                  "errors": r["errors"] + r["non2xx"], "rss_kib": rss_kib(albatross.proc.pid)}
        samples.append(sample)
        print(f"{sample['t']:>7} {proto:<6} {fmt(r['rps'], 0):>10} {fmt(r['p99_ms']):>8} {sample['errors']:>7} "
              f"{sample['rss_kib'] / 1024:>8.1f}", flush=True)
        index += 1
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--albatross", default=os.environ.get("ALBATROSS_BIN", os.path.join(REPO, "build", "albatross")))
    parser.add_argument("--test-app", default=None, help="default: build/tests/fixtures/test_app/test_app")
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("-c", "--connections", type=int, default=50)
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("--proxy-threads", type=int, default=2,
                        help="HAProxy nbthread and nginx worker_processes (Albatross's data plane has 2 threads)")
    parser.add_argument("--path", default="/", help="request path (default /: test_app's JSON echo)")
    parser.add_argument("--only", nargs="+", choices=["backend", "albatross", "haproxy", "nginx"],
                        default=["backend", "albatross", "haproxy", "nginx"])
    parser.add_argument("--no-https", action="store_true")
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS",
                        help="soak mode: Albatross alone for SECONDS (600 = 10 minutes), RSS over time")
    parser.add_argument("--soak-interval", type=int, default=30, help="seconds per soak slice (default 30)")
    parser.add_argument("--no-install", action="store_true", help="fail instead of apt-get installing")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    build_dir = os.path.dirname(os.path.abspath(args.albatross))
    args.test_app = args.test_app or os.path.join(build_dir, "tests", "fixtures", "test_app", "test_app")
    for path in (args.albatross, args.test_app):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} not found: build first (scripts/build.sh)")
    if args.soak:
        args.only = ["albatross"]
    ensure_packages([p for p in ("haproxy", "nginx") if p in args.only] + ["wrk", "openssl"], args.no_install)

    tmp = tempfile.mkdtemp(prefix="albatross-proxy-bench-")
    procs = Processes(tmp)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results, rss, out = {}, {}, {}
    try:
        backend = start_backend(procs, args.test_app)
        ports = {"backend": {"http": backend}}
        albatross = None
        if "albatross" in args.only or args.soak:
            albatross = Albatross(procs, args.albatross, tmp, args.proxy_threads)
            http_port, https_port = albatross.set_up(backend)
            ports["albatross"] = {"http": http_port, "https": https_port}
        key, crt, pem = make_certificate(tmp)
        if "haproxy" in args.only:
            h = start_haproxy(procs, tmp, backend, args.proxy_threads, pem)
            ports["haproxy"] = {"http": h[0], "https": h[1]}
        if "nginx" in args.only:
            n = start_nginx(procs, tmp, backend, args.proxy_threads, crt, key)
            ports["nginx"] = {"http": n[0], "https": n[1]}
        # Each child leads its own process group; CPU is summed over the group.
        pids = {"backend" if name == "test_app" else name: proc.pid for name, proc, _ in procs.procs}
        if albatross:
            rss["before_kib"] = rss_kib(albatross.proc.pid)
        if args.soak:
            out["soak"] = soak(albatross, ports["albatross"], args)
        else:
            protos = ["http"] if args.no_https else ["http", "https"]
            for proto in protos:
                for name in ("backend", "albatross", "haproxy", "nginx"):
                    if name not in args.only or proto not in ports.get(name, {}):
                        continue
                    print(f"wrk {name} {proto} ...", flush=True)
                    pgid = pids[name]
                    before = cpu_seconds(pgid)
                    results[(name, proto)] = run_wrk(f"{proto}://127.0.0.1:{ports[name][proto]}", args)
                    used = cpu_seconds(pgid) - before
                    done = results[(name, proto)].get("requests")
                    results[(name, proto)]["cpu_s"] = used
                    results[(name, proto)]["cpu_us_per_req"] = used * 1e6 / done if done else None
                    if results[(name, proto)]["rps"] is None:
                        print(results[(name, proto)].get("raw", ""))
        if albatross:
            rss["after_kib"] = rss_kib(albatross.proc.pid)
            if albatross.proc.poll() is not None:
                print("Albatross exited during the run:\n" + procs.log_tail("albatross"))
        if not args.soak:
            print_report(results, rss, args)
        else:
            print(f"\nAlbatross RSS: before {rss['before_kib'] / 1024:.1f} MiB, after {rss['after_kib'] / 1024:.1f} MiB")
        if args.json:
            out.update({"results": [dict(target=k[0], proto=k[1], **v) for k, v in results.items()], "rss": rss,
                        "args": vars(args)})
            with open(args.json, "w") as f:
                json.dump(out, f, indent=2)
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
