"""ECS control plane without containers (spec §6.7, §1.5): clusters (default cluster, settings, statistics,
tags, capacity providers, deletion rules), account settings, task definitions (registration with AWS's
per-launch-type validation, describe/list/deregister/delete) and tags, through boto3 and the aws CLI v2."""

import botocore.exceptions
import pytest


ECS_PREFIX = "AmazonEC2ContainerServiceV20141113"


def ecs(client):
    return client("ecs")


def raw_call(server, account, operation, payload):
    """For operations newer than Debian's botocore (DeleteTaskDefinitions)."""
    status, _, body = server.json_call(operation, payload, account=account, prefix=ECS_PREFIX, service="ecs")
    return status, body


def error_of(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        fn(**kw)
    err = ei.value.response["Error"]
    return err["Code"], err["Message"], ei.value.response["ResponseMetadata"]["HTTPStatusCode"]


def container(name="web", **extra):
    c = {"name": name, "image": "albatross-test/app:latest", "memory": 64}
    c.update(extra)
    return c


# ---------------------------------------------------------------------------------------------- clusters


def test_cluster_lifecycle_and_counts(client, account):
    c = ecs(client)
    created = c.create_cluster(clusterName="c1", tags=[{"key": "team", "value": "a"}])["cluster"]
    assert created["clusterArn"] == f"arn:aws:ecs:us-east-1:{account}:cluster/c1"
    assert created["status"] == "ACTIVE"
    for counter in ("registeredContainerInstancesCount", "runningTasksCount", "pendingTasksCount",
                    "activeServicesCount"):
        assert created[counter] == 0
    # idempotent create returns the same cluster
    assert c.create_cluster(clusterName="c1")["cluster"]["clusterArn"] == created["clusterArn"]
    described = c.describe_clusters(clusters=["c1", created["clusterArn"], "nope"],
                                    include=["TAGS", "STATISTICS", "SETTINGS"])
    assert [x["clusterName"] for x in described["clusters"]] == ["c1", "c1"]
    assert described["clusters"][0]["tags"] == [{"key": "team", "value": "a"}]
    assert described["clusters"][0]["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    stats = {s["name"]: s["value"] for s in described["clusters"][0]["statistics"]}
    assert stats["runningFargateTasksCount"] == "0" and stats["activeEC2ServiceCount"] == "0"
    assert described["failures"] == [{"arn": f"arn:aws:ecs:us-east-1:{account}:cluster/nope", "reason": "MISSING"}]
    plain = c.describe_clusters(clusters=["c1"])["clusters"][0]
    assert "tags" not in plain and "settings" not in plain
    assert created["clusterArn"] in c.list_clusters()["clusterArns"]

    deleted = c.delete_cluster(cluster="c1")["cluster"]
    assert deleted["status"] == "INACTIVE"
    assert c.describe_clusters(clusters=["c1"])["clusters"][0]["status"] == "INACTIVE"
    code, message, status = error_of(c.delete_cluster, cluster="c1")
    assert (code, message, status) == ("ClusterNotFoundException", "Cluster not found.", 400)


def test_default_cluster_and_missing_cluster_errors(client, account):
    c = ecs(client)
    assert c.describe_clusters()["failures"][0]["reason"] == "MISSING"
    assert error_of(c.list_services)[:2] == ("ClusterNotFoundException", "Cluster not found.")
    assert error_of(c.list_tasks, cluster="ghost")[:2] == ("ClusterNotFoundException", "Cluster not found.")
    default = c.create_cluster()["cluster"]
    assert default["clusterName"] == "default"
    assert c.describe_clusters()["clusters"][0]["clusterArn"] == f"arn:aws:ecs:us-east-1:{account}:cluster/default"


def test_cluster_settings_and_capacity_providers(client):
    c = ecs(client)
    c.create_cluster(clusterName="cp", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                     defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 1}])
    updated = c.update_cluster_settings(cluster="cp", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert updated["cluster"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    put = c.put_cluster_capacity_providers(
        cluster="cp", capacityProviders=["FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 2}])["cluster"]
    assert put["capacityProviders"] == ["FARGATE_SPOT"]
    assert put["defaultCapacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 2}]
    code, message, _ = error_of(c.put_cluster_capacity_providers, cluster="cp", capacityProviders=["FARGATE"],
                                defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT"}])
    assert code == "InvalidParameterException" and "not associated with the cluster" in message
    names = [p["name"] for p in c.describe_capacity_providers()["capacityProviders"]]
    assert names[:2] == ["FARGATE", "FARGATE_SPOT"]
    assert error_of(c.create_cluster, clusterName="bad name!")[0] == "InvalidParameterException"


def test_capacity_provider_answers_with_aws_defaults(client):
    c = ecs(client)
    asg_arn = ("arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0f2e5c1a-1111-2222-3333-444455556666:"
               "autoScalingGroupName/hosts")
    made = c.create_capacity_provider(name="hosts", autoScalingGroupProvider={
        "autoScalingGroupArn": asg_arn, "managedScaling": {"status": "ENABLED", "targetCapacity": 80}})
    provider = made["capacityProvider"]["autoScalingGroupProvider"]
    assert provider["managedScaling"] == {"status": "ENABLED", "targetCapacity": 80, "minimumScalingStepSize": 1,
                                          "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}
    assert provider["managedTerminationProtection"] == "DISABLED"
    c.update_capacity_provider(name="hosts", autoScalingGroupProvider={
        "managedScaling": {"status": "DISABLED", "instanceWarmupPeriod": 0}})
    described = c.describe_capacity_providers(capacityProviders=["hosts"])["capacityProviders"][0]
    assert described["autoScalingGroupProvider"]["managedScaling"] == {
        "status": "DISABLED", "instanceWarmupPeriod": 0, "targetCapacity": 100, "minimumScalingStepSize": 1,
        "maximumScalingStepSize": 10000}


def test_empty_container_instance_lists_are_refused(client):
    c = ecs(client)
    assert error_of(c.describe_container_instances, containerInstances=[])[0] == "ClusterNotFoundException"
    c.create_cluster()
    code, message, status = error_of(c.describe_container_instances, containerInstances=[])
    assert (code, message, status) == ("ClientException", "Container Instances cannot be empty.", 400)
    c.register_task_definition(family="one", containerDefinitions=[container()])
    code, _, _ = error_of(c.start_task, taskDefinition="one", containerInstances=[])
    assert code == "InvalidParameterException"


# ---------------------------------------------------------------------------------------------- account settings


def test_account_settings(server, client, account):
    c = ecs(client)
    assert c.list_account_settings()["settings"] == []
    put = c.put_account_setting(name="containerInsights", value="enabled")["setting"]
    assert put == {"name": "containerInsights", "value": "enabled", "principalArn": f"arn:aws:iam::{account}:root"}
    status, body = raw_call(server, account, "ListAccountSettings", {"name": "containerInsights"})
    assert status == 200 and body["settings"][0]["type"] == "user"
    c.put_account_setting_default(name="awsvpcTrunking", value="enabled")
    assert {s["name"] for s in c.list_account_settings()["settings"]} == {"containerInsights", "awsvpcTrunking"}
    assert [s["name"] for s in c.list_account_settings(value="enabled", name="awsvpcTrunking")["settings"]] == [
        "awsvpcTrunking"]
    effective = {s["name"]: s["value"] for s in
                 c.list_account_settings(effectiveSettings=True, maxResults=100)["settings"]}
    assert effective["taskLongArnFormat"] == "enabled" and effective["containerInsights"] == "enabled"
    assert error_of(c.put_account_setting, name="containerInsights", value="maybe")[0] == "InvalidParameterException"
    c.delete_account_setting(name="containerInsights")
    assert [s["name"] for s in c.list_account_settings()["settings"]] == ["awsvpcTrunking"]


# ---------------------------------------------------------------------------------------------- task definitions


def test_register_minimal_task_definition_defaults(client, account):
    c = ecs(client)
    td = c.register_task_definition(family="app", containerDefinitions=[container()])["taskDefinition"]
    assert td["taskDefinitionArn"] == f"arn:aws:ecs:us-east-1:{account}:task-definition/app:1"
    assert td["revision"] == 1 and td["status"] == "ACTIVE" and td["networkMode"] == "bridge"
    assert td["volumes"] == [] and td["placementConstraints"] == []
    assert td["compatibilities"] == ["EXTERNAL", "EC2"]
    assert "requiresCompatibilities" not in td and "cpu" not in td and "memory" not in td
    cd = td["containerDefinitions"][0]
    assert cd["cpu"] == 0 and cd["essential"] is True and cd["portMappings"] == []
    assert cd["environment"] == [] and cd["mountPoints"] == [] and cd["volumesFrom"] == []
    assert c.register_task_definition(family="app", containerDefinitions=[container()])["taskDefinition"][
        "revision"] == 2


def test_register_fargate_task_definition(client):
    c = ecs(client)
    td = c.register_task_definition(
        family="fg", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="0.5 vCPU", memory="1GB",
        containerDefinitions=[{"name": "web", "image": "img", "portMappings": [{"containerPort": 8080}],
                               "healthCheck": {"command": ["CMD", "true"]}}],
        tags=[{"key": "k", "value": "v"}])
    definition = td["taskDefinition"]
    assert definition["cpu"] == "512" and definition["memory"] == "1024"
    assert definition["compatibilities"] == ["EC2", "FARGATE"]
    assert definition["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]
    assert definition["containerDefinitions"][0]["healthCheck"] == {
        "command": ["CMD", "true"], "interval": 30, "timeout": 5, "retries": 3}
    assert td["tags"] == [{"key": "k", "value": "v"}]
    described = c.describe_task_definition(taskDefinition="fg", include=["TAGS"])
    assert described["tags"] == [{"key": "k", "value": "v"}]
    assert "tags" not in c.describe_task_definition(taskDefinition="fg:1")


FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512"}


@pytest.mark.parametrize("changes,message", [
    ({"networkMode": "bridge"}, "Fargate only supports network mode \u2018awsvpc\u2019."),
    ({"cpu": None}, "Fargate requires that 'cpu' be defined at the task level."),
    ({"memory": None}, "Fargate requires that 'memory' be defined at the task level."),
    ({"memory": "4096"}, "No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
                         "See the Amazon ECS documentation for the valid values."),
    ({"pidMode": "host"}, "Tasks using the Fargate launch type do not support pidMode 'host'. "
                          "The supported value for pidMode is 'task'."),
    ({"containers": [{"name": "web", "image": "i", "portMappings": [{"containerPort": 80, "hostPort": 81}]}]},
     "When networkMode=awsvpc, the host ports and container ports in port mappings must match."),
    ({"containers": [{"image": "i"}]}, "Container.name should not be null or empty."),
    ({"containers": [{"name": "web"}]}, "Container.image should not be null or empty."),
    ({"containers": []}, "Container list cannot be empty."),
    ({"containers": [{"name": "a", "image": "i", "essential": False}]},
     "Task definition must have at least one essential container."),
    ({"containers": [{"name": "a", "image": "i"}, {"name": "a", "image": "i"}]}, "Duplicate container name: a."),
    ({"containers": [{"name": "a", "image": "i", "dependsOn": [{"containerName": "b", "condition": "START"}]}]},
     "Invalid setting for container 'a'. The container 'b' named in dependsOn does not exist in the task definition."),
    ({"containers": [{"name": "a", "image": "i", "healthCheck": {"command": ["CMD", "true"], "interval": 1}}]},
     "Invalid setting for container 'a'. healthCheck.interval must be between 5 and 300."),
    ({"containers": [{"name": "a", "image": "i", "mountPoints": [{"sourceVolume": "v", "containerPath": "/d"}]}]},
     "Invalid setting for container 'a'. Unknown volume 'v'."),
])
def test_fargate_task_definition_validation(client, changes, message):
    kw = dict(FARGATE, family="bad", containerDefinitions=[{"name": "web", "image": "i"}])
    for key, value in changes.items():
        if key == "containers":
            kw["containerDefinitions"] = value
        elif value is None:
            kw.pop(key)
        else:
            kw[key] = value
    code, got, status = error_of(ecs(client).register_task_definition, **kw)
    assert (code, got, status) == ("ClientException", message, 400)


def test_ec2_task_definition_validation(client):
    c = ecs(client)
    code, message, _ = error_of(c.register_task_definition, family="e",
                                containerDefinitions=[{"name": "web", "image": "i"}])
    assert (code, message) == ("ClientException", "Invalid setting for container 'web'. At least one of 'memory' or "
                                                  "'memoryReservation' must be specified.")
    code, message, _ = error_of(c.register_task_definition, family="e", networkMode="awsvpc",
                                containerDefinitions=[container(links=["db"])])
    assert message == "Links are only supported when networkMode=bridge."
    code, message, _ = error_of(c.register_task_definition, family="bad family", containerDefinitions=[container()])
    assert code == "ClientException"
    # bridge mode keeps dynamic host ports (hostPort 0 / absent)
    td = c.register_task_definition(family="e", containerDefinitions=[
        container(portMappings=[{"containerPort": 80}, {"containerPort": 81, "hostPort": 0}])])["taskDefinition"]
    assert td["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "protocol": "tcp"}, {"containerPort": 81, "hostPort": 0, "protocol": "tcp"}]


def test_list_describe_deregister_delete_task_definitions(server, client, account):
    c = ecs(client)
    for family in ("svc_a", "svc_a", "svc_b"):
        c.register_task_definition(family=family, containerDefinitions=[container()])
    arn = lambda f, r: f"arn:aws:ecs:us-east-1:{account}:task-definition/{f}:{r}"  # noqa: E731
    assert c.list_task_definitions()["taskDefinitionArns"] == [arn("svc_a", 1), arn("svc_a", 2), arn("svc_b", 1)]
    assert c.list_task_definitions(familyPrefix="svc")["taskDefinitionArns"] == []
    assert c.list_task_definitions(familyPrefix="svc_a", sort="DESC")["taskDefinitionArns"] == [
        arn("svc_a", 2), arn("svc_a", 1)]
    page = c.list_task_definitions(maxResults=2)
    assert len(page["taskDefinitionArns"]) == 2
    assert c.list_task_definitions(nextToken=page["nextToken"])["taskDefinitionArns"] == [arn("svc_b", 1)]
    assert c.describe_task_definition(taskDefinition="svc_a")["taskDefinition"]["revision"] == 2

    dereg = c.deregister_task_definition(taskDefinition="svc_a:2")["taskDefinition"]
    assert dereg["status"] == "INACTIVE" and "deregisteredAt" in dereg
    assert c.describe_task_definition(taskDefinition="svc_a")["taskDefinition"]["revision"] == 1
    assert c.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == [arn("svc_a", 2)]
    assert c.list_task_definition_families()["families"] == ["svc_a", "svc_b"]
    assert c.list_task_definition_families(familyPrefix="svc_b")["families"] == ["svc_b"]
    c.deregister_task_definition(taskDefinition="svc_b:1")
    assert c.list_task_definition_families(status="ACTIVE")["families"] == ["svc_a"]
    assert c.list_task_definition_families(status="INACTIVE")["families"] == ["svc_b"]

    assert error_of(c.deregister_task_definition, taskDefinition="fake")[:2] == ("ClientException", "Revision is missing.")
    assert error_of(c.deregister_task_definition, taskDefinition="fake:foo")[1] == "Invalid revision number. Number: foo"
    assert error_of(c.deregister_task_definition, taskDefinition="fake:1")[1] == "Unable to describe task definition."
    assert error_of(c.describe_task_definition, taskDefinition="nothing")[:2] == (
        "ClientException", "Unable to describe task definition.")

    status, deleted = raw_call(server, account, "DeleteTaskDefinitions",
                               {"taskDefinitions": ["svc_a:2", "svc_a:1", "ghost:1"]})
    assert status == 200
    assert [d["status"] for d in deleted["taskDefinitions"]] == ["DELETE_IN_PROGRESS"]
    assert deleted["failures"][0]["arn"] == arn("svc_a", 1)
    assert deleted["failures"][1] == {"arn": "ghost:1", "reason": "The specified task definition does not exist. "
                                                                  "Specify a valid account, family, revision and try again."}
    assert c.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == [arn("svc_a", 2)]
    # revisions are never reused
    assert c.register_task_definition(family="svc_a", containerDefinitions=[container()])["taskDefinition"][
        "revision"] == 3


# ---------------------------------------------------------------------------------------------- tags


def test_tags(client, account):
    c = ecs(client)
    cluster_arn = c.create_cluster(clusterName="tagged")["cluster"]["clusterArn"]
    assert c.list_tags_for_resource(resourceArn=cluster_arn)["tags"] == []
    c.tag_resource(resourceArn=cluster_arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    c.untag_resource(resourceArn=cluster_arn, tagKeys=["a"])
    assert c.list_tags_for_resource(resourceArn=cluster_arn)["tags"] == [{"key": "b", "value": "2"}]
    code, _, _ = error_of(c.tag_resource, resourceArn=cluster_arn, tags=[{"key": "aws:x", "value": "1"}])
    assert code == "InvalidParameterException"
    too_many = [{"key": f"k{i}", "value": "v"} for i in range(50)]
    assert error_of(c.tag_resource, resourceArn=cluster_arn, tags=too_many)[0] == "InvalidParameterException"
    missing = f"arn:aws:ecs:us-east-1:{account}:cluster/none"
    assert error_of(c.list_tags_for_resource, resourceArn=missing)[0] == "ClusterNotFoundException"
    td_arn = c.register_task_definition(family="t", containerDefinitions=[container()])["taskDefinition"][
        "taskDefinitionArn"]
    c.tag_resource(resourceArn=td_arn, tags=[{"key": "x", "value": "y"}])
    assert c.list_tags_for_resource(resourceArn=td_arn)["tags"] == [{"key": "x", "value": "y"}]


def test_cli_v2_register_and_describe(server, account):
    aws = lambda *a: server.aws_ok(*a, account=account)  # noqa: E731
    out = aws("ecs", "register-task-definition", "--family", "cli",
              "--container-definitions", '[{"name":"web","image":"img","memory":32}]')
    assert out["taskDefinition"]["family"] == "cli"
    listed = aws("ecs", "list-task-definitions")
    assert listed["taskDefinitionArns"][-1].endswith(":task-definition/cli:1")
