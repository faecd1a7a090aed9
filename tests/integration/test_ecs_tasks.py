"""ECS tasks as real Docker containers (spec §6.1, §6.2, §6.6): RunTask → RUNNING with the task's private IP,
StopTask with reason (SIGTERM then SIGKILL after stopTimeout), an essential container's exit, container
health checks, dependsOn, awsvpc tasks sharing one network namespace, bridge dynamic host ports, pull
failures, the agent's labels plus this emulator's instance label, reset removing its containers, the CLI v2
waiters. Images are the FROM-scratch test images (tests/fixtures/images)."""

import hashlib
import json
import os
import subprocess
import urllib.request

import botocore.exceptions
import pytest

from conftest import random_account, wait_until

TASK_DEADLINE = 60.0


def docker(*args):
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=60)


def instance_label(srv):
    return hashlib.sha256(os.path.abspath(srv.state_dir).encode()).hexdigest()[:16]


def containers_of(srv):
    out = docker("ps", "-aq", "--filter", f"label=albatross.instance={instance_label(srv)}").stdout.split()
    return out


def server_with_containers(server_factory, **kw):
    """A generator for module fixtures whose server runs containers: afterwards the server must still be up, and
    its reset must leave no container of its own behind."""
    srv = server_factory(**kw)
    yield srv
    assert srv.proc.poll() is None, f"albatross died; log:\n{srv.log()[-6000:]}"
    srv.reset()
    leftover = containers_of(srv)
    if leftover:
        docker("rm", "-f", *leftover)
    assert not leftover, f"reset left containers behind: {leftover}"


@pytest.fixture(scope="module")
def ecs_server(server_factory_session):
    yield from server_with_containers(server_factory_session, time_scale=0.01)


@pytest.fixture
def ecs(ecs_server):
    return ecs_server.client("ecs", account=random_account())


def describe(ecs, arn, cluster="default"):
    return ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]


def wait_status(ecs, arn, status, cluster="default", timeout=TASK_DEADLINE):
    return wait_until(lambda: (lambda t: t if t["lastStatus"] == status else None)(describe(ecs, arn, cluster)),
                      timeout=timeout, interval=0.1, message=f"task {arn} {status}")


def app_task(ecs, images, family="app", network="awsvpc", extra_containers=(), **app_extra):
    app = {"name": "app", "image": images["app"], "essential": True, "stopTimeout": 2,
           "portMappings": [{"containerPort": 8080}],
           "healthCheck": {"command": ["CMD-SHELL", "wget -q -O- http://localhost:8080/health"], "interval": 5,
                           "retries": 3}}
    app.update(app_extra)
    kw = {"family": family, "networkMode": network, "containerDefinitions": [app, *extra_containers]}
    if network == "awsvpc":
        kw.update(requiresCompatibilities=["FARGATE"], cpu="256", memory="512")
    else:
        app["memory"] = 64
        for c in kw["containerDefinitions"][1:]:
            c.setdefault("memory", 32)
    return ecs.register_task_definition(**kw)["taskDefinition"]["taskDefinitionArn"]


AWSVPC = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"], "assignPublicIp": "DISABLED"}}


def run(ecs, task_definition, **kw):
    kw.setdefault("networkConfiguration", AWSVPC)
    return ecs.run_task(taskDefinition=task_definition, **kw)["tasks"][0]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def published_port(task_arn, container_port=8080):
    ids = docker("ps", "-q", "--filter", f"label=com.amazonaws.ecs.task-arn={task_arn}").stdout.split()
    for cid in ids:
        ports = json.loads(docker("inspect", "--format", "{{json .NetworkSettings.Ports}}", cid).stdout) or {}
        bound = ports.get(f"{container_port}/tcp")
        if bound:
            return bound[0]["HostIp"], int(bound[0]["HostPort"])
    return None


