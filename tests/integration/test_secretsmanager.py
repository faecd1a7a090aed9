"""AWS Secrets Manager with the aws CLI v2 and boto3: create/get/put/update/describe/list, staging labels
(AWSCURRENT/AWSPREVIOUS), idempotent client tokens, deletion with a recovery window or forced, restore, errors."""

import json
import re

import pytest
from botocore.exceptions import ClientError


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def test_lifecycle_with_the_cli(aws, account):
    def ok(*args):
        rc, out, err = aws("secretsmanager", *args)
        assert rc == 0, err
        return out

    created = ok("create-secret", "--name", "prod/db", "--secret-string", '{"user":"app","password":"pw1"}',
                 "--description", "database")
    assert re.fullmatch(rf"arn:aws:secretsmanager:us-east-1:{account}:secret:prod/db-[A-Za-z0-9]{{6}}", created["ARN"])
    assert created["Name"] == "prod/db" and created["VersionId"]
    got = ok("get-secret-value", "--secret-id", "prod/db")
    assert json.loads(got["SecretString"])["password"] == "pw1" and got["VersionStages"] == ["AWSCURRENT"]
    assert ok("get-secret-value", "--secret-id", created["ARN"])["VersionId"] == created["VersionId"]
    partial = created["ARN"][:-7]
    assert ok("get-secret-value", "--secret-id", partial)["Name"] == "prod/db"
    rc, _, err = aws("secretsmanager", "create-secret", "--name", "prod/db", "--secret-string", "x")
    assert rc != 0 and "(ResourceExistsException)" in err and "prod/db already exists" in err
    put = ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", "second")
    assert put["VersionStages"] == ["AWSCURRENT"]
    described = ok("describe-secret", "--secret-id", "prod/db")
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSPREVIOUS"], put["VersionId"]: ["AWSCURRENT"]}
    assert described["Description"] == "database"
    previous = ok("get-secret-value", "--secret-id", "prod/db", "--version-stage", "AWSPREVIOUS")
    assert json.loads(previous["SecretString"])["user"] == "app"
    rc, _, err = aws("secretsmanager", "get-secret-value", "--secret-id", "nope")
    assert rc != 0 and "(ResourceNotFoundException)" in err and "can't find the specified secret" in err
    deleted = ok("delete-secret", "--secret-id", "prod/db", "--force-delete-without-recovery")
    assert deleted["Name"] == "prod/db"
    rc, _, err = aws("secretsmanager", "describe-secret", "--secret-id", "prod/db")
    assert rc != 0 and "(ResourceNotFoundException)" in err


