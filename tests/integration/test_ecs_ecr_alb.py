"""The whole path of the seeds: an image pushed to ECR with the docker CLI, a task definition naming it in AWS's
form (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>), a service behind an ALB serving it after the local
copy was removed; and a container calling a load balancer by its DNS name (the internal-service seed)."""

import json

from conftest import wait_until
from test_ecr_support import docker_cli, unique_name  # noqa: F401 - docker_cli is a fixture
from test_ecs_services import account, ecs_server, elb  # noqa: F401 - shared fixtures

DEADLINE = 90.0


def test_service_runs_an_image_pushed_to_ecr(ecs_server, account, elb, docker_cli, test_images):
    name = unique_name("web")
    uri = ecs_server.client("ecr", account=account).create_repository(repositoryName=name)["repository"][
        "repositoryUri"]
    docker_cli.login(ecs_server, account, uri.split("/")[0])
    docker_cli.run("tag", test_images["app"], f"{uri}:v1")
    docker_cli.run("push", f"{uri}:v1")
    docker_cli.rmi(f"{uri}:v1")
    assert not docker_cli.exists(f"{uri}:v1")

    lb = elb.alb()
    tg = elb.target_group(port=8080, health_path="/health", HealthCheckIntervalSeconds=5,
                          HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2)
    listener = elb.listener(lb["LoadBalancerArn"], [{"Type": "forward", "TargetGroupArn": tg}])
    ecs = ecs_server.client("ecs", account=account)
    aws_form = f"{account}.dkr.ecr.us-east-1.amazonaws.com/{name}:v1"
    td = ecs.register_task_definition(
        family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": aws_form, "stopTimeout": 2,
                               "command": ["--port", "8080", "--name", "from-ecr"],
                               "portMappings": [{"containerPort": 8080}]}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(serviceName=name, taskDefinition=td, desiredCount=1, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [elb.subnet_ids[0]]}},
                       loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])
    try:
        def served():
            response = listener.http("GET", "/who")
            return response.status == 200 and json.loads(response.body)["name"] == "from-ecr"

        wait_until(served, timeout=DEADLINE, message="the ECR image served through the ALB")
        task_arn = ecs.list_tasks(serviceName=name)["taskArns"][0]
        task = ecs.describe_tasks(tasks=[task_arn])["tasks"][0]
        assert task["containers"][0]["image"] == aws_form
    finally:
        ecs.delete_service(service=name, force=True)
        docker_cli.rmi(f"{uri.split('/')[0]}/{name}:v1")


def test_a_container_calls_a_load_balancer_by_its_dns_name(ecs_server, account, elb, test_images):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], [{"Type": "fixed-response", "FixedResponseConfig": {
        "StatusCode": "200", "ContentType": "text/plain", "MessageBody": "hello from the alb"}}])
    url = f"http://{lb['DNSName']}:{listener.port}/"
    # (busybox-static's wget crashes with -T; the daemon's own timeouts bound the call)
    ecs = ecs_server.client("ecs", account=account)
    td = ecs.register_task_definition(family="caller", containerDefinitions=[{
        "name": "caller", "image": test_images["busybox"], "memory": 64, "essential": True,
        "entryPoint": ["/bin/busybox", "sh", "-c"],
        "command": [f"/bin/busybox wget -q -O- {url} | /bin/busybox grep -q 'hello from the alb'"]}])[
        "taskDefinition"]["taskDefinitionArn"]
    task_arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]

    def stopped():
        task = ecs.describe_tasks(tasks=[task_arn])["tasks"][0]
        return task if task["lastStatus"] == "STOPPED" else None

    task = wait_until(stopped, timeout=DEADLINE, message="the calling task to finish")
    assert task["containers"][0].get("exitCode") == 0, task
