"""Seed 003 ("How to call a load balanced ECS service?"): its CloudFormation resources made one by one with the
aws CLI v2 (Albatross has no CloudFormation), with the template's values and defaults: an internal ALB whose
security group allows 80/443 from the VPC CIDR, an HTTP listener defaulting to an empty "invalid-target-group"
(instance targets, the template's default), a host-header rule for service-a.in.example.com → the service's
group (/application-status/health, 2/10/5 s/4 s), and ServiceA: 2 tasks (bridge mode, EC2, dynamic host ports),
minimumHealthyPercent 50, with the ECS service role. A request naming service-a.in.example.com reaches a task;
any other name gets the empty group's 503."""

import json
import re
import subprocess


import pytest

from conftest import random_account, wait_until

HOST = "service-a.in.example.com"


@pytest.fixture(scope="module")
def server(server_factory_session):
    """Security groups filter traffic here, as with the product's defaults: the seed's own rules must suffice."""
    return server_factory_session(time_scale=0.01, security_groups=True)


def test_private_service_by_host_name(server, test_images):
    account = random_account()

    def aws(*args):
        return server.aws_ok(*args, account=account)

    ecs, elbv2 = server.client("ecs", account=account), server.client("elbv2", account=account)
    vpc = aws("ec2", "describe-vpcs", "--filters", "Name=isDefault,Values=true")["Vpcs"][0]
    subnets = [s["SubnetId"] for s in aws("ec2", "describe-subnets")["Subnets"]][:2]  # PrivateA, PrivateB
    sg = aws("ec2", "create-security-group", "--group-name", "HttpHttpsProxySecurityGroup", "--description",
             "Enable http and https access", "--vpc-id", vpc["VpcId"])["GroupId"]
    aws("ec2", "authorize-security-group-ingress", "--group-id", sg, "--ip-permissions",
        f"IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{{CidrIp={vpc['CidrBlock']}}},{{CidrIp=127.0.0.0/8}}]",
        f"IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{{CidrIp={vpc['CidrBlock']}}}]")
    lb = aws("elbv2", "create-load-balancer", "--name", "PrivateApiLoadBalancer", "--scheme", "internal",
             "--subnets", *subnets, "--security-groups", sg)["LoadBalancers"][0]
    assert lb["Scheme"] == "internal" and lb["DNSName"].startswith("internal-PrivateApiLoadBalancer-")
    invalid = aws("elbv2", "create-target-group", "--name", "invalid-target-group", "--protocol", "HTTP",
                  "--port", "80", "--vpc-id", vpc["VpcId"])["TargetGroups"][0]
    assert invalid["TargetType"] == "instance"
    listener = aws("elbv2", "create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--port", "80",
                   "--protocol", "HTTP", "--default-actions",
                   f"Type=forward,TargetGroupArn={invalid['TargetGroupArn']}")["Listeners"][0]
    group = aws("elbv2", "create-target-group", "--name", "service-a-target-group", "--protocol", "HTTP",
                "--port", "8080", "--vpc-id", vpc["VpcId"], "--health-check-path", "/application-status/health",
                "--healthy-threshold-count", "2", "--unhealthy-threshold-count", "10",
                "--health-check-interval-seconds", "5", "--health-check-timeout-seconds", "4")["TargetGroups"][0]
    aws("elbv2", "create-rule", "--listener-arn", listener["ListenerArn"], "--priority", "1", "--conditions",
        f"Field=host-header,Values={HOST}", "--actions", f"Type=forward,TargetGroupArn={group['TargetGroupArn']}")

    role = aws("iam", "create-role", "--role-name", f"ECSServiceRole-{account}", "--assume-role-policy-document",
               json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "ecs.amazonaws.com"}}]}))["Role"]["Arn"]
    aws("ecs", "create-cluster", "--cluster-name", "Main-Cluster")
    aws("ecs", "register-task-definition", "--family", "ServiceATask", "--container-definitions", json.dumps([{
        "name": "serviceA", "image": test_images["app"], "memory": 128, "essential": True,
        "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]))
    try:
        aws("ecs", "create-service", "--cluster", "Main-Cluster", "--service-name", "ServiceA", "--task-definition",
            "ServiceATask", "--desired-count", "2", "--role", role, "--deployment-configuration",
            "minimumHealthyPercent=50", "--load-balancers",
            f"containerName=serviceA,containerPort=8080,targetGroupArn={group['TargetGroupArn']}")

        last = {}

        def healthy():
            health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
            last["health"] = health
            return health if sum(d["TargetHealth"]["State"] == "healthy" for d in health) == 2 else None

        try:
            targets = wait_until(healthy, timeout=60, message="ServiceA's 2 tasks healthy")
        except AssertionError:
            service = ecs.describe_services(cluster="Main-Cluster", services=["ServiceA"])["services"][0]
            raise AssertionError(f"targets {[d for d in last.get('health', []) if d['TargetHealth']['State'] != 'draining']}\nevents {service['events'][:5]}\n"
                                 f"running {service['runningCount']}")
        # Instance targets: the emulated container instance, each task on its own dynamic host port.
        assert len({d["Target"]["Port"] for d in targets}) == 2
        assert all(re.fullmatch(r"i-[0-9a-f]{17}", d["Target"]["Id"]) for d in targets), targets

        status, _, body = server.http("GET", "/_albatross/load-balancers")
        endpoint = next(e for e in json.loads(body)["endpoints"]
                        if listener["ListenerArn"] in e["listener_arns"] and e["address"] != "127.0.0.1")

        def call(host):
            return subprocess.run(["curl", "-sS", "-m", "10", "-o", "-", "-w", "\n%{http_code}", "-H", f"Host: {host}",
                                   f"http://{endpoint['address']}:{endpoint['port']}/orders"],
                                  capture_output=True, text=True, timeout=30).stdout.rsplit("\n", 1)

        body, code = call(HOST)
        assert code == "200" and json.loads(body)["path"] == "/orders"
        _, code = call("service-b.in.example.com")
        assert code == "503"  # the invalid-host group has no targets: a consistent failure
    finally:
        try:
            ecs.delete_service(cluster="Main-Cluster", service="ServiceA", force=True)
            wait_until(lambda: ecs.describe_services(cluster="Main-Cluster", services=["ServiceA"])["services"][0][
                "status"] == "INACTIVE", timeout=60, message="ServiceA deleted")
            elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
            ecs.delete_cluster(cluster="Main-Cluster")
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