def test_run_task_awsvpc_reaches_running_with_private_ip(ecs_server, ecs, test_images):
    td = app_task(ecs, test_images)
    task = run(ecs, td, launchType="FARGATE", startedBy="tester", tags=[{"key": "k", "value": "v"}])
    assert task["lastStatus"] == "PROVISIONING" and task["desiredStatus"] == "RUNNING"
    assert task["launchType"] == "FARGATE" and task["group"] == "family:app" and task["startedBy"] == "tester"
    assert task["attachments"][0]["type"] == "ElasticNetworkInterface"
    running = wait_status(ecs, task["taskArn"], "RUNNING")
    assert running["startedAt"] >= running["createdAt"]
    details = {d["name"]: d["value"] for d in running["attachments"][0]["details"]}
    ip = details["privateIPv4Address"]
    assert running["attachments"][0]["status"] == "ATTACHED"
    container = running["containers"][0]
    assert container["lastStatus"] == "RUNNING" and len(container["runtimeId"]) == 64
    assert container["networkInterfaces"][0]["privateIpv4Address"] == ip
    # published on loopback only
    host_ip, port = published_port(task["taskArn"])
    assert host_ip == "127.0.0.1"
    status, body = wait_until(lambda: http_get(f"http://127.0.0.1:{port}/hello"), timeout=10)
    assert status == 200 and json.loads(body)["path"] == "/hello"
    # the agent's labels plus ours
    cid = container["runtimeId"]
    labels = json.loads(docker("inspect", "--format", "{{json .Config.Labels}}", cid).stdout)
    assert labels["com.amazonaws.ecs.task-arn"] == task["taskArn"]
    assert labels["com.amazonaws.ecs.container-name"] == "app"
    assert labels["com.amazonaws.ecs.task-definition-family"] == "app"
    assert labels["com.amazonaws.ecs.task-definition-version"] == "1"
    assert labels["albatross.instance"] == instance_label(ecs_server)
    # container health check → HEALTHY
    healthy = wait_until(lambda: describe(ecs, task["taskArn"])["healthStatus"] == "HEALTHY", timeout=30,
                         interval=0.1, message="task HEALTHY")
    assert healthy
    assert ecs.list_tasks()["taskArns"] == [task["taskArn"]]
    assert ecs.list_tasks(startedBy="tester", family="app")["taskArns"] == [task["taskArn"]]
    assert ecs.describe_tasks(tasks=[task["taskArn"]], include=["TAGS"])["tasks"][0]["tags"] == [
        {"key": "k", "value": "v"}]

    stopped = ecs.stop_task(task=task["taskArn"], reason="enough")["task"]
    assert stopped["desiredStatus"] == "STOPPED" and stopped["lastStatus"] == "RUNNING"
    assert stopped["stopCode"] == "UserInitiated" and stopped["stoppedReason"] == "enough"
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["stoppedReason"] == "enough" and final["stopCode"] == "UserInitiated"
    assert final["containers"][0]["exitCode"] == 137  # the app ignores SIGTERM as PID 1: killed after stopTimeout
    assert final["stoppedAt"] >= final["executionStoppedAt"] >= final["stoppingAt"]
    assert ecs.list_tasks()["taskArns"] == []
    assert ecs.list_tasks(desiredStatus="STOPPED")["taskArns"] == [task["taskArn"]]
    wait_until(lambda: not docker("ps", "-aq", "--filter", f"id={cid}").stdout.strip(), timeout=10,
               message="container removed")


