"""Seed 000 ("Deploying many sites in ECS using one ALB") as a student would type it with the aws CLI v2
against the emulator: a multi-domain ACM certificate (requested, then polled until ISSUED), the two security
groups, an internet-facing ALB, an ip target group per site, an HTTPS listener with the certificate, an HTTP
listener redirecting to HTTPS, the default HTTPS rule changed to a fixed 503 "No such site", one host-header
rule per site, and the targets an ECS service would register. The tutorial's console steps map one to one onto
the CLI commands below; checks and clean-up use boto3."""

import json
import re

import pytest

from conftest import random_account, unique_domain, wait_until


@pytest.fixture(scope="module")
def server(server_factory_session):
    """Security groups filter traffic here, as with the product's defaults: the seed's own rules must suffice."""
    return server_factory_session(time_scale=0.01, security_groups=True)


@pytest.fixture
def student(server):
    account = random_account()

    def aws(*args, output="json"):
        rc, out, err = server.aws(*args, account=account, output=output)
        assert rc == 0, f"aws {' '.join(map(str, args))} -> rc={rc}: {err}"
        return out.strip() if isinstance(out, str) else out

    aws.account = account
    yield aws
    # Best-effort clean-up, in dependency order.
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    cfg = Config(retries={"total_max_attempts": 1})
    make = lambda s: session.client(s, endpoint_url=server.url, region_name="us-east-1",  # noqa: E731
                                    aws_access_key_id=account, aws_secret_access_key="test", config=cfg)
    elbv2, acm, ec2 = make("elbv2"), make("acm"), make("ec2")
    for step in (
        lambda: [elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
                 for lb in elbv2.describe_load_balancers()["LoadBalancers"]],
        lambda: [elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
                 for tg in elbv2.describe_target_groups()["TargetGroups"]],
        lambda: [acm.delete_certificate(CertificateArn=c["CertificateArn"])
                 for c in acm.list_certificates()["CertificateSummaryList"]],
        lambda: [ec2.delete_security_group(GroupId=g["GroupId"]) for g in ec2.describe_security_groups()[
            "SecurityGroups"] if g["GroupName"] == "sites-ecs"],
        lambda: [ec2.delete_security_group(GroupId=g["GroupId"]) for g in ec2.describe_security_groups()[
            "SecurityGroups"] if g["GroupName"] == "sites-alb"],
    ):
        try:
            step()
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


