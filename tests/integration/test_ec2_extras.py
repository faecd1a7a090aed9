"""EC2 pieces that network templates replay besides VPCs: Elastic IPs, NAT gateways, launch templates, and the
empty answers for instances, images and key pairs (Albatross runs no EC2 instances). boto3 against the real
binary; each test has its own account."""

import ipaddress

import pytest
from aws_errors import client_error


@pytest.fixture
def ec2(client):
    return client("ec2")


@pytest.fixture
def subnet(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]


def tag_spec(resource_type, name):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


# --------------------------------------------------------------------------------------------------
# Elastic IPs
# --------------------------------------------------------------------------------------------------


def test_allocate_describe_release(ec2):
    first = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "web"))
    assert first["AllocationId"].startswith("eipalloc-") and first["Domain"] == "vpc"
    assert ipaddress.ip_address(first["PublicIp"]).is_global is False  # documentation ranges only
    second = ec2.allocate_address()
    assert second["PublicIp"] != first["PublicIp"]
    listed = {a["AllocationId"]: a for a in ec2.describe_addresses()["Addresses"]}
    assert set(listed) == {first["AllocationId"], second["AllocationId"]}
    assert listed[first["AllocationId"]]["Tags"] == [{"Key": "Name", "Value": "web"}]
    by_ip = ec2.describe_addresses(PublicIps=[second["PublicIp"]])["Addresses"]
    assert [a["AllocationId"] for a in by_ip] == [second["AllocationId"]]
    tagged = ec2.describe_addresses(Filters=[{"Name": "tag:Name", "Values": ["web"]}])["Addresses"]
    assert [a["AllocationId"] for a in tagged] == [first["AllocationId"]]
    assert client_error(ec2.describe_addresses, AllocationIds=["eipalloc-0123456789abcdef0"]) == (
        "InvalidAllocationID.NotFound", "The allocation ID 'eipalloc-0123456789abcdef0' does not exist", 400)
    assert client_error(ec2.describe_addresses, PublicIps=["192.0.2.1"])[0] == "InvalidAddress.NotFound"
    ec2.release_address(AllocationId=first["AllocationId"])
    ec2.release_address(PublicIp=second["PublicIp"])
    assert ec2.describe_addresses()["Addresses"] == []
    assert client_error(ec2.release_address, AllocationId=first["AllocationId"])[0] == "InvalidAllocationID.NotFound"
    assert client_error(ec2.release_address, AllocationId="bogus")[0] == "InvalidAllocationID.NotFound"
    assert client_error(ec2.release_address)[0] == "MissingParameter"
    assert client_error(ec2.disassociate_address)[0] == "MissingParameter"


def test_address_quota_and_association(ec2):
    ids = [ec2.allocate_address(Domain="vpc")["AllocationId"] for _ in range(5)]
    assert client_error(ec2.allocate_address, Domain="vpc")[0] == "AddressLimitExceeded"
    # No instances or network interfaces exist to take one.
    assert client_error(ec2.associate_address, AllocationId=ids[0], InstanceId="i-0123456789abcdef0")[0] == (
        "InvalidInstanceID.NotFound")
    assert client_error(ec2.associate_address, AllocationId=ids[0],
                        NetworkInterfaceId="eni-0123456789abcdef0")[0] == "InvalidNetworkInterfaceID.NotFound"
    assert client_error(ec2.disassociate_address, AssociationId="eipassoc-0123456789abcdef0")[0] == (
        "InvalidAssociationID.NotFound")
    for allocation in ids:
        ec2.release_address(AllocationId=allocation)


# --------------------------------------------------------------------------------------------------
# NAT gateways
# --------------------------------------------------------------------------------------------------