def test_essential_container_exit_stops_the_task(ecs, test_images):
    td = ecs.register_task_definition(family="crash", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sh", "-c", "exit 3"]}])[
        "taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    assert task["launchType"] == "EC2" and task["containerInstanceArn"].startswith("arn:aws:ecs:us-east-1:")
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["stopCode"] == "EssentialContainerExited"
    assert final["stoppedReason"] == "Essential container in task exited"
    assert final["containers"][0]["exitCode"] == 3


def test_depends_on_and_shared_network_namespace(ecs, test_images):
    # The sidecar starts only once the app is HEALTHY and reaches it on localhost (one network namespace).
    sidecar = {"name": "probe", "image": test_images["busybox"], "essential": False,
               "command": ["sh", "-c", "wget -q -O- http://localhost:8080/from-sidecar"],
               "dependsOn": [{"containerName": "app", "condition": "HEALTHY"}]}
    td = app_task(ecs, test_images, family="pair", extra_containers=[sidecar])
    task = run(ecs, td)
    wait_status(ecs, task["taskArn"], "RUNNING")

    def probe_done():
        probe = [c for c in describe(ecs, task["taskArn"])["containers"] if c["name"] == "probe"][0]
        return probe if probe["lastStatus"] == "STOPPED" else None

    probe = wait_until(probe_done, timeout=TASK_DEADLINE, interval=0.1, message="sidecar finished")
    assert probe["exitCode"] == 0
    # a non-essential container's exit leaves the task running
    assert describe(ecs, task["taskArn"])["lastStatus"] == "RUNNING"
    ecs.stop_task(task=task["taskArn"])
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["stoppedReason"] == "Task stopped by user"


def test_bridge_dynamic_host_port(ecs, test_images):
    td = app_task(ecs, test_images, family="bridge", network="bridge",
                  portMappings=[{"containerPort": 8080, "hostPort": 0}])
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    running = wait_status(ecs, task["taskArn"], "RUNNING")
    binding = running["containers"][0]["networkBindings"][0]
    assert binding["containerPort"] == 8080 and binding["hostPort"] > 0 and binding["bindIP"] == "127.0.0.1"
    status, _ = wait_until(lambda: http_get(f"http://127.0.0.1:{binding['hostPort']}/"), timeout=10)
    assert status == 200
    ecs.stop_task(task=task["taskArn"])
    wait_status(ecs, task["taskArn"], "STOPPED")


def test_pull_failure_stops_with_cannot_pull(ecs):
    td = ecs.register_task_definition(family="nopull", containerDefinitions=[
        {"name": "main", "image": "127.0.0.1:9/absent/image:1", "memory": 32}])["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["stopCode"] == "TaskFailedToStart"
    assert final["stoppedReason"].startswith("CannotPullContainerError:")


def test_run_task_validation(ecs, test_images):
    ecs.create_cluster()  # failed RunTask calls roll back, the default cluster included
    fargate_td = app_task(ecs, test_images, family="v")
    bridge_td = ecs.register_task_definition(family="vb", containerDefinitions=[
        {"name": "m", "image": "i", "memory": 32}])["taskDefinition"]["taskDefinitionArn"]

    def code_message(**kw):
        with pytest.raises(botocore.exceptions.ClientError) as ei:
            ecs.run_task(**kw)
        return ei.value.response["Error"]["Code"], ei.value.response["Error"]["Message"]

    assert code_message(taskDefinition=fargate_td) == (
        "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    assert code_message(taskDefinition=bridge_td, launchType="FARGATE") == (
        "InvalidParameterException", "Task definition does not support launch_type FARGATE.")
    assert code_message(taskDefinition=bridge_td, networkConfiguration=AWSVPC) == (
        "InvalidParameterException", "Network Configuration is not valid for the given networkMode of this task definition.")
    assert code_message(taskDefinition=bridge_td, launchType="EC2",
                        capacityProviderStrategy=[{"capacityProvider": "FARGATE"}])[0] == "InvalidParameterException"
    assert code_message(taskDefinition=bridge_td, count=11)[0] == "InvalidParameterException"
    assert code_message(taskDefinition="nothing") == ("ClientException", "Unable to describe task definition.")
    assert code_message(taskDefinition=bridge_td, cluster="ghost") == ("ClusterNotFoundException", "Cluster not found.")
    assert code_message(taskDefinition=bridge_td, overrides={"containerOverrides": [{"name": "zz"}]}) == (
        "InvalidParameterException", "Override for container named zz is not a container in the TaskDefinition.")
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        ecs.stop_task(task="0123456789abcdef0123456789abcdef")
    assert ei.value.response["Error"]["Message"] == "The referenced task was not found."
    missing = ecs.describe_tasks(tasks=["0123456789abcdef0123456789abcdef"])["failures"][0]
    assert missing["reason"] == "MISSING" and missing["arn"].endswith("task/default/0123456789abcdef0123456789abcdef")


def test_cli_v2_waiters(ecs_server, test_images):
    account = random_account()
    aws = lambda *a: ecs_server.aws_ok(*a, account=account)  # noqa: E731
    c = ecs_server.client("ecs", account=account)
    td = c.register_task_definition(family="w", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "300"],
         "stopTimeout": 1}])["taskDefinition"]["taskDefinitionArn"]
    arn = aws("ecs", "run-task", "--task-definition", td)["tasks"][0]["taskArn"]
    rc, _, err = ecs_server.aws("ecs", "wait", "tasks-running", "--tasks", arn, account=account, timeout=120)
    assert rc == 0, err
    assert describe(c, arn)["lastStatus"] == "RUNNING"
    aws("ecs", "stop-task", "--task", arn)
    rc, _, err = ecs_server.aws("ecs", "wait", "tasks-stopped", "--tasks", arn, account=account, timeout=120)
    assert rc == 0, err
    assert describe(c, arn)["lastStatus"] == "STOPPED"


