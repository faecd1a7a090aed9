"""SSM Parameter Store (the subset ECS secrets and deployment scripts use) with the aws CLI v2 and boto3:
String/StringList/SecureString, versions and selectors, paths, DescribeParameters filters, deletes and errors."""

import pytest
from botocore.exceptions import ClientError


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def test_put_get_versions_with_the_cli(aws, account):
    def ok(*args):
        rc, out, err = aws("ssm", *args)
        assert rc == 0, err
        return out

    assert ok("put-parameter", "--name", "/app/db/host", "--value", "db.local", "--type", "String") == \
        {"Version": 1, "Tier": "Standard"}
    rc, _, err = aws("ssm", "put-parameter", "--name", "/app/db/host", "--value", "other", "--type", "String")
    assert rc != 0 and "(ParameterAlreadyExists)" in err and "set the overwrite option" in err
    assert ok("put-parameter", "--name", "/app/db/host", "--value", "db2.local", "--overwrite")["Version"] == 2
    got = ok("get-parameter", "--name", "/app/db/host")["Parameter"]
    assert got["Value"] == "db2.local" and got["Version"] == 2 and got["Type"] == "String"
    assert got["ARN"] == f"arn:aws:ssm:us-east-1:{account}:parameter/app/db/host" and got["DataType"] == "text"
    first = ok("get-parameter", "--name", "/app/db/host:1")["Parameter"]
    assert first["Value"] == "db.local" and first["Selector"] == ":1" and first["Name"] == "/app/db/host"
    by_arn = ok("get-parameter", "--name", got["ARN"])["Parameter"]
    assert by_arn["Value"] == "db2.local"
    rc, _, err = aws("ssm", "get-parameter", "--name", "/app/db/host:7")
    assert rc != 0 and "(ParameterVersionNotFound)" in err and "could not find version 7 of /app/db/host" in err
    rc, _, err = aws("ssm", "get-parameter", "--name", "/app/none")
    assert rc != 0 and "(ParameterNotFound)" in err


def test_secure_string_and_string_list(client):
    ssm = client("ssm")
    ssm.put_parameter(Name="/app/password", Value="s3cret", Type="SecureString", Description="db password")
    ssm.put_parameter(Name="hosts", Value="a,b,c", Type="StringList")
    hidden = ssm.get_parameter(Name="/app/password")["Parameter"]
    assert hidden["Type"] == "SecureString" and hidden["Value"] != "s3cret" and "s3cret" not in hidden["Value"]
    assert ssm.get_parameter(Name="/app/password", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    assert ssm.get_parameter(Name="hosts")["Parameter"]["Value"] == "a,b,c"
    got = ssm.get_parameters(Names=["/app/password", "hosts", "/missing"], WithDecryption=True)
    assert {p["Name"]: p["Value"] for p in got["Parameters"]} == {"/app/password": "s3cret", "hosts": "a,b,c"}
    assert got["InvalidParameters"] == ["/missing"]
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": ["/app/password"]}])[
        "Parameters"]
    assert len(meta) == 1 and meta[0]["KeyId"] == "alias/aws/ssm" and meta[0]["Description"] == "db password"
    assert "Value" not in meta[0]


