"""ECR repositories and registry calls through the aws CLI v2 and boto3: shapes, defaults, AWS's errors."""

import base64
import datetime
import json
import time

import pytest

from conftest import random_account
from test_ecr_support import registry_info, unique_name


@pytest.fixture
def ecr(server, account):
    return server.client("ecr", account=account)


def error_of(exc_info):
    return exc_info.value.response["Error"]


def test_create_repository_with_cli_defaults(server, aws, account):
    name = unique_name("cli") + "/nested"
    out = aws("ecr", "create-repository", "--repository-name", name)
    assert out[0] == 0, out[2]
    repo = out[1]["repository"]
    assert repo["repositoryArn"] == f"arn:aws:ecr:us-east-1:{account}:repository/{name}"
    assert repo["registryId"] == account
    assert repo["repositoryName"] == name
    assert repo["repositoryUri"] == f"{registry_info(server)['host']}/{name}"
    assert repo["imageTagMutability"] == "MUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": False}
    assert repo["encryptionConfiguration"] == {"encryptionType": "AES256"}
    assert abs(datetime.datetime.fromisoformat(repo["createdAt"]).timestamp() - time.time()) < 60
    rc, _, err = aws("ecr", "create-repository", "--repository-name", name)
    assert rc != 0
    assert "(RepositoryAlreadyExistsException)" in err
    assert f"The repository with name '{name}' already exists in the registry with id '{account}'" in err


def test_create_repository_with_settings_and_tags(ecr):
    name = unique_name("settings")
    repo = ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE",
                                 imageScanningConfiguration={"scanOnPush": True},
                                 encryptionConfiguration={"encryptionType": "KMS"},
                                 tags=[{"Key": "team", "Value": "web"}])["repository"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "KMS"
    assert repo["encryptionConfiguration"]["kmsKey"].startswith("arn:aws:kms:us-east-1:")
    assert ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"] == [{"Key": "team", "Value": "web"}]


@pytest.mark.parametrize("name", ["AB", "UPPER", "bad_", "-lead", "a" * 257, "two//slashes"])
def test_invalid_repository_names(ecr, name):
    with pytest.raises(ecr.exceptions.ClientError) as exc:
        ecr.create_repository(repositoryName=name)
    assert error_of(exc)["Code"] == "InvalidParameterException"


def test_invalid_parameters_are_worded_like_ecr(ecr):
    # ECR names the parameter and the constraint in its own words, one violation at a time.
    with pytest.raises(ecr.exceptions.ClientError) as exc:
        ecr.create_repository(repositoryName="UPPER")
    assert error_of(exc)["Message"].startswith(
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '")
    with pytest.raises(ecr.exceptions.ClientError) as exc:
        ecr.create_repository(repositoryName="a" * 257)
    assert error_of(exc) == {
        "Code": "InvalidParameterException",
        "Message": "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
                   "'must have length less than or equal to 256'"}


def test_describe_repositories_by_name_and_paging(ecr, account):
    names = [unique_name(f"page{i}") for i in range(5)]
    for name in names:
        ecr.create_repository(repositoryName=name)
    got = ecr.describe_repositories(repositoryNames=names[:2])["repositories"]
    assert [r["repositoryName"] for r in got] == names[:2]
    first = ecr.describe_repositories(maxResults=2)
    assert len(first["repositories"]) == 2 and "nextToken" in first
    everything = []
    for page in ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 2}):
        everything += [r["repositoryName"] for r in page["repositories"]]
    assert everything == names
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException) as exc:
        ecr.describe_repositories(repositoryNames=[names[0], "does-not-exist"])
    assert error_of(exc)["Message"] == (
        f"The repository with name 'does-not-exist' does not exist in the registry with id '{account}'")
    with pytest.raises(ecr.exceptions.InvalidParameterException):
        ecr.describe_repositories(nextToken="garbage")


def test_delete_repository_requires_force_when_not_empty(server, ecr, account):
    from test_ecr_support import Registry
    name = unique_name("delete")
    ecr.create_repository(repositoryName=name)
    Registry(server, account).push_image(name, "v1")
    with pytest.raises(ecr.exceptions.RepositoryNotEmptyException) as exc:
        ecr.delete_repository(repositoryName=name)
    assert error_of(exc)["Message"] == (f"The repository with name '{name}' in registry with id '{account}' cannot be "
                                        "deleted because it still contains images")
    deleted = ecr.delete_repository(repositoryName=name, force=True)["repository"]
    assert deleted["repositoryName"] == name
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.delete_repository(repositoryName=name)
    empty = unique_name("delete-empty")
    ecr.create_repository(repositoryName=empty)
    assert ecr.delete_repository(repositoryName=empty)["repository"]["repositoryName"] == empty


ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921"