def test_nat_gateway_lifecycle(ec2, subnet):
    eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=eip["AllocationId"],
                                 TagSpecifications=tag_spec("natgateway", "egress"))["NatGateway"]
    assert nat["NatGatewayId"].startswith("nat-") and nat["State"] == "pending"
    assert nat["VpcId"] == subnet["VpcId"] and nat["ConnectivityType"] == "public"
    [address] = nat["NatGatewayAddresses"]
    assert (address["AllocationId"], address["PublicIp"]) == (eip["AllocationId"], eip["PublicIp"])
    assert ipaddress.ip_address(address["PrivateIp"]) in ipaddress.ip_network(subnet["CidrBlock"])
    described = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [subnet["VpcId"]]}])["NatGateways"]
    assert [(n["NatGatewayId"], n["State"]) for n in described] == [(nat["NatGatewayId"], "available")]
    assert described[0]["Tags"] == [{"Key": "Name", "Value": "egress"}]
    # The address is held by the gateway.
    held = ec2.describe_addresses(AllocationIds=[eip["AllocationId"]])["Addresses"][0]
    assert held["AssociationId"].startswith("eipassoc-") and held["PrivateIpAddress"] == address["PrivateIp"]
    assert client_error(ec2.release_address, AllocationId=eip["AllocationId"])[0] == "InvalidIPAddress.InUse"
    # EC2 gives the gateway a requester-managed network interface.
    [eni] = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet["SubnetId"]]}])[
        "NetworkInterfaces"]
    assert eni["NetworkInterfaceId"] == address["NetworkInterfaceId"] and eni["InterfaceType"] == "nat_gateway"
    assert (eni["PrivateIpAddress"], eni["Association"]["PublicIp"]) == (address["PrivateIp"], eip["PublicIp"])
    assert eni["RequesterManaged"] is True and eni["Status"] == "in-use"
    assert client_error(ec2.create_nat_gateway, SubnetId=subnet["SubnetId"], AllocationId=eip["AllocationId"])[0] == (
        "Resource.AlreadyAssociated")
    # A route through it, and the subnet cannot go while the gateway lives.
    table = ec2.create_route_table(VpcId=subnet["VpcId"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"])
    assert client_error(ec2.delete_subnet, SubnetId=subnet["SubnetId"])[0] == "DependencyViolation"

    assert ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])["NatGatewayId"] == nat["NatGatewayId"]
    [gone] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert gone["State"] == "deleted" and "DeleteTime" in gone
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert [r["State"] for r in routes if r.get("NatGatewayId") == nat["NatGatewayId"]] == ["blackhole"]
    ec2.release_address(AllocationId=eip["AllocationId"])
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])


def test_nat_gateway_errors(ec2, subnet):
    assert client_error(ec2.describe_nat_gateways, NatGatewayIds=["nat-0123456789abcdef0"]) == (
        "NatGatewayNotFound", "NAT gateway nat-0123456789abcdef0 was not found", 400)
    assert client_error(ec2.delete_nat_gateway, NatGatewayId="nat-0123456789abcdef0")[0] == "NatGatewayNotFound"
    assert client_error(ec2.create_nat_gateway, SubnetId=subnet["SubnetId"],
                        AllocationId="eipalloc-0123456789abcdef0")[0] == "InvalidAllocationID.NotFound"
    assert client_error(ec2.create_nat_gateway, SubnetId="subnet-0123456789abcdef0",
                        AllocationId="eipalloc-0123456789abcdef0")[0] == "InvalidSubnetID.NotFound"
    assert client_error(ec2.create_nat_gateway, SubnetId=subnet["SubnetId"])[0] == "MissingParameter"
    private = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], ConnectivityType="private")["NatGateway"]
    assert "AllocationId" not in private["NatGatewayAddresses"][0]
    ec2.delete_nat_gateway(NatGatewayId=private["NatGatewayId"])


# --------------------------------------------------------------------------------------------------
# launch templates
# --------------------------------------------------------------------------------------------------


