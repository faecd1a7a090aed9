"""IAM end to end with the aws CLI v2 and boto3: roles (trust policies, tags, updates), customer managed
policies and their versions, AWS managed policies, attachments, inline policies, service-linked roles,
instance profiles, and AWS's errors (NoSuchEntity, EntityAlreadyExists, DeleteConflict, MalformedPolicyDocument,
LimitExceeded, UnmodifiableEntity). Each test uses its own random account."""

import json
import re
import urllib.parse

import pytest

from conftest import fake_sigv4_headers, random_account
from aws_errors import cli_error, client_error, ok

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}
EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


@pytest.fixture
def iam(client):
    return client("iam")


def make_role(iam, name="web-task", **kw):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), **kw)["Role"]


# ------------------------------------------------------------------------------------------------
# roles
# ------------------------------------------------------------------------------------------------


def test_create_get_list_delete_role_cli(aws, account):
    out = ok(aws, "iam", "create-role", "--role-name", "web-task", "--path", "/app/",
             "--assume-role-policy-document", json.dumps(TRUST), "--description", "task role",
             "--tags", "Key=team,Value=web")
    role = out["Role"]
    assert role["Arn"] == f"arn:aws:iam::{account}:role/app/web-task"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"])
    assert role["Path"] == "/app/"
    assert role["AssumeRolePolicyDocument"] == TRUST  # URL-encoded on the wire, decoded by the CLI
    assert role["Tags"] == [{"Key": "team", "Value": "web"}]

    got = ok(aws, "iam", "get-role", "--role-name", "WEB-TASK")["Role"]  # names ignore case
    assert got["RoleName"] == "web-task" and got["RoleId"] == role["RoleId"]
    assert got["MaxSessionDuration"] == 3600 and got["Description"] == "task role"
    assert got["RoleLastUsed"] == {}

    listed = ok(aws, "iam", "list-roles")["Roles"]
    assert [r["RoleName"] for r in listed] == ["web-task"]
    assert "Tags" not in listed[0]
    assert ok(aws, "iam", "list-roles", "--path-prefix", "/other/")["Roles"] == []

    ok(aws, "iam", "delete-role", "--role-name", "web-task")
    code, message = cli_error(aws, "iam", "get-role", "--role-name", "web-task")
    assert (code, message) == ("NoSuchEntity", "The role with name web-task cannot be found.")


def test_role_errors(iam):
    make_role(iam, "dup")
    code, message, status = client_error(iam.create_role, RoleName="DUP", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert (code, message, status) == ("EntityAlreadyExists", "Role with name DUP already exists.", 409)
    code, message, status = client_error(iam.delete_role, RoleName="missing")
    assert (code, message, status) == ("NoSuchEntity", "The role with name missing cannot be found.", 404)
    code, message, status = client_error(iam.create_role, RoleName="bad", AssumeRolePolicyDocument="{nope")
    assert (code, message, status) == ("MalformedPolicyDocument", "This policy contains invalid Json", 400)
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    code, message, _ = client_error(iam.create_role, RoleName="bad", AssumeRolePolicyDocument=json.dumps(no_principal))
    assert (code, message) == ("MalformedPolicyDocument", "Missing required field Principal")
    code, message, _ = client_error(iam.create_role, RoleName="bad space", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert code == "ValidationError" and "roleName" in message
    code, _, _ = client_error(iam.create_role, RoleName="bad", Path="no-slashes",
                              AssumeRolePolicyDocument=json.dumps(TRUST))
    assert code == "ValidationError"
    big = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": f"svc{i}.amazonaws.com"}, "Action": "sts:AssumeRole"}
        for i in range(40)]}
    code, message, _ = client_error(iam.create_role, RoleName="big", AssumeRolePolicyDocument=json.dumps(big))
    assert (code, message) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")


def test_update_role_trust_policy_and_description(aws, iam):
    make_role(iam)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}
    ok(aws, "iam", "update-assume-role-policy", "--role-name", "web-task", "--policy-document", json.dumps(trust))
    assert iam.get_role(RoleName="web-task")["Role"]["AssumeRolePolicyDocument"] == trust
    code, message = cli_error(aws, "iam", "update-assume-role-policy", "--role-name", "web-task",
                              "--policy-document", "[]")
    assert code == "MalformedPolicyDocument"
    ok(aws, "iam", "update-role", "--role-name", "web-task", "--max-session-duration", "43200",
       "--description", "new")
    role = iam.get_role(RoleName="web-task")["Role"]
    assert (role["MaxSessionDuration"], role["Description"]) == (43200, "new")
    role = ok(aws, "iam", "update-role-description", "--role-name", "web-task", "--description", "newer")["Role"]
    assert role["Description"] == "newer"


