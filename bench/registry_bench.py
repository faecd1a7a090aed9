#!/usr/bin/env python3
"""Registry benchmark: docker push/pull of a ~100 MB image through Albatross's ECR registry vs Debian's
docker-registry (the reference distribution registry), in the same run (a benchmark, not a test).

For each of --runs rounds: build a fresh image FROM scratch (busybox plus --layers random, incompressible files,
--size-mb in total, so nothing is cached between rounds), push it to both registries, remove it locally, pull it
back from each (removing it between pulls). Prints per-round wall times, medians, MB/s, the ratios
albatross/docker-registry and Albatross's peak RSS (the registry streams; it should not grow with the image).

docker-registry runs as an unprivileged user (nobody) on a temp port with a temp filesystem store and no auth;
Albatross runs with --registry-listen 127.0.0.1:0 and a temp state dir, and docker logs in with
`get-login-password` (a private DOCKER_CONFIG, never ~/.docker). Every process, image and temp dir is removed.

Usage: /usr/bin/python3 bench/registry_bench.py [--albatross build/albatross] [--size-mb 100] [--layers 4] [--runs 3]
Needs: docker (daemon running), Debian's docker-registry package (apt-get install docker-registry), boto3.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=20.0, ok=(200, 401)):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status in ok:
                    return
        except urllib.error.HTTPError as e:
            if e.code in ok:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} not ready within {timeout}s")


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Docker:
    def __init__(self, workdir):
        self.env = {**os.environ, "DOCKER_CONFIG": os.path.join(workdir, "docker-config"), "DOCKER_BUILDKIT": "0"}
        self.references = set()

    def run(self, *args, input=None, check=True):
        proc = subprocess.run(["docker", *args], capture_output=True, text=True, input=input, env=self.env, timeout=900)
        if check and proc.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def timed(self, *args):
        started = time.monotonic()
        self.run(*args)
        return time.monotonic() - started

    def rmi(self, *refs):
        self.run("rmi", "-f", *refs, check=False)

    def cleanup(self):
        if self.references:
            self.rmi(*sorted(self.references))


def build_image(docker, workdir, reference, size_mb, layers):
    context = os.path.join(workdir, "context")
    shutil.rmtree(context, ignore_errors=True)
    os.makedirs(context)
    shutil.copy("/bin/busybox", os.path.join(context, "busybox"))
    lines = ["FROM scratch", "LABEL albatross.bench=registry", "COPY busybox /bin/busybox"]
    per_layer = size_mb * 1024 * 1024 // layers
    for i in range(layers):
        with open(os.path.join(context, f"blob{i}"), "wb") as f:
            f.write(os.urandom(per_layer))
        lines.append(f"COPY blob{i} /data/blob{i}")
    with open(os.path.join(context, "Dockerfile"), "w") as f:
        f.write("\n".join(lines) + "\n")
    docker.references.add(reference)
    docker.run("build", "-q", "-t", reference, context)
    shutil.rmtree(context, ignore_errors=True)


class Albatross:
    def __init__(self, binary, workdir):
        self.api_port = free_port()
        self.workdir = workdir
        log = open(os.path.join(workdir, "albatross.log"), "wb")
        self.proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{self.api_port}", "--state-dir",
                                      os.path.join(workdir, "albatross-state"), "--registry-listen", "127.0.0.1:0",
                                      "--log-level", "warn"], stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_http(f"http://127.0.0.1:{self.api_port}/_albatross/health")
        with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/_albatross/registry") as resp:
            self.host = json.load(resp)["host"]
        import boto3
        self.ecr = boto3.client("ecr", endpoint_url=f"http://127.0.0.1:{self.api_port}", region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key="test")

    def login(self, docker):
        password = self.ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        import base64
        password = base64.b64decode(password).decode().split(":", 1)[1]
        docker.run("login", "--username", "AWS", "--password-stdin", self.host, input=password)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class DockerRegistry:
    def __init__(self, workdir):
        port = free_port()
        self.host = f"localhost:{port}"
        store = os.path.join(workdir, "distribution")
        os.makedirs(store)
        os.chmod(workdir, 0o755)
        shutil.chown(store, "nobody", "nogroup")
        config = os.path.join(workdir, "registry.yml")
        with open(config, "w") as f:
            f.write("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                    f"    rootdirectory: {store}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n")
        os.chmod(config, 0o644)
        log = open(os.path.join(workdir, "docker-registry.log"), "wb")
        command = ["/usr/bin/docker-registry", "serve", config]
        if os.geteuid() == 0:  # never run it as root
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_http(f"http://127.0.0.1:{port}/v2/")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--albatross", default=os.environ.get("ALBATROSS_BIN", os.path.join(REPO, "build", "albatross")))
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not shutil.which("docker-registry") and not os.path.exists("/usr/bin/docker-registry"):
        sys.exit("docker-registry not installed: apt-get install docker-registry")

    workdir = tempfile.mkdtemp(prefix="albatross-registry-bench-")
    os.chmod(workdir, 0o755)
    docker = Docker(workdir)
    albatross = reference_registry = None
    results = {"albatross": {"push": [], "pull": []}, "docker-registry": {"push": [], "pull": []}}
    try:
        albatross = Albatross(args.albatross, workdir)
        reference_registry = DockerRegistry(os.path.join(workdir, "ref"))
        albatross.login(docker)
        for run in range(args.runs):
            name = f"bench-{uuid.uuid4().hex[:8]}"
            albatross.ecr.create_repository(repositoryName=name)
            local = f"albatross-bench/{name}:v1"
            build_image(docker, workdir, local, args.size_mb, args.layers)
            targets = {"albatross": f"{albatross.host}/{name}:v1", "docker-registry": f"{reference_registry.host}/{name}:v1"}
            order = list(targets) if run % 2 == 0 else list(reversed(targets))
            for which in order:
                docker.references.add(targets[which])
                docker.run("tag", local, targets[which])
                results[which]["push"].append(docker.timed("push", targets[which]))
            docker.rmi(local, *targets.values())
            for which in order:
                results[which]["pull"].append(docker.timed("pull", targets[which]))
                docker.rmi(targets[which])
            print(f"run {run + 1}: " + ", ".join(f"{w} push {results[w]['push'][-1]:.2f}s pull {results[w]['pull'][-1]:.2f}s"
                                                 for w in targets), flush=True)
        rss = peak_rss_mb(albatross.proc.pid)
    finally:
        docker.cleanup()
        for process in (albatross, reference_registry):
            if process:
                process.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{args.size_mb} MB image in {args.layers} random layers + busybox, {args.runs} runs (median):")
    print(f"{'registry':<16} {'push s':>8} {'push MB/s':>10} {'pull s':>8} {'pull MB/s':>10}")
    summary = {}
    for which, times in results.items():
        push, pull = statistics.median(times["push"]), statistics.median(times["pull"])
        summary[which] = {"push_s": push, "pull_s": pull, "push_runs": times["push"], "pull_runs": times["pull"]}
        print(f"{which:<16} {push:>8.2f} {args.size_mb / push:>10.1f} {pull:>8.2f} {args.size_mb / pull:>10.1f}")
    push_ratio = summary["albatross"]["push_s"] / summary["docker-registry"]["push_s"]
    pull_ratio = summary["albatross"]["pull_s"] / summary["docker-registry"]["pull_s"]
    print(f"ratio albatross/docker-registry (time, lower is better): push {push_ratio:.2f}, pull {pull_ratio:.2f}")
    print(f"albatross peak RSS over the whole run: {rss:.0f} MB")
    summary.update(push_ratio=push_ratio, pull_ratio=pull_ratio, albatross_peak_rss_mb=rss, size_mb=args.size_mb,
                   layers=args.layers, runs=args.runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