def test_launch_template_versions(ec2):
    data = {"ImageId": "ami-12345678", "InstanceType": "t3.micro"}
    lt = ec2.create_launch_template(LaunchTemplateName="web-lt", VersionDescription="first", LaunchTemplateData=data,
                                    TagSpecifications=tag_spec("launch-template", "web"))["LaunchTemplate"]
    assert lt["LaunchTemplateId"].startswith("lt-")
    assert (lt["DefaultVersionNumber"], lt["LatestVersionNumber"]) == (1, 1)
    assert client_error(ec2.create_launch_template, LaunchTemplateName="web-lt", LaunchTemplateData=data)[0] == (
        "InvalidLaunchTemplateName.AlreadyExistsException")
    v2 = ec2.create_launch_template_version(LaunchTemplateId=lt["LaunchTemplateId"], SourceVersion="1",
                                            LaunchTemplateData={"InstanceType": "t3.small"})["LaunchTemplateVersion"]
    assert v2["VersionNumber"] == 2 and v2["DefaultVersion"] is False
    assert v2["LaunchTemplateData"] == {"ImageId": "ami-12345678", "InstanceType": "t3.small"}
    versions = ec2.describe_launch_template_versions(LaunchTemplateName="web-lt")["LaunchTemplateVersions"]
    assert [(v["VersionNumber"], v["DefaultVersion"]) for v in versions] == [(2, False), (1, True)]
    assert versions[1]["VersionDescription"] == "first"
    latest = ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"], Versions=["$Latest"])
    assert [v["VersionNumber"] for v in latest["LaunchTemplateVersions"]] == [2]
    modified = ec2.modify_launch_template(LaunchTemplateId=lt["LaunchTemplateId"], DefaultVersion="2")
    assert modified["LaunchTemplate"]["DefaultVersionNumber"] == 2
    default = ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"], Versions=["$Default"])
    assert [v["VersionNumber"] for v in default["LaunchTemplateVersions"]] == [2]
    code, _, _ = client_error(ec2.describe_launch_template_versions, LaunchTemplateId=lt["LaunchTemplateId"],
                              Versions=["9"])
    assert code == "InvalidLaunchTemplateId.VersionNotFound"
    [described] = ec2.describe_launch_templates(LaunchTemplateNames=["web-lt"])["LaunchTemplates"]
    assert described["Tags"] == [{"Key": "Name", "Value": "web"}] and described["LatestVersionNumber"] == 2
    assert ec2.delete_launch_template(LaunchTemplateName="web-lt")["LaunchTemplate"]["LaunchTemplateId"] == (
        lt["LaunchTemplateId"])
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_launch_template_errors(ec2):
    assert client_error(ec2.describe_launch_templates, LaunchTemplateNames=["nope"])[0] == (
        "InvalidLaunchTemplateName.NotFoundException")
    assert client_error(ec2.describe_launch_templates, LaunchTemplateIds=["lt-0123456789abcdef0"]) == (
        "InvalidLaunchTemplateId.NotFound",
        "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.", 400)
    code, _, _ = client_error(ec2.create_launch_template, LaunchTemplateName="a b",
                              LaunchTemplateData={"InstanceType": "t3.micro"})
    assert code in ("InvalidLaunchTemplateName.MalformedException", "InvalidParameterValue")
    assert client_error(ec2.delete_launch_template, LaunchTemplateName="nope")[0] == (
        "InvalidLaunchTemplateName.NotFoundException")


# --------------------------------------------------------------------------------------------------
# instances, images, key pairs, account
# --------------------------------------------------------------------------------------------------


def test_no_instances_images_or_key_pairs(ec2):
    assert ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])[
        "Reservations"] == []
    assert client_error(ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"]) == (
        "InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist", 400)
    assert client_error(ec2.describe_instances, InstanceIds=["bogus"])[0] == "InvalidInstanceID.Malformed"
    assert client_error(ec2.describe_instances, Filters=[{"Name": "no-such-filter", "Values": ["x"]}])[0] == (
        "InvalidParameterValue")
    assert ec2.describe_images(Owners=["amazon"])["Images"] == []
    assert client_error(ec2.describe_images, ImageIds=["ami-12345678"])[0] == "InvalidAMIID.NotFound"
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    assert client_error(ec2.describe_key_pairs, KeyNames=["deploy"])[0] == "InvalidKeyPair.NotFound"
    names = {a["AttributeName"] for a in ec2.describe_account_attributes()["AccountAttributes"]}
    assert {"supported-platforms", "default-vpc"} <= names
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