def test_role_tags(aws, iam):
    make_role(iam, Tags=[{"Key": "a", "Value": "1"}])
    ok(aws, "iam", "tag-role", "--role-name", "web-task", "--tags", "Key=b,Value=2", "Key=a,Value=9")
    assert ok(aws, "iam", "list-role-tags", "--role-name", "web-task")["Tags"] == [
        {"Key": "a", "Value": "9"}, {"Key": "b", "Value": "2"}]
    ok(aws, "iam", "untag-role", "--role-name", "web-task", "--tag-keys", "a")
    assert iam.list_role_tags(RoleName="web-task")["Tags"] == [{"Key": "b", "Value": "2"}]
    code, message, _ = client_error(iam.tag_role, RoleName="web-task",
                                    Tags=[{"Key": "K", "Value": "1"}, {"Key": "k", "Value": "2"}])
    assert code == "InvalidInput" and "Duplicate tag keys" in message
    code, _, _ = client_error(iam.tag_role, RoleName="web-task",
                              Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert code == "LimitExceeded"
    code, _, status = client_error(iam.list_role_tags, RoleName="nope")
    assert (code, status) == ("NoSuchEntity", 404)


def test_list_roles_pagination(iam):
    for i in range(5):
        make_role(iam, f"r{i}")
    page = iam.list_roles(MaxItems=2)
    assert page["IsTruncated"] is True and len(page["Roles"]) == 2
    names = [r["RoleName"] for r in page["Roles"]]
    while page["IsTruncated"]:
        page = iam.list_roles(MaxItems=2, Marker=page["Marker"])
        names += [r["RoleName"] for r in page["Roles"]]
    assert names == ["r0", "r1", "r2", "r3", "r4"]
    all_names = [r["RoleName"] for p in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 3})
                 for r in p["Roles"]]
    assert all_names == names


# ------------------------------------------------------------------------------------------------
# managed policies
# ------------------------------------------------------------------------------------------------


def test_customer_managed_policy_lifecycle_cli(aws, account):
    out = ok(aws, "iam", "create-policy", "--policy-name", "read-bucket", "--path", "/app/",
             "--policy-document", json.dumps(POLICY), "--description", "reads", "--tags", "Key=k,Value=v")
    policy = out["Policy"]
    arn = f"arn:aws:iam::{account}:policy/app/read-bucket"
    assert policy["Arn"] == arn and policy["DefaultVersionId"] == "v1"
    assert re.fullmatch(r"ANPA[A-Z0-9]{17}", policy["PolicyId"])
    assert policy["AttachmentCount"] == 0 and policy["IsAttachable"] is True

    got = ok(aws, "iam", "get-policy", "--policy-arn", arn)["Policy"]
    assert got["Description"] == "reads" and got["Tags"] == [{"Key": "k", "Value": "v"}]
    version = ok(aws, "iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")["PolicyVersion"]
    assert version["Document"] == POLICY and version["IsDefaultVersion"] is True

    local = ok(aws, "iam", "list-policies", "--scope", "Local")["Policies"]
    assert [p["Arn"] for p in local] == [arn]
    code, message = cli_error(aws, "iam", "create-policy", "--policy-name", "READ-bucket",
                              "--policy-document", json.dumps(POLICY))
    assert (code, message) == ("EntityAlreadyExists",
                               "A policy called READ-bucket already exists. Duplicate names are not allowed.")
    ok(aws, "iam", "delete-policy", "--policy-arn", arn)
    code, message = cli_error(aws, "iam", "get-policy", "--policy-arn", arn)
    assert (code, message) == ("NoSuchEntity", f"Policy {arn} was not found.")


def test_policy_document_errors(iam):
    cases = [
        ("{", "Syntax errors in policy."),
        (json.dumps({"Version": "2012-10-17"}), "Syntax errors in policy."),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]}),
         "Missing required field Effect"),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
         "Policy statement must contain actions."),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
         "Policy statement must contain resources."),
        (json.dumps({"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
         "The policy failed legacy parsing"),
    ]
    for document, message in cases:
        code, got, status = client_error(iam.create_policy, PolicyName="p", PolicyDocument=document)
        assert (code, got, status) == ("MalformedPolicyDocument", message, 400), document
    big = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:GetObject{i:04d}" for i in range(400)], "Resource": "*"}]}
    code, message, status = client_error(iam.create_policy, PolicyName="p", PolicyDocument=json.dumps(big))
    assert (code, message, status) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)