def test_versions_tokens_and_update(client):
    sm = client("secretsmanager")
    token = "a" * 32
    first = sm.create_secret(Name="api-key", SecretString="v1", ClientRequestToken=token)
    assert first["VersionId"] == token
    again = sm.put_secret_value(SecretId="api-key", SecretString="v1", ClientRequestToken=token)
    assert again["VersionId"] == token  # same request again: idempotent
    assert error_of(lambda: sm.put_secret_value(SecretId="api-key", SecretString="changed", ClientRequestToken=token)) == (
        "ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
    updated = sm.update_secret(SecretId="api-key", SecretString="v2", Description="rotated by hand")
    assert sm.get_secret_value(SecretId="api-key")["SecretString"] == "v2"
    assert sm.get_secret_value(SecretId="api-key", VersionId=token)["SecretString"] == "v1"
    assert sm.describe_secret(SecretId="api-key")["Description"] == "rotated by hand"
    binary = sm.create_secret(Name="blob", SecretBinary=b"\x00\x01binary")
    assert sm.get_secret_value(SecretId=binary["ARN"])["SecretBinary"] == b"\x00\x01binary"
    empty = sm.create_secret(Name="empty")
    assert "VersionId" not in empty
    assert error_of(lambda: sm.get_secret_value(SecretId="empty")) == (
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT")
    assert error_of(lambda: sm.get_secret_value(SecretId="api-key", VersionId="b" * 32))[0] == "ResourceNotFoundException"
    assert updated["VersionId"] != token
    assert error_of(lambda: sm.create_secret(Name="bad name!?", SecretString="x"))[0] == "InvalidParameterException"


def test_list_delete_with_recovery_window_and_restore(client, server, account):
    sm = client("secretsmanager")
    sm.create_secret(Name="team/a", SecretString="1", Tags=[{"Key": "team", "Value": "red"}])
    sm.create_secret(Name="team/b", SecretString="2", Tags=[{"Key": "team", "Value": "blue"}])
    sm.create_secret(Name="other", SecretString="3")
    names = lambda **kw: sorted(s["Name"] for s in sm.list_secrets(**kw)["SecretList"])  # noqa: E731
    assert names() == ["other", "team/a", "team/b"]
    assert names(Filters=[{"Key": "name", "Values": ["team/"]}]) == ["team/a", "team/b"]
    assert names(Filters=[{"Key": "tag-value", "Values": ["red"]}]) == ["team/a"]
    listed = sm.list_secrets(Filters=[{"Key": "name", "Values": ["team/a"]}])["SecretList"][0]
    assert list(listed["SecretVersionsToStages"].values()) == [["AWSCURRENT"]] and listed["Tags"][0]["Value"] == "red"
    assert error_of(lambda: sm.delete_secret(SecretId="other", RecoveryWindowInDays=3)) == (
        "InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
    assert error_of(lambda: sm.delete_secret(SecretId="other", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)) \
        == ("InvalidParameterException",
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
    out = sm.delete_secret(SecretId="other", RecoveryWindowInDays=7)
    assert 6.9 * 86400 < (out["DeletionDate"] - sm.describe_secret(SecretId="other")["DeletedDate"]).total_seconds() \
        < 7.1 * 86400
    assert names() == ["team/a", "team/b"]
    # this boto3 predates IncludePlannedDeletion: send it raw
    status, _, body = server.json_call("ListSecrets", {"IncludePlannedDeletion": True}, account=account,
                                       prefix="secretsmanager", service="secretsmanager")
    assert status == 200 and sorted(s["Name"] for s in body["SecretList"]) == ["other", "team/a", "team/b"]
    assert error_of(lambda: sm.get_secret_value(SecretId="other")) == (
        "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
    assert error_of(lambda: sm.create_secret(Name="other", SecretString="x"))[0] == "InvalidRequestException"
    sm.restore_secret(SecretId="other")
    assert sm.get_secret_value(SecretId="other")["SecretString"] == "3"
    assert error_of(lambda: sm.delete_secret(SecretId="ghost"))[0] == "ResourceNotFoundException"


def test_tags_and_version_ids(client, aws):
    sm = client("secretsmanager")
    arn = sm.create_secret(Name="tagged", SecretString="a", Tags=[{"Key": "team", "Value": "red"}])["ARN"]
    sm.put_secret_value(SecretId="tagged", SecretString="b")
    sm.put_secret_value(SecretId="tagged", SecretString="c")
    rc, _, err = aws("secretsmanager", "tag-resource", "--secret-id", "tagged", "--tags", "Key=env,Value=dev")
    assert rc == 0, err
    sm.untag_resource(SecretId=arn, TagKeys=["team"])
    assert sm.describe_secret(SecretId="tagged")["Tags"] == [{"Key": "env", "Value": "dev"}]
    listed = sm.list_secret_version_ids(SecretId="tagged")
    assert listed["ARN"] == arn and sorted(s for v in listed["Versions"] for s in v["VersionStages"]) == \
        ["AWSCURRENT", "AWSPREVIOUS"]
    with_deprecated = sm.list_secret_version_ids(SecretId="tagged", IncludeDeprecated=True)["Versions"]
    assert len(with_deprecated) == 3 and [] in [v["VersionStages"] for v in with_deprecated]
    assert error_of(lambda: sm.tag_resource(SecretId="ghost", Tags=[{"Key": "k", "Value": "v"}]))[0] == \
        "ResourceNotFoundException"
