"""Application Auto Scaling end to end with the aws CLI v2 and boto3: scalable targets for ECS services,
target tracking (predefined ECS and ALB metrics, customized metrics) and step scaling policies, scaling
activities, tags, and AWS's errors (ValidationException, ObjectNotFoundException, ResourceNotFoundException,
TooManyTagsException). Policies are stored, not executed.

Debian's boto3 (1.29) and aws CLI v2 (2.9) predate the tagging operations and ScalableTargetARN (2023), so
those go over the wire as raw JSON 1.1 calls."""

import json
import re

import pytest
from aws_errors import cli_error, client_error, ok

NS = "ecs"
DIM = "ecs:service:DesiredCount"
RID = "service/prod/web"
TG_LABEL = "app/shop-alb/50dc6c495c0c9188/targetgroup/web-tg/6d0ecf831eec9f09"


@pytest.fixture
def aas(client):
    return client("application-autoscaling")


@pytest.fixture
def raw(server, account):
    """raw(operation, payload) -> (status, parsed JSON) over the JSON 1.1 wire."""
    def call(operation, payload):
        status, _, body = server.json_call(operation, payload, account=account, prefix="AnyScaleFrontendService",
                                           service="application-autoscaling")
        return status, body
    return call


def register(aas, resource_id=RID, **kw):
    args = dict(ServiceNamespace=NS, ResourceId=resource_id, ScalableDimension=DIM, MinCapacity=1, MaxCapacity=10)
    args.update(kw)
    aas.register_scalable_target(**args)


def cpu_policy(aas, name="cpu70", resource_id=RID, **config):
    tracking = {"TargetValue": 70.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}
    tracking.update(config)
    return aas.put_scaling_policy(PolicyName=name, ServiceNamespace=NS, ResourceId=resource_id, ScalableDimension=DIM,
                                  PolicyType="TargetTrackingScaling",
                                  TargetTrackingScalingPolicyConfiguration=tracking)


# ------------------------------------------------------------------------------------------------
# scalable targets
# ------------------------------------------------------------------------------------------------