def test_override_command_and_environment(ecs, test_images):
    td = ecs.register_task_definition(family="ovr", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sh", "-c", "exit 1"],
         "environment": [{"name": "CODE", "value": "4"}]}])["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td, overrides={"containerOverrides": [
        {"name": "main", "command": ["sh", "-c", "exit $CODE"], "environment": [{"name": "CODE", "value": "7"}]}]})[
        "tasks"][0]
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["containers"][0]["exitCode"] == 7


def test_awslogs_streams_container_output(ecs_server, test_images):
    account = random_account()
    ecs = ecs_server.client("ecs", account=account)
    logs = ecs_server.client("logs", account=account)
    logs.create_log_group(logGroupName="/ecs/app")
    td = ecs.register_task_definition(family="logger", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32,
         "command": ["sh", "-c", "echo first line; echo second line >&2; sleep 1"],
         "logConfiguration": {"logDriver": "awslogs", "options": {
             "awslogs-group": "/ecs/app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "pre"}}}])[
        "taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    task_id = task["taskArn"].rsplit("/", 1)[1]
    wait_status(ecs, task["taskArn"], "STOPPED")
    stream = f"pre/main/{task_id}"

    def messages():
        events = logs.get_log_events(logGroupName="/ecs/app", logStreamName=stream, startFromHead=True)["events"]
        return [e["message"] for e in events] if len(events) >= 2 else None

    got = wait_until(messages, timeout=15, interval=0.1, message="log events")
    assert sorted(got) == ["first line", "second line"]  # stdout and stderr are separate streams
    # Fargate needs an execution role for awslogs
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        ecs.register_task_definition(family="nolog", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                     cpu="256", memory="512", containerDefinitions=[
                                         {"name": "m", "image": "i", "logConfiguration": {
                                             "logDriver": "awslogs", "options": {"awslogs-group": "g"}}}])
    assert ei.value.response["Error"]["Message"] == \
        "Fargate requires task definition to have execution role ARN to support log driver awslogs."


def test_start_task_on_the_emulated_container_instance(ecs, test_images):
    ecs.create_cluster(clusterName="ec2")
    [instance] = ecs.list_container_instances(cluster="ec2")["containerInstanceArns"]
    assert instance.startswith("arn:aws:ecs:us-east-1:") and ":container-instance/ec2/" in instance
    td = ecs.register_task_definition(family="st", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "600"],
         "stopTimeout": 1}])["taskDefinition"]["taskDefinitionArn"]
    started = ecs.start_task(cluster="ec2", taskDefinition=td, containerInstances=[instance.rsplit("/", 1)[1]],
                             startedBy="starter")
    assert started["failures"] == []
    task = started["tasks"][0]
    assert task["containerInstanceArn"] == instance and task["launchType"] == "EC2"
    wait_status(ecs, task["taskArn"], "RUNNING", cluster="ec2")
    described = ecs.describe_container_instances(cluster="ec2", containerInstances=[instance])["containerInstances"][0]
    assert described["runningTasksCount"] == 1 and described["status"] == "ACTIVE"
    assert described["ec2InstanceId"].startswith("i-")
    missing = ecs.start_task(cluster="ec2", taskDefinition=td, containerInstances=["nope"])
    assert missing["tasks"] == [] and missing["failures"][0]["reason"] == "MISSING"
    ecs.stop_task(cluster="ec2", task=task["taskArn"])
    wait_status(ecs, task["taskArn"], "STOPPED", cluster="ec2")


def test_propagate_task_definition_tags(ecs, test_images):
    td = ecs.register_task_definition(family="tagged", tags=[{"key": "team", "value": "a"}, {"key": "k", "value": "td"}],
                                      containerDefinitions=[{"name": "main", "image": test_images["busybox"],
                                                             "memory": 32, "command": ["true"], "essential": True}])[
        "taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td, propagateTags="TASK_DEFINITION", tags=[{"key": "k", "value": "own"}],
                        enableECSManagedTags=True)["tasks"][0]
    tags = {t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=task["taskArn"])["tags"]}
    assert tags == {"team": "a", "k": "own", "aws:ecs:clusterName": "default"}
    wait_status(ecs, task["taskArn"], "STOPPED")
