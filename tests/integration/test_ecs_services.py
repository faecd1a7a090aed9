"""ECS services on real Docker behind an ALB (spec §6.3–§6.5, §6.8): a service of 2 registers its RUNNING
tasks' targets (ip type, awsvpc) into a target group, requests go through the ALB, update-service rolls out
a new revision (old tasks deregistered and drained, then stopped), services-stable with the CLI v2, scale
in/out, stopped tasks replaced, events in AWS's wording, validation errors, delete --force."""

import json
import re

import botocore.exceptions
import pytest

from conftest import random_account, wait_until
from test_data_plane_support import Elb
from test_ecs_tasks import AWSVPC, docker, server_with_containers

DEADLINE = 90.0


@pytest.fixture(scope="module")
def ecs_server(server_factory_session):
    # 0.1: ALB probes every 0.5 s with a 0.2 s timeout, so a container starting under load is not declared
    # unhealthy by a too-short probe timeout.
    yield from server_with_containers(server_factory_session, time_scale=0.1)


@pytest.fixture
def account():
    return random_account()


@pytest.fixture
def ecs(ecs_server, account):
    return ecs_server.client("ecs", account=account)


@pytest.fixture
def elb(ecs_server, account):
    e = Elb(ecs_server, account)
    yield e
    e.cleanup()


def register(ecs, images, family="web", name="v1", health=True):
    app = {"name": "app", "image": images["app"], "stopTimeout": 2, "command": ["--port", "8080", "--name", name],
           "portMappings": [{"containerPort": 8080}]}
    if health:
        app["healthCheck"] = {"command": ["CMD-SHELL", "wget -q -O- http://localhost:8080/health"], "interval": 5}
    return ecs.register_task_definition(family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                        cpu="256", memory="512", containerDefinitions=[app])["taskDefinition"][
        "taskDefinitionArn"]


def service_of(ecs, name, cluster="default"):
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def stable(ecs, name, desired):
    svc = service_of(ecs, name)
    return svc if len(svc["deployments"]) == 1 and svc["runningCount"] == desired and \
        svc["deployments"][0]["rolloutState"] == "COMPLETED" else None


def alb_with_group(elb, deregistration_delay=1):
    lb = elb.alb()
    tg = elb.target_group(port=8080, health_path="/health", HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                          attributes={"deregistration_delay.timeout_seconds": deregistration_delay})
    listener = elb.listener(lb["LoadBalancerArn"], [{"Type": "forward", "TargetGroupArn": tg}])
    return lb, tg, listener


def names_behind(listener, count=20):
    seen = set()
    for _ in range(count):
        response = listener.http("GET", "/who")
        if response.status == 200:
            seen.add(json.loads(response.body)["name"])
    return seen


