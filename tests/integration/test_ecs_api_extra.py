"""ECS operations beyond the core control plane: task sets (EXTERNAL deployment controller), task protection,
the container agent's calls, attributes and registered container instances. Debian's botocore predates some of
them, so the client is built from services/models/ecs.json."""

import atexit
import os
import shutil
import tempfile

import botocore.exceptions
import botocore.session
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_MODEL_DIR = []


def model_dir():
    if not _MODEL_DIR:
        data = tempfile.mkdtemp(prefix="albatross-ecs-model-")
        atexit.register(shutil.rmtree, data, True)
        os.makedirs(os.path.join(data, "ecs", "2014-11-13"))
        shutil.copy(os.path.join(REPO, "services", "models", "ecs.json"),
                    os.path.join(data, "ecs", "2014-11-13", "service-2.json"))
        _MODEL_DIR.append(data)
    return _MODEL_DIR[0]


@pytest.fixture
def ecs(server, account):
    from botocore.config import Config

    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, model_dir())
    return session.create_client("ecs", endpoint_url=server.url, region_name="us-east-1",
                                 aws_access_key_id=account, aws_secret_access_key="test",
                                 config=Config(retries={"total_max_attempts": 1}))


def error_of(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        fn(**kw)
    return ei.value.response["Error"]["Code"], ei.value.response["Error"]["Message"]


def register(ecs, family="web"):
    return ecs.register_task_definition(
        family=family, containerDefinitions=[{"name": "web", "image": "albatross-test/app:latest", "memory": 64}],
    )["taskDefinition"]["taskDefinitionArn"]


# ---------------------------------------------------------------------------------------------- task sets


def external_service(ecs, cluster="ts", name="svc", desired=4):
    ecs.create_cluster(clusterName=cluster)
    register(ecs)
    return ecs.create_service(cluster=cluster, serviceName=name, desiredCount=desired,
                              deploymentController={"type": "EXTERNAL"})["service"]


def test_task_set_lifecycle(ecs, account):
    service = external_service(ecs)
    created = ecs.create_task_set(cluster="ts", service="svc", taskDefinition="web", externalId="blue",
                                  scale={"value": 50.0, "unit": "PERCENT"},
                                  tags=[{"key": "k", "value": "v"}])["taskSet"]
    assert created["id"].startswith("ecs-svc/") and len(created["id"]) == len("ecs-svc/") + 19
    assert created["taskSetArn"] == (f"arn:aws:ecs:us-east-1:{account}:task-set/ts/svc/{created['id']}")
    assert created["serviceArn"] == service["serviceArn"]
    assert created["clusterArn"].endswith(":cluster/ts")
    assert created["status"] == "ACTIVE"
    assert created["externalId"] == "blue"
    assert created["taskDefinition"].endswith(":task-definition/web:1")
    assert created["scale"] == {"value": 50.0, "unit": "PERCENT"}
    assert created["computedDesiredCount"] == 2
    assert created["stabilityStatus"] == "STABILIZING"
    assert created["tags"] == [{"key": "k", "value": "v"}]

    second = ecs.create_task_set(cluster="ts", service=service["serviceArn"], taskDefinition="web")["taskSet"]
    assert second["scale"] == {"value": 100.0, "unit": "PERCENT"} and second["computedDesiredCount"] == 4

    described = ecs.describe_task_sets(cluster="ts", service="svc")["taskSets"]
    assert {t["taskSetArn"] for t in described} == {created["taskSetArn"], second["taskSetArn"]}
    one = ecs.describe_task_sets(cluster="ts", service="svc", taskSets=[created["taskSetArn"], "nope"],
                                 include=["TAGS"])
    assert [t["id"] for t in one["taskSets"]] == [created["id"]]
    assert one["taskSets"][0]["tags"] == [{"key": "k", "value": "v"}]
    assert one["failures"] == [{"arn": "nope", "reason": "MISSING"}]

    updated = ecs.update_task_set(cluster="ts", service="svc", taskSet=created["taskSetArn"],
                                  scale={"value": 0.0, "unit": "PERCENT"})["taskSet"]
    assert updated["scale"]["value"] == 0.0 and updated["computedDesiredCount"] == 0
    assert updated["stabilityStatus"] == "STEADY_STATE"

    primary = ecs.update_service_primary_task_set(cluster="ts", service="svc",
                                                  primaryTaskSet=second["taskSetArn"])["taskSet"]
    assert primary["status"] == "PRIMARY" and primary["id"] == second["id"]
    statuses = {t["id"]: t["status"] for t in ecs.describe_task_sets(cluster="ts", service="svc")["taskSets"]}
    assert statuses == {created["id"]: "ACTIVE", second["id"]: "PRIMARY"}
    ecs.update_service_primary_task_set(cluster="ts", service="svc", primaryTaskSet=created["taskSetArn"])
    statuses = {t["id"]: t["status"] for t in ecs.describe_task_sets(cluster="ts", service="svc")["taskSets"]}
    assert statuses == {created["id"]: "PRIMARY", second["id"]: "ACTIVE"}

    deleted = ecs.delete_task_set(cluster="ts", service="svc", taskSet=second["taskSetArn"])["taskSet"]
    assert deleted["status"] == "DRAINING" and deleted["id"] == second["id"]
    assert [t["id"] for t in ecs.describe_task_sets(cluster="ts", service="svc")["taskSets"]] == [created["id"]]
    code, _ = error_of(ecs.delete_task_set, cluster="ts", service="svc", taskSet=second["taskSetArn"])
    assert code == "TaskSetNotFoundException"


def test_task_set_errors(ecs):
    external_service(ecs)
    ecs.create_service(cluster="ts", serviceName="rolling", taskDefinition="web", desiredCount=0)
    code, message = error_of(ecs.create_task_set, cluster="ts", service="rolling", taskDefinition="web")
    assert code == "InvalidParameterException" and "external deployment controllers" in message
    assert error_of(ecs.describe_task_sets, cluster="ts", service="rolling")[0] == "InvalidParameterException"
    assert error_of(ecs.create_task_set, cluster="ts", service="missing",
                    taskDefinition="web")[0] == "ServiceNotFoundException"
    assert error_of(ecs.create_task_set, cluster="nope", service="svc",
                    taskDefinition="web")[0] == "ClusterNotFoundException"
    assert error_of(ecs.create_task_set, cluster="ts", service="svc", taskDefinition="nope")[0] == "ClientException"
    code, _ = error_of(ecs.create_task_set, cluster="ts", service="svc", taskDefinition="web",
                       scale={"value": 101.0, "unit": "PERCENT"})
    assert code == "InvalidParameterException"
    assert error_of(ecs.update_task_set, cluster="ts", service="svc", taskSet="ecs-svc/1",
                    scale={"value": 1.0, "unit": "PERCENT"})[0] == "TaskSetNotFoundException"
    assert error_of(ecs.update_service_primary_task_set, cluster="ts", service="svc",
                    primaryTaskSet="ecs-svc/1")[0] == "TaskSetNotFoundException"
    ecs.delete_service(cluster="ts", service="svc", force=True)
    code, _ = error_of(ecs.create_task_set, cluster="ts", service="svc", taskDefinition="web")
    assert code in ("ServiceNotActiveException", "ServiceNotFoundException")


# ---------------------------------------------------------------------------------------------- protection, agent


def test_task_protection_validation_and_missing_tasks(ecs, account):
    ecs.create_cluster(clusterName="p")
    out = ecs.get_task_protection(cluster="p", tasks=["0123456789abcdef0123456789abcdef"])
    assert out["protectedTasks"] == []
    assert out["failures"] == [{"arn": f"arn:aws:ecs:us-east-1:{account}:task/p/0123456789abcdef0123456789abcdef",
                                "reason": "TASK_NOT_FOUND"}]
    out = ecs.update_task_protection(cluster="p", tasks=["abc"], protectionEnabled=True)
    assert out["protectedTasks"] == [] and out["failures"][0]["reason"] == "TASK_NOT_FOUND"
    for minutes in (0, 2881):
        code, message = error_of(ecs.update_task_protection, cluster="p", tasks=["abc"], protectionEnabled=True,
                                 expiresInMinutes=minutes)
        assert code == "InvalidParameterException" and "expiresInMinutes" in message
    assert error_of(ecs.get_task_protection, cluster="nope", tasks=["abc"])[0] == "ClusterNotFoundException"
    assert error_of(ecs.get_task_protection, cluster="p", tasks=[])[0] == "InvalidParameterException"
    code, _ = error_of(ecs.get_task_protection, cluster="p", tasks=[str(i) for i in range(11)])
    assert code == "InvalidParameterException"


def test_agent_calls_are_acknowledged(ecs, server):
    ecs.create_cluster(clusterName="agent")
    endpoint = ecs.discover_poll_endpoint(cluster="agent")
    assert endpoint["endpoint"].startswith("http://127.0.0.1:")
    assert endpoint["telemetryEndpoint"].startswith("http://127.0.0.1:")
    assert ecs.submit_task_state_change(cluster="agent", task="t", status="RUNNING")["acknowledgment"] == "ACK"
    assert ecs.submit_container_state_change(cluster="agent", task="t", containerName="web",
                                             status="RUNNING")["acknowledgment"] == "ACK"
    assert ecs.submit_attachment_state_changes(
        cluster="agent", attachments=[{"attachmentArn": "a", "status": "ATTACHED"}])["acknowledgment"] == "ACK"
    assert error_of(ecs.submit_task_state_change, cluster="nope")[0] == "ClusterNotFoundException"


def test_external_service_shows_its_task_sets_and_launches_nothing(ecs):
    service = external_service(ecs, cluster="ext", name="svc", desired=2)
    assert service["deploymentController"] == {"type": "EXTERNAL"}
    assert service["deployments"] == [] and "taskDefinition" not in service
    created = ecs.create_task_set(cluster="ext", service="svc", taskDefinition="web")["taskSet"]
    described = ecs.describe_services(cluster="ext", services=["svc"])["services"][0]
    assert [t["id"] for t in described["taskSets"]] == [created["id"]]
    assert described["runningCount"] == 0 and described["pendingCount"] == 0
    assert ecs.list_tasks(cluster="ext")["taskArns"] == []
    ecs.delete_service(cluster="ext", service="svc", force=True)
    assert ecs.describe_services(cluster="ext", services=["svc"])["services"][0]["status"] == "INACTIVE"


# ---------------------------------------------------------------------------------------------- container instances


def test_registered_container_instances(ecs, account):
    ecs.create_cluster(clusterName="ci")
    emulated = ecs.list_container_instances(cluster="ci")["containerInstanceArns"]
    assert len(emulated) == 1
    identity = '{"instanceId": "i-0123456789abcdef0", "region": "us-east-1"}'
    registered = ecs.register_container_instance(
        cluster="ci", instanceIdentityDocument=identity,
        totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 1024}],
        versionInfo={"agentVersion": "1.80.0"}, attributes=[{"name": "stack", "value": "blue"}],
        tags=[{"key": "k", "value": "v"}])["containerInstance"]
    arn = registered["containerInstanceArn"]
    assert arn.startswith(f"arn:aws:ecs:us-east-1:{account}:container-instance/ci/")
    assert registered["ec2InstanceId"] == "i-0123456789abcdef0"
    assert registered["status"] == "ACTIVE" and registered["agentConnected"] is True
    assert registered["registeredResources"][0]["integerValue"] == 1024
    assert {"name": "stack", "value": "blue"} in registered["attributes"]
    assert registered["tags"] == [{"key": "k", "value": "v"}]

    assert set(ecs.list_container_instances(cluster="ci")["containerInstanceArns"]) == set(emulated) | {arn}
    cluster = ecs.describe_clusters(clusters=["ci"])["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 1
    described = ecs.describe_container_instances(cluster="ci", containerInstances=[arn.split("/")[-1], emulated[0]])
    assert [i["containerInstanceArn"] for i in described["containerInstances"]] == [arn, emulated[0]]

    drained = ecs.update_container_instances_state(cluster="ci", containerInstances=[arn, "missing"],
                                                   status="DRAINING")
    assert drained["containerInstances"][0]["status"] == "DRAINING"
    assert drained["failures"] == [{"arn": "missing", "reason": "MISSING"}]
    assert ecs.list_container_instances(cluster="ci", status="DRAINING")["containerInstanceArns"] == [arn]
    assert ecs.list_container_instances(cluster="ci", status="ACTIVE")["containerInstanceArns"] == emulated
    code, _ = error_of(ecs.update_container_instances_state, cluster="ci", containerInstances=[arn],
                       status="REGISTERING")
    assert code == "InvalidParameterException"

    gone = ecs.deregister_container_instance(cluster="ci", containerInstance=arn, force=True)["containerInstance"]
    assert gone["status"] == "INACTIVE" and gone["containerInstanceArn"] == arn
    assert ecs.list_container_instances(cluster="ci")["containerInstanceArns"] == emulated
    assert ecs.describe_clusters(clusters=["ci"])["clusters"][0]["registeredContainerInstancesCount"] == 0
    assert error_of(ecs.deregister_container_instance, cluster="ci",
                    containerInstance=arn)[0] == "InvalidParameterException"
    assert error_of(ecs.deregister_container_instance, cluster="nope",
                    containerInstance=arn)[0] == "ClusterNotFoundException"


def test_attributes_on_container_instances(ecs):
    ecs.create_cluster(clusterName="at")
    emulated = ecs.list_container_instances(cluster="at")["containerInstanceArns"][0]
    other = ecs.register_container_instance(cluster="at")["containerInstance"]["containerInstanceArn"]
    put = ecs.put_attributes(cluster="at", attributes=[
        {"name": "color", "value": "red", "targetType": "container-instance", "targetId": emulated},
        {"name": "gpu", "targetId": other.split("/")[-1]},
    ])["attributes"]
    assert len(put) == 2
    listed = ecs.list_attributes(cluster="at", targetType="container-instance")["attributes"]
    assert {(a["name"], a.get("value"), a["targetId"]) for a in listed} == {("color", "red", emulated),
                                                                            ("gpu", None, other)}
    only = ecs.list_attributes(cluster="at", targetType="container-instance", attributeName="color",
                               attributeValue="red")["attributes"]
    assert [a["targetId"] for a in only] == [emulated]
    described = ecs.describe_container_instances(cluster="at", containerInstances=[emulated])["containerInstances"]
    assert {"name": "color", "value": "red"} in described[0]["attributes"]

    ecs.put_attributes(cluster="at", attributes=[{"name": "color", "value": "blue", "targetId": emulated}])
    only = ecs.list_attributes(cluster="at", targetType="container-instance", attributeName="color")["attributes"]
    assert [a["value"] for a in only] == ["blue"]

    ecs.delete_attributes(cluster="at", attributes=[{"name": "color", "targetId": emulated}])
    listed = ecs.list_attributes(cluster="at", targetType="container-instance")["attributes"]
    assert [a["name"] for a in listed] == ["gpu"]

    code, message = error_of(ecs.put_attributes, cluster="at", attributes=[{"name": "x", "targetId": "nope"}])
    assert code == "TargetNotFoundException" and "nope" in message
    assert error_of(ecs.put_attributes, cluster="at",
                    attributes=[{"name": "bad name!", "targetId": emulated}])[0] == "InvalidParameterException"
    assert error_of(ecs.put_attributes, cluster="at", attributes=[{"name": "x"}])[0] == "InvalidParameterException"
    too_many = [{"name": f"a{i}", "targetId": emulated} for i in range(11)]
    assert error_of(ecs.put_attributes, cluster="at", attributes=too_many)[0] == "AttributeLimitExceededException"
    assert error_of(ecs.list_attributes, cluster="nope",
                    targetType="container-instance")[0] == "ClusterNotFoundException"


# ---------------------------------------------------------------------------------------------- service deployments


def test_service_deployments_and_revisions(ecs, account):
    ecs.create_cluster(clusterName="sd")
    definition = register(ecs)
    service = ecs.create_service(cluster="sd", serviceName="svc", taskDefinition="web", desiredCount=0)["service"]
    listed = ecs.list_service_deployments(cluster="sd", service="svc")["serviceDeployments"]
    assert len(listed) == 1
    first = listed[0]
    assert first["serviceDeploymentArn"].startswith(f"arn:aws:ecs:us-east-1:{account}:service-deployment/sd/svc/")
    assert first["serviceArn"] == service["serviceArn"] and first["clusterArn"].endswith(":cluster/sd")
    assert first["status"] in ("IN_PROGRESS", "SUCCESSFUL")

    ecs.update_service(cluster="sd", service="svc", forceNewDeployment=True)
    listed = ecs.list_service_deployments(cluster="sd", service="svc")["serviceDeployments"]
    assert len(listed) >= 1
    newest = listed[0]
    described = ecs.describe_service_deployments(serviceDeploymentArns=[newest["serviceDeploymentArn"],
                                                                        first["serviceDeploymentArn"] + "9"])
    assert described["serviceDeployments"][0]["serviceDeploymentArn"] == newest["serviceDeploymentArn"]
    target = described["serviceDeployments"][0]["targetServiceRevision"]
    assert target["arn"] == newest["targetServiceRevisionArn"] and target["requestedTaskCount"] == 0
    assert described["failures"] == [{"arn": first["serviceDeploymentArn"] + "9", "reason": "MISSING"}]

    revisions = ecs.describe_service_revisions(serviceRevisionArns=[target["arn"]])
    assert revisions["failures"] == []
    revision = revisions["serviceRevisions"][0]
    assert revision["serviceRevisionArn"] == target["arn"]
    assert revision["taskDefinition"] == definition and revision["serviceArn"] == service["serviceArn"]

    filtered = ecs.list_service_deployments(cluster="sd", service="svc", status=["ROLLBACK_FAILED"])
    assert filtered["serviceDeployments"] == []
    assert error_of(ecs.list_service_deployments, cluster="sd", service="nope")[0] == "ServiceNotFoundException"
    assert error_of(ecs.list_service_deployments, cluster="nope", service="svc")[0] == "ClusterNotFoundException"
    code, _ = error_of(ecs.describe_service_revisions, serviceRevisionArns=[target["arn"]] * 21)
    assert code == "InvalidParameterException"


def test_task_protection_on_a_running_task(ecs, test_images):
    import time

    from conftest import wait_until

    ecs.create_cluster(clusterName="prot")
    ecs.register_task_definition(family="prot", containerDefinitions=[
        {"name": "main", "image": test_images["busybox"], "memory": 32, "command": ["sleep", "600"],
         "stopTimeout": 1}])
    task = ecs.run_task(cluster="prot", taskDefinition="prot")["tasks"][0]
    arn = task["taskArn"]
    try:
        assert ecs.get_task_protection(cluster="prot", tasks=[arn])["protectedTasks"] == [
            {"taskArn": arn, "protectionEnabled": False}]
        before = time.time()
        out = ecs.update_task_protection(cluster="prot", tasks=[arn.split("/")[-1]], protectionEnabled=True)
        [item] = out["protectedTasks"]
        assert item["protectionEnabled"] is True and out["failures"] == []
        assert abs(item["expirationDate"].timestamp() - (before + 120 * 60)) < 60  # the 120-minute default
        out = ecs.update_task_protection(cluster="prot", tasks=[arn], protectionEnabled=True, expiresInMinutes=2880)
        assert abs(out["protectedTasks"][0]["expirationDate"].timestamp() - (before + 2880 * 60)) < 60
        got = ecs.get_task_protection(cluster="prot", tasks=[arn])["protectedTasks"][0]
        assert got["protectionEnabled"] is True and "expirationDate" in got
        out = ecs.update_task_protection(cluster="prot", tasks=[arn], protectionEnabled=False)
        assert out["protectedTasks"] == [{"taskArn": arn, "protectionEnabled": False}]
        assert ecs.get_task_protection(cluster="prot", tasks=[arn])["protectedTasks"][0]["protectionEnabled"] is False
    finally:
        ecs.stop_task(cluster="prot", task=arn)
        wait_until(lambda: ecs.describe_tasks(cluster="prot", tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED",
                   timeout=60, message="task stopped")


def test_cluster_with_registered_instances_cannot_be_deleted(ecs):
    ecs.create_cluster(clusterName="del")
    arn = ecs.register_container_instance(cluster="del")["containerInstance"]["containerInstanceArn"]
    assert error_of(ecs.delete_cluster, cluster="del")[0] == "ClusterContainsContainerInstancesException"
    ecs.deregister_container_instance(cluster="del", containerInstance=arn)
    assert ecs.delete_cluster(cluster="del")["cluster"]["status"] == "INACTIVE"


def test_task_set_tags_primary_definition_and_launch_type(ecs):
    external_service(ecs, cluster="tt", name="svc")
    first = ecs.create_task_set(cluster="tt", service="svc", taskDefinition="web")["taskSet"]
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "web", "image": "albatross-test/app:v2", "memory": 64}])
    second = ecs.create_task_set(cluster="tt", service="svc", taskDefinition="web:2")["taskSet"]
    ecs.update_service_primary_task_set(cluster="tt", service="svc", primaryTaskSet=second["id"])
    service = ecs.describe_services(cluster="tt", services=["svc"])["services"][0]
    assert [t["id"] for t in service["taskSets"]] == [first["id"], second["id"]]
    assert [t["status"] for t in service["taskSets"]] == ["ACTIVE", "PRIMARY"]
    assert service["taskDefinition"] == second["taskDefinition"]

    ecs.tag_resource(resourceArn=first["taskSetArn"], tags=[{"key": "a", "value": "1"}])
    assert ecs.list_tags_for_resource(resourceArn=first["taskSetArn"])["tags"] == [{"key": "a", "value": "1"}]
    code, message = error_of(ecs.create_task_set, cluster="tt", service="svc", taskDefinition="web",
                             launchType="SOMETHING")
    # The gateway's model validation answers before the handler (moto says ClientException here).
    assert code == "InvalidParameterException" and "'launchType'" in message
