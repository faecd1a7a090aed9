"""/_albatross/state and `albatross status` with ECS: a service of 2 awsvpc tasks behind an ALB (real Docker
containers) shows each target's task and container, the service with its deployment and events, and, during a
rollout, two deployments. Skipped until ECS (services/ecs, test_ecs_services.py) is part of the build."""

import os
import subprocess

import pytest

from conftest import DEFAULT_BIN, wait_until
from test_dashboard_support import find, state_of

ecs_services = pytest.importorskip("test_ecs_services",
                                   reason="ECS is not merged yet (tests/integration/test_ecs_services.py)")
AWSVPC = ecs_services.AWSVPC
alb_with_group, register, stable = ecs_services.alb_with_group, ecs_services.register, ecs_services.stable
account, ecs, ecs_server, elb = ecs_services.account, ecs_services.ecs, ecs_services.ecs_server, ecs_services.elb

DEADLINE = ecs_services.DEADLINE


def service_entry(server, account_id, name):
    for service in state_of(server)["ecs_services"]:
        if service["name"] == name and f":{account_id}:" in service["arn"]:
            return service
    return None


def test_targets_show_their_ecs_task_and_the_service_its_deployments(ecs_server, ecs, elb, test_images):
    lb, tg, listener = alb_with_group(elb)
    td1 = register(ecs, test_images, name="v1")
    ecs.create_service(serviceName="dash", taskDefinition=td1, desiredCount=2, launchType="FARGATE",
                       networkConfiguration=AWSVPC,
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])
    try:
        wait_until(lambda: stable(ecs, "dash", 2), timeout=DEADLINE, interval=0.2, message="service stable")
        elb.wait_healthy(tg, count=2, timeout=30)
        tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="dash")["taskArns"])["tasks"]
        ip_to_task = {d["value"]: t for t in tasks for d in t["attachments"][0]["details"]
                      if d["name"] == "privateIPv4Address"}

        state = state_of(ecs_server)
        group = find(state["target_groups"], arn=tg)
        assert len(group["targets"]) == 2
        for target in group["targets"]:
            task = ip_to_task[target["id"]]
            assert target["state"] == "healthy"
            assert target["task"]["arn"] == task["taskArn"]
            assert target["task"]["service"] == "dash"
            assert target["task"]["last_status"] == "RUNNING"
            assert target["task"]["container"]["name"] == "app"
            assert target["task"]["container"]["last_status"] == "RUNNING"

        service = service_entry(ecs_server, elb.account, "dash")
        assert (service["status"], service["desired_count"], service["running_count"]) == ("ACTIVE", 2, 2)
        (deployment,) = service["deployments"]
        assert (deployment["status"], deployment["rollout_state"], deployment["running_count"]) == (
            "PRIMARY", "COMPLETED", 2)
        assert service["events"][0]["message"] == "(service dash) has reached a steady state."
        assert {t["arn"] for t in service["tasks"]} == {t["taskArn"] for t in tasks}

        out = subprocess.run([os.environ.get("ALBATROSS_BIN", DEFAULT_BIN), "status", "--endpoint", ecs_server.url],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert "ECS service dash  cluster default, ACTIVE, 2/2 running, 0 pending" in out.stdout
        for task in tasks:
            assert f"task {task['taskArn'].rsplit('/', 1)[1][:12]} RUNNING  service dash" in out.stdout

        # A rollout in progress shows two deployments.
        td2 = register(ecs, test_images, name="v2")
        ecs.update_service(service="dash", taskDefinition=td2)
        rolling = wait_until(lambda: (lambda s: s if s and len(s["deployments"]) == 2 else None)(
            service_entry(ecs_server, elb.account, "dash")), timeout=DEADLINE, interval=0.1,
            message="two deployments in /state")
        assert [d["status"] for d in rolling["deployments"]] == ["PRIMARY", "ACTIVE"]
        assert rolling["deployments"][0]["rollout_state"] == "IN_PROGRESS"
        wait_until(lambda: (lambda s: s if s and s["taskDefinition"] == td2 else None)(stable(ecs, "dash", 2)),
                   timeout=DEADLINE, interval=0.2, message="rollout complete")
    finally:
        ecs.update_service(service="dash", desiredCount=0)
        ecs.delete_service(service="dash", force=True)
        wait_until(lambda: not ecs.list_tasks(serviceName="dash")["taskArns"], timeout=DEADLINE, interval=0.2,
                   message="tasks gone")
