"""STS end to end with the aws CLI v2 and boto3: GetCallerIdentity (account from the access key),
AssumeRole against IAM roles (existence, MaxSessionDuration, session policies), GetSessionToken,
GetAccessKeyInfo, and the errors AWS gives."""

import datetime
import json
import re

import pytest

from conftest import random_account
from aws_errors import cli_error, client_error

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def check_credentials(creds, duration):
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", creds["AccessKeyId"]), creds
    assert len(creds["SecretAccessKey"]) == 40
    assert len(creds["SessionToken"]) > 100
    expiration = creds["Expiration"]
    if isinstance(expiration, str):
        expiration = datetime.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    remaining = (expiration - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert duration - 30 < remaining <= duration + 1, (remaining, duration)


@pytest.fixture
def role(server, account):
    iam = server.client("iam", account=account)
    made = iam.create_role(RoleName="app-task", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=7200)["Role"]
    yield made
    iam.delete_role(RoleName="app-task")


def test_caller_identity_is_the_root_of_the_access_key_account(aws, account):
    rc, out, err = aws("sts", "get-caller-identity")
    assert rc == 0, err
    assert out == {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}


def test_caller_identity_with_a_non_numeric_key_is_the_default_account(server):
    rc, out, err = server.aws("sts", "get-caller-identity", account="AKIDEXAMPLE")
    assert rc == 0, err
    assert out["Account"] == "000000000000"
    assert out["Arn"] == "arn:aws:iam::000000000000:root"


def test_caller_identity_boto3_and_partition_from_region(server, account):
    assert server.client("sts", account=account).get_caller_identity()["Arn"] == f"arn:aws:iam::{account}:root"
    cn = server.client("sts", account=account, region="cn-north-1").get_caller_identity()
    assert cn["Arn"] == f"arn:aws-cn:iam::{account}:root"


def test_assume_role_cli_shapes(aws, account, role):
    rc, out, err = aws("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "deploy@ci")
    assert rc == 0, err
    check_credentials(out["Credentials"], 3600)
    assert out["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:deploy@ci",
                                      "Arn": f"arn:aws:sts::{account}:assumed-role/app-task/deploy@ci"}
    assert "PackedPolicySize" not in out


def test_assume_role_duration_up_to_max_session_duration(server, account, role):
    sts = server.client("sts", account=account)
    out = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7200)
    check_credentials(out["Credentials"], 7200)
    code, message, status = client_error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1",
                                         DurationSeconds=7201)
    assert (code, status) == ("ValidationError", 400)
    assert message == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."


def query(server, account, body):
    """A raw STS query call (for input the SDKs refuse to send). Returns (status, body text)."""
    from conftest import fake_sigv4_headers

    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
               **fake_sigv4_headers("sts", "us-east-1", account)}
    status, _, data = server.http("POST", "/", body=body.encode(), headers=headers)
    return status, data.decode()


