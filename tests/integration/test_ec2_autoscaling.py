"""EC2 Auto Scaling (the `autoscaling` API) end to end with the aws CLI v2 and boto3: launch configurations,
Auto Scaling groups from launch templates and launch configurations, sizes and their bounds, instance records
that follow the desired capacity, scale-in protection, forced deletion, tags, target groups, activities, and
AWS's errors. Each test has its own account."""

import pytest

from aws_errors import cli_error, client_error, ok


@pytest.fixture
def asg(client):
    return client("autoscaling")


@pytest.fixture
def ec2(client):
    return client("ec2")


@pytest.fixture
def template(ec2):
    data = {"ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.small"}
    return ec2.create_launch_template(LaunchTemplateName="ecs-hosts", LaunchTemplateData=data)["LaunchTemplate"]


@pytest.fixture
def subnets(ec2):
    return [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]


def group(asg, name):
    groups = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    assert len(groups) == 1, groups
    return groups[0]


def create(asg, template, subnets, name="web", **kw):
    args = dict(AutoScalingGroupName=name, MinSize=0, MaxSize=4, DesiredCapacity=2,
                LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
                VPCZoneIdentifier=",".join(subnets))
    args.update(kw)
    asg.create_auto_scaling_group(**args)
    return group(asg, name)


def test_group_from_a_launch_template_launches_instance_records_across_zones(asg, client, template, subnets, account):
    g = create(asg, template, subnets)
    assert g["AutoScalingGroupARN"].startswith(f"arn:aws:autoscaling:us-east-1:{account}:autoScalingGroup:")
    assert g["AutoScalingGroupARN"].endswith(":autoScalingGroupName/web")
    assert g["LaunchTemplate"] == {"LaunchTemplateId": template["LaunchTemplateId"], "LaunchTemplateName": "ecs-hosts",
                                   "Version": "$Latest"}
    assert (g["MinSize"], g["MaxSize"], g["DesiredCapacity"]) == (0, 4, 2)
    assert g["DefaultCooldown"] == 300 and g["HealthCheckType"] == "EC2" and g["TerminationPolicies"] == ["Default"]
    assert sorted(g["AvailabilityZones"]) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert g["ServiceLinkedRoleARN"].endswith(":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
    instances = g["Instances"]
    assert len(instances) == 2
    assert len({i["AvailabilityZone"] for i in instances}) == 2  # balanced over zones
    for instance in instances:
        assert instance["InstanceId"].startswith("i-") and len(instance["InstanceId"]) == 19
        assert instance["LifecycleState"] == "InService" and instance["HealthStatus"] == "Healthy"
        assert instance["InstanceType"] == "t3.small" and instance["ProtectedFromScaleIn"] is False
    details = asg.describe_auto_scaling_instances()["AutoScalingInstances"]
    assert {d["InstanceId"] for d in details} == {i["InstanceId"] for i in instances}
    assert all(d["AutoScalingGroupName"] == "web" and d["HealthStatus"] == "HEALTHY" for d in details)
    # AWS creates the service-linked role on first use.
    role = client("iam").get_role(RoleName="AWSServiceRoleForAutoScaling")["Role"]
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"


def test_desired_capacity_moves_instances_and_respects_bounds(asg, template, subnets):
    create(asg, template, subnets)
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=4)
    assert len(group(asg, "web")["Instances"]) == 4
    code, message, status = client_error(asg.set_desired_capacity, AutoScalingGroupName="web", DesiredCapacity=5)
    assert (code, status) == ("ValidationError", 400)
    assert message == "New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup."
    asg.update_auto_scaling_group(AutoScalingGroupName="web", MinSize=1, MaxSize=2)  # desired follows the bounds
    g = group(asg, "web")
    assert (g["MinSize"], g["MaxSize"], g["DesiredCapacity"], len(g["Instances"])) == (1, 2, 2, 2)
    code, message, _ = client_error(asg.set_desired_capacity, AutoScalingGroupName="web", DesiredCapacity=0)
    assert message == "New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup."
    code, message, _ = client_error(asg.update_auto_scaling_group, AutoScalingGroupName="web", MinSize=3, MaxSize=2)
    assert (code, message) == ("ValidationError", "Max bound, 2, must be greater than or equal to min bound, 3")
    activities = asg.describe_scaling_activities(AutoScalingGroupName="web")["Activities"]
    assert activities[0]["Description"].startswith("Terminating EC2 instance: i-")
    assert "shrinking the capacity from 4 to 2" in activities[0]["Cause"]
    assert sum(a["Description"].startswith("Launching a new EC2 instance") for a in activities) == 4
    assert all(a["StatusCode"] == "Successful" for a in activities)


