"""The walkthroughs in examples/ run end to end, each against a fresh server (time scale 0.01), with real
containers and the stock aws CLI v2. Each script gets the endpoint through ALBATROSS_ENDPOINT and a random
account as its access key, so the clean-up check can look at exactly what the script created."""

import os
import re
import subprocess

import pytest

from conftest import REPO, random_account
from test_data_plane_support import app_binary

EXAMPLES = os.path.join(REPO, "examples")
SCRIPT_DEADLINE = 900  # seconds: a hung example fails the test instead of hanging CI


def run_example(server, name, tmp_path, **extra_env):
    account = random_account()
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "ALBATROSS_ENDPOINT": server.url,
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "test",
        "TEST_APP": app_binary(),
        **extra_env,
    }
    if os.environ.get("DOCKER_HOST"):
        env["DOCKER_HOST"] = os.environ["DOCKER_HOST"]
    proc = subprocess.run(["bash", os.path.join(EXAMPLES, name)], capture_output=True, text=True, env=env,
                          timeout=SCRIPT_DEADLINE, cwd=str(tmp_path))
    return proc, account


def describe(proc):
    return f"rc={proc.returncode}\n--- stdout\n{proc.stdout[-6000:]}\n--- stderr\n{proc.stderr[-3000:]}"


def assert_cleaned_up(server, account, proc):
    assert "clean-up step failed" not in proc.stderr, describe(proc)
    elbv2 = server.client("elbv2", account=account)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert elbv2.describe_target_groups()["TargetGroups"] == []
    groups = server.client("ec2", account=account).describe_security_groups()["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    assert server.client("acm", account=account).list_certificates()["CertificateSummaryList"] == []
    ecs = server.client("ecs", account=account)
    clusters = ecs.list_clusters()["clusterArns"]  # deleted clusters may stay listed a while, as INACTIVE
    if clusters:
        assert {c["status"] for c in ecs.describe_clusters(clusters=clusters)["clusters"]} == {"INACTIVE"}
    assert ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"] == []


@pytest.fixture
def fresh(make_server):
    # Security groups filter traffic, as on AWS: each walkthrough makes the groups it needs.
    return make_server(time_scale=0.01, security_groups=True)


def test_example_01_many_sites_one_alb(fresh, tmp_path):
    proc, account = run_example(fresh, "01-many-sites-one-alb.sh", tmp_path)
    assert proc.returncode == 0, describe(proc)
    out = proc.stdout
    assert re.search(r'https://shop\.example\.com/hello -> 200 \{"name":"site-a"', out), out
    assert re.search(r'https://blog\.example\.org/hello -> 200 \{"name":"site-b"', out), out
    assert "https://www.blog.example.org/hello -> 503 No such site" in out
    assert "http://shop.example.com/hello?x=1 -> 301 https://shop.example.com:443/hello?x=1" in out
    assert "is ISSUED" in out and "both targets healthy" in out
    assert_cleaned_up(fresh, account, proc)


def test_example_02_production_ecr_service(fresh, tmp_path):
    proc, account = run_example(fresh, "02-production-ecr-service.sh", tmp_path)
    assert proc.returncode == 0, describe(proc)
    out = proc.stdout
    assert re.search(r"\|\s+2\s+\|\s+0\s+\|\s+2\s+\|\s+ACTIVE\s+\|", out), out  # desired, pending, running
    assert len(re.findall(r"\|\s+healthy\s+\|", out)) == 2, out
    assert len(re.findall(r"localhost:\d+/prod-web:v1 \|\s+RUNNING", out)) == 2, out  # the ECR image runs
    answered = re.findall(r"request \d answered by task container (\S+)", out)
    assert len(answered) == 6 and len(set(answered)) == 2, out  # round robin over both tasks
    assert_cleaned_up(fresh, account, proc)
    assert server_repositories(fresh, account) == []
    leftovers = subprocess.run(["docker", "images", "-q", "--filter", "reference=*/prod-web"], capture_output=True,
                               text=True, timeout=60).stdout.split()
    assert leftovers == []


def server_repositories(server, account):
    return server.client("ecr", account=account).describe_repositories()["repositories"]


def test_example_03_call_service_by_hostname(fresh, tmp_path):
    proc, account = run_example(fresh, "03-call-service-by-hostname.sh", tmp_path)
    assert proc.returncode == 0, describe(proc)
    out = proc.stdout
    assert "distinct service A tasks that answered: 2" in out
    assert re.search(r'"name":"a-[0-9a-f]{12}"', out), out
    assert "service-z: HTTP/1.1 503" in out  # the wrong name lands in the empty default group
    assert_cleaned_up(fresh, account, proc)
    assert fresh.client("logs", account=account).describe_log_groups()["logGroups"] == []


def test_example_04_add_load_balancer_to_ecs(fresh, tmp_path):
    proc, account = run_example(fresh, "04-add-load-balancer-to-ecs.sh", tmp_path, SCALE_IN_DEADLINE="60")
    out = proc.stdout
    # The lab proper: the service gets its load balancer, serves through it, scales to 3 behind it.
    assert "the service's task is registered and healthy" in out, describe(proc)
    assert re.search(r"GET / -> room-[0-9a-f]{12}", out), describe(proc)
    assert re.search(r"\|\s+3\s+\|\s+0\s+\|\s+3\s+\|", out), describe(proc)
    served = re.findall(r"request \d -> (room-\S+)", out)
    assert len(served) == 6 and len(set(served)) == 3, describe(proc)
    assert "Creating the ECS service-linked role" in out
    assert "arn:aws:iam::" in out and "role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" in out
    assert re.search(r"policyName/cpu-scaling-policy", out), describe(proc)
    # The idle service (3 tasks far under 70 % CPU) is scaled in to the minimum by the target tracking policy.
    assert proc.returncode == 0, describe(proc)
    assert "Setting desired count to 1." in out, describe(proc)
    assert_cleaned_up(fresh, account, proc)