def test_durations_below_minimum_are_validation_errors(server, account, role):
    status, text = query(server, account, f"Action=AssumeRole&Version=2011-06-15&RoleArn={role['Arn']}"
                                          "&RoleSessionName=s1&DurationSeconds=899")
    assert status == 400 and "<Code>ValidationError</Code>" in text and "urationSeconds" in text, text
    status, text = query(server, account, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=100")
    assert status == 400 and "<Code>ValidationError</Code>" in text, text


def test_assume_role_with_session_policy(server, account, role):
    sts = server.client("sts", account=account)
    policy = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    out = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", Policy=policy, SourceIdentity="alice")
    assert 0 <= out["PackedPolicySize"] <= 100
    assert out["SourceIdentity"] == "alice"
    code, _, status = client_error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s1", Policy="{not json")
    assert (code, status) == ("MalformedPolicyDocument", 400)


def test_assume_missing_role_is_access_denied(aws, account):
    arn = f"arn:aws:iam::{account}:role/nobody"
    code, message = cli_error(aws, "sts", "assume-role", "--role-arn", arn, "--role-session-name", "s1")
    assert code == "AccessDenied"
    assert message == f"User: arn:aws:iam::{account}:root is not authorized to perform: sts:AssumeRole on resource: {arn}"


def test_assume_role_in_another_account(server, account, role):
    other = random_account()
    out = server.client("sts", account=other).assume_role(RoleArn=role["Arn"], RoleSessionName="x1")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/app-task/x1"


def test_assumed_role_credentials_act_in_the_role_account(server, account, role):
    import boto3

    creds = server.client("sts", account=random_account()).assume_role(
        RoleArn=role["Arn"], RoleSessionName="x2")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"],
                                     aws_session_token=creds["SessionToken"], region_name="us-east-1")
    sts = session.client("sts", endpoint_url=server.url)
    me = sts.get_caller_identity()
    assert me["Account"] == account
    # Whoever signs with these credentials is the assumed role, as on AWS.
    assert me["Arn"] == f"arn:aws:sts::{account}:assumed-role/app-task/x2"
    assert me["UserId"] == f"{role['RoleId']}:x2"
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == account


def test_assume_role_bad_arn_and_bad_session_name(server, account):
    sts = server.client("sts", account=account)
    for arn in ("not-an-arn-of-any-kind", f"arn:aws:iam::{account}:saml-provider/corp"):
        code, message, status = client_error(sts.assume_role, RoleArn=arn, RoleSessionName="s1")
        assert (code, message, status) == ("ValidationError", "Request ARN is invalid", 400), arn
    # A mistyped role ARN is refused like a role the caller may not assume.
    arn = f"arn:aws:iam:{account}:role/missing-colon"
    code, message, status = client_error(sts.assume_role, RoleArn=arn, RoleSessionName="s1")
    assert (code, status) == ("AccessDenied", 403) and message.endswith(arn), message
    code, message, _ = client_error(sts.assume_role, RoleArn=f"arn:aws:iam::{account}:role/r",
                                    RoleSessionName="has space")
    assert code == "ValidationError" and "roleSessionName" in message


def test_get_session_token(aws, server, account):
    rc, out, err = aws("sts", "get-session-token")
    assert rc == 0, err
    check_credentials(out["Credentials"], 3600)
    # Root credentials: AWS keeps the session at one hour at most.
    out = server.client("sts", account=account).get_session_token(DurationSeconds=7200)
    check_credentials(out["Credentials"], 3600)


def test_get_access_key_info(aws, server, account):
    # Key ids are at least 16 characters (the model's constraint), so a 12-digit "account key" is refused.
    status, text = query(server, account, "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=210987654321")
    assert status == 400 and "<Code>ValidationError</Code>" in text, text
    rc, out, err = aws("sts", "get-access-key-info", "--access-key-id", "AKIAIOSFODNN7EXAMPLE")
    assert rc == 0, err
    assert out == {"Account": "000000000000"}


def test_wire_is_query_xml_with_the_sts_namespace(server, account):
    status, text = query(server, account, "Action=GetCallerIdentity&Version=2011-06-15")
    assert status == 200
    assert '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' in text
    assert f"<Account>{account}</Account>" in text


def test_sts_and_iam_with_cli_v1(server, account, aws_v1_path):
    """The same query wire through CLI v1's much newer botocore."""
    if not aws_v1_path:
        pytest.skip("aws CLI v1 is not installed")

    def v1(*args):
        rc, out, err = server.aws(*args, account=account, cli=aws_v1_path)
        assert rc == 0, f"aws v1 {' '.join(args)} -> rc={rc}: {err}"
        return out

    assert v1("sts", "get-caller-identity")["Arn"] == f"arn:aws:iam::{account}:root"
    role = v1("iam", "create-role", "--role-name", "v1-role", "--assume-role-policy-document", TRUST)["Role"]
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST)
    out = v1("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "v1")
    check_credentials(out["Credentials"], 3600)
    v1("iam", "delete-role", "--role-name", "v1-role")