def test_service_behind_alb_rolls_out_new_revision(ecs_server, ecs, elb, test_images):
    _, tg, listener = alb_with_group(elb)
    td1 = register(ecs, test_images, name="v1")
    svc = ecs.create_service(serviceName="web", taskDefinition=td1, desiredCount=2, launchType="FARGATE",
                             networkConfiguration=AWSVPC,
                             loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}],
                             deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200})["service"]
    assert svc["status"] == "ACTIVE" and svc["desiredCount"] == 2 and svc["launchType"] == "FARGATE"
    assert svc["serviceArn"].endswith(":service/default/web")
    first = svc["deployments"][0]
    assert first["status"] == "PRIMARY" and first["rolloutState"] == "IN_PROGRESS"
    assert re.fullmatch(r"ecs-svc/\d{19}", first["id"])
    assert first["rolloutStateReason"] == f"ECS deployment {first['id']} in progress."

    done = wait_until(lambda: stable(ecs, "web", 2), timeout=DEADLINE, interval=0.2, message="service stable")
    messages = [e["message"] for e in done["events"]]
    assert any(re.fullmatch(r"\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.", m)
               for m in messages), messages
    # 2 targets, in one event or several (a task replaced while starting under load registers its own)
    assert sum(int(m.split()[3]) for m in messages if m.startswith("(service web) registered ") and
               m.endswith(f"in (target-group {tg})")) >= 2, messages
    assert "(service web) has reached a steady state." in messages
    assert done["deployments"][0]["rolloutStateReason"] == f"ECS deployment {first['id']} completed."
    # both tasks are healthy targets and serve through the ALB
    elb.wait_healthy(tg, count=2, timeout=30)
    tasks = ecs.list_tasks(serviceName="web")["taskArns"]
    assert len(tasks) == 2
    described = ecs.describe_tasks(tasks=tasks)["tasks"]
    assert {t["group"] for t in described} == {"service:web"}
    assert {t["startedBy"] for t in described} == {first["id"]}
    ips = {d["value"] for t in described for d in t["attachments"][0]["details"] if d["name"] == "privateIPv4Address"}
    assert set(ip for ip, _ in elb.health(tg)) == ips
    assert names_behind(listener) == {"v1"}

    # roll out v2: new tasks first, then the old ones deregistered, drained and stopped — while a client keeps
    # sending requests through the ALB, none of which may fail
    import threading
    statuses, stop_load = [], threading.Event()

    def load():
        while not stop_load.is_set():
            try:
                statuses.append(listener.http("GET", "/during-rollout", timeout=5).status)
            except Exception as e:  # noqa: BLE001 - a failed request is what this counts
                statuses.append(repr(e))

    loader = threading.Thread(target=load)
    loader.start()
    td2 = register(ecs, test_images, name="v2")
    updated = ecs.update_service(service="web", taskDefinition=td2)["service"]
    assert updated["taskDefinition"] == td2
    assert [d["status"] for d in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
    done = wait_until(lambda: (lambda s: s if s and s["taskDefinition"] == td2 else None)(stable(ecs, "web", 2)),
                      timeout=DEADLINE, interval=0.2, message="rollout complete")
    stop_load.set()
    loader.join(timeout=10)
    assert len(statuses) > 20 and set(statuses) == {200}, [s for s in statuses if s != 200][:5]
    messages = [e["message"] for e in done["events"]]
    assert any(m.startswith("(service web) deregistered") for m in messages), messages
    assert any(re.match(r"\(service web, taskSet ecs-svc/\d{19}\) has begun draining connections on \d+ tasks\.", m)
               for m in messages), messages
    assert any(m.startswith("(service web) has stopped") for m in messages), messages
    assert names_behind(listener) == {"v2"}
    old = ecs.describe_tasks(tasks=tasks)["tasks"]
    assert {t["lastStatus"] for t in old} == {"STOPPED"}
    assert {t["stopCode"] for t in old} == {"ServiceSchedulerInitiated"}
    assert all(t["stoppedReason"] == f"Scaling activity initiated by (deployment {updated['deployments'][0]['id']})"
               for t in old)

    # delete needs force while scaled above 0
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        ecs.delete_service(service="web")
    assert ei.value.response["Error"]["Message"] == "The service cannot be stopped while it is scaled above 0."
    assert ecs.delete_service(service="web", force=True)["service"]["status"] == "DRAINING"
    wait_until(lambda: service_of(ecs, "web")["status"] == "INACTIVE", timeout=DEADLINE, interval=0.2,
               message="service INACTIVE")
    assert ecs.list_services()["serviceArns"] == []
    wait_until(lambda: not ecs.list_tasks()["taskArns"], timeout=DEADLINE, message="tasks gone")


def test_service_without_load_balancer_keeps_desired_count(ecs_server, ecs, account, test_images):
    td = ecs.register_task_definition(family="worker", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "600"],
         "stopTimeout": 1}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_cluster(clusterName="jobs")
    ecs.create_service(cluster="jobs", serviceName="w", taskDefinition=td, desiredCount=1)
    rc, _, err = ecs_server.aws("ecs", "wait", "services-stable", "--cluster", "jobs", "--services", "w",
                                account=account, timeout=300)
    assert rc == 0, err
    svc = ecs.describe_services(cluster="jobs", services=["w"])["services"][0]
    assert svc["runningCount"] == 1 and svc["pendingCount"] == 0
    # a stopped task is replaced
    [task] = ecs.list_tasks(cluster="jobs", serviceName="w")["taskArns"]
    ecs.stop_task(cluster="jobs", task=task)

    def replaced():
        arns = ecs.list_tasks(cluster="jobs", serviceName="w")["taskArns"]
        return arns and task not in arns and ecs.describe_tasks(cluster="jobs", tasks=arns)["tasks"][0][
            "lastStatus"] == "RUNNING"

    wait_until(replaced, timeout=DEADLINE, interval=0.2, message="replacement running")
    # scale out and in (changing desiredCount creates no deployment)
    out = ecs.update_service(cluster="jobs", service="w", desiredCount=3)["service"]
    assert len(out["deployments"]) == 1
    wait_until(lambda: len(ecs.list_tasks(cluster="jobs", serviceName="w")["taskArns"]) == 3, timeout=DEADLINE,
               interval=0.2, message="3 tasks")
    ecs.update_service(cluster="jobs", service="w", desiredCount=1)
    wait_until(lambda: len(ecs.list_tasks(cluster="jobs", serviceName="w")["taskArns"]) == 1, timeout=DEADLINE,
               interval=0.2, message="back to 1 task")
    cluster = ecs.describe_clusters(clusters=["jobs"])["clusters"][0]
    assert cluster["activeServicesCount"] == 1
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        ecs.delete_cluster(cluster="jobs")
    assert ei.value.response["Error"]["Code"] == "ClusterContainsServicesException"
    ecs.delete_service(cluster="jobs", service="w", force=True)
    wait_until(lambda: not ecs.list_tasks(cluster="jobs")["taskArns"], timeout=DEADLINE, message="tasks gone")