def test_protected_instances_stay_and_block_deletion_until_forced(asg, aws, template, subnets):
    create(asg, template, subnets, NewInstancesProtectedFromScaleIn=True)
    ok(aws, "autoscaling", "update-auto-scaling-group", "--auto-scaling-group-name", "web", "--desired-capacity", "0")
    g = group(asg, "web")
    assert g["DesiredCapacity"] == 0 and len(g["Instances"]) == 2
    assert all(i["ProtectedFromScaleIn"] for i in g["Instances"])
    code, message = cli_error(aws, "autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "web")
    assert code == "ResourceInUse"
    assert message.startswith("You cannot delete an AutoScalingGroup while there are instances")
    # Lifting protection lets the group shrink to its desired capacity on the next change.
    ids = [i["InstanceId"] for i in g["Instances"]]
    asg.set_instance_protection(AutoScalingGroupName="web", InstanceIds=ids, ProtectedFromScaleIn=False)
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=0)
    assert group(asg, "web")["Instances"] == []
    asg.delete_auto_scaling_group(AutoScalingGroupName="web")
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_force_delete_removes_a_group_with_instances(aws, asg, template, subnets):
    create(asg, template, subnets, NewInstancesProtectedFromScaleIn=True)
    ok(aws, "autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name", "web", "--force-delete")
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"] == []
    code, message, _ = client_error(asg.delete_auto_scaling_group, AutoScalingGroupName="web")
    assert (code, message) == ("ValidationError", "AutoScalingGroup name not found - AutoScalingGroup web not found")


def test_create_errors(asg, template, subnets):
    base = dict(AutoScalingGroupName="web", MinSize=1, MaxSize=2, VPCZoneIdentifier=subnets[0])
    code, message, _ = client_error(asg.create_auto_scaling_group, **base)
    assert code == "ValidationError" and "either LaunchTemplate, LaunchConfigurationName" in message
    lt = {"LaunchTemplateName": "ecs-hosts"}
    code, message, _ = client_error(asg.create_auto_scaling_group, **{**base, "LaunchTemplate": lt, "DesiredCapacity": 3})
    assert message == "Desired capacity:3 must be between the specified min size:1 and max size:2"
    code, message, _ = client_error(asg.create_auto_scaling_group, **{**base, "LaunchTemplate": {"LaunchTemplateName": "nope"}})
    assert "The specified launch template, with template name nope, does not exist." in message
    code, message, _ = client_error(asg.create_auto_scaling_group, **{**base, "LaunchConfigurationName": "nope"})
    assert message == "Launch configuration name not found - Launch configuration nope not found"
    code, message, _ = client_error(asg.create_auto_scaling_group,
                                    **{**base, "LaunchTemplate": lt, "VPCZoneIdentifier": "subnet-0123456789abcdef0"})
    assert message == "The subnet ID 'subnet-0123456789abcdef0' does not exist"
    no_place = {k: v for k, v in base.items() if k != "VPCZoneIdentifier"}
    code, message, _ = client_error(asg.create_auto_scaling_group, **{**no_place, "LaunchTemplate": lt})
    assert message == "At least one Availability Zone or VPC Subnet is required."
    code, message, _ = client_error(asg.create_auto_scaling_group,
                                    **{**base, "LaunchTemplate": lt,
                                       "TargetGroupARNs": ["arn:aws:elasticloadbalancing:us-east-1:000000000000:"
                                                           "targetgroup/none/0123456789abcdef"]})
    assert message == "Provided Target Groups may not be valid. Please ensure they exist and try again."
    asg.create_auto_scaling_group(**{**base, "LaunchTemplate": lt})
    code, message, _ = client_error(asg.create_auto_scaling_group, **{**base, "LaunchTemplate": lt})
    assert code == "AlreadyExists"
    assert message == "AutoScalingGroup by this name already exists - A group with the name web already exists"


def test_launch_configurations(asg, aws, subnets):
    ok(aws, "autoscaling", "create-launch-configuration", "--launch-configuration-name", "lc1", "--image-id",
       "ami-0abcdef1234567890", "--instance-type", "m5.large", "--security-groups", "sg-12345678")
    code, message = cli_error(aws, "autoscaling", "create-launch-configuration", "--launch-configuration-name", "lc1",
                              "--image-id", "ami-0abcdef1234567890", "--instance-type", "m5.large")
    assert code == "AlreadyExists" and "already exists with the name lc1" in message
    config = asg.describe_launch_configurations(LaunchConfigurationNames=["lc1"])["LaunchConfigurations"][0]
    assert config["LaunchConfigurationARN"].endswith(":launchConfigurationName/lc1")
    assert config["InstanceType"] == "m5.large" and config["SecurityGroups"] == ["sg-12345678"]
    assert config["InstanceMonitoring"] == {"Enabled": True}
    asg.create_auto_scaling_group(AutoScalingGroupName="old", LaunchConfigurationName="lc1", MinSize=1, MaxSize=1,
                                  AvailabilityZones=["us-east-1a"])
    g = group(asg, "old")
    assert g["LaunchConfigurationName"] == "lc1" and g["Instances"][0]["InstanceType"] == "m5.large"
    assert g["Instances"][0]["LaunchConfigurationName"] == "lc1" and g["AvailabilityZones"] == ["us-east-1a"]
    code, message, _ = client_error(asg.delete_launch_configuration, LaunchConfigurationName="lc1")
    assert (code, message) == ("ResourceInUse", "Cannot delete launch configuration lc1 because it is attached to "
                                                "AutoScalingGroup old")
    asg.delete_auto_scaling_group(AutoScalingGroupName="old", ForceDelete=True)
    asg.delete_launch_configuration(LaunchConfigurationName="lc1")
    assert asg.describe_launch_configurations()["LaunchConfigurations"] == []
    code, message, _ = client_error(asg.delete_launch_configuration, LaunchConfigurationName="lc1")
    assert message == "Launch configuration name not found - Launch configuration lc1 not found"


