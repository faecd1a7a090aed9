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
