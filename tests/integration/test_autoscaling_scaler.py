"""Application Auto Scaling really scales ECS services (target tracking), with real containers and a real ALB:
ALBRequestCountPerTarget from the load balancer's request counts (scale out under load, back in when it stops),
ECSServiceAverageCPUUtilization / MemoryUtilization from the containers' Docker stats, and RegisterScalableTarget moving the
desired count into [min, max]. Each scaling shows up in DescribeScalingActivities in AWS's wording.

Time scale 0.02: one datapoint every 1.2 s (AWS: 1 min), scale-out after 3 datapoints above the target,
scale-in after 15 below 90 % of it, 300 s cooldowns → 6 s."""

import re
import threading
import time

import pytest

from conftest import random_account, wait_until
from test_data_plane_support import Elb
from test_ecs_tasks import AWSVPC, server_with_containers

TIME_SCALE = 0.02
DEADLINE = 90.0
DIMENSION = "ecs:service:DesiredCount"
ALARM_CAUSE = (r"monitor alarm TargetTracking-service/default/{service}-Alarm{kind}-[0-9a-f-]{{36}} in state ALARM "
               r"triggered policy {policy}")


@pytest.fixture(scope="module")
def scaler_server(server_factory_session):
    yield from server_with_containers(server_factory_session, time_scale=TIME_SCALE)


@pytest.fixture
def account():
    return random_account()


@pytest.fixture
def ecs(scaler_server, account):
    client = scaler_server.client("ecs", account=account)
    yield client
    for arn in client.list_services()["serviceArns"]:
        client.delete_service(service=arn, force=True)


@pytest.fixture
def scaling(scaler_server, account):
    client = scaler_server.client("application-autoscaling", account=account)
    yield client
    for target in client.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]:
        client.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=target["ResourceId"],
                                          ScalableDimension=DIMENSION)


@pytest.fixture
def elb(scaler_server, account):
    e = Elb(scaler_server, account)
    yield e
    e.cleanup()


def service_of(ecs, name):
    return ecs.describe_services(services=[name])["services"][0]


def settled(ecs, name, count):
    """The service's desired count is `count` and that many tasks run."""
    svc = service_of(ecs, name)
    return svc if svc["desiredCount"] == count and svc["runningCount"] == count else None


def activities(scaling, service):
    return scaling.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=f"service/default/{service}",
                                               ScalableDimension=DIMENSION)["ScalingActivities"]


def register_target(scaling, service, low, high, **kw):
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=f"service/default/{service}",
                                     ScalableDimension=DIMENSION, MinCapacity=low, MaxCapacity=high, **kw)


