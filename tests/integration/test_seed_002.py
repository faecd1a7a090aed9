"""Seed 002 ("Public facing API hosted on EC2 instances"): the pattern's CloudFormation templates (vpc, cluster,
service) replayed resource by resource as aws CLI v2 calls, the way a deployment script without CloudFormation
would make them: a VPC with public and private subnets and a NAT gateway; an ECS cluster with container
insights, an EC2 launch template, an Auto Scaling group protected from scale-in, a capacity provider with
managed scaling and termination protection; an awsvpc service on that capacity provider behind a public ALB
whose security group the service's group trusts. Then the page's "Test it out" (the service reaches 2 tasks
registered in the target group, the load balancer answers) and "Tear it down", including the forced deletion
of the Auto Scaling group that the pattern's custom resource performs. The image is our test app instead of
nginx (no registry here); the AMI id is a literal instead of the SSM parameter; ManagedDraining is left out
because Debian's aws CLI v2 (2.9) predates it."""

import json
import subprocess
import urllib.request

import pytest

from conftest import random_account


@pytest.fixture
def server(make_server):
    # Security groups filter traffic here, as on AWS: the templates' own rules must let the ALB reach the tasks.
    return make_server(time_scale=0.01, security_groups=True)


@pytest.fixture
def sh(server, tmp_path):
    account = random_account()

    def run(script, **variables):
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": account,
               "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", **variables}
        prelude = f'set -eo pipefail\naws() {{ /usr/bin/aws --endpoint-url {server.url} "$@"; }}\n'
        proc = subprocess.run(["bash", "-c", prelude + script], capture_output=True, text=True, env=env,
                              timeout=300, cwd=tmp_path)
        assert proc.returncode == 0, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    return run


VPC = r"""
VPC_ID=$(aws ec2 create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId --output text)
aws ec2 modify-vpc-attribute --vpc-id $VPC_ID --enable-dns-hostnames '{"Value":true}'
PUB1=$(aws ec2 create-subnet --vpc-id $VPC_ID --cidr-block 10.0.0.0/18 --availability-zone us-east-1a --query Subnet.SubnetId --output text)
PUB2=$(aws ec2 create-subnet --vpc-id $VPC_ID --cidr-block 10.0.64.0/18 --availability-zone us-east-1b --query Subnet.SubnetId --output text)
PRIV1=$(aws ec2 create-subnet --vpc-id $VPC_ID --cidr-block 10.0.128.0/18 --availability-zone us-east-1a --query Subnet.SubnetId --output text)
PRIV2=$(aws ec2 create-subnet --vpc-id $VPC_ID --cidr-block 10.0.192.0/18 --availability-zone us-east-1b --query Subnet.SubnetId --output text)
aws ec2 modify-subnet-attribute --subnet-id $PUB1 --map-public-ip-on-launch
aws ec2 modify-subnet-attribute --subnet-id $PUB2 --map-public-ip-on-launch
IGW=$(aws ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
aws ec2 attach-internet-gateway --internet-gateway-id $IGW --vpc-id $VPC_ID
PUB_RT=$(aws ec2 create-route-table --vpc-id $VPC_ID --query RouteTable.RouteTableId --output text)
aws ec2 create-route --route-table-id $PUB_RT --destination-cidr-block 0.0.0.0/0 --gateway-id $IGW >/dev/null
aws ec2 associate-route-table --route-table-id $PUB_RT --subnet-id $PUB1 >/dev/null
aws ec2 associate-route-table --route-table-id $PUB_RT --subnet-id $PUB2 >/dev/null
EIP=$(aws ec2 allocate-address --domain vpc --query AllocationId --output text)
NAT=$(aws ec2 create-nat-gateway --subnet-id $PUB1 --allocation-id $EIP --query NatGateway.NatGatewayId --output text)
PRIV_RT=$(aws ec2 create-route-table --vpc-id $VPC_ID --query RouteTable.RouteTableId --output text)
aws ec2 create-route --route-table-id $PRIV_RT --destination-cidr-block 0.0.0.0/0 --nat-gateway-id $NAT >/dev/null
aws ec2 associate-route-table --route-table-id $PRIV_RT --subnet-id $PRIV1 >/dev/null
aws ec2 associate-route-table --route-table-id $PRIV_RT --subnet-id $PRIV2 >/dev/null
"""

