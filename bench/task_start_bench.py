#!/usr/bin/env python3
"""Task start benchmark: ECS RunTask on Albatross vs `docker run` of the same image (a benchmark, not a test).

For --runs rounds, in one run, with the test app image (tests/fixtures/images, built FROM scratch here):
  docker run   : `docker run -d` of the image with a port published on 127.0.0.1, until its port answers HTTP;
  RunTask      : RunTask (awsvpc, Fargate-shaped task definition) until DescribeTasks says RUNNING, and until the
                 task's published port answers HTTP;
  healthy      : a service of 1 behind an ALB target group: CreateService until the target is `healthy` in
                 DescribeTargetHealth (reported with the target group's health-check interval for reference).
Prints medians and the difference to `docker run` (goal from issue 5: RunTask ≤ docker run + 100 ms;
healthy-in-target-group ≤ that + one health interval).

Usage: /usr/bin/python3 bench/task_start_bench.py [--albatross build/albatross] [--runs 5] [--time-scale 1]
Everything it creates (emulator, containers, images, temp dirs) is removed at the end.
"""

import argparse
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures", "images"))
import build_images  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port, path="/", timeout=0.2):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status == 200
    except Exception:  # noqa: BLE001 - polling
        return False


def poll(fn, deadline_s=60, interval=0.002):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError("timed out")


def docker(*args):
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=120)


def bench_docker_run(image):
    name = f"bench-{uuid.uuid4().hex[:8]}"
    t0 = time.monotonic()
    out = docker("run", "-d", "--name", name, "-p", "127.0.0.1::8080", image, "--port", "8080")
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    port = int(docker("port", name, "8080/tcp").stdout.split(":")[-1])
    poll(lambda: answers(port))
    elapsed = time.monotonic() - t0
    docker("rm", "-f", name)
    return elapsed


class Emulator:
    def __init__(self, binary, time_scale):
        self.dir = tempfile.mkdtemp(prefix="albatross-bench-")
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "albatross.log"), "wb")
        self.proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{self.port}", "--state-dir",
                                      os.path.join(self.dir, "state"), "--time-scale", str(time_scale)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        poll(lambda: answers(self.port, "/_albatross/health"), 20)
        import boto3
        session = boto3.session.Session()
        kw = dict(endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                  aws_access_key_id="123456789012", aws_secret_access_key="x")
        self.ecs = session.client("ecs", **kw)
        self.elbv2 = session.client("elbv2", **kw)
        self.ec2 = session.client("ec2", **kw)

    def instance(self):
        return hashlib.sha256(os.path.abspath(os.path.join(self.dir, "state")).encode()).hexdigest()[:16]

    def close(self):
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{self.port}/_albatross/reset",
                                                          method="POST"), timeout=30)
        except Exception:  # noqa: BLE001
            pass
        self.proc.terminate()
        self.proc.wait(timeout=15)
        left = docker("ps", "-aq", "--filter", f"label=albatross.instance={self.instance()}").stdout.split()
        if left:
            docker("rm", "-f", *left)
        subprocess.run(["rm", "-rf", self.dir])


AWSVPC = {"awsvpcConfiguration": {"subnets": ["subnet-0bench"]}}


def published_port(task_arn):
    ids = docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}").stdout.split()
    for cid in ids:
        out = docker("port", cid, "8080/tcp").stdout.strip()
        if out:
            return int(out.splitlines()[0].split(":")[-1])
    return None


def bench_run_task(emu, td):
    t0 = time.monotonic()
    arn = emu.ecs.run_task(taskDefinition=td, launchType="FARGATE", networkConfiguration=AWSVPC)["tasks"][0]["taskArn"]
    poll(lambda: emu.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING")
    running = time.monotonic() - t0
    port = poll(lambda: published_port(arn))
    poll(lambda: answers(port))
    serving = time.monotonic() - t0
    emu.ecs.stop_task(task=arn)
    poll(lambda: emu.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED", 60, 0.05)
    return running, serving


def bench_healthy(emu, td, tg, n):
    t0 = time.monotonic()
    name = f"svc{n}"
    emu.ecs.create_service(serviceName=name, taskDefinition=td, desiredCount=1, launchType="FARGATE",
                           networkConfiguration=AWSVPC,
                           loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])

    def healthy():
        states = [d["TargetHealth"]["State"] for d in
                  emu.elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]]
        return "healthy" in states

    poll(healthy, 120, 0.005)
    elapsed = time.monotonic() - t0
    emu.ecs.delete_service(service=name, force=True)
    poll(lambda: emu.ecs.describe_services(services=[name])["services"][0]["status"] == "INACTIVE", 120, 0.05)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--albatross", default=os.path.join(ROOT, "build", "albatross"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-scale", type=float, default=1.0)
    args = parser.parse_args()
    tag = f"bench{uuid.uuid4().hex[:6]}"
    images = build_images.build_images(tag)
    emu = None
    try:
        emu = Emulator(args.albatross, args.time_scale)
        td = emu.ecs.register_task_definition(
            family="bench", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": images["app"], "stopTimeout": 1,
                                   "portMappings": [{"containerPort": 8080}]}])["taskDefinition"]["taskDefinitionArn"]
        vpc = [v for v in emu.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
        subnets = [s["SubnetId"] for s in emu.ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc][:2]
        lb = emu.elbv2.create_load_balancer(Name="bench", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        interval = 5
        tg = emu.elbv2.create_target_group(Name="bench", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                                           HealthCheckPath="/health", HealthCheckIntervalSeconds=interval,
                                           HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2)[
            "TargetGroups"][0]["TargetGroupArn"]
        emu.elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=free_port(),
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        docker_runs, running, serving, healthy = [], [], [], []
        for n in range(args.runs):
            docker_runs.append(bench_docker_run(images["app"]))
            r, s = bench_run_task(emu, td)
            running.append(r)
            serving.append(s)
            healthy.append(bench_healthy(emu, td, tg, n))
        base = statistics.median(docker_runs)
        print(f"{'measure':<40}{'median ms':>12}{'vs docker run':>16}")
        for label, values in (("docker run -> serving", docker_runs), ("RunTask -> RUNNING", running),
                              ("RunTask -> serving", serving), ("CreateService -> healthy in TG", healthy)):
            median = statistics.median(values)
            print(f"{label:<40}{median * 1000:>12.1f}{(median - base) * 1000:>+16.1f}")
        print(f"(health interval {interval} s x time scale {args.time_scale} = {interval * args.time_scale * 1000:.0f} ms,"
              f" healthy threshold 2)")
    finally:
        if emu:
            emu.close()
        build_images.remove_images(tag)


if __name__ == "__main__":
    main()
