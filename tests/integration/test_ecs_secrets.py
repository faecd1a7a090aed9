"""ECS container `secrets` from SSM Parameter Store and Secrets Manager injected as environment variables (checked
through the awslogs output of a busybox container), the agent's stoppedReason when a parameter or secret is
missing, environmentFiles (no S3 here: the task fails as when its file cannot be downloaded), and the
executionRoleArn that secrets require."""

import botocore.exceptions
import pytest

from conftest import random_account, wait_until
from test_ecs_tasks import ecs_server, wait_status  # noqa: F401 - shared fixture

EXECUTION_ROLE = "arn:aws:iam::{account}:role/ecsTaskExecutionRole"
PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "


@pytest.fixture
def account():
    return random_account()


def task_definition(ecs, account, image, secrets, family="secretive", command="sleep 1", **container):
    return ecs.register_task_definition(
        family=family, executionRoleArn=EXECUTION_ROLE.format(account=account), containerDefinitions=[{
            "name": "main", "image": image, "memory": 32, "command": ["sh", "-c", command], "secrets": secrets,
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/secrets", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "s",
                "awslogs-create-group": "true"}},
            **container}])["taskDefinition"]["taskDefinitionArn"]


def test_secrets_from_parameter_store_and_secrets_manager_become_environment(ecs_server, account, test_images):
    ssm = ecs_server.client("ssm", account=account)
    sm = ecs_server.client("secretsmanager", account=account)
    ecs = ecs_server.client("ecs", account=account)
    logs = ecs_server.client("logs", account=account)
    ssm.put_parameter(Name="/app/greeting", Value="hello-ssm", Type="String")
    parameter_arn = ssm.put_parameter(Name="/app/password", Value="pw-ssm", Type="SecureString") and \
        ssm.get_parameter(Name="/app/password")["Parameter"]["ARN"]
    secret_arn = sm.create_secret(Name="db", SecretString='{"user":"app","password":"pw-asm"}')["ARN"]
    sm.create_secret(Name="token", SecretString="plain-token")
    token_arn = sm.describe_secret(SecretId="token")["ARN"]
    td = task_definition(
        ecs, account, test_images["busybox"],
        [{"name": "GREETING", "valueFrom": "/app/greeting"},
         {"name": "PW", "valueFrom": parameter_arn},
         {"name": "DB_PASSWORD", "valueFrom": f"{secret_arn}:password::"},
         {"name": "TOKEN", "valueFrom": token_arn}],
        command='echo "G=$GREETING PW=$PW DB=$DB_PASSWORD T=$TOKEN"',  # exits at once: output still captured
        environment=[{"name": "GREETING", "value": "overridden-by-the-secret"}])
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    final = wait_status(ecs, task["taskArn"], "STOPPED")
    assert final["stopCode"] == "EssentialContainerExited" and final["containers"][0]["exitCode"] == 0
    stream = f"s/main/{task['taskArn'].rsplit('/', 1)[1]}"

    def output():
        events = logs.get_log_events(logGroupName="/ecs/secrets", logStreamName=stream, startFromHead=True)["events"]
        return [e["message"] for e in events] or None

    assert wait_until(output, timeout=15, interval=0.1, message="container output") == \
        ["G=hello-ssm PW=pw-ssm DB=pw-asm T=plain-token"]


def test_missing_parameter_or_secret_stops_the_task(ecs_server, account, test_images):
    ecs = ecs_server.client("ecs", account=account)
    sm = ecs_server.client("secretsmanager", account=account)
    td = task_definition(ecs, account, test_images["busybox"], [{"name": "X", "valueFrom": "/not/there"}], family="m1")
    final = wait_status(ecs, ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"], "STOPPED")
    assert final["stopCode"] == "TaskFailedToStart"
    assert final["stoppedReason"] == PREFIX + ("unable to retrieve secrets from ssm: service call has been retried 1 "
                                               "time(s): invalid ssm parameters: /not/there")
    assert final["containers"][0]["lastStatus"] == "STOPPED"

    ghost = f"arn:aws:secretsmanager:us-east-1:{account}:secret:ghost-AbCdEf"
    td = task_definition(ecs, account, test_images["busybox"], [{"name": "X", "valueFrom": ghost}], family="m2")
    final = wait_status(ecs, ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"], "STOPPED")
    assert final["stopCode"] == "TaskFailedToStart"
    assert final["stoppedReason"] == PREFIX + (
        "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret " + ghost +
        " from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.")

    arn = sm.create_secret(Name="nokey", SecretString='{"a":"b"}')["ARN"]
    td = task_definition(ecs, account, test_images["busybox"], [{"name": "X", "valueFrom": f"{arn}:missing::"}],
                         family="m3")
    final = wait_status(ecs, ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"], "STOPPED")
    assert final["stoppedReason"].startswith(PREFIX) and "did not contain json key missing" in final["stoppedReason"]


def test_environment_files_cannot_be_downloaded(ecs_server, account, test_images):
    ecs = ecs_server.client("ecs", account=account)
    td = task_definition(ecs, account, test_images["busybox"], [], family="envfile",
                         environmentFiles=[{"value": "arn:aws:s3:::bucket/app.env", "type": "s3"}])
    final = wait_status(ecs, ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"], "STOPPED")
    assert final["stopCode"] == "TaskFailedToStart"
    assert final["stoppedReason"].startswith("ResourceInitializationError: failed to download env files:")


def test_secrets_need_an_execution_role(ecs_server, account):
    ecs = ecs_server.client("ecs", account=account)
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ecs.register_task_definition(family="norole", containerDefinitions=[
            {"name": "m", "image": "i", "memory": 32, "secrets": [{"name": "X", "valueFrom": "/p"}]}])
    assert info.value.response["Error"]["Code"] == "ClientException"
    assert info.value.response["Error"]["Message"] == \
        "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."