CLUSTER = r"""
aws ecs create-cluster --cluster-name api-cluster --settings name=containerInsights,value=enabled >/dev/null
HOST_SG=$(aws ec2 create-security-group --group-name container-hosts --description "Access to the EC2 hosts that run containers" --vpc-id $VPC_ID --query GroupId --output text)
aws iam create-role --role-name api-ec2-role --path / --assume-role-policy-document '{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}' >/dev/null
aws iam attach-role-policy --role-name api-ec2-role --policy-arn arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role
aws iam create-instance-profile --instance-profile-name api-ec2-profile --path / >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name api-ec2-profile --role-name api-ec2-role
EXEC_ROLE=$(aws iam create-role --role-name api-task-execution --path / --assume-role-policy-document '{"Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}' --query Role.Arn --output text)
aws iam attach-role-policy --role-name api-task-execution --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
USER_DATA=$(printf '#!/bin/bash\necho ECS_CLUSTER=api-cluster >> /etc/ecs/ecs.config\n' | base64 -w0)
cat > lt.json <<JSON
{"ImageId": "ami-0123456789abcdef0", "InstanceType": "c5.large",
 "IamInstanceProfile": {"Name": "api-ec2-profile"}, "SecurityGroupIds": ["$HOST_SG"], "UserData": "$USER_DATA",
 "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50, "VolumeType": "gp3"}}],
 "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "required"}}
JSON
LT_ID=$(aws ec2 create-launch-template --launch-template-name api-container-instances --launch-template-data file://lt.json --query LaunchTemplate.LaunchTemplateId --output text)
LT_VERSION=$(aws ec2 describe-launch-templates --launch-template-ids $LT_ID --query 'LaunchTemplates[0].LatestVersionNumber' --output text)
aws autoscaling create-auto-scaling-group --auto-scaling-group-name api-asg --vpc-zone-identifier "$PRIV1,$PRIV2" --launch-template LaunchTemplateId=$LT_ID,Version=$LT_VERSION --min-size 0 --max-size 4 --desired-capacity 2 --new-instances-protected-from-scale-in
ASG_ARN=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names api-asg --query 'AutoScalingGroups[0].AutoScalingGroupARN' --output text)
aws ecs create-capacity-provider --name api-capacity --auto-scaling-group-provider "autoScalingGroupArn=$ASG_ARN,managedScaling={status=ENABLED,targetCapacity=100,minimumScalingStepSize=1,maximumScalingStepSize=100,instanceWarmupPeriod=60},managedTerminationProtection=ENABLED" >/dev/null
aws ecs put-cluster-capacity-providers --cluster api-cluster --capacity-providers api-capacity --default-capacity-provider-strategy capacityProvider=api-capacity,base=0,weight=1 >/dev/null
"""

SERVICE = r"""
aws logs create-log-group --log-group-name api-web-logs
cat > task.json <<JSON
{"family": "web", "cpu": "256", "memory": "512", "networkMode": "awsvpc", "requiresCompatibilities": ["EC2"],
 "executionRoleArn": "$EXEC_ROLE",
 "containerDefinitions": [{"name": "web", "cpu": 256, "memory": 512, "image": "$IMAGE", "command": ["--port", "80"],
   "portMappings": [{"containerPort": 80, "hostPort": 80}],
   "logConfiguration": {"logDriver": "awslogs", "options": {"mode": "non-blocking", "max-buffer-size": "25m",
     "awslogs-group": "api-web-logs", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}]}
JSON
aws ecs register-task-definition --cli-input-json file://task.json >/dev/null
SVC_SG=$(aws ec2 create-security-group --group-name api-service --description "Security group for service" --vpc-id $VPC_ID --query GroupId --output text)
TG_ARN=$(aws elbv2 create-target-group --name api-web --target-type ip --port 80 --protocol HTTP --vpc-id $VPC_ID --health-check-interval-seconds 6 --health-check-path / --health-check-protocol HTTP --health-check-timeout-seconds 5 --healthy-threshold-count 2 --unhealthy-threshold-count 10 --query 'TargetGroups[0].TargetGroupArn' --output text)
aws elbv2 modify-target-group-attributes --target-group-arn $TG_ARN --attributes Key=deregistration_delay.timeout_seconds,Value=0 >/dev/null
LB_SG=$(aws ec2 create-security-group --group-name api-public-lb --description "Access to the public facing load balancer" --vpc-id $VPC_ID --query GroupId --output text)
aws ec2 authorize-security-group-ingress --group-id $LB_SG --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
LB_ARN=$(aws elbv2 create-load-balancer --name api-public --scheme internet-facing --subnets $PUB1 $PUB2 --security-groups $LB_SG --query 'LoadBalancers[0].LoadBalancerArn' --output text)
aws elbv2 modify-load-balancer-attributes --load-balancer-arn $LB_ARN --attributes Key=idle_timeout.timeout_seconds,Value=30 >/dev/null
aws elbv2 create-listener --load-balancer-arn $LB_ARN --port 80 --protocol HTTP --default-actions "[{\"Type\":\"forward\",\"ForwardConfig\":{\"TargetGroups\":[{\"TargetGroupArn\":\"$TG_ARN\",\"Weight\":100}]}}]" >/dev/null
aws ec2 authorize-security-group-ingress --group-id $SVC_SG --ip-permissions "IpProtocol=-1,UserIdGroupPairs=[{GroupId=$LB_SG,Description='Ingress from the public ALB'}]" >/dev/null
aws ecs create-service --service-name web --cluster api-cluster --task-definition web --desired-count 2 \
  --placement-strategy type=spread,field=attribute:ecs.availability-zone type=binpack,field=cpu \
  --capacity-provider-strategy capacityProvider=api-capacity,base=0,weight=1 \
  --network-configuration "awsvpcConfiguration={subnets=[$PRIV1,$PRIV2],securityGroups=[$SVC_SG]}" \
  --deployment-configuration maximumPercent=200,minimumHealthyPercent=75 \
  --load-balancers targetGroupArn=$TG_ARN,containerName=web,containerPort=80 >/dev/null
aws ecs wait services-stable --cluster api-cluster --services web
echo "LB_DNS=$(aws elbv2 describe-load-balancers --load-balancer-arns $LB_ARN --query 'LoadBalancers[0].DNSName' --output text)"
echo "TARGETS=$(aws elbv2 describe-target-health --target-group-arn $TG_ARN --query 'TargetHealthDescriptions[].TargetHealth.State' --output json | tr -d ' \n')"
echo "LAUNCH=$(aws ecs describe-services --cluster api-cluster --services web --query 'services[0].capacityProviderStrategy[0].capacityProvider' --output text)"
echo "ASG_INSTANCES=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names api-asg --query 'length(AutoScalingGroups[0].Instances)')"
"""