def test_tags_and_filters(asg, aws, template, subnets):
    create(asg, template, subnets, Tags=[{"Key": "team", "Value": "blue", "PropagateAtLaunch": True}])
    create(asg, template, subnets, name="api")
    ok(aws, "autoscaling", "create-or-update-tags", "--tags",
       "ResourceId=api,ResourceType=auto-scaling-group,Key=team,Value=red,PropagateAtLaunch=false")
    tags = asg.describe_tags(Filters=[{"Name": "key", "Values": ["team"]}])["Tags"]
    assert {(t["ResourceId"], t["Value"], t["PropagateAtLaunch"]) for t in tags} == {("web", "blue", True),
                                                                                     ("api", "red", False)}
    by_tag = asg.describe_auto_scaling_groups(Filters=[{"Name": "tag:team", "Values": ["red"]}])["AutoScalingGroups"]
    assert [g["AutoScalingGroupName"] for g in by_tag] == ["api"]
    asg.delete_tags(Tags=[{"ResourceId": "api", "ResourceType": "auto-scaling-group", "Key": "team"}])
    assert asg.describe_tags(Filters=[{"Name": "auto-scaling-group", "Values": ["api"]}])["Tags"] == []
    code, _, _ = client_error(asg.create_or_update_tags, Tags=[{"ResourceId": "ghost", "ResourceType":
                                                                "auto-scaling-group", "Key": "k", "Value": "v"}])
    assert code == "ValidationError"


def test_target_groups_processes_limits_and_pages(asg, client, template, subnets):
    elbv2 = client("elbv2")
    vpc = client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    tg = elbv2.create_target_group(Name="hosts", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    create(asg, template, subnets, TargetGroupARNs=[tg])
    assert [s["Identifier"] for s in group(asg, "web")["TrafficSources"]] == [tg]
    attached = asg.describe_load_balancer_target_groups(AutoScalingGroupName="web")["LoadBalancerTargetGroups"]
    assert [a["LoadBalancerTargetGroupARN"] for a in attached] == [tg]
    asg.detach_load_balancer_target_groups(AutoScalingGroupName="web", TargetGroupARNs=[tg])
    assert group(asg, "web")["TargetGroupARNs"] == []
    asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch", "Terminate"])
    assert {p["ProcessName"] for p in group(asg, "web")["SuspendedProcesses"]} == {"Launch", "Terminate"}
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=3)  # no launch while suspended
    assert len(group(asg, "web")["Instances"]) == 2
    asg.resume_processes(AutoScalingGroupName="web")
    assert group(asg, "web")["SuspendedProcesses"] == []
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=3)
    assert len(group(asg, "web")["Instances"]) == 3
    for i in range(3):
        create(asg, template, subnets, name=f"extra-{i}", DesiredCapacity=0)
    limits = asg.describe_account_limits()
    assert limits["NumberOfAutoScalingGroups"] == 4 and limits["MaxNumberOfAutoScalingGroups"] >= 200
    first = asg.describe_auto_scaling_groups(MaxRecords=3)
    assert len(first["AutoScalingGroups"]) == 3 and "NextToken" in first
    rest = asg.describe_auto_scaling_groups(MaxRecords=3, NextToken=first["NextToken"])
    assert len(rest["AutoScalingGroups"]) == 1 and "NextToken" not in rest


def test_terminate_instance_with_and_without_replacement(asg, template, subnets):
    g = create(asg, template, subnets, MinSize=1)
    first, second = [i["InstanceId"] for i in g["Instances"]]
    out = asg.terminate_instance_in_auto_scaling_group(InstanceId=first, ShouldDecrementDesiredCapacity=False)
    assert out["Activity"]["Description"] == f"Terminating EC2 instance: {first}"
    g = group(asg, "web")
    assert g["DesiredCapacity"] == 2 and len(g["Instances"]) == 2 and first not in {i["InstanceId"] for i in g["Instances"]}
    asg.terminate_instance_in_auto_scaling_group(InstanceId=second, ShouldDecrementDesiredCapacity=True)
    g = group(asg, "web")
    assert g["DesiredCapacity"] == 1 and len(g["Instances"]) == 1
    last = g["Instances"][0]["InstanceId"]
    code, message, _ = client_error(asg.terminate_instance_in_auto_scaling_group, InstanceId=last,
                                    ShouldDecrementDesiredCapacity=True)
    assert code == "ValidationError" and "violate group's min size constraint" in message
