"""The issue's end-to-end rollout: a service of 2 behind an ALB is updated to a new revision while wrk keeps
requests flowing through the ALB, and a slow request in flight on an old task finishes while that task's target
is draining. wrk must report no socket errors and no non-2xx answers, the slow request gets its whole 200
answer, and the deployment completes (the CLI v2's services-stable waiter agrees). Time scale 0.1 (the shared
server of test_ecs_services): the deregistration delay of 80 s drains for 8 s."""

import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from conftest import wait_until
from test_ecs_services import AWSVPC, account, alb_with_group, ecs, ecs_server, elb, register, stable  # noqa: F401
from test_ecs_tasks import http_get, published_port

DEADLINE = 60.0
SLOW_MS = 5000


def private_ip(task):
    return next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "privateIPv4Address")


def slow_requests_seen(task_arn):
    host_ip, port = published_port(task_arn)
    _, body = http_get(f"http://{host_ip}:{port}/admin/log")
    return sum(1 for entry in json.loads(body) if entry.get("path") == "/slow")


def start_wrk(url, seconds):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write("function delay()\n  return 5\nend\n")  # ms between a connection's requests: steady, not flooding
    script.close()
    proc = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, url],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, script.name


def stop_wrk(proc, script):
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # wrk stops and prints its summary
        out, _ = proc.communicate(timeout=20)
        return out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        os.unlink(script)


def test_rollout_under_wrk_load_with_a_slow_request_draining(ecs_server, ecs, elb, account, test_images):
    started = time.monotonic()
    _, tg, listener = alb_with_group(elb, deregistration_delay=80)
    td1 = register(ecs, test_images, family="wrk", name="v1")
    # min 50 / max 100: an old task is deregistered (and drains) first, so the slow request is surely in flight
    # on a draining target whatever the machine's speed.
    ecs.create_service(serviceName="web", taskDefinition=td1, desiredCount=2, launchType="FARGATE",
                       networkConfiguration=AWSVPC,
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}],
                       deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
    wait_until(lambda: stable(ecs, "web", 2), timeout=DEADLINE, interval=0.2, message="service stable")
    elb.wait_healthy(tg, count=2, timeout=30)
    old_tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
    old_ip = {t["taskArn"]: private_ip(t) for t in old_tasks}

    slow, threads = [], []
    wrk = None
    try:
        # one slow request in flight on each old task (the ALB spreads them; bounded attempts), seen in the test
        # app's request log before wrk floods it

        def send_slow():
            entry = {"start": time.monotonic()}
            slow.append(entry)
            response = listener.http("GET", f"/slow?ms={SLOW_MS}", timeout=30)
            entry.update(status=response.status, body=response.body, end=time.monotonic())

        for _ in range(6):
            thread = threading.Thread(target=send_slow)
            thread.start()
            threads.append(thread)
            try:
                wait_until(lambda: all(slow_requests_seen(arn) > 0 for arn in old_ip), timeout=1, interval=0.1)
                break
            except AssertionError:
                continue
        assert all(slow_requests_seen(arn) > 0 for arn in old_ip), "the slow requests did not reach both old tasks"
        wrk, script = start_wrk(f"http://{listener.address}:{listener.port}/who", 60)

        td2 = register(ecs, test_images, family="wrk", name="v2")
        ecs.update_service(service="web", taskDefinition=td2)
        # an old target drains while the slow request on it is still being answered (none has finished yet)
        def draining_ip():
            states = elb.health(tg)
            return next((ip for ip in old_ip.values() if states.get((ip, 8080), {}).get("State") == "draining"), None)

        wait_until(draining_ip, timeout=SLOW_MS / 1000, interval=0.05, message="an old target draining")
        assert all(thread.is_alive() for thread in threads), "the slow requests ended before the draining began"
        for thread in threads:
            thread.join(timeout=30)
        assert all(entry.get("status") == 200 for entry in slow), slow
        bodies = [json.loads(entry["body"]) for entry in slow]
        assert {b["path"] for b in bodies} == {"/slow"} and {b["name"] for b in bodies} == {"v1"}
        assert all(entry["end"] - entry["start"] >= SLOW_MS / 1000 for entry in slow)

        done = wait_until(lambda: (lambda s: s if s and s["taskDefinition"] == td2 else None)(stable(ecs, "web", 2)),
                          timeout=DEADLINE, interval=0.2, message="rollout complete")
        assert done["deployments"][0]["rolloutState"] == "COMPLETED"
        rc, _, err = ecs_server.aws("ecs", "wait", "services-stable", "--services", "web", account=account, timeout=60)
        assert rc == 0, err
    finally:
        out = stop_wrk(wrk, script) if wrk else ""
        for thread in threads:
            thread.join(timeout=30)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    assert requests > 100, out
    assert "Socket errors" not in out and "Non-2xx" not in out, out
    old = ecs.describe_tasks(tasks=list(old_ip))["tasks"]
    assert {t["lastStatus"] for t in old} == {"STOPPED"} and {t["stopCode"] for t in old} == {"ServiceSchedulerInitiated"}
    ecs.delete_service(service="web", force=True)
    wait_until(lambda: not ecs.list_tasks()["taskArns"], timeout=DEADLINE, message="tasks gone")
    assert time.monotonic() - started < 90