def test_service_validation(ecs, elb, test_images):
    td = register(ecs, test_images)
    ecs.create_cluster()

    def error(**kw):
        with pytest.raises(botocore.exceptions.ClientError) as ei:
            ecs.create_service(**kw)
        return ei.value.response["Error"]["Code"], ei.value.response["Error"]["Message"]

    base = dict(serviceName="s", taskDefinition=td, desiredCount=1, networkConfiguration=AWSVPC)
    assert error(**{**base, "networkConfiguration": None} if False else {k: v for k, v in base.items()
                                                                          if k != "networkConfiguration"}) == (
        "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    assert error(**base, loadBalancers=[{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1",
                                         "containerName": "nope", "containerPort": 8080}]) == (
        "InvalidParameterException", "The container nope does not exist in the task definition.")
    assert error(**base, healthCheckGracePeriodSeconds=10) == (
        "InvalidParameterException", "Health check grace period is only valid for services configured to use load balancers")
    lonely = elb.target_group(port=8080)
    code, message = error(**base, loadBalancers=[{"targetGroupArn": lonely, "containerName": "app",
                                                  "containerPort": 8080}])
    assert message == f"The target group with targetGroupArn {lonely} does not have an associated load balancer."
    assert error(**base, cluster="ghost") == ("ClusterNotFoundException", "Cluster not found.")
    ecs.create_service(**base)
    assert error(**base) == ("InvalidParameterException", "Creation of service was not idempotent.")
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        ecs.update_service(service="missing", desiredCount=1)
    assert ei.value.response["Error"]["Code"] == "ServiceNotFoundException"
    missing = ecs.describe_services(services=["missing"])["failures"][0]
    assert missing["reason"] == "MISSING" and missing["arn"].endswith(":service/missing")
    ecs.delete_service(service="s", force=True)


def test_task_failing_elb_health_checks_is_replaced(ecs_server, ecs, elb, test_images):
    _, tg, listener = alb_with_group(elb)
    td = register(ecs, test_images, family="flaky", health=False)
    ecs.create_service(serviceName="flaky", taskDefinition=td, desiredCount=1, launchType="FARGATE",
                       networkConfiguration=AWSVPC,
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])
    wait_until(lambda: stable(ecs, "flaky", 1), timeout=DEADLINE, interval=0.2, message="service stable")
    [arn] = ecs.list_tasks(serviceName="flaky")["taskArns"]
    task_id = arn.rsplit("/", 1)[1]
    # the app's health endpoint starts answering 503: the ALB marks the target unhealthy, ECS replaces the task
    port = int(docker("port", docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={arn}").stdout.split()[0],
                      "8080/tcp").stdout.split(":")[-1])
    import urllib.request
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/admin/health/off", method="POST"),
                           timeout=5).read()
    stopped = wait_until(lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(
        ecs.describe_tasks(tasks=[arn])["tasks"][0]), timeout=DEADLINE, interval=0.2, message="unhealthy task stopped")
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert stopped["stoppedReason"] == f"Task failed ELB health checks in (target-group {tg})"
    svc = wait_until(lambda: stable(ecs, "flaky", 1), timeout=DEADLINE, interval=0.2, message="replacement stable")
    messages = [e["message"] for e in svc["events"]]
    assert any(m.startswith(f"(service flaky) (task {task_id}) (port 8080) is unhealthy in (target-group {tg}) due to")
               for m in messages), messages
    assert any("Amazon ECS replaced 1 tasks due to an unhealthy status." in m for m in messages), messages
    assert ecs.list_tasks(serviceName="flaky")["taskArns"] != [arn]
    ecs.delete_service(service="flaky", force=True)


def test_circuit_breaker_rolls_back_a_crashing_revision(ecs_server, ecs, test_images):
    good = ecs.register_task_definition(family="cb", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "600"],
         "stopTimeout": 1}])["taskDefinition"]["taskDefinitionArn"]
    bad = ecs.register_task_definition(family="cb", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sh", "-c", "exit 1"]}])[
        "taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(serviceName="cb", taskDefinition=good, desiredCount=1,
                       deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    wait_until(lambda: stable(ecs, "cb", 1), timeout=DEADLINE, interval=0.2, message="first deployment")
    failing = ecs.update_service(service="cb", taskDefinition=bad)["service"]["deployments"][0]["id"]

    def rolled_back():
        svc = stable(ecs, "cb", 1)
        return svc if svc and svc["taskDefinition"] == good else None

    svc = wait_until(rolled_back, timeout=DEADLINE * 2, interval=0.2, message="rolled back")
    messages = [e["message"] for e in svc["events"]]
    assert f"(service cb) (deployment {failing}) deployment failed: tasks failed to start." in messages, messages
    assert any(m.startswith("(service cb) rolling back to deployment ecs-svc/") for m in messages), messages
    ecs.delete_service(service="cb", force=True)