TEAR_DOWN = r"""
aws ecs delete-service --cluster api-cluster --service web --force >/dev/null
aws ecs wait services-inactive --cluster api-cluster --services web
aws elbv2 delete-load-balancer --load-balancer-arn $LB_ARN
aws elbv2 delete-target-group --target-group-arn $TG_ARN
aws ecs deregister-task-definition --task-definition web:1 >/dev/null
if aws autoscaling delete-auto-scaling-group --auto-scaling-group-name api-asg 2>err.txt; then echo "ASG deleted without force?"; exit 1; fi
grep -q ResourceInUse err.txt
aws autoscaling delete-auto-scaling-group --auto-scaling-group-name api-asg --force-delete
aws ecs put-cluster-capacity-providers --cluster api-cluster --capacity-providers [] --default-capacity-provider-strategy [] >/dev/null
aws ecs delete-capacity-provider --capacity-provider api-capacity >/dev/null
aws ecs delete-cluster --cluster api-cluster >/dev/null
aws ec2 delete-launch-template --launch-template-id $LT_ID >/dev/null
aws logs delete-log-group --log-group-name api-web-logs
for sg in $SVC_SG $LB_SG $HOST_SG; do
  aws ec2 describe-security-groups --group-ids $sg --query 'SecurityGroups[0].IpPermissions' --output json > perms.json
  if [ "$(cat perms.json)" != "[]" ]; then aws ec2 revoke-security-group-ingress --group-id $sg --ip-permissions file://perms.json >/dev/null; fi
done
for sg in $SVC_SG $LB_SG $HOST_SG; do aws ec2 delete-security-group --group-id $sg; done
echo "LEFT_ASGS=$(aws autoscaling describe-auto-scaling-groups --query 'length(AutoScalingGroups)')"
echo "LEFT_CLUSTERS=$(aws ecs describe-clusters --clusters api-cluster --query 'clusters[0].status' --output text)"
"""


SHOW = r"""
for name in VPC_ID PUB1 PUB2 PRIV1 PRIV2 HOST_SG LT_ID EXEC_ROLE SVC_SG LB_SG TG_ARN LB_ARN; do echo "$name=${!name}"; done
"""


def values(out):
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line and line.split("=", 1)[0].isupper())


def test_seed_002_public_api_on_ec2_capacity(sh, server, test_images):
    got = values(sh(VPC + CLUSTER + SERVICE + SHOW, IMAGE=test_images["app"]))
    assert got["TARGETS"] == '["healthy","healthy"]', got
    assert got["LAUNCH"] == "api-capacity", got
    assert got["ASG_INSTANCES"] == "2", got
    # "Test it out": the public load balancer answers by its DNS name (the app echoes the request it got).
    admin = json.loads(urllib.request.urlopen(f"{server.url}/_albatross/load-balancers").read())
    port = next(e["port"] for e in admin["endpoints"] if e["address"] == "127.0.0.1" and
                any(arn.startswith(got["LB_ARN"].replace(":loadbalancer/", ":listener/")) for arn in e["listener_arns"]))
    for _ in range(4):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api", headers={"Host": got["LB_DNS"]})
        with urllib.request.urlopen(request, timeout=10) as response:
            echoed = json.loads(response.read())
            assert response.status == 200 and echoed["path"] == "/api", echoed
    # "Tear it down", as the stack deletion (with the pattern's forced ASG deletion) does.
    left = values(sh(TEAR_DOWN, **{k: v for k, v in got.items() if k in SHOW}))
    assert left["LEFT_ASGS"] == "0" and left["LEFT_CLUSTERS"] == "INACTIVE", left