def test_policy_versions(aws, iam, account):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    v2 = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action=["s3:PutObject"])])
    out = ok(aws, "iam", "create-policy-version", "--policy-arn", arn, "--policy-document", json.dumps(v2),
             "--set-as-default")["PolicyVersion"]
    assert out["VersionId"] == "v2" and out["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(POLICY))
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, False, True, False]
    code, message, _ = client_error(iam.create_policy_version, PolicyArn=arn, PolicyDocument=json.dumps(POLICY))
    assert code == "LimitExceeded" and "up to 5 versions" in message
    code, message, _ = client_error(iam.delete_policy_version, PolicyArn=arn, VersionId="v2")
    assert (code, message) == ("DeleteConflict", "Cannot delete the default version of a policy.")
    code, message, _ = client_error(iam.get_policy_version, PolicyArn=arn, VersionId="v9")
    assert code == "NoSuchEntity" and "v9" in message
    code, message, status = client_error(iam.delete_policy, PolicyArn=arn)
    assert (code, status) == ("DeleteConflict", 409) and "more than one version" in message
    ok(aws, "iam", "set-default-policy-version", "--policy-arn", arn, "--version-id", "v1")
    for version in ("v2", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == POLICY
    iam.delete_policy(PolicyArn=arn)


def test_policy_tags(aws, iam, account):
    arn = iam.create_policy(PolicyName="tagged", PolicyDocument=json.dumps(POLICY),
                            Tags=[{"Key": "a", "Value": "1"}])["Policy"]["Arn"]
    ok(aws, "iam", "tag-policy", "--policy-arn", arn, "--tags", "Key=b,Value=2")
    assert ok(aws, "iam", "list-policy-tags", "--policy-arn", arn)["Tags"] == [
        {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = f"arn:aws:iam::{account}:policy/none"
    code, message, status = client_error(iam.tag_policy, PolicyArn=missing, Tags=[{"Key": "k", "Value": "v"}])
    assert (code, message, status) == ("NoSuchEntity", f"Policy {missing} was not found.", 404)
    code, _, status = client_error(iam.tag_policy, PolicyArn=EXEC_POLICY, Tags=[{"Key": "k", "Value": "v"}])
    assert (code, status) == ("AccessDenied", 403)
    iam.delete_policy(PolicyArn=arn)
    code, _, _ = client_error(iam.list_policy_tags, PolicyArn=arn)
    assert code == "NoSuchEntity"


def test_aws_managed_policies_are_readable_not_writable(aws, iam):
    policy = ok(aws, "iam", "get-policy", "--policy-arn", EXEC_POLICY)["Policy"]
    assert policy["PolicyName"] == "AmazonECSTaskExecutionRolePolicy" and policy["Path"] == "/service-role/"
    assert re.fullmatch(r"ANPA[A-Z0-9]{17}", policy["PolicyId"])
    document = iam.get_policy_version(PolicyArn=EXEC_POLICY, VersionId=policy["DefaultVersionId"])[
        "PolicyVersion"]["Document"]
    actions = document["Statement"][0]["Action"]
    assert "ecr:GetAuthorizationToken" in actions and "logs:PutLogEvents" in actions
    names = [p["PolicyName"] for p in iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]]
    assert {"AmazonECSTaskExecutionRolePolicy", "AdministratorAccess", "AmazonEC2ContainerRegistryReadOnly"} <= set(names)
    assert names == sorted(names, key=str.lower)
    code, _, status = client_error(iam.delete_policy, PolicyArn=EXEC_POLICY)
    assert (code, status) == ("AccessDenied", 403)
    code, _, _ = client_error(iam.create_policy_version, PolicyArn=EXEC_POLICY, PolicyDocument=json.dumps(POLICY))
    assert code == "AccessDenied"
    code, message, _ = client_error(iam.get_policy, PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    assert (code, message) == ("NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicyAtAll was not found.")


def test_aws_managed_policy_id_is_the_same_in_every_account(server, iam):
    other = server.client("iam", account=random_account())
    assert iam.get_policy(PolicyArn=EXEC_POLICY)["Policy"]["PolicyId"] == \
        other.get_policy(PolicyArn=EXEC_POLICY)["Policy"]["PolicyId"]


# ------------------------------------------------------------------------------------------------
# attachments and inline policies
# ------------------------------------------------------------------------------------------------


def test_attach_detach_and_delete_conflicts(aws, iam, account):
    make_role(iam)
    arn = iam.create_policy(PolicyName="mine", Path="/x/", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    ok(aws, "iam", "attach-role-policy", "--role-name", "web-task", "--policy-arn", EXEC_POLICY)
    ok(aws, "iam", "attach-role-policy", "--role-name", "web-task", "--policy-arn", arn)
    ok(aws, "iam", "attach-role-policy", "--role-name", "web-task", "--policy-arn", arn)  # idempotent
    attached = ok(aws, "iam", "list-attached-role-policies", "--role-name", "web-task")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": EXEC_POLICY},
                        {"PolicyName": "mine", "PolicyArn": arn}]
    assert iam.list_attached_role_policies(RoleName="web-task", PathPrefix="/x/")["AttachedPolicies"] == [
        {"PolicyName": "mine", "PolicyArn": arn}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.get_policy(PolicyArn=EXEC_POLICY)["Policy"]["AttachmentCount"] == 1
    attached_only = [p["Arn"] for p in iam.list_policies(OnlyAttached=True)["Policies"]]
    assert sorted(attached_only) == sorted([arn, EXEC_POLICY])

    code, message = cli_error(aws, "iam", "delete-role", "--role-name", "web-task")
    assert (code, message) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.")
    code, message = cli_error(aws, "iam", "delete-policy", "--policy-arn", arn)
    assert (code, message) == ("DeleteConflict", "Cannot delete a policy attached to entities.")

    missing = f"arn:aws:iam::{account}:policy/nope"
    code, message, status = client_error(iam.attach_role_policy, RoleName="web-task", PolicyArn=missing)
    assert (code, message, status) == ("NoSuchEntity", f"Policy {missing} does not exist or is not attachable.", 404)
    code, message, _ = client_error(iam.attach_role_policy, RoleName="ghost", PolicyArn=arn)
    assert (code, message) == ("NoSuchEntity", "The role with name ghost cannot be found.")
    code, message, _ = client_error(iam.detach_role_policy, RoleName="web-task", PolicyArn=missing)
    assert (code, message) == ("NoSuchEntity", f"Policy {missing} was not found.")
    code, message, _ = client_error(
        iam.attach_role_policy, RoleName="web-task",
        PolicyArn="arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")
    assert (code, message) == ("PolicyNotAttachable", "Cannot attach a Service Role Policy to a Customer Role.")

    ok(aws, "iam", "detach-role-policy", "--role-name", "web-task", "--policy-arn", arn)
    ok(aws, "iam", "detach-role-policy", "--role-name", "web-task", "--policy-arn", EXEC_POLICY)
    assert iam.list_attached_role_policies(RoleName="web-task")["AttachedPolicies"] == []
    iam.delete_policy(PolicyArn=arn)
    iam.delete_role(RoleName="web-task")


def test_managed_policies_per_role_limit(iam):
    make_role(iam)
    arns = [iam.create_policy(PolicyName=f"p{i}", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
            for i in range(11)]
    for arn in arns[:10]:
        iam.attach_role_policy(RoleName="web-task", PolicyArn=arn)
    code, message, status = client_error(iam.attach_role_policy, RoleName="web-task", PolicyArn=arns[10])
    assert (code, message, status) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409)


def test_inline_role_policies(aws, iam):
    make_role(iam)
    ok(aws, "iam", "put-role-policy", "--role-name", "web-task", "--policy-name", "b-inline",
       "--policy-document", json.dumps(POLICY))
    ok(aws, "iam", "put-role-policy", "--role-name", "web-task", "--policy-name", "a-inline",
       "--policy-document", json.dumps(POLICY))
    got = ok(aws, "iam", "get-role-policy", "--role-name", "web-task", "--policy-name", "b-inline")
    assert got == {"RoleName": "web-task", "PolicyName": "b-inline", "PolicyDocument": POLICY}
    assert ok(aws, "iam", "list-role-policies", "--role-name", "web-task")["PolicyNames"] == ["a-inline", "b-inline"]
    code, message = cli_error(aws, "iam", "delete-role", "--role-name", "web-task")
    assert (code, message) == ("DeleteConflict", "Cannot delete entity, must delete policies first.")
    code, message = cli_error(aws, "iam", "get-role-policy", "--role-name", "web-task", "--policy-name", "zzz")
    assert (code, message) == ("NoSuchEntity", "The role policy with name zzz cannot be found.")
    code, message, _ = client_error(iam.put_role_policy, RoleName="web-task", PolicyName="x", PolicyDocument="{")
    assert (code, message) == ("MalformedPolicyDocument", "Syntax errors in policy.")
    big = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [f"s3:GetObject{i:04d}" for i in range(700)], "Resource": "*"}]}
    code, message, _ = client_error(iam.put_role_policy, RoleName="web-task", PolicyName="big",
                                    PolicyDocument=json.dumps(big))
    assert (code, message) == ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role web-task")
    ok(aws, "iam", "delete-role-policy", "--role-name", "web-task", "--policy-name", "a-inline")
    ok(aws, "iam", "delete-role-policy", "--role-name", "web-task", "--policy-name", "b-inline")
    code, _ = cli_error(aws, "iam", "delete-role-policy", "--role-name", "web-task", "--policy-name", "b-inline")
    assert code == "NoSuchEntity"
    ok(aws, "iam", "delete-role", "--role-name", "web-task")


# ------------------------------------------------------------------------------------------------
# service-linked roles
# ------------------------------------------------------------------------------------------------


def test_service_linked_role_for_ecs(aws, iam, account):
    role = ok(aws, "iam", "create-service-linked-role", "--aws-service-name", "ecs.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForECS"
    assert role["Path"] == "/aws-service-role/ecs.amazonaws.com/"
    assert role["Arn"] == f"arn:aws:iam::{account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ecs.amazonaws.com"}
    assert iam.list_attached_role_policies(RoleName="AWSServiceRoleForECS")["AttachedPolicies"] == [
        {"PolicyName": "AmazonECSServiceRolePolicy",
         "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"}]
    code, message = cli_error(aws, "iam", "create-service-linked-role", "--aws-service-name", "ecs.amazonaws.com")
    assert (code, message) == ("InvalidInput", "Service role name AWSServiceRoleForECS has been taken in this "
                                               "account, please try a different suffix.")
    code, message = cli_error(aws, "iam", "delete-role", "--role-name", "AWSServiceRoleForECS")
    assert code == "UnmodifiableEntity" and "AWSServiceRoleForECS" in message
    code, _ = cli_error(aws, "iam", "detach-role-policy", "--role-name", "AWSServiceRoleForECS", "--policy-arn",
                        "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")
    assert code == "UnmodifiableEntity"
    task = ok(aws, "iam", "delete-service-linked-role", "--role-name", "AWSServiceRoleForECS")["DeletionTaskId"]
    assert task.startswith("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/")
    status = ok(aws, "iam", "get-service-linked-role-deletion-status", "--deletion-task-id", task)
    assert status["Status"] == "SUCCEEDED"
    code, _ = cli_error(aws, "iam", "get-role", "--role-name", "AWSServiceRoleForECS")
    assert code == "NoSuchEntity"


def test_service_linked_roles_other_services_and_suffix(iam, account):
    elb = iam.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")["Role"]
    assert elb["RoleName"] == "AWSServiceRoleForElasticLoadBalancing"
    scaling = iam.create_service_linked_role(AWSServiceName="ecs.application-autoscaling.amazonaws.com")["Role"]
    assert scaling["Arn"] == (f"arn:aws:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                              "AWSServiceRoleForApplicationAutoScaling_ECSService")
    custom = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="blue")["Role"]
    assert custom["RoleName"] == "AWSServiceRoleForAutoScaling_blue"
    code, _, _ = client_error(iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com", CustomSuffix="x")
    assert code == "InvalidInput"
    code, _, _ = client_error(iam.create_service_linked_role, AWSServiceName="nothing.amazonaws.com")
    assert code == "InvalidInput"
    make_role(iam, "plain")
    code, _, _ = client_error(iam.delete_service_linked_role, RoleName="plain")
    assert code == "InvalidInput"


# ------------------------------------------------------------------------------------------------
# instance profiles
# ------------------------------------------------------------------------------------------------


def test_instance_profiles(aws, iam, account):
    make_role(iam, "ec2-role")
    profile = ok(aws, "iam", "create-instance-profile", "--instance-profile-name", "ecs-hosts")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{account}:instance-profile/ecs-hosts"
    assert re.fullmatch(r"AIPA[A-Z0-9]{17}", profile["InstanceProfileId"]) and profile["Roles"] == []
    ok(aws, "iam", "add-role-to-instance-profile", "--instance-profile-name", "ecs-hosts", "--role-name", "ec2-role")
    got = ok(aws, "iam", "get-instance-profile", "--instance-profile-name", "ecs-hosts")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["ec2-role"]
    make_role(iam, "second")
    code, message = cli_error(aws, "iam", "add-role-to-instance-profile", "--instance-profile-name", "ecs-hosts",
                              "--role-name", "second")
    assert (code, message) == ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    assert [p["InstanceProfileName"] for p in
            iam.list_instance_profiles_for_role(RoleName="ec2-role")["InstanceProfiles"]] == ["ecs-hosts"]
    code, message = cli_error(aws, "iam", "delete-role", "--role-name", "ec2-role")
    assert (code, message) == ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
    code, _ = cli_error(aws, "iam", "delete-instance-profile", "--instance-profile-name", "ecs-hosts")
    assert code == "DeleteConflict"
    code, _ = cli_error(aws, "iam", "create-instance-profile", "--instance-profile-name", "ECS-hosts")
    assert code == "EntityAlreadyExists"
    ok(aws, "iam", "remove-role-from-instance-profile", "--instance-profile-name", "ecs-hosts", "--role-name", "ec2-role")
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == ["ecs-hosts"]
    ok(aws, "iam", "delete-instance-profile", "--instance-profile-name", "ecs-hosts")
    code, message = cli_error(aws, "iam", "get-instance-profile", "--instance-profile-name", "ecs-hosts")
    assert (code, message) == ("NoSuchEntity", "Instance Profile ecs-hosts cannot be found.")
    iam.delete_role(RoleName="ec2-role")


# ------------------------------------------------------------------------------------------------
# global service, wire
# ------------------------------------------------------------------------------------------------


def test_iam_is_global_and_per_account(server, account):
    make_role(server.client("iam", account=account, region="us-east-1"), "global-role")
    assert server.client("iam", account=account, region="eu-west-1").get_role(RoleName="global-role")
    other = server.client("iam", account=random_account())
    code, _, _ = client_error(other.get_role, RoleName="global-role")
    assert code == "NoSuchEntity"


def test_wire_documents_are_url_encoded_and_errors_are_query_xml(server, account):
    make_role(server.client("iam", account=account))
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
               **fake_sigv4_headers("iam", "us-east-1", account)}
    status, _, body = server.http("POST", "/", body=b"Action=GetRole&Version=2010-05-08&RoleName=web-task",
                                  headers=headers)
    assert status == 200
    text = body.decode()
    assert '<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">' in text
    encoded = re.search(r"<AssumeRolePolicyDocument>(.*?)</AssumeRolePolicyDocument>", text).group(1)
    assert encoded.startswith("%7B%22Version%22")
    assert json.loads(urllib.parse.unquote(encoded)) == TRUST
    status, _, body = server.http("POST", "/", body=b"Action=GetRole&Version=2010-05-08&RoleName=nobody",
                                  headers=headers)
    assert status == 404
    assert "<Code>NoSuchEntity</Code>" in body.decode() and "<Type>Sender</Type>" in body.decode()


def test_roles_policies_and_scaling_targets_survive_kill_9(make_server):
    srv = make_server()
    account = random_account()
    iam = srv.client("iam", account=account)
    make_role(iam, "durable")
    arn = iam.create_policy(PolicyName="durable-p", PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="durable", PolicyArn=arn)
    srv.client("application-autoscaling", account=account).register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1, MaxCapacity=2)
    srv.restart(hard=True)
    iam = srv.client("iam", account=account)
    assert iam.get_role(RoleName="durable")["Role"]["AssumeRolePolicyDocument"] == TRUST
    assert iam.list_attached_role_policies(RoleName="durable")["AttachedPolicies"] == [
        {"PolicyName": "durable-p", "PolicyArn": arn}]
    targets = srv.client("application-autoscaling", account=account).describe_scalable_targets(
        ServiceNamespace="ecs")["ScalableTargets"]
    assert [t["ResourceId"] for t in targets] == ["service/c/s"]


def test_reset_wipes_iam(make_server):
    srv = make_server()
    account = random_account()
    make_role(srv.client("iam", account=account), "temp")
    srv.reset()
    assert srv.client("iam", account=account).list_roles()["Roles"] == []
