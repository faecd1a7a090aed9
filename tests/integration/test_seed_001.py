"""Seed 001 ("load-balanced production infrastructure"): its one aws CLI command outside CloudFormation is the
GitHub Actions step `aws ecs describe-task-definition --task-definition appTaskDefinition --query taskDefinition
> task-definition.json`. Replayed verbatim (endpoint added), followed by what the two actions after it do with
that file through the API: render-task-definition puts the new image into appContainer, deploy-task-definition
registers it (after dropping the read-only fields) and points appService at it, then waits for stability.
The seed's `aws cloudformation update-stack` is not replayable: Albatross has no CloudFormation."""

import json
import os
import subprocess

import pytest

from conftest import random_account, wait_until

READ_ONLY = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt",
             "registeredBy", "deregisteredAt")


@pytest.fixture(scope="module")
def server(server_factory_session):
    """Security groups filter traffic here, as with the product's defaults: the seed's own rules must suffice."""
    return server_factory_session(time_scale=0.01, security_groups=True)


@pytest.fixture
def app(server, test_images, tmp_path):
    account = random_account()
    ecs, ec2 = server.client("ecs", account=account), server.client("ec2", account=account)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    ecs.create_cluster(clusterName="appCluster")
    ecs.register_task_definition(
        family="appTaskDefinition", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", containerDefinitions=[{"name": "appContainer", "image": test_images["app"], "essential": True,
                                             "portMappings": [{"containerPort": 8080}]}])
    ecs.create_service(cluster="appCluster", serviceName="appService", taskDefinition="appTaskDefinition",
                       desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}})
    new_image = f"albatross-test-app:seed001-{os.getpid()}"
    subprocess.run(["docker", "tag", test_images["app"], new_image], check=True, timeout=60)
    yield {"ecs": ecs, "account": account, "image": new_image, "dir": tmp_path}
    try:
        ecs.delete_service(cluster="appCluster", service="appService", force=True)
        wait_until(lambda: ecs.describe_services(cluster="appCluster", services=["appService"])["services"][0][
            "status"] == "INACTIVE", timeout=60, message="appService deleted")
        ecs.delete_cluster(cluster="appCluster")
    finally:
        subprocess.run(["docker", "rmi", new_image], capture_output=True, timeout=60)


def test_download_render_deploy_task_definition(server, app):
    ecs = app["ecs"]
    wait_until(lambda: ecs.describe_services(cluster="appCluster", services=["appService"])["services"][0][
        "runningCount"] == 2, timeout=60, message="appService running 2 tasks")

    # - name: Download task definition
    env = {"PATH": "/usr/bin:/bin", "HOME": str(app["dir"]), "AWS_ACCESS_KEY_ID": app["account"],
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    script = (f'aws() {{ /usr/bin/aws --endpoint-url {server.url} "$@"; }}\n'
              "aws ecs describe-task-definition --task-definition appTaskDefinition --query taskDefinition "
              "> task-definition.json")
    proc = subprocess.run(["bash", "-ec", script], cwd=app["dir"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    with open(app["dir"] / "task-definition.json") as f:
        definition = json.load(f)
    assert definition["family"] == "appTaskDefinition" and definition["revision"] == 1
    assert definition["status"] == "ACTIVE" and definition["compatibilities"] == ["EC2", "FARGATE"]
    assert [c["name"] for c in definition["containerDefinitions"]] == ["appContainer"]
    assert definition["taskDefinitionArn"].endswith(":task-definition/appTaskDefinition:1")

    # - name: Fill in the new image ID (render-task-definition)
    definition["containerDefinitions"][0]["image"] = app["image"]
    # - name: Deploy Amazon ECS task definition (deploy-task-definition: register, update the service, wait)
    for field in READ_ONLY:
        definition.pop(field, None)
    registered = ecs.register_task_definition(**definition)["taskDefinition"]
    assert registered["revision"] == 2
    ecs.update_service(cluster="appCluster", service="appService", taskDefinition=registered["taskDefinitionArn"])

    def stable():
        service = ecs.describe_services(cluster="appCluster", services=["appService"])["services"][0]
        return (len(service["deployments"]) == 1 and service["runningCount"] == 2
                and service["deployments"][0]["taskDefinition"] == registered["taskDefinitionArn"])

    wait_until(stable, timeout=120, message="appService stable on revision 2")
    tasks = ecs.describe_tasks(cluster="appCluster", tasks=ecs.list_tasks(cluster="appCluster",
                                                                         serviceName="appService")["taskArns"])["tasks"]
    assert sorted((t["lastStatus"], t["containers"][0]["image"]) for t in tasks) == [("RUNNING", app["image"])] * 2
