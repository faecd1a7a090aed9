"""ECS across emulator restarts (issue 5, "Restart and faults"): running tasks are re-adopted by their labels
(same containers, still RUNNING, still stoppable), a task whose container vanished while the emulator was
down is marked STOPPED and its service replaces it, a kill -9 restart behaves the same, and reset removes
every container of this emulator instance (and none of another instance sharing the daemon)."""

import pytest

from conftest import random_account, wait_until
from test_ecs_tasks import containers_of, docker, wait_status

DEADLINE = 60.0


@pytest.fixture
def restartable(make_server):
    servers = []

    def make():
        srv = make_server(time_scale=0.1)
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        if srv.proc is not None and srv.proc.poll() is None:
            srv.reset()
        leftover = containers_of(srv)
        if leftover:
            docker("rm", "-f", *leftover)
        assert not leftover, f"containers left behind: {leftover}"


def sleeper(ecs, images, family="sleeper"):
    return ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": "main", "image": images["busybox"], "memory": 32, "command": ["sleep", "600"], "stopTimeout": 1}])[
        "taskDefinition"]["taskDefinitionArn"]


@pytest.mark.parametrize("hard", [False, True], ids=["sigterm", "kill9"])
def test_restart_readopts_running_tasks(restartable, test_images, hard):
    srv = restartable()
    account = random_account()
    ecs = srv.client("ecs", account=account)
    task = ecs.run_task(taskDefinition=sleeper(ecs, test_images))["tasks"][0]
    running = wait_status(ecs, task["taskArn"], "RUNNING")
    runtime_id = running["containers"][0]["runtimeId"]

    srv.restart(hard=hard)
    ecs = srv.client("ecs", account=account)
    again = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert again["lastStatus"] == "RUNNING" and again["containers"][0]["runtimeId"] == runtime_id
    assert docker("inspect", "--format", "{{.State.Running}}", runtime_id).stdout.strip() == "true"
    assert "re-adopted task" in srv.log()
    # still under control: StopTask stops the same container
    ecs.stop_task(task=task["taskArn"])
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["containers"][0]["exitCode"] == 137
    wait_until(lambda: not docker("ps", "-aq", "--filter", f"id={runtime_id}").stdout.strip(), timeout=15,
               message="container removed")


def test_container_gone_while_down_is_stopped_and_replaced(restartable, test_images):
    srv = restartable()
    account = random_account()
    ecs = srv.client("ecs", account=account)
    ecs.create_service(serviceName="keep", taskDefinition=sleeper(ecs, test_images, "kept"), desiredCount=1)
    [arn] = wait_until(lambda: ecs.list_tasks(serviceName="keep")["taskArns"], timeout=DEADLINE, message="task")
    runtime_id = wait_status(ecs, arn, "RUNNING")["containers"][0]["runtimeId"]
    srv.stop()
    docker("rm", "-f", runtime_id)
    srv.start()
    ecs = srv.client("ecs", account=account)
    stopped = wait_status(ecs, arn, "STOPPED", timeout=DEADLINE)
    assert stopped["stopCode"] == "EssentialContainerExited"

    def replacement():
        arns = ecs.list_tasks(serviceName="keep")["taskArns"]
        return arns and arn not in arns and \
            ecs.describe_tasks(tasks=arns)["tasks"][0]["lastStatus"] == "RUNNING"

    wait_until(replacement, timeout=DEADLINE, interval=0.2, message="replacement RUNNING")
    ecs.delete_service(service="keep", force=True)


def test_reset_removes_only_this_instances_containers(restartable, test_images):
    one, two = restartable(), restartable()
    account = random_account()
    for srv in (one, two):
        ecs = srv.client("ecs", account=account)
        task = ecs.run_task(taskDefinition=sleeper(ecs, test_images))["tasks"][0]
        wait_status(ecs, task["taskArn"], "RUNNING")
    assert len(containers_of(one)) == 1 and len(containers_of(two)) == 1
    one.reset()
    assert containers_of(one) == []
    assert len(containers_of(two)) == 1
    ecs = one.client("ecs", account=account)
    assert ecs.list_clusters()["clusterArns"] == []


def test_docker_daemon_unreachable_fails_tasks_clearly(make_server, tmp_path):
    srv = make_server(time_scale=0.1, env={"DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"})
    ecs = srv.client("ecs", account=random_account())
    td = ecs.register_task_definition(family="nodocker", containerDefinitions=[
        {"name": "main", "image": "anything:1", "memory": 32}])["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    final = wait_status(ecs, task["taskArn"], "STOPPED", timeout=30)
    assert final["stopCode"] == "TaskFailedToStart"
    assert final["stoppedReason"].startswith("ResourceInitializationError: unable to reach the Docker daemon")
    assert srv.health()  # the emulator itself keeps answering


def test_services_keep_being_scheduled_after_reset(restartable, test_images):
    """Reset cancels every timer; the service scheduler's periodic tick must come back with it (moto-style test
    suites reset between tests), or deployments would never be seen to finish."""
    srv = restartable()
    account = random_account()
    srv.reset()
    srv.reset()
    ecs = srv.client("ecs", account=account)
    ecs.create_cluster(clusterName="after-reset")
    ecs.create_service(cluster="after-reset", serviceName="web", taskDefinition=sleeper(ecs, test_images),
                       desiredCount=1)

    def steady():
        service = ecs.describe_services(cluster="after-reset", services=["web"])["services"][0]
        return service["runningCount"] == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED" and any(
            "has reached a steady state" in e["message"] for e in service["events"])

    wait_until(steady, timeout=DEADLINE, message="service steady after reset")
    ecs.delete_service(cluster="after-reset", service="web", force=True)