def test_tag_mutability_and_scanning_configuration(server, ecr, account):
    name = unique_name("settings")
    ecr.create_repository(repositoryName=name)
    out = ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
    assert out["imageTagMutability"] == "IMMUTABLE" and out["repositoryName"] == name
    # exclusion filters are newer than Debian's botocore: raw JSON 1.1 calls
    filters = [{"filterType": "WILDCARD", "filter": "dev-*"}]
    status, _, out = server.json_call("PutImageTagMutability", {
        "repositoryName": name, "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": filters}, account=account, prefix=ECR_TARGET, service="ecr")
    assert status == 200 and out["imageTagMutabilityExclusionFilters"] == filters
    status, _, out = server.json_call("PutImageTagMutability", {
        "repositoryName": name, "imageTagMutability": "MUTABLE_WITH_EXCLUSION"},
        account=account, prefix=ECR_TARGET, service="ecr")
    assert status == 400 and out["__type"] == "InvalidParameterException"
    out = ecr.put_image_scanning_configuration(repositoryName=name, imageScanningConfiguration={"scanOnPush": True})
    assert out["imageScanningConfiguration"] == {"scanOnPush": True}
    repo = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.put_image_tag_mutability(repositoryName="nope-" + name, imageTagMutability="MUTABLE")


def test_repository_policy(ecr, account):
    name = unique_name("policy")
    ecr.create_repository(repositoryName=name)
    with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException) as exc:
        ecr.get_repository_policy(repositoryName=name)
    assert error_of(exc)["Message"] == (f"Repository policy does not exist for the repository with name '{name}' in the "
                                        f"registry with id '{account}'")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow",
                                                                   "Principal": "*", "Action": ["ecr:BatchGetImage"]}]})
    assert ecr.set_repository_policy(repositoryName=name, policyText=policy)["policyText"] == policy
    assert ecr.get_repository_policy(repositoryName=name)["policyText"] == policy
    assert ecr.delete_repository_policy(repositoryName=name)["policyText"] == policy
    with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException):
        ecr.delete_repository_policy(repositoryName=name)
    invalid = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"
    for bad in ("{not json",
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}),  # no principal, no action
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*"}]}),
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*",
                                                                    "Action": "ecr:BatchGetImage"}]}),
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": ["Allow"], "Principal": "*",
                                                                    "Action": "ecr:BatchGetImage"}]})):
        with pytest.raises(ecr.exceptions.InvalidParameterException) as exc:
            ecr.set_repository_policy(repositoryName=name, policyText=bad)
        assert error_of(exc)["Message"] == invalid
    with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException):
        ecr.get_repository_policy(repositoryName=name)


def test_tags(aws, ecr, account):
    name = unique_name("tags")
    arn = ecr.create_repository(repositoryName=name)["repository"]["repositoryArn"]
    rc, _, err = aws("ecr", "tag-resource", "--resource-arn", arn, "--tags", "Key=env,Value=prod", "Key=team,Value=a")
    assert rc == 0, err
    assert aws("ecr", "list-tags-for-resource", "--resource-arn", arn)[1]["tags"] == [
        {"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}]
    ecr.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert ecr.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "env", "Value": "prod"}]
    with pytest.raises(ecr.exceptions.InvalidTagParameterException):
        ecr.tag_resource(resourceArn=arn, tags=[{"Key": "aws:reserved", "Value": "x"}])
    with pytest.raises(ecr.exceptions.TooManyTagsException):
        ecr.tag_resource(resourceArn=arn, tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.list_tags_for_resource(resourceArn=f"arn:aws:ecr:us-east-1:{account}:repository/missing-{name}")
    with pytest.raises(ecr.exceptions.InvalidParameterException):
        ecr.list_tags_for_resource(resourceArn="arn:aws:s3:::bucket")


def test_get_authorization_token_and_login_password(server, aws, account):
    before = time.time()
    data = aws("ecr", "get-authorization-token")[1]["authorizationData"]
    assert len(data) == 1
    user, password = base64.b64decode(data[0]["authorizationToken"]).decode().split(":", 1)
    assert user == "AWS" and password
    assert data[0]["proxyEndpoint"] == f"http://{registry_info(server)['host']}"
    expires = datetime.datetime.fromisoformat(data[0]["expiresAt"]).timestamp()
    assert 12 * 3600 - 60 < expires - before < 12 * 3600 + 60
    rc, out, err = server.aws("ecr", "get-login-password", account=account, output="text")
    assert rc == 0, err
    assert base64.b64decode(out.strip()[:0] + data[0]["authorizationToken"]).startswith(b"AWS:")
    two = server.client("ecr", account=account).get_authorization_token(
        registryIds=[account, "111122223333"])["authorizationData"]
    assert len(two) == 2


def test_describe_registry(ecr, account):
    out = ecr.describe_registry()
    assert out["registryId"] == account
    assert out["replicationConfiguration"] == {"rules": []}


def test_repositories_are_per_region(server, account):
    name = unique_name("region")
    server.client("ecr", account=account, region="eu-west-1").create_repository(repositoryName=name)
    east = server.client("ecr", account=account, region="us-east-1")
    with pytest.raises(east.exceptions.RepositoryNotFoundException):
        east.describe_repositories(repositoryNames=[name])
    east.create_repository(repositoryName=name)  # same name, other region: no conflict
    assert random_account() != account