def test_many_sites_one_alb(student, server):
    aws = student
    first, second = unique_domain("foo"), unique_domain("bar")

    # --- Multi-domain certificate: foo.com and *.foo.com declared separately, CN = the first name ----------
    cert = aws("acm", "request-certificate", "--domain-name", first, "--subject-alternative-names",
               f"*.{first}", second, f"*.{second}", "--validation-method", "DNS")["CertificateArn"]
    assert re.fullmatch(rf"arn:aws:acm:us-east-1:{aws.account}:certificate/[0-9a-f-]{{36}}", cert), cert

    def issued():
        detail = aws("acm", "describe-certificate", "--certificate-arn", cert)["Certificate"]
        return detail if detail["Status"] == "ISSUED" else None

    detail = wait_until(issued, timeout=30, interval=0.2, message="certificate ISSUED")
    assert detail["DomainName"] == first
    assert detail["SubjectAlternativeNames"] == [first, f"*.{first}", second, f"*.{second}"]
    for option in detail["DomainValidationOptions"]:  # the CNAMEs the tutorial sets up in DNS
        assert option["ResourceRecord"]["Type"] == "CNAME"

    # --- Security groups: 80/443 from anywhere to the ALB; 8000 only from the ALB's group to the tasks -------
    subnets = aws("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")["Subnets"]
    vpc = subnets[0]["VpcId"]
    subnet_ids = [s["SubnetId"] for s in subnets]
    assert len(subnet_ids) == 3 and {s["VpcId"] for s in subnets} == {vpc}
    alb_sg = aws("ec2", "create-security-group", "--group-name", "sites-alb", "--description",
                 "Who may talk to the ALB", "--vpc-id", vpc)["GroupId"]
    aws("ec2", "authorize-security-group-ingress", "--group-id", alb_sg, "--ip-permissions",
        "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}]",
        "IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]")
    ecs_sg = aws("ec2", "create-security-group", "--group-name", "sites-ecs", "--description",
                 "Reachable only by the ALB", "--vpc-id", vpc)["GroupId"]
    aws("ec2", "authorize-security-group-ingress", "--group-id", ecs_sg, "--protocol", "tcp", "--port", "8000",
        "--source-group", alb_sg)

    # --- The ALB: internet facing, our security group, an IP target group (HTTP, container port) -----------
    def target_group(name):
        return aws("elbv2", "create-target-group", "--name", name, "--protocol", "HTTP", "--port", "8000",
                   "--vpc-id", vpc, "--target-type", "ip", "--health-check-path", "/health")["TargetGroups"][0]

    tg1 = target_group("first-site")
    assert (tg1["TargetType"], tg1["HealthCheckPath"], tg1["Port"]) == ("ip", "/health", 8000)
    lb = aws("elbv2", "create-load-balancer", "--name", "many-sites", "--type", "application", "--scheme",
             "internet-facing", "--subnets", *subnet_ids, "--security-groups", alb_sg)["LoadBalancers"][0]
    lb_arn = lb["LoadBalancerArn"]
    assert re.fullmatch(r"many-sites-\d{9,10}\.us-east-1\.elb\.localhost", lb["DNSName"]), lb["DNSName"]
    assert lb["SecurityGroups"] == [alb_sg] and len(lb["AvailabilityZones"]) == 3
    # HTTPS with the certificate (the console wants a target group as the first default action).
    https = aws("elbv2", "create-listener", "--load-balancer-arn", lb_arn, "--protocol", "HTTPS", "--port", "443",
                "--certificates", f"CertificateArn={cert}",
                "--default-actions", f"Type=forward,TargetGroupArn={tg1['TargetGroupArn']}")["Listeners"][0]
    assert https["SslPolicy"] == "ELBSecurityPolicy-2016-08"
    https_arn = https["ListenerArn"]

    # --- HTTP listener: redirect to HTTPS, keeping the URI parts -----------------------------------------
    http = aws("elbv2", "create-listener", "--load-balancer-arn", lb_arn, "--protocol", "HTTP", "--port", "80",
               "--default-actions",
               "Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}")["Listeners"][0]
    assert http["DefaultActions"][0]["RedirectConfig"] == {
        "Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
        "StatusCode": "HTTP_301"}

    # --- Default HTTPS rule: fixed 503 "No such site" ----------------------------------------------------
    no_site = [{"Type": "fixed-response", "FixedResponseConfig": {
        "StatusCode": "503", "ContentType": "text/plain", "MessageBody": "No such site"}}]
    aws("elbv2", "modify-listener", "--listener-arn", https_arn, "--default-actions", json.dumps(no_site))

    # --- One host-header rule per site; the second site gets its own target group ------------------------
    aws("elbv2", "create-rule", "--listener-arn", https_arn, "--priority", "10",
        "--conditions", f"Field=host-header,Values={first}",
        "--actions", f"Type=forward,TargetGroupArn={tg1['TargetGroupArn']}")
    tg2 = target_group("second-site")
    aws("elbv2", "create-rule", "--listener-arn", https_arn, "--priority", "20",
        "--conditions", f"Field=host-header,Values={second}",
        "--actions", f"Type=forward,TargetGroupArn={tg2['TargetGroupArn']}")

    # --- What the ECS service does for the first site: register its task's IP:port ------------------------
    aws("elbv2", "register-targets", "--target-group-arn", tg1["TargetGroupArn"], "--targets",
        "Id=127.0.0.1,Port=8000")

    # --- The resulting configuration ----------------------------------------------------------------------
    import boto3
    from botocore.config import Config

    make = lambda s: boto3.session.Session().client(  # noqa: E731
        s, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=aws.account,
        aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}))
    elbv2, acm, ec2 = make("elbv2"), make("acm"), make("ec2")
    wait_until(lambda: elbv2.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]["State"][
        "Code"] == "active", timeout=10, message="ALB active")
    listeners = {l["Port"]: l for l in elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]}
    assert sorted(listeners) == [80, 443]
    assert listeners[443]["DefaultActions"] == [dict(no_site[0], Order=1)]
    assert listeners[443]["Certificates"] == [{"CertificateArn": cert}]
    rules = elbv2.describe_rules(ListenerArn=https_arn)["Rules"]
    assert [r["Priority"] for r in rules] == ["10", "20", "default"]
    assert [r["Conditions"][0]["Values"] for r in rules[:2]] == [[first], [second]]
    assert [r["Actions"][0]["TargetGroupArn"] for r in rules[:2]] == [tg1["TargetGroupArn"], tg2["TargetGroupArn"]]
    assert rules[2]["Actions"] == listeners[443]["DefaultActions"]
    used = elbv2.describe_target_groups(LoadBalancerArn=lb_arn)["TargetGroups"]
    assert sorted(t["TargetGroupName"] for t in used) == ["first-site", "second-site"]
    health = elbv2.describe_target_health(TargetGroupArn=tg1["TargetGroupArn"])["TargetHealthDescriptions"]
    assert [(h["Target"]["Id"], h["Target"]["Port"]) for h in health] == [("127.0.0.1", 8000)]
    assert health[0]["TargetHealth"]["State"] != "unused"  # the group is in use by the ALB
    assert acm.describe_certificate(CertificateArn=cert)["Certificate"]["InUseBy"] == [lb_arn]
    groups = {g["GroupId"]: g for g in ec2.describe_security_groups(GroupIds=[alb_sg, ecs_sg])["SecurityGroups"]}
    assert sorted(p["FromPort"] for p in groups[alb_sg]["IpPermissions"]) == [80, 443]
    assert [(p["FromPort"], p["UserIdGroupPairs"][0]["GroupId"]) for p in groups[ecs_sg]["IpPermissions"]] == [
        (8000, alb_sg)]

    # Tearing the ALB down frees the certificate (and the target groups).
    elbv2.delete_load_balancer(LoadBalancerArn=lb_arn)
    assert acm.describe_certificate(CertificateArn=cert)["Certificate"].get("InUseBy", []) == []
    for tg in (tg1, tg2):
        elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
    acm.delete_certificate(CertificateArn=cert)