def tracking_policy(scaling, service, name, metric, target, label=None, **config):
    spec = {"PredefinedMetricType": metric}
    if label:
        spec["ResourceLabel"] = label
    return scaling.put_scaling_policy(
        PolicyName=name, ServiceNamespace="ecs", ResourceId=f"service/default/{service}", ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": target, "PredefinedMetricSpecification": spec, **config})


def resource_label(lb_arn, tg_arn):
    return lb_arn.split(":loadbalancer/")[1] + "/" + tg_arn.split(":")[-1]


def test_request_count_per_target_scales_out_under_load_and_back_in(ecs, scaling, elb, test_images):
    lb = elb.alb()
    tg = elb.target_group(port=8080, health_path="/health", HealthCheckIntervalSeconds=30,
                          HealthCheckTimeoutSeconds=10, HealthyThresholdCount=2,
                          attributes={"deregistration_delay.timeout_seconds": 1})
    listener = elb.listener(lb["LoadBalancerArn"], [{"Type": "forward", "TargetGroupArn": tg}])
    app = {"name": "app", "image": test_images["app"], "stopTimeout": 2, "command": ["--port", "8080", "--name", "web"],
           "portMappings": [{"containerPort": 8080}]}
    td = ecs.register_task_definition(family="scaled-web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                      cpu="256", memory="512", containerDefinitions=[app])["taskDefinition"]
    ecs.create_service(serviceName="web", taskDefinition=td["taskDefinitionArn"], desiredCount=1,
                       launchType="FARGATE", networkConfiguration=AWSVPC,
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])
    wait_until(lambda: settled(ecs, "web", 1), timeout=DEADLINE, interval=0.2, message="first task running")
    elb.wait_healthy(tg, count=1, timeout=30)

    register_target(scaling, "web", 1, 3)
    policy = tracking_policy(scaling, "web", "requests", "ALBRequestCountPerTarget", 20.0,
                             label=resource_label(lb["LoadBalancerArn"], tg))
    described = scaling.describe_scaling_policies(ServiceNamespace="ecs", PolicyNames=["requests"])["ScalingPolicies"][0]
    assert [a["AlarmName"] for a in described["Alarms"]] == [a["AlarmName"] for a in policy["Alarms"]]
    assert activities(scaling, "web") == []

    # Load through the ALB: far more than 20 requests per target per (scaled) minute.
    statuses, stop_load = [], threading.Event()

    def load():
        deadline = time.monotonic() + DEADLINE
        while not stop_load.is_set() and time.monotonic() < deadline:
            try:
                statuses.append(listener.http("GET", "/load", timeout=5).status)
            except Exception as e:  # noqa: BLE001 - counted, not fatal: the check is on the scaling
                statuses.append(repr(e))

    loader = threading.Thread(target=load)
    started = time.monotonic()
    loader.start()
    try:
        wait_until(lambda: service_of(ecs, "web")["desiredCount"] == 3, timeout=DEADLINE, interval=0.2,
                   message="desiredCount scaled out to the maximum, 3")
        scale_out_seconds = time.monotonic() - started
        wait_until(lambda: settled(ecs, "web", 3), timeout=DEADLINE, interval=0.2, message="3 tasks running")
        elb.wait_healthy(tg, count=3, timeout=30)
    finally:
        stop_load.set()
        loader.join(timeout=10)
    stopped = time.monotonic()
    assert statuses.count(200) > 100, statuses[-5:]
    out = activities(scaling, "web")
    assert out[0]["Description"] == "Setting desired count to 3."
    assert re.fullmatch(ALARM_CAUSE.format(service="web", kind="High", policy="requests"), out[0]["Cause"]), out[0]
    assert out[0]["StatusCode"] == "Successful"
    assert out[0]["StatusMessage"] == "Successfully set desired count to 3. Change successfully fulfilled by ecs."
    assert out[0]["EndTime"] >= out[0]["StartTime"]
    assert out[0]["Cause"].split()[2] == next(a["AlarmName"] for a in policy["Alarms"] if "-AlarmHigh-" in a["AlarmName"])

    # No more requests: 15 datapoints under 90 % of the target, then back to the minimum.
    wait_until(lambda: service_of(ecs, "web")["desiredCount"] == 1, timeout=DEADLINE, interval=0.2,
               message="desiredCount scaled back in to the minimum, 1")
    scale_in_seconds = time.monotonic() - stopped
    wait_until(lambda: settled(ecs, "web", 1), timeout=DEADLINE, interval=0.2, message="back to 1 task")
    latest = activities(scaling, "web")[0]
    assert latest["Description"] == "Setting desired count to 1."
    assert re.fullmatch(ALARM_CAUSE.format(service="web", kind="Low", policy="requests"), latest["Cause"]), latest
    # 3 datapoints (the first one only sets the counter's baseline) vs 15, at 1.2 s each.
    assert scale_out_seconds < scale_in_seconds
    print(f"\nALBRequestCountPerTarget: scale-out after {scale_out_seconds:.1f} s of load, "
          f"scale-in {scale_in_seconds:.1f} s after it stopped (time scale {TIME_SCALE})")


def test_cpu_utilization_scales_out_a_busy_service(ecs, scaling, test_images):
    # A busy loop in a task reserving 256 CPU units: even sharing a loaded host it uses far more than 25 % of that.
    burn = {"name": "burn", "image": test_images["busybox"], "stopTimeout": 2,
            "command": ["sh", "-c", "trap 'exit 0' TERM; while :; do :; done"]}
    td = ecs.register_task_definition(family="burner", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                      cpu="256", memory="512", containerDefinitions=[burn])["taskDefinition"]
    ecs.create_service(serviceName="burner", taskDefinition=td["taskDefinitionArn"], desiredCount=1,
                       launchType="FARGATE", networkConfiguration=AWSVPC)
    wait_until(lambda: settled(ecs, "burner", 1), timeout=DEADLINE, interval=0.2, message="first task running")
    register_target(scaling, "burner", 1, 2)
    tracking_policy(scaling, "burner", "cpu", "ECSServiceAverageCPUUtilization", 25.0, ScaleOutCooldown=60)
    started = time.monotonic()
    wait_until(lambda: service_of(ecs, "burner")["desiredCount"] == 2, timeout=DEADLINE, interval=0.2,
               message="desiredCount scaled out on CPU")
    scale_out_seconds = time.monotonic() - started
    wait_until(lambda: settled(ecs, "burner", 2), timeout=DEADLINE, interval=0.2, message="2 tasks running")
    latest = activities(scaling, "burner")[0]
    assert latest["Description"] == "Setting desired count to 2."
    assert re.fullmatch(ALARM_CAUSE.format(service="burner", kind="High", policy="cpu"), latest["Cause"]), latest
    # Never beyond MaxCapacity, however busy.
    assert service_of(ecs, "burner")["desiredCount"] == 2
    print(f"\nECSServiceAverageCPUUtilization: scale-out after {scale_out_seconds:.1f} s (time scale {TIME_SCALE})")
    ecs.update_service(service="burner", desiredCount=0)


def test_memory_utilization_scales_out_a_service_holding_memory(ecs, scaling, test_images):
    # ~150 MB held by the shell (anonymous memory, not page cache) in a task reserving 512 MiB: ~29 % > 15 %.
    hog = {"name": "hog", "image": test_images["busybox"], "stopTimeout": 2,
           "command": ["sh", "-c", "x=$(head -c 150000000 /dev/zero | tr '\\0' a); trap 'exit 0' TERM; "
                                   "while :; do sleep 1; done"]}
    td = ecs.register_task_definition(family="hog", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                      cpu="256", memory="512", containerDefinitions=[hog])["taskDefinition"]
    ecs.create_service(serviceName="hog", taskDefinition=td["taskDefinitionArn"], desiredCount=1,
                       launchType="FARGATE", networkConfiguration=AWSVPC)
    wait_until(lambda: settled(ecs, "hog", 1), timeout=DEADLINE, interval=0.2, message="first task running")
    register_target(scaling, "hog", 1, 2)
    tracking_policy(scaling, "hog", "memory", "ECSServiceAverageMemoryUtilization", 15.0)
    started = time.monotonic()
    wait_until(lambda: service_of(ecs, "hog")["desiredCount"] == 2, timeout=DEADLINE, interval=0.2,
               message="desiredCount scaled out on memory")
    scale_out_seconds = time.monotonic() - started
    latest = activities(scaling, "hog")[0]
    assert latest["Description"] == "Setting desired count to 2."
    assert re.fullmatch(ALARM_CAUSE.format(service="hog", kind="High", policy="memory"), latest["Cause"]), latest
    print(f"\nECSServiceAverageMemoryUtilization: scale-out after {scale_out_seconds:.1f} s (time scale {TIME_SCALE})")
    ecs.update_service(service="hog", desiredCount=0)


def test_register_scalable_target_moves_desired_count_into_range(ecs, scaling, test_images):
    sleeper = {"name": "sleep", "image": test_images["busybox"], "stopTimeout": 2,
               "command": ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]}
    td = ecs.register_task_definition(family="sleeper", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                      cpu="256", memory="512", containerDefinitions=[sleeper])["taskDefinition"]
    ecs.create_service(serviceName="sleeper", taskDefinition=td["taskDefinitionArn"], desiredCount=0,
                       launchType="FARGATE", networkConfiguration=AWSVPC)
    register_target(scaling, "sleeper", 1, 4)
    assert service_of(ecs, "sleeper")["desiredCount"] == 1
    wait_until(lambda: settled(ecs, "sleeper", 1), timeout=DEADLINE, interval=0.2, message="the task it added runs")
    first = activities(scaling, "sleeper")
    assert [(a["Description"], a["Cause"], a["StatusCode"]) for a in first] == [
        ("Setting desired count to 1.", "minimum capacity was set to 1", "Successful")]
    # An update with a lower maximum brings it down; one that already fits changes nothing.
    register_target(scaling, "sleeper", 0, 0)
    assert service_of(ecs, "sleeper")["desiredCount"] == 0
    register_target(scaling, "sleeper", 0, 3)
    assert service_of(ecs, "sleeper")["desiredCount"] == 0
    assert [a["Cause"] for a in activities(scaling, "sleeper")] == ["maximum capacity was set to 0",
                                                                    "minimum capacity was set to 1"]
    wait_until(lambda: settled(ecs, "sleeper", 0), timeout=DEADLINE, interval=0.2, message="task stopped")
