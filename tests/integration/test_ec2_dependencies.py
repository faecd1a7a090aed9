"""EC2 refuses to delete networking that ELBv2 still uses (DependencyViolation, EC2's wording): a security group
or subnet of a load balancer, a VPC holding a load balancer or a target group. Once the ELBv2 resource is gone,
the delete goes through."""

import pytest

from conftest import random_account
from aws_errors import client_error


class Net:
    """A fresh VPC with two subnets in two zones and one extra security group."""

    def __init__(self, client):
        self.ec2 = client("ec2")
        self.elbv2 = client("elbv2")
        self.vpc = self.ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=f"10.20.{i}.0/24",
                                               AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
                        for i, zone in ((1, "a"), (2, "b"))]
        self.group = self.ec2.create_security_group(VpcId=self.vpc, GroupName="lb-sg",
                                                    Description="for the load balancer")["GroupId"]

    def alb(self, name="dep-alb"):
        return self.elbv2.create_load_balancer(Name=name, Subnets=self.subnets, SecurityGroups=[self.group])[
            "LoadBalancers"][0]["LoadBalancerArn"]


@pytest.fixture
def net(client):
    return Net(client)


def test_security_group_of_a_load_balancer_cannot_be_deleted(net):
    arn = net.alb()
    code, message, status = client_error(net.ec2.delete_security_group, GroupId=net.group)
    assert (code, status) == ("DependencyViolation", 400)
    assert message == f"resource {net.group} has a dependent object"
    # After SetSecurityGroups moves the load balancer off it, the group can go.
    default = net.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [net.vpc]},
                                                        {"Name": "group-name", "Values": ["default"]}])
    net.elbv2.set_security_groups(LoadBalancerArn=arn, SecurityGroups=[default["SecurityGroups"][0]["GroupId"]])
    net.ec2.delete_security_group(GroupId=net.group)
    assert net.ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [net.group]}])[
        "SecurityGroups"] == []


def test_subnet_of_a_load_balancer_cannot_be_deleted(net):
    arn = net.alb()
    code, message, status = client_error(net.ec2.delete_subnet, SubnetId=net.subnets[0])
    assert (code, status) == ("DependencyViolation", 400)
    assert message == f"The subnet '{net.subnets[0]}' has dependencies and cannot be deleted."
    net.elbv2.delete_load_balancer(LoadBalancerArn=arn)
    net.ec2.delete_subnet(SubnetId=net.subnets[0])
    assert [s["SubnetId"] for s in net.ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])["Subnets"]] == [net.subnets[1]]


def test_vpc_of_a_target_group_cannot_be_deleted(net):
    # Subnets and the extra group gone, only the target group holds the VPC.
    for subnet in net.subnets:
        net.ec2.delete_subnet(SubnetId=subnet)
    net.ec2.delete_security_group(GroupId=net.group)
    tg = net.elbv2.create_target_group(Name="dep-tg", Protocol="HTTP", Port=80, VpcId=net.vpc)["TargetGroups"][0]
    code, message, status = client_error(net.ec2.delete_vpc, VpcId=net.vpc)
    assert (code, status) == ("DependencyViolation", 400)
    assert message == f"The vpc '{net.vpc}' has dependencies and cannot be deleted."
    net.elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    net.ec2.delete_vpc(VpcId=net.vpc)
    assert net.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])["Vpcs"] == []


def test_unused_networking_deletes_and_other_accounts_are_unaffected(net, client):
    net.alb()
    # The same ids mean nothing in another account: its own default network is deletable as usual.
    other = client("ec2", account=random_account())
    vpc = other.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    group = other.create_security_group(VpcId=vpc, GroupName="free", Description="unused")["GroupId"]
    other.delete_security_group(GroupId=group)
    other.delete_vpc(VpcId=vpc)
    # The in-use group still refuses in its own account.
    assert client_error(net.ec2.delete_security_group, GroupId=net.group)[0] == "DependencyViolation"
