"""`albatross status [--endpoint URL] [--watch] [--json]`: the /_albatross/state picture as a tree in the
terminal, redrawn every second with --watch until Ctrl-C; clear errors when the emulator cannot be reached."""

import json
import os
import signal
import subprocess
import threading
import uuid

from conftest import DEFAULT_BIN, free_port, wait_until
from test_dashboard_support import build_scene, find, state_of
from test_data_plane_support import apps, elb, fixed  # noqa: F401 - fixtures


def binary():
    return os.environ.get("ALBATROSS_BIN", DEFAULT_BIN)


def status(server_or_url, *args, env=None, timeout=30):
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.url
    return subprocess.run([binary(), "status", "--endpoint", url, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def block_of(output, lb_name):
    """The lines of one load balancer's tree (from its heading to the next blank line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"load balancer {lb_name} "))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_status_prints_the_tree(elb, apps):
    scene = build_scene(elb, apps)
    proc = status(elb.server)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stdout  # no colours when stdout is not a terminal
    block = block_of(proc.stdout, scene.lb_name)
    text = "\n".join(block)
    assert block[0].startswith(f"load balancer {scene.lb_name}  application, internet-facing, ")
    assert f"{elb.account} us-east-1" in block[0]
    assert f"{scene.lb['DNSName']} → {scene.listener.own_address}" in block[1]
    assert (f"└─ listener HTTP:{scene.listener.configured_port}  listening on "
            f"{scene.listener.address}:{scene.listener.port}, "
            f"{scene.listener.own_address}:{scene.listener.own_port}") in text
    assert f"├─ rule 10  if path-pattern is /api/*  → forward to {scene.web_tg_name}" in text
    assert f"target group {scene.web_tg_name}  HTTP:80 ip  health check HTTP /health port traffic-port" in text
    assert f"127.0.0.1:{scene.healthy_app.port}  healthy" in text
    sick = next(line for line in block if f"127.0.0.1:{scene.sick_app.port}" in line)
    assert "unhealthy  Target.ResponseCodeMismatch — Health checks failed with these codes: [503]" in sick, sick
    assert "├─ rule 20  if host-header is admin.example.com  → redirect HTTP_301 to HTTPS://" in text
    assert block[-1].endswith('└─ rule default  → fixed-response 503 text/plain "no route"')
    # the target group no load balancer uses
    assert "target groups not used by any load balancer" in proc.stdout
    spare = proc.stdout.split("target groups not used by any load balancer", 1)[1]
    assert f"target group {scene.spare_tg_name}" in spare
    assert f"127.0.0.1:{scene.spare_app.port}  unused  Target.NotInUse" in spare


def test_status_shows_https_certificates(elb):
    zone = f"z{uuid.uuid4().hex[:10]}.example.com"
    cert = elb.certificate(f"shop.{zone}")
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("404"), protocol="HTTPS",
                            Certificates=[{"CertificateArn": cert}])
    policy = elb.elbv2.describe_listeners(ListenerArns=[listener.arn])["Listeners"][0]["SslPolicy"]
    proc = status(elb.server)
    assert proc.returncode == 0, proc.stderr
    block = block_of(proc.stdout, lb["LoadBalancerName"])
    assert block[2].startswith(f"└─ listener HTTPS:{listener.configured_port}  listening on ")
    assert block[3] == f"   certificates shop.{zone} (default) · {policy}"


def test_status_json_is_the_state_document(elb, apps):
    scene = build_scene(elb, apps)
    proc = status(elb.server, "--json")
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert find(printed["load_balancers"], arn=scene.lb["LoadBalancerArn"]) == find(
        state_of(elb.server)["load_balancers"], arn=scene.lb["LoadBalancerArn"])


def test_status_on_an_empty_emulator(make_server):
    proc = status(make_server())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Nothing running yet: no load balancers, target groups or ECS services.\n"


def test_status_endpoint_from_the_environment(make_server):
    srv = make_server()
    env = {k: v for k, v in os.environ.items() if k not in ("ALBATROSS_ENDPOINT", "AWS_ENDPOINT_URL")}
    proc = subprocess.run([binary(), "status"], capture_output=True, text=True, timeout=30,
                          env={**env, "AWS_ENDPOINT_URL": srv.url})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Nothing running yet")


def test_status_watch_redraws_until_ctrl_c(elb, apps):
    scene = build_scene(elb, apps)
    proc = subprocess.Popen([binary(), "status", "--watch", "--endpoint", elb.server.url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    output = []
    reader = threading.Thread(target=lambda: output.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        # Two frames, each with the picture; then a change appears in a later frame.
        wait_until(lambda: "".join(output).count(f"load balancer {scene.lb_name} ") >= 2, timeout=10,
                   interval=0.1, message="two --watch frames")
        scene.sick_app.health_on()
        last_frame = lambda: "".join(output).rsplit("albatross status —", 1)[-1]  # noqa: E731
        wait_until(lambda: f"127.0.0.1:{scene.sick_app.port}  healthy" in last_frame(),
                   timeout=15, interval=0.1, message="the recovered target in a later frame")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        reader.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
    frames = "".join(output).split("\f")
    assert frames[0].startswith(f"albatross status — {elb.server.url} (Ctrl-C to stop)")


def test_status_when_nothing_listens():
    url = f"http://127.0.0.1:{free_port()}"
    proc = status(url)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"albatross status: cannot reach Albatross at {url}: ")
    assert "(is it running? see --endpoint)" in proc.stderr


def test_status_rejects_unknown_arguments(server):
    proc = status(server, "--frobnicate")
    assert proc.returncode == 2
    assert "unknown argument '--frobnicate'" in proc.stderr
    assert "usage: albatross status" in proc.stderr
    proc = subprocess.run([binary(), "status", "--endpoint"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stderr.startswith("albatross status: --endpoint needs a URL\n")


def test_status_help(server):
    proc = status(server, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: albatross status [--endpoint URL] [--watch] [--json]")