def test_paths_and_describe_filters(client):
    ssm = client("ssm")
    for name in ["/svc/a", "/svc/b", "/svc/deep/c", "/other/x"]:
        ssm.put_parameter(Name=name, Value=name, Type="String", Tags=[{"Key": "team", "Value": name.split("/")[1]}])
    one_level = ssm.get_parameters_by_path(Path="/svc")["Parameters"]
    assert [p["Name"] for p in one_level] == ["/svc/a", "/svc/b"]
    deep = ssm.get_parameters_by_path(Path="/svc/", Recursive=True)["Parameters"]
    assert [p["Name"] for p in deep] == ["/svc/a", "/svc/b", "/svc/deep/c"]
    page = ssm.get_parameters_by_path(Path="/svc", Recursive=True, MaxResults=2)
    assert len(page["Parameters"]) == 2 and page["NextToken"]
    rest = ssm.get_parameters_by_path(Path="/svc", Recursive=True, MaxResults=2, NextToken=page["NextToken"])
    assert [p["Name"] for p in rest["Parameters"]] == ["/svc/deep/c"] and "NextToken" not in rest
    paginated = [p["Name"] for pg in ssm.get_paginator("describe_parameters").paginate(PaginationConfig={"PageSize": 1})
                 for p in pg["Parameters"]]
    assert paginated == ["/other/x", "/svc/a", "/svc/b", "/svc/deep/c"]
    by_path = ssm.describe_parameters(ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/svc"]}])
    assert len(by_path["Parameters"]) == 3
    by_tag = ssm.describe_parameters(ParameterFilters=[{"Key": "tag:team", "Values": ["other"]}])["Parameters"]
    assert [p["Name"] for p in by_tag] == ["/other/x"]
    begins = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/svc/d"]}])
    assert [p["Name"] for p in begins["Parameters"]] == ["/svc/deep/c"]
    code, message = error_of(lambda: ssm.get_parameters_by_path(
        Path="/svc", ParameterFilters=[{"Key": "Name", "Values": ["x"]}]))
    assert code == "InvalidFilterKey" and "Name" in message
    assert error_of(lambda: ssm.get_parameters_by_path(Path="/svc", NextToken="garbage"))[0] == "InvalidNextToken"


def test_delete_and_validation_errors(client):
    ssm = client("ssm")
    ssm.put_parameter(Name="/d/one", Value="1", Type="String")
    ssm.put_parameter(Name="/d/two", Value="2", Type="String")
    ssm.delete_parameter(Name="/d/one")
    assert error_of(lambda: ssm.delete_parameter(Name="/d/one"))[0] == "ParameterNotFound"
    assert error_of(lambda: ssm.get_parameter(Name="/d/one"))[0] == "ParameterNotFound"
    out = ssm.delete_parameters(Names=["/d/two", "/d/nope"])
    assert out["DeletedParameters"] == ["/d/two"] and out["InvalidParameters"] == ["/d/nope"]
    assert error_of(lambda: ssm.put_parameter(Name="/n", Value="v")) == (
        "ValidationException", "A parameter type is required when you create a parameter.")
    assert error_of(lambda: ssm.put_parameter(Name="a/b", Value="v", Type="String")) == (
        "ValidationException", "Parameter name must be a fully qualified name.")
    code, message = error_of(lambda: ssm.put_parameter(Name="/aws/x", Value="v", Type="String"))
    assert code == "ValidationException" and "can't be prefixed with \"aws\" or \"ssm\"" in message
    assert error_of(lambda: ssm.put_parameter(Name="/big", Value="x" * 4097, Type="String"))[0] == "ValidationException"
    assert ssm.put_parameter(Name="/big", Value="x" * 4097, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    assert error_of(lambda: ssm.put_parameter(Name="/p", Value="abc", Type="String", AllowedPattern="^[0-9]+$")) == (
        "ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: ^[0-9]+$")
    code, _ = error_of(lambda: ssm.put_parameter(Name="/t", Value="v", Type="String", Overwrite=True,
                                                 Tags=[{"Key": "k", "Value": "v"}]))
    assert code == "ValidationException"
    deep = "/" + "/".join(f"l{i}" for i in range(16))
    assert error_of(lambda: ssm.put_parameter(Name=deep, Value="v", Type="String"))[0] == \
        "HierarchyLevelLimitExceededException"


def test_history_and_tags(client, aws):
    ssm = client("ssm")
    ssm.put_parameter(Name="/h/p", Value="one", Type="SecureString", Tags=[{"Key": "team", "Value": "a"}])
    ssm.put_parameter(Name="/h/p", Value="two", Overwrite=True)
    history = ssm.get_parameter_history(Name="/h/p", WithDecryption=True)["Parameters"]
    assert [(h["Version"], h["Value"], h["Type"]) for h in history] == [(1, "one", "SecureString"),
                                                                        (2, "two", "SecureString")]
    hidden = ssm.get_parameter_history(Name="/h/p")["Parameters"]
    assert all(h["Value"] not in ("one", "two") for h in hidden)
    assert error_of(lambda: ssm.get_parameter_history(Name="/h/none"))[0] == "ParameterNotFound"
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/h/p", Tags=[{"Key": "env", "Value": "dev"}])
    rc, out, err = aws("ssm", "list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/h/p")
    assert rc == 0, err
    assert out["TagList"] == [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/h/p", TagKeys=["team"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/h/p")["TagList"] == [
        {"Key": "env", "Value": "dev"}]
    assert error_of(lambda: ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/h/none"))[0] == \
        "InvalidResourceId"
    assert error_of(lambda: ssm.list_tags_for_resource(ResourceType="Document", ResourceId="/h/p"))[0] == \
        "InvalidResourceType"