def test_register_describe_update_deregister_cli(aws, raw, account):
    ok(aws, "application-autoscaling", "register-scalable-target", "--service-namespace", NS,
       "--resource-id", RID, "--scalable-dimension", DIM, "--min-capacity", "2", "--max-capacity", "8")
    status, body = raw("DescribeScalableTargets", {"ServiceNamespace": NS})
    assert status == 200
    arn = body["ScalableTargets"][0]["ScalableTargetARN"]
    assert re.fullmatch(rf"arn:aws:application-autoscaling:us-east-1:{account}:scalable-target/[0-9a-f]+", arn)
    targets = ok(aws, "application-autoscaling", "describe-scalable-targets", "--service-namespace", NS)[
        "ScalableTargets"]
    assert len(targets) == 1
    target = targets[0]
    assert (target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]) == (RID, 2, 8)
    assert target["RoleARN"] == (f"arn:aws:iam::{account}:role/aws-service-role/ecs.application-autoscaling."
                                 "amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")
    assert target["SuspendedState"] == {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False,
                                        "ScheduledScalingSuspended": False}
    assert "CreationTime" in target
    # The first ECS target creates the service-linked role it names, as AWS does.
    role = ok(aws, "iam", "get-role", "--role-name", "AWSServiceRoleForApplicationAutoScaling_ECSService")["Role"]
    assert role["Arn"] == target["RoleARN"]

    # Re-registering updates only what is given, and keeps the ARN.
    ok(aws, "application-autoscaling", "register-scalable-target", "--service-namespace", NS,
       "--resource-id", RID, "--scalable-dimension", DIM, "--max-capacity", "20",
       "--suspended-state", "DynamicScalingInSuspended=true")
    status, body = raw("RegisterScalableTarget", {"ServiceNamespace": NS, "ResourceId": RID, "ScalableDimension": DIM})
    assert (status, body) == (200, {"ScalableTargetARN": arn})
    target = ok(aws, "application-autoscaling", "describe-scalable-targets", "--service-namespace", NS,
                "--resource-ids", RID)["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 20)
    assert target["SuspendedState"]["DynamicScalingInSuspended"] is True
    assert target["SuspendedState"]["DynamicScalingOutSuspended"] is False

    ok(aws, "application-autoscaling", "deregister-scalable-target", "--service-namespace", NS,
       "--resource-id", RID, "--scalable-dimension", DIM)
    assert ok(aws, "application-autoscaling", "describe-scalable-targets", "--service-namespace", NS)[
        "ScalableTargets"] == []
    code, message = cli_error(aws, "application-autoscaling", "deregister-scalable-target", "--service-namespace", NS,
                              "--resource-id", RID, "--scalable-dimension", DIM)
    assert (code, message) == ("ObjectNotFoundException", "No scalable target registered for service namespace: ecs, "
                                                          f"resource ID: {RID}, scalable dimension: {DIM}")


def test_register_validation(aas):
    code, message, status = client_error(aas.register_scalable_target, ServiceNamespace=NS, ResourceId=RID,
                                         ScalableDimension=DIM)
    assert (code, status) == ("ValidationException", 400) and "MinCapacity and MaxCapacity" in message
    code, message, _ = client_error(aas.register_scalable_target, ServiceNamespace=NS, ResourceId=RID,
                                    ScalableDimension=DIM, MinCapacity=5, MaxCapacity=2)
    assert (code, message) == ("ValidationException", "Minimum capacity cannot be greater than maximum capacity")
    code, message, _ = client_error(aas.register_scalable_target, ServiceNamespace=NS, ResourceId=RID,
                                    ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=1, MaxCapacity=2)
    assert (code, message) == ("ValidationException",
                               "Unsupported service namespace, resource type or scalable dimension")
    for bad in ("web", "service/prod", "service//web", "service/prod/web/extra", "cluster/prod/web"):
        code, message, _ = client_error(aas.register_scalable_target, ServiceNamespace=NS, ResourceId=bad,
                                        ScalableDimension=DIM, MinCapacity=1, MaxCapacity=2)
        assert code == "ValidationException" and bad in message, bad
    code, _, _ = client_error(aas.register_scalable_target, ServiceNamespace=NS, ResourceId=RID,
                              ScalableDimension=DIM, MinCapacity=-1, MaxCapacity=2)
    assert code == "ValidationException"


def test_invalid_enum_over_the_wire(raw):
    status, body = raw("RegisterScalableTarget", {"ServiceNamespace": "nope", "ResourceId": RID,
                                                  "ScalableDimension": DIM, "MinCapacity": 1, "MaxCapacity": 2})
    assert status == 400 and body["__type"] == "ValidationException", body


def test_describe_filters_and_pagination(aas):
    for i in range(5):
        register(aas, f"service/prod/svc{i}")
    page = aas.describe_scalable_targets(ServiceNamespace=NS, MaxResults=2)
    assert len(page["ScalableTargets"]) == 2 and "NextToken" in page
    ids = [t["ResourceId"] for t in page["ScalableTargets"]]
    while "NextToken" in page:
        page = aas.describe_scalable_targets(ServiceNamespace=NS, MaxResults=2, NextToken=page["NextToken"])
        ids += [t["ResourceId"] for t in page["ScalableTargets"]]
    assert ids == [f"service/prod/svc{i}" for i in range(5)]
    some = aas.describe_scalable_targets(ServiceNamespace=NS, ResourceIds=["service/prod/svc3", "service/x/none"])
    assert [t["ResourceId"] for t in some["ScalableTargets"]] == ["service/prod/svc3"]
    assert aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"] == []
    code, _, _ = client_error(aas.describe_scalable_targets, ServiceNamespace=NS, NextToken="garbage")
    assert code == "InvalidNextTokenException"
    code, _, _ = client_error(aas.describe_scalable_targets, ServiceNamespace=NS, MaxResults=51)
    assert code == "ValidationException"


def test_targets_are_per_account_and_region(server, aas, account):
    register(aas)
    other_region = server.client("application-autoscaling", account=account, region="eu-west-1")
    assert other_region.describe_scalable_targets(ServiceNamespace=NS)["ScalableTargets"] == []


# ------------------------------------------------------------------------------------------------
# scaling policies
# ------------------------------------------------------------------------------------------------


def test_target_tracking_cpu_and_memory_cli(aws, aas, account):
    register(aas)
    config = {"TargetValue": 70.0, "ScaleInCooldown": 60, "ScaleOutCooldown": 30,
              "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}
    out = ok(aws, "application-autoscaling", "put-scaling-policy", "--policy-name", "cpu70",
             "--service-namespace", NS, "--resource-id", RID, "--scalable-dimension", DIM,
             "--policy-type", "TargetTrackingScaling",
             "--target-tracking-scaling-policy-configuration", json.dumps(config))
    arn = out["PolicyARN"]
    assert re.fullmatch(rf"arn:aws:autoscaling:us-east-1:{account}:scalingPolicy:[0-9a-f-]{{36}}:resource/ecs/"
                        rf"{RID}:policyName/cpu70", arn)
    names = [a["AlarmName"] for a in out["Alarms"]]
    assert len(names) == 2 and names[0].startswith(f"TargetTracking-{RID}-AlarmHigh-")
    assert names[1].startswith(f"TargetTracking-{RID}-AlarmLow-")
    assert out["Alarms"][0]["AlarmARN"] == f"arn:aws:cloudwatch:us-east-1:{account}:alarm:{names[0]}"

    memory = cpu_policy(aas, "mem80", TargetValue=80.0, DisableScaleIn=True, PredefinedMetricSpecification={
        "PredefinedMetricType": "ECSServiceAverageMemoryUtilization"})
    assert len(memory["Alarms"]) == 1  # no scale-in alarm

    policies = ok(aws, "application-autoscaling", "describe-scaling-policies", "--service-namespace", NS)[
        "ScalingPolicies"]
    assert [p["PolicyName"] for p in policies] == ["cpu70", "mem80"]
    assert policies[0]["TargetTrackingScalingPolicyConfiguration"] == config
    assert policies[0]["PolicyType"] == "TargetTrackingScaling" and policies[0]["PolicyARN"] == arn

    # Putting the same name again replaces the configuration and keeps the ARN.
    again = cpu_policy(aas, "cpu70", TargetValue=50.0)
    assert again["PolicyARN"] == arn
    only = aas.describe_scaling_policies(ServiceNamespace=NS, PolicyNames=["cpu70"])["ScalingPolicies"]
    assert only[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 50.0

    ok(aws, "application-autoscaling", "delete-scaling-policy", "--policy-name", "cpu70", "--service-namespace", NS,
       "--resource-id", RID, "--scalable-dimension", DIM)
    assert [p["PolicyName"] for p in aas.describe_scaling_policies(ServiceNamespace=NS)["ScalingPolicies"]] == ["mem80"]
    code, message = cli_error(aws, "application-autoscaling", "delete-scaling-policy", "--policy-name", "cpu70",
                              "--service-namespace", NS, "--resource-id", RID, "--scalable-dimension", DIM)
    assert (code, message) == ("ObjectNotFoundException", f"No scaling policy found for service namespace: ecs, "
                                                          f"resource ID: {RID}, scalable dimension: {DIM}, "
                                                          "policy name: cpu70")


def test_alb_request_count_per_target(aas):
    register(aas)
    out = cpu_policy(aas, "requests", TargetValue=1000.0, PredefinedMetricSpecification={
        "PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": TG_LABEL})
    assert out["PolicyARN"]
    with pytest.raises(Exception) as ei:
        cpu_policy(aas, "r2", PredefinedMetricSpecification={"PredefinedMetricType": "ALBRequestCountPerTarget"})
    assert ei.value.response["Error"]["Code"] == "ValidationException"
    assert ei.value.response["Error"]["Message"] == (
        "Resource label should be specified for predefined metric type ALBRequestCountPerTarget")
    with pytest.raises(Exception) as ei:
        cpu_policy(aas, "r3", PredefinedMetricSpecification={"PredefinedMetricType": "ALBRequestCountPerTarget",
                                                              "ResourceLabel": "app/only/three"})
    assert ei.value.response["Error"]["Code"] == "ValidationException"


def test_target_tracking_validation(aas):
    register(aas)
    cases = [
        dict(PredefinedMetricSpecification={"PredefinedMetricType": "DynamoDBReadCapacityUtilization"}),
        dict(TargetValue=0.0),
        dict(ScaleInCooldown=-1),
        dict(PredefinedMetricSpecification={"PredefinedMetricType": "ECSServiceAverageCPUUtilization",
                                            "ResourceLabel": TG_LABEL}),
        dict(CustomizedMetricSpecification={"MetricName": "Lag", "Namespace": "App", "Statistic": "Average"}),
    ]
    for config in cases:
        with pytest.raises(Exception) as ei:
            cpu_policy(aas, "bad", **config)
        assert ei.value.response["Error"]["Code"] == "ValidationException", config
    custom = aas.put_scaling_policy(
        PolicyName="lag", ServiceNamespace=NS, ResourceId=RID, ScalableDimension=DIM, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 10.0, "CustomizedMetricSpecification": {
            "MetricName": "Lag", "Namespace": "App", "Statistic": "Average",
            "Dimensions": [{"Name": "Queue", "Value": "jobs"}]}})
    assert len(custom["Alarms"]) == 2
    code, message, _ = client_error(aas.put_scaling_policy, PolicyName="x", ServiceNamespace=NS, ResourceId=RID,
                                    ScalableDimension=DIM, PolicyType="TargetTrackingScaling")
    assert code == "ValidationException" and "TargetTrackingScalingPolicyConfiguration" in message


def test_step_scaling_policy(aas):
    register(aas)
    config = {"AdjustmentType": "ChangeInCapacity", "Cooldown": 60, "MetricAggregationType": "Average",
              "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 10.0,
                                   "ScalingAdjustment": 1},
                                  {"MetricIntervalLowerBound": 10.0, "ScalingAdjustment": 3}]}
    out = aas.put_scaling_policy(PolicyName="steps", ServiceNamespace=NS, ResourceId=RID, ScalableDimension=DIM,
                                 PolicyType="StepScaling", StepScalingPolicyConfiguration=config)
    assert "Alarms" not in out or out["Alarms"] == []
    stored = aas.describe_scaling_policies(ServiceNamespace=NS, ResourceId=RID)["ScalingPolicies"][0]
    assert stored["PolicyType"] == "StepScaling" and stored["StepScalingPolicyConfiguration"] == config
    # PolicyType defaults to StepScaling.
    aas.put_scaling_policy(PolicyName="default-type", ServiceNamespace=NS, ResourceId=RID, ScalableDimension=DIM,
                           StepScalingPolicyConfiguration=config)
    assert aas.describe_scaling_policies(ServiceNamespace=NS, PolicyNames=["default-type"])[
        "ScalingPolicies"][0]["PolicyType"] == "StepScaling"
    bad_configs = [
        {"StepAdjustments": config["StepAdjustments"]},  # no AdjustmentType
        {"AdjustmentType": "ChangeInCapacity", "StepAdjustments": []},
        {"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [{"ScalingAdjustment": 1}]},
        {"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
            {"MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 10.0, "ScalingAdjustment": 1},
            {"MetricIntervalLowerBound": 5.0, "ScalingAdjustment": 2}]},  # overlap
        {"AdjustmentType": "ChangeInCapacity", "MinAdjustmentMagnitude": 2, "StepAdjustments": [
            {"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]},
    ]
    for bad in bad_configs:
        code, _, status = client_error(aas.put_scaling_policy, PolicyName="bad", ServiceNamespace=NS, ResourceId=RID,
                                       ScalableDimension=DIM, PolicyType="StepScaling",
                                       StepScalingPolicyConfiguration=bad)
        assert (code, status) == ("ValidationException", 400), bad


def test_policy_needs_a_registered_target_and_deregister_removes_policies(aws, aas):
    with pytest.raises(Exception) as ei:
        cpu_policy(aas)
    assert ei.value.response["Error"]["Code"] == "ObjectNotFoundException"
    assert ei.value.response["Error"]["Message"] == (
        f"No scalable target registered for service namespace: ecs, resource ID: {RID}, scalable dimension: {DIM}")
    register(aas)
    cpu_policy(aas)
    aas.deregister_scalable_target(ServiceNamespace=NS, ResourceId=RID, ScalableDimension=DIM)
    assert aas.describe_scaling_policies(ServiceNamespace=NS)["ScalingPolicies"] == []


# ------------------------------------------------------------------------------------------------
# activities and tags
# ------------------------------------------------------------------------------------------------


def test_scaling_activities_empty_until_the_scaler_acts(aws, aas, raw):
    register(aas)
    cpu_policy(aas)
    out = ok(aws, "application-autoscaling", "describe-scaling-activities", "--service-namespace", NS,
             "--resource-id", RID, "--scalable-dimension", DIM)
    assert out["ScalingActivities"] == []
    assert raw("DescribeScalingActivities", {"ServiceNamespace": NS, "IncludeNotScaledActivities": True}) == (
        200, {"ScalingActivities": []})
    code, _, _ = client_error(aas.describe_scaling_activities, ServiceNamespace=NS, NextToken="bogus")
    assert code == "InvalidNextTokenException"


def test_tags(aas, raw, account):
    status, body = raw("RegisterScalableTarget", {"ServiceNamespace": NS, "ResourceId": RID, "ScalableDimension": DIM,
                                                  "MinCapacity": 1, "MaxCapacity": 3, "Tags": {"team": "web"}})
    assert status == 200, body
    arn = body["ScalableTargetARN"]
    assert raw("ListTagsForResource", {"ResourceARN": arn}) == (200, {"Tags": {"team": "web"}})
    assert raw("TagResource", {"ResourceARN": arn, "Tags": {"env": "prod", "team": "shop"}}) == (200, {})
    assert raw("ListTagsForResource", {"ResourceARN": arn}) == (200, {"Tags": {"env": "prod", "team": "shop"}})
    assert raw("UntagResource", {"ResourceARN": arn, "TagKeys": ["team"]}) == (200, {})
    assert raw("ListTagsForResource", {"ResourceARN": arn}) == (200, {"Tags": {"env": "prod"}})
    status, body = raw("TagResource", {"ResourceARN": arn, "Tags": {f"k{i}": "v" for i in range(50)}})
    assert (status, body["__type"]) == (400, "TooManyTagsException"), body
    missing = f"arn:aws:application-autoscaling:us-east-1:{account}:scalable-target/0000"
    status, body = raw("ListTagsForResource", {"ResourceARN": missing})
    assert (status, body["__type"]) == (400, "ResourceNotFoundException") and missing in body["Message"], body
    aas.deregister_scalable_target(ServiceNamespace=NS, ResourceId=RID, ScalableDimension=DIM)
    status, body = raw("ListTagsForResource", {"ResourceARN": arn})
    assert body["__type"] == "ResourceNotFoundException"


def test_tags_and_target_arn_with_cli_v1(server, account, aws_v1_path):
    """CLI v1 ships a botocore new enough for the tagging operations and ScalableTargetARN."""
    if not aws_v1_path:
        pytest.skip("aws CLI v1 is not installed")

    def v1(*args):
        rc, out, err = server.aws("application-autoscaling", *args, account=account, cli=aws_v1_path)
        assert rc == 0, f"aws v1 {' '.join(args)} -> rc={rc}: {err}"
        return out

    arn = v1("register-scalable-target", "--service-namespace", NS, "--resource-id", RID, "--scalable-dimension", DIM,
             "--min-capacity", "1", "--max-capacity", "4", "--tags", "team=web")["ScalableTargetARN"]
    assert re.fullmatch(rf"arn:aws:application-autoscaling:us-east-1:{account}:scalable-target/[0-9a-f]+", arn)
    assert v1("describe-scalable-targets", "--service-namespace", NS)["ScalableTargets"][0]["ScalableTargetARN"] == arn
    v1("tag-resource", "--resource-arn", arn, "--tags", "env=prod")
    assert v1("list-tags-for-resource", "--resource-arn", arn)["Tags"] == {"team": "web", "env": "prod"}
    v1("untag-resource", "--resource-arn", arn, "--tag-keys", "team")
    assert v1("list-tags-for-resource", "--resource-arn", arn)["Tags"] == {"env": "prod"}
    v1("deregister-scalable-target", "--service-namespace", NS, "--resource-id", RID, "--scalable-dimension", DIM)
