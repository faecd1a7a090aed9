"""containers[].imageDigest in DescribeTasks: the manifest digest of the image pulled from the local ECR (equal to
ecr describe-images' imageDigest) and, for an image only built locally (no registry digest), its image id."""

import json
import subprocess

from test_ecr_support import docker_cli, unique_name  # noqa: F401 - docker_cli is a fixture
from test_ecs_services import account, ecs, ecs_server  # noqa: F401 - shared fixtures
from test_ecs_tasks import wait_status


def test_image_digest_of_an_ecr_image_and_of_a_local_one(ecs_server, account, ecs, docker_cli, test_images):
    name = unique_name("digest")
    ecr = ecs_server.client("ecr", account=account)
    uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
    docker_cli.login(ecs_server, account, uri.split("/")[0])
    docker_cli.run("tag", test_images["busybox"], f"{uri}:v1")
    docker_cli.run("push", f"{uri}:v1")
    docker_cli.rmi(f"{uri}:v1")  # the task pulls it
    pushed = ecr.describe_images(repositoryName=name)["imageDetails"][0]["imageDigest"]
    assert pushed.startswith("sha256:")
    aws_form = f"{account}.dkr.ecr.us-east-1.amazonaws.com/{name}:v1"
    td = ecs.register_task_definition(family=name, containerDefinitions=[
        {"name": "from-ecr", "image": aws_form, "memory": 32, "command": ["sleep", "300"], "stopTimeout": 1},
        {"name": "local", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "300"],
         "stopTimeout": 1}])["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    try:
        running = wait_status(ecs, task["taskArn"], "RUNNING", timeout=90)
        digests = {c["name"]: c.get("imageDigest") for c in running["containers"]}
        assert digests["from-ecr"] == pushed
        local_id = json.loads(subprocess.run(["docker", "image", "inspect", test_images["busybox"]],
                                             capture_output=True, text=True, timeout=30).stdout)[0]["Id"]
        assert digests["local"] == local_id
    finally:
        ecs.stop_task(task=task["taskArn"])
        wait_status(ecs, task["taskArn"], "STOPPED")
        docker_cli.rmi(f"{uri}:v1")  # what the task pulled
