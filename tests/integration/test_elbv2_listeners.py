"""ELBv2 listeners end to end (spec §4.6, §8.5, §1.4): CreateListener / DescribeListeners / ModifyListener /
DeleteListener for application (HTTP, HTTPS) and network (TCP, UDP, TCP_UDP, TLS) load balancers, ACM
certificates (ISSUED or imported; CertificateNotFound / UnsupportedCertificate; InUseBy and ACM's refusal to
delete a certificate in use), Add/Remove/DescribeListenerCertificates, listener attributes and
DescribeSSLPolicies."""

import atexit
import os
import re
import shutil
import tempfile

import pytest

from conftest import random_account, unique_domain, wait_issued
from aws_errors import client_error

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SESSION = []
_MODEL_SESSION = []


def _model_session():
    """A boto3 session that knows the current elbv2 model (Debian's botocore predates listener attributes)."""
    import boto3

    if not _MODEL_SESSION:
        data = tempfile.mkdtemp(prefix="albatross-elbv2-model-")
        atexit.register(shutil.rmtree, data, True)
        os.makedirs(os.path.join(data, "elbv2", "2015-12-01"))
        shutil.copy(os.path.join(REPO, "services", "models", "elbv2.json"),
                    os.path.join(data, "elbv2", "2015-12-01", "service-2.json"))
        session = boto3.session.Session()
        session._session.get_component("data_loader").search_paths.insert(0, data)
        _MODEL_SESSION.append(session)
    return _MODEL_SESSION[0]


def boto_client(server, service, account, region="us-east-1", validate=True, current_model=False):
    """A client from one shared boto3 session: the parsed models are cached, so clients come cheap."""
    import boto3
    from botocore.config import Config

    if not _SESSION:
        _SESSION.append(boto3.session.Session())
    session = _model_session() if current_model else _SESSION[0]
    return session.client(
        service, endpoint_url=server.url, region_name=region, aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate, connect_timeout=5,
                      read_timeout=30))


def attrs(pairs):
    return {a["Key"]: a["Value"] for a in pairs}


def fixed(status="503", body=None):
    config = {"StatusCode": status, "ContentType": "text/plain"}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn}]


def normalized_forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn, "Order": 1,
             "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": arn, "Weight": 1}],
                               "TargetGroupStickinessConfig": {"Enabled": False}}}]


def listener_arn_re(lb_arn):
    prefix = lb_arn.replace(":loadbalancer/", ":listener/")
    return re.compile("^" + re.escape(prefix) + r"/[0-9a-f]{16}$")


class Env:
    def __init__(self, server, account, region="us-east-1"):
        self.server = server
        self.account = account
        self.ec2 = boto_client(server, "ec2", account, region)
        self.elbv2 = boto_client(server, "elbv2", account, region)
        self.acm = boto_client(server, "acm", account, region)
        self.vpc_id = [v for v in self.ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
        self.subnet_ids = [s["SubnetId"] for s in sorted(
            [s for s in self.ec2.describe_subnets()["Subnets"] if s["VpcId"] == self.vpc_id],
            key=lambda s: s["AvailabilityZone"])]
        self._alb = None

    def alb(self, name=None):
        if name is None:
            if self._alb is None:
                self._alb = self.alb("listener-alb")
            return self._alb
        return self.elbv2.create_load_balancer(Name=name, Subnets=self.subnet_ids[:2])["LoadBalancers"][0][
            "LoadBalancerArn"]

    def nlb(self, name="listener-nlb"):
        return self.elbv2.create_load_balancer(Name=name, Type="network", Subnets=self.subnet_ids[:1])[
            "LoadBalancers"][0]["LoadBalancerArn"]

    def tg(self, name, protocol="HTTP", port=80, **kw):
        return self.elbv2.create_target_group(Name=name, Protocol=protocol, Port=port, VpcId=self.vpc_id,
                                              TargetType="ip", **kw)["TargetGroups"][0]["TargetGroupArn"]

    def listener(self, port=80, protocol="HTTP", actions=None, lb=None, **kw):
        return self.elbv2.create_listener(LoadBalancerArn=lb or self.alb(), Protocol=protocol, Port=port,
                                          DefaultActions=actions or fixed(), **kw)["Listeners"][0]

    def https(self, cert, port=443, lb=None, **kw):
        return self.listener(port, "HTTPS", lb=lb, Certificates=[{"CertificateArn": cert}], **kw)

    def cert(self, domain=None):
        arn = self.acm.request_certificate(DomainName=domain or unique_domain("lst"), ValidationMethod="DNS")[
            "CertificateArn"]
        wait_issued(self.acm, arn)
        return arn

    def in_use_by(self, cert):
        return sorted(self.acm.describe_certificate(CertificateArn=cert)["Certificate"].get("InUseBy", []))

    def describe(self, listener_arn):
        return self.elbv2.describe_listeners(ListenerArns=[listener_arn])["Listeners"][0]

    def certificates(self, listener_arn):
        return sorted((c["CertificateArn"], c["IsDefault"]) for c in
                      self.elbv2.describe_listener_certificates(ListenerArn=listener_arn)["Certificates"])

    def purge(self):
        try:
            for lb in self.elbv2.describe_load_balancers()["LoadBalancers"]:
                self.elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
            for tg in self.elbv2.describe_target_groups(PageSize=400)["TargetGroups"]:
                self.elbv2.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
            for c in self.acm.list_certificates()["CertificateSummaryList"]:
                self.acm.delete_certificate(CertificateArn=c["CertificateArn"])
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


@pytest.fixture
def env(server):
    e = Env(server, random_account())
    yield e
    e.purge()


# --------------------------------------------------------------------------------------------------
# HTTP and HTTPS listeners
# --------------------------------------------------------------------------------------------------


def test_http_listener_forward(env):
    tg = env.tg("http-tg")
    listener = env.listener(80, "HTTP", forward(tg))
    assert listener_arn_re(env.alb()).match(listener["ListenerArn"]), listener["ListenerArn"]
    assert (listener["LoadBalancerArn"], listener["Port"], listener["Protocol"]) == (env.alb(), 80, "HTTP")
    assert listener["DefaultActions"] == normalized_forward(tg)
    assert "SslPolicy" not in listener and "Certificates" not in listener
    assert env.describe(listener["ListenerArn"]) == listener
    assert env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"] == [listener]
    # The default rule mirrors the default actions; the group is now used by the load balancer.
    [rule] = env.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    assert rule["IsDefault"] is True and rule["Priority"] == "default" and rule["Actions"] == listener[
        "DefaultActions"]
    assert env.elbv2.describe_target_groups(TargetGroupArns=[tg])["TargetGroups"][0]["LoadBalancerArns"] == [
        env.alb()]


def test_https_listener_and_certificate_in_use(env):
    cert = env.cert()
    tg = env.tg("https-tg")
    listener = env.https(cert, actions=forward(tg))
    arn = listener["ListenerArn"]
    assert listener["Protocol"] == "HTTPS" and listener["Port"] == 443
    assert listener["SslPolicy"] == "ELBSecurityPolicy-2016-08"
    assert listener["Certificates"] == [{"CertificateArn": cert}]
    assert env.describe(arn)["Certificates"] == [{"CertificateArn": cert}]
    assert env.certificates(arn) == [(cert, True)]
    # ACM: the load balancer uses the certificate, which can therefore not be deleted.
    assert env.in_use_by(cert) == [env.alb()]
    summary = [c for c in env.acm.list_certificates()["CertificateSummaryList"] if c["CertificateArn"] == cert]
    assert summary and summary[0].get("InUse") in (True, None)
    code, _, status = client_error(env.acm.delete_certificate, CertificateArn=cert)
    assert (code, status) == ("ResourceInUseException", 400)
    # Deleting the listener releases it.
    env.elbv2.delete_listener(ListenerArn=arn)
    assert env.in_use_by(cert) == []
    env.acm.delete_certificate(CertificateArn=cert)


def test_deleting_the_load_balancer_releases_its_certificates(env):
    default, sni = env.cert(), env.cert()
    lb = env.alb("release-alb")
    listener = env.https(default, lb=lb)["ListenerArn"]
    env.elbv2.add_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": sni}])
    assert env.in_use_by(default) == [lb] and env.in_use_by(sni) == [lb]
    env.elbv2.delete_load_balancer(LoadBalancerArn=lb)
    assert env.in_use_by(default) == [] and env.in_use_by(sni) == []
    for cert in (default, sni):
        env.acm.delete_certificate(CertificateArn=cert)


def test_certificate_shared_by_two_load_balancers(env):
    cert = env.cert()
    first, second = env.alb("share-one"), env.alb("share-two")
    env.https(cert, lb=first)
    l2 = env.https(cert, lb=second)["ListenerArn"]
    env.https(cert, port=8443, lb=second)  # a second listener of the same load balancer
    assert env.in_use_by(cert) == sorted([first, second])
    env.elbv2.delete_load_balancer(LoadBalancerArn=first)
    assert env.in_use_by(cert) == [second]
    env.elbv2.delete_listener(ListenerArn=l2)  # still used by the 8443 listener
    assert env.in_use_by(cert) == [second]
    env.elbv2.delete_load_balancer(LoadBalancerArn=second)
    assert env.in_use_by(cert) == []


def test_imported_certificate_works(env, ossl):
    crt, key = ossl.self_signed("imp", unique_domain("imp"))
    with open(crt, "rb") as c, open(key, "rb") as k:
        cert = env.acm.import_certificate(Certificate=c.read(), PrivateKey=k.read())["CertificateArn"]
    listener = env.https(cert)
    assert listener["Certificates"] == [{"CertificateArn": cert}]
    assert env.in_use_by(cert) == [env.alb()]


def test_https_certificate_errors(env, server):
    code, message, status = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS",
                                         Port=443, DefaultActions=fixed())
    assert (code, status) == ("ValidationError", 400)
    assert message == "A certificate must be specified for HTTPS listeners"
    missing = f"arn:aws:acm:us-east-1:{env.account}:certificate/12345678-1234-1234-1234-123456789012"
    code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS",
                                   Port=443, DefaultActions=fixed(), Certificates=[{"CertificateArn": missing}])
    assert (code, status) == ("CertificateNotFound", 400)
    # A certificate of another region or another account is not found either.
    eu = Env(server, env.account, region="eu-west-1")
    elsewhere = eu.cert()
    other_account = Env(server, random_account())
    theirs = other_account.cert()
    try:
        for cert in (elsewhere, theirs):
            code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS",
                                      Port=443, DefaultActions=fixed(), Certificates=[{"CertificateArn": cert}])
            assert code == "CertificateNotFound", cert
    finally:
        eu.purge()
        other_account.purge()
    assert env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"] == []


def test_pending_certificate_is_unsupported(make_server, ossl):
    srv = make_server(time_scale=1.0)  # ACM validation takes the full 5 s here
    e = Env(srv, random_account())
    cert = e.acm.request_certificate(DomainName=unique_domain("pend"), ValidationMethod="DNS")["CertificateArn"]
    code, message, status = client_error(e.elbv2.create_listener, LoadBalancerArn=e.alb(), Protocol="HTTPS",
                                         Port=443, DefaultActions=fixed(), Certificates=[{"CertificateArn": cert}])
    assert (code, status) == ("UnsupportedCertificate", 400)
    assert cert in message
    # Turning an HTTP listener into HTTPS, or adding to the SNI list, is refused the same way.
    listener = e.listener(80)["ListenerArn"]
    code, _, _ = client_error(e.elbv2.modify_listener, ListenerArn=listener, Protocol="HTTPS", Port=443,
                              Certificates=[{"CertificateArn": cert}])
    assert code == "UnsupportedCertificate"
    crt, key = ossl.self_signed("ready", unique_domain("ready"))
    with open(crt, "rb") as c, open(key, "rb") as k:
        imported = e.acm.import_certificate(Certificate=c.read(), PrivateKey=k.read())["CertificateArn"]
    https = e.https(imported)["ListenerArn"]
    code, _, _ = client_error(e.elbv2.add_listener_certificates, ListenerArn=https,
                              Certificates=[{"CertificateArn": cert}])
    assert code == "UnsupportedCertificate"
    assert e.certificates(https) == [(imported, True)]
    assert e.acm.describe_certificate(CertificateArn=cert)["Certificate"]["Status"] == "PENDING_VALIDATION"
    assert e.in_use_by(cert) == []


def test_ssl_policies_on_listeners(env):
    cert = env.cert()
    listener = env.https(cert, SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06")
    assert listener["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    out = env.elbv2.modify_listener(ListenerArn=listener["ListenerArn"],
                                    SslPolicy="ELBSecurityPolicy-FS-1-2-Res-2020-10")["Listeners"][0]
    assert out["SslPolicy"] == "ELBSecurityPolicy-FS-1-2-Res-2020-10"
    assert out["Certificates"] == [{"CertificateArn": cert}]
    code, _, status = client_error(env.elbv2.modify_listener, ListenerArn=listener["ListenerArn"],
                                   SslPolicy="ELBSecurityPolicy-Nope")
    assert (code, status) == ("SSLPolicyNotFound", 400)
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS", Port=8443,
                              DefaultActions=fixed(), Certificates=[{"CertificateArn": cert}],
                              SslPolicy="ELBSecurityPolicy-Nope")
    assert code == "SSLPolicyNotFound"
    assert env.describe(listener["ListenerArn"])["SslPolicy"] == "ELBSecurityPolicy-FS-1-2-Res-2020-10"


# --------------------------------------------------------------------------------------------------
# listener certificates (SNI list)
# --------------------------------------------------------------------------------------------------


def test_add_describe_remove_listener_certificates(env):
    default, a, b = env.cert(), env.cert(), env.cert()
    listener = env.https(default)["ListenerArn"]
    out = env.elbv2.add_listener_certificates(ListenerArn=listener,
                                              Certificates=[{"CertificateArn": a}, {"CertificateArn": b}])
    assert sorted(c["CertificateArn"] for c in out["Certificates"]) >= sorted([a, b])
    assert env.certificates(listener) == sorted([(default, True), (a, False), (b, False)])
    # Adding again does not duplicate; DescribeListeners still shows only the default certificate.
    env.elbv2.add_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": a}])
    assert env.certificates(listener) == sorted([(default, True), (a, False), (b, False)])
    assert env.describe(listener)["Certificates"] == [{"CertificateArn": default}]
    for cert in (a, b):
        assert env.in_use_by(cert) == [env.alb()]

    env.elbv2.remove_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": a}])
    assert env.certificates(listener) == sorted([(default, True), (b, False)])
    assert env.in_use_by(a) == []
    env.acm.delete_certificate(CertificateArn=a)

    # The default certificate may also sit in the list: it is then listed twice, and AWS still refuses to
    # remove it ("OperationNotPermitted: Default certificate cannot be removed", terraform-provider-aws#19495).
    env.elbv2.add_listener_certificates(ListenerArn=listener, Certificates=[{"CertificateArn": default}])
    assert env.certificates(listener) == sorted([(default, True), (default, False), (b, False)])
    code, _, _ = client_error(env.elbv2.remove_listener_certificates, ListenerArn=listener,
                              Certificates=[{"CertificateArn": default}])
    assert code == "OperationNotPermitted"
    assert env.certificates(listener) == sorted([(default, True), (default, False), (b, False)])
    assert env.in_use_by(default) == [env.alb()]


def test_listener_certificate_errors(env):
    default = env.cert()
    listener = env.https(default)["ListenerArn"]
    missing_cert = f"arn:aws:acm:us-east-1:{env.account}:certificate/12345678-1234-1234-1234-123456789012"
    code, _, _ = client_error(env.elbv2.add_listener_certificates, ListenerArn=listener,
                              Certificates=[{"CertificateArn": missing_cert}])
    assert code == "CertificateNotFound"
    missing_listener = listener[:-16] + "0123456789abcdef"
    for op in (env.elbv2.add_listener_certificates, env.elbv2.remove_listener_certificates):
        code, _, _ = client_error(op, ListenerArn=missing_listener, Certificates=[{"CertificateArn": default}])
        assert code == "ListenerNotFound"
    code, _, _ = client_error(env.elbv2.describe_listener_certificates, ListenerArn=missing_listener)
    assert code == "ListenerNotFound"
    code, message, status = client_error(env.elbv2.remove_listener_certificates, ListenerArn=listener,
                                         Certificates=[{"CertificateArn": default}])
    assert (code, status) == ("OperationNotPermitted", 400)
    assert "default certificate" in message.lower()
    assert env.certificates(listener) == [(default, True)]


def test_removing_a_certificate_not_in_the_list(env):
    listener = env.https(env.cert())["ListenerArn"]
    # The certificate exists in ACM but is not in the listener's list (terraform-provider-aws#35403: AWS
    # answers CertificateNotFound).
    other = env.cert()
    code, _, status = client_error(env.elbv2.remove_listener_certificates, ListenerArn=listener,
                                   Certificates=[{"CertificateArn": other}])
    assert (code, status) == ("CertificateNotFound", 400)


def test_is_default_is_output_only(env):
    default, other = env.cert(), env.cert()
    listener = env.https(default)["ListenerArn"]
    # "You cannot set the isDefault parameter for a certificate" (ValidationError, boto3#1601).
    code, _, _ = client_error(env.elbv2.add_listener_certificates, ListenerArn=listener,
                              Certificates=[{"CertificateArn": other, "IsDefault": True}])
    assert code == "ValidationError"
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS", Port=8443,
                              DefaultActions=fixed(), Certificates=[{"CertificateArn": other, "IsDefault": True}])
    assert code == "ValidationError"
    assert env.in_use_by(other) == []
    assert env.certificates(listener) == [(default, True)]


def test_sni_certificate_limit(env, ossl):
    default = env.cert()
    listener = env.https(default)["ListenerArn"]
    # Every ImportCertificate without an ARN makes a new certificate: 26 distinct ARNs from one key pair.
    crt, key = ossl.self_signed("sni", unique_domain("sni"))
    with open(crt, "rb") as c, open(key, "rb") as k:
        body, private = c.read(), k.read()
    extra = [env.acm.import_certificate(Certificate=body, PrivateKey=private)["CertificateArn"] for _ in range(26)]
    assert len(set(extra)) == 26
    for i in range(0, 25, 5):
        env.elbv2.add_listener_certificates(ListenerArn=listener,
                                            Certificates=[{"CertificateArn": a} for a in extra[i:i + 5]])
    assert len(env.certificates(listener)) == 26
    code, _, status = client_error(env.elbv2.add_listener_certificates, ListenerArn=listener,
                                   Certificates=[{"CertificateArn": extra[25]}])
    assert (code, status) == ("TooManyCertificates", 400)
    assert env.in_use_by(extra[25]) == []
    page = env.elbv2.describe_listener_certificates(ListenerArn=listener, PageSize=10)
    assert len(page["Certificates"]) == 10 and page["NextMarker"]


# --------------------------------------------------------------------------------------------------
# duplicates, protocols, modify, delete, describe
# --------------------------------------------------------------------------------------------------


def test_duplicate_listener(env):
    tg = env.tg("dup-tg")
    first = env.listener(80, "HTTP", forward(tg))
    again = env.listener(80, "HTTP", forward(tg))
    assert again["ListenerArn"] == first["ListenerArn"]
    assert len(env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"]) == 1
    cert = env.cert()
    code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTPS", Port=80,
                                   DefaultActions=forward(tg), Certificates=[{"CertificateArn": cert}])
    assert (code, status) == ("DuplicateListener", 400)
    assert env.in_use_by(cert) == []
    # Same port and protocol but other settings: a duplicate too (spec §4.8).
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTP", Port=80,
                              DefaultActions=fixed("404"))
    assert code == "DuplicateListener"
    assert env.describe(first["ListenerArn"])["DefaultActions"] == normalized_forward(tg)
    # The same port on another load balancer is fine.
    assert env.listener(80, "HTTP", fixed(), lb=env.alb("dup-other"))["Port"] == 80


def test_protocols_by_load_balancer_type(env):
    nlb = env.nlb()
    for protocol in ("TCP", "UDP", "TLS", "TCP_UDP"):
        code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol=protocol,
                                       Port=1000, DefaultActions=fixed())
        assert status == 400 and code in ("UnsupportedProtocol", "ValidationError"), (protocol, code)
    for protocol in ("HTTP", "HTTPS"):
        code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=nlb, Protocol=protocol, Port=1000,
                                       DefaultActions=fixed())
        assert status == 400 and code in ("UnsupportedProtocol", "ValidationError",
                                          "InvalidLoadBalancerAction"), (protocol, code)
    assert env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"] == []
    assert env.elbv2.describe_listeners(LoadBalancerArn=nlb)["Listeners"] == []


def test_network_load_balancer_listeners(env):
    nlb = env.nlb()
    tcp, udp, both, tls = (env.tg("nlb-tcp", "TCP"), env.tg("nlb-udp", "UDP", 53), env.tg("nlb-both", "TCP_UDP", 53),
                           env.tg("nlb-tls", "TCP", 443))
    l_tcp = env.listener(80, "TCP", forward(tcp), lb=nlb)
    assert listener_arn_re(nlb).match(l_tcp["ListenerArn"]) and "/net/" in l_tcp["ListenerArn"]
    assert l_tcp["DefaultActions"][0]["TargetGroupArn"] == tcp
    assert env.listener(53, "UDP", forward(udp), lb=nlb)["Protocol"] == "UDP"
    assert env.listener(5353, "TCP_UDP", forward(both), lb=nlb)["Protocol"] == "TCP_UDP"
    cert = env.cert()
    l_tls = env.listener(443, "TLS", forward(tls), lb=nlb, Certificates=[{"CertificateArn": cert}],
                         AlpnPolicy=["HTTP2Preferred"])
    assert l_tls["Protocol"] == "TLS" and l_tls["Certificates"] == [{"CertificateArn": cert}]
    assert l_tls["AlpnPolicy"] == ["HTTP2Preferred"]
    assert l_tls["SslPolicy"].startswith("ELBSecurityPolicy-")
    assert env.in_use_by(cert) == [nlb]
    assert len(env.elbv2.describe_listeners(LoadBalancerArn=nlb)["Listeners"]) == 4
    # TLS needs a certificate.
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=nlb, Protocol="TLS", Port=8443,
                              DefaultActions=forward(tls))
    assert code == "ValidationError"
    out = env.elbv2.modify_listener(ListenerArn=l_tls["ListenerArn"], AlpnPolicy=["HTTP2Only"])["Listeners"][0]
    assert out["AlpnPolicy"] == ["HTTP2Only"]


def test_unknown_alpn_policy(env):
    nlb = env.nlb()
    tls = env.tg("alpn-tls", "TCP", 443)
    cert = env.cert()
    # AWS's ALPN policies: HTTP1Only, HTTP2Only, HTTP2Optional, HTTP2Preferred, None.
    code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=nlb, Protocol="TLS", Port=443,
                                   DefaultActions=forward(tls), Certificates=[{"CertificateArn": cert}],
                                   AlpnPolicy=["HTTP3Only"])
    assert (code, status) == ("ALPNPolicyNotFound", 400)
    assert env.in_use_by(cert) == []


def test_modify_listener(env):
    tg = env.tg("mod-tg")
    listener = env.listener(80, "HTTP", fixed())
    arn = listener["ListenerArn"]
    out = env.elbv2.modify_listener(ListenerArn=arn, Port=8080, DefaultActions=forward(tg))["Listeners"][0]
    assert (out["ListenerArn"], out["Port"], out["Protocol"]) == (arn, 8080, "HTTP")
    assert out["DefaultActions"] == normalized_forward(tg)
    assert env.describe(arn) == out
    # Another listener's port is taken.
    env.listener(9090, "HTTP", fixed())
    code, _, status = client_error(env.elbv2.modify_listener, ListenerArn=arn, Port=9090)
    assert (code, status) == ("DuplicateListener", 400)
    # HTTP -> HTTPS needs a certificate.
    code, message, _ = client_error(env.elbv2.modify_listener, ListenerArn=arn, Protocol="HTTPS", Port=443)
    assert code == "ValidationError" and "certificate" in message.lower()
    assert env.describe(arn)["Protocol"] == "HTTP"
    first, second = env.cert(), env.cert()
    out = env.elbv2.modify_listener(ListenerArn=arn, Protocol="HTTPS", Port=443,
                                    Certificates=[{"CertificateArn": first}])["Listeners"][0]
    assert (out["Protocol"], out["Port"], out["SslPolicy"]) == ("HTTPS", 443, "ELBSecurityPolicy-2016-08")
    assert env.in_use_by(first) == [env.alb()]
    # A new default certificate releases the old one.
    env.elbv2.modify_listener(ListenerArn=arn, Certificates=[{"CertificateArn": second}])
    assert env.in_use_by(first) == [] and env.in_use_by(second) == [env.alb()]
    assert env.certificates(arn) == [(second, True)]
    # HTTPS -> HTTP drops certificate and policy.
    out = env.elbv2.modify_listener(ListenerArn=arn, Protocol="HTTP", Port=80)["Listeners"][0]
    assert "Certificates" not in out and "SslPolicy" not in out
    assert env.in_use_by(second) == []
    code, _, _ = client_error(env.elbv2.modify_listener, ListenerArn=arn[:-16] + "0123456789abcdef", Port=81)
    assert code == "ListenerNotFound"


def test_delete_listener_deletes_its_rules(env):
    tg = env.tg("del-tg")
    arn = env.listener(80, "HTTP", fixed())["ListenerArn"]
    rule = env.elbv2.create_rule(ListenerArn=arn, Priority=3, Conditions=[{"Field": "path-pattern",
                                                                           "Values": ["/x"]}],
                                 Actions=forward(tg))["Rules"][0]["RuleArn"]
    default_rule = [r["RuleArn"] for r in env.elbv2.describe_rules(ListenerArn=arn)["Rules"] if r["IsDefault"]][0]
    env.elbv2.delete_listener(ListenerArn=arn)
    for rule_arn in (rule, default_rule):
        code, _, _ = client_error(env.elbv2.describe_rules, RuleArns=[rule_arn])
        assert code == "RuleNotFound"
    assert env.elbv2.describe_target_groups(TargetGroupArns=[tg])["TargetGroups"][0]["LoadBalancerArns"] == []
    env.elbv2.delete_target_group(TargetGroupArn=tg)  # no longer in use
    code, message, status = client_error(env.elbv2.delete_listener, ListenerArn=arn)
    assert (code, status) == ("ListenerNotFound", 400)
    assert message == f"Listener '{arn}' not found"
    assert env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"] == []


def test_describe_listeners_errors_and_pages(env):
    arns = [env.listener(port)["ListenerArn"] for port in (80, 81, 82)]
    code, _, _ = client_error(env.elbv2.describe_listeners)
    assert code == "ValidationError"
    code, _, _ = client_error(env.elbv2.describe_listeners, ListenerArns=[arns[0], arns[0][:-16] + "0" * 16])
    assert code == "ListenerNotFound"
    code, _, _ = client_error(env.elbv2.describe_listeners, LoadBalancerArn=env.alb()[:-16] + "0" * 16)
    assert code == "LoadBalancerNotFound"
    got = env.elbv2.describe_listeners(ListenerArns=[arns[2], arns[0]])["Listeners"]
    assert sorted(l["ListenerArn"] for l in got) == sorted([arns[2], arns[0]])
    first = env.elbv2.describe_listeners(LoadBalancerArn=env.alb(), PageSize=2)
    assert len(first["Listeners"]) == 2 and first["NextMarker"]
    rest = env.elbv2.describe_listeners(LoadBalancerArn=env.alb(), PageSize=2, Marker=first["NextMarker"])
    assert len(rest["Listeners"]) == 1 and "NextMarker" not in rest
    assert sorted(l["ListenerArn"] for l in first["Listeners"] + rest["Listeners"]) == sorted(arns)


def test_create_listener_errors(env):
    missing_lb = env.alb()[:-16] + "0123456789abcdef"
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=missing_lb, Protocol="HTTP", Port=80,
                              DefaultActions=fixed())
    assert code == "LoadBalancerNotFound"
    missing_tg = env.tg("err-tg")[:-16] + "0123456789abcdef"
    code, _, _ = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTP", Port=80,
                              DefaultActions=forward(missing_tg))
    assert code == "TargetGroupNotFound"
    raw = boto_client(env.server, "elbv2", env.account, validate=False)
    for port in (0, 65536):
        code, _, _ = client_error(raw.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTP", Port=port,
                                  DefaultActions=fixed())
        assert code == "ValidationError", port
    assert env.elbv2.describe_listeners(LoadBalancerArn=env.alb())["Listeners"] == []


def test_listener_tags(env):
    listener = env.listener(80, "HTTP", fixed(), Tags=[{"Key": "site", "Value": "shop"}])["ListenerArn"]
    tags = env.elbv2.describe_tags(ResourceArns=[listener])["TagDescriptions"][0]["Tags"]
    assert tags == [{"Key": "site", "Value": "shop"}]


def test_fifty_listeners_per_load_balancer(env):
    for port in range(1000, 1050):
        env.listener(port)
    code, _, status = client_error(env.elbv2.create_listener, LoadBalancerArn=env.alb(), Protocol="HTTP",
                                   Port=2000, DefaultActions=fixed())
    assert (code, status) == ("TooManyListeners", 400)


# --------------------------------------------------------------------------------------------------
# listener attributes (current model: Debian's botocore predates them)
# --------------------------------------------------------------------------------------------------


def test_listener_attributes(env):
    elbv2 = boto_client(env.server, "elbv2", env.account, current_model=True)
    http = env.listener(80)["ListenerArn"]
    got = attrs(elbv2.describe_listener_attributes(ListenerArn=http)["Attributes"])
    assert got.get("routing.http.response.server.enabled") == "true"
    out = elbv2.modify_listener_attributes(ListenerArn=http, Attributes=[
        {"Key": "routing.http.response.server.enabled", "Value": "false"},
        {"Key": "routing.http.response.x_frame_options.header_value", "Value": "DENY"}])
    result = attrs(out["Attributes"])
    assert result["routing.http.response.server.enabled"] == "false"
    assert result["routing.http.response.x_frame_options.header_value"] == "DENY"
    assert attrs(elbv2.describe_listener_attributes(ListenerArn=http)["Attributes"]) == result
    for bad in ({"Key": "routing.http.response.server.enabled", "Value": "nope"},
                {"Key": "no.such.key", "Value": "1"},
                {"Key": "tcp.idle_timeout.seconds", "Value": "120"}):
        code, _, status = client_error(elbv2.modify_listener_attributes, ListenerArn=http, Attributes=[bad])
        assert (code, status) == ("ValidationError", 400), bad

    nlb = env.nlb()
    tcp = env.listener(80, "TCP", forward(env.tg("attr-tcp", "TCP")), lb=nlb)["ListenerArn"]
    got = attrs(elbv2.describe_listener_attributes(ListenerArn=tcp)["Attributes"])
    assert got == {"tcp.idle_timeout.seconds": "350"}
    for value in ("60", "6000"):
        out = elbv2.modify_listener_attributes(ListenerArn=tcp,
                                               Attributes=[{"Key": "tcp.idle_timeout.seconds", "Value": value}])
        assert attrs(out["Attributes"])["tcp.idle_timeout.seconds"] == value
    for value in ("59", "6001", "x"):
        code, _, _ = client_error(elbv2.modify_listener_attributes, ListenerArn=tcp,
                                  Attributes=[{"Key": "tcp.idle_timeout.seconds", "Value": value}])
        assert code == "ValidationError", value
    code, _, _ = client_error(elbv2.describe_listener_attributes, ListenerArn=tcp[:-16] + "0123456789abcdef")
    assert code == "ListenerNotFound"


# --------------------------------------------------------------------------------------------------
# DescribeSSLPolicies
# --------------------------------------------------------------------------------------------------

POLICY_PROTOCOLS = {
    "ELBSecurityPolicy-2016-08": ["TLSv1", "TLSv1.1", "TLSv1.2"],
    "ELBSecurityPolicy-TLS13-1-2-2021-06": ["TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": ["TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": ["TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": ["TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-1-2021-06": ["TLSv1.1", "TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-0-2021-06": ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
    "ELBSecurityPolicy-TLS13-1-3-2021-06": ["TLSv1.3"],
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": ["TLSv1.2"],
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": ["TLSv1.2"],
    "ELBSecurityPolicy-FS-1-2-2019-08": ["TLSv1.2"],
    "ELBSecurityPolicy-FS-1-1-2019-08": ["TLSv1.1", "TLSv1.2"],
    "ELBSecurityPolicy-FS-2018-06": ["TLSv1", "TLSv1.1", "TLSv1.2"],
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": ["TLSv1.2"],
    "ELBSecurityPolicy-TLS-1-2-2017-01": ["TLSv1.2"],
    "ELBSecurityPolicy-TLS-1-1-2017-01": ["TLSv1.1", "TLSv1.2"],
    "ELBSecurityPolicy-TLS-1-0-2015-04": ["TLSv1", "TLSv1.1", "TLSv1.2"],
    "ELBSecurityPolicy-2015-05": ["TLSv1", "TLSv1.1", "TLSv1.2"],
}


def test_describe_ssl_policies(env):
    policies = {p["Name"]: p for p in env.elbv2.describe_ssl_policies()["SslPolicies"]}
    for name, protocols in POLICY_PROTOCOLS.items():
        assert name in policies, name
        assert sorted(policies[name]["SslProtocols"]) == sorted(protocols), name
    p2016 = policies["ELBSecurityPolicy-2016-08"]
    ciphers = [c["Name"] for c in sorted(p2016["Ciphers"], key=lambda c: c["Priority"])]
    assert ciphers[0] == "ECDHE-ECDSA-AES128-GCM-SHA256"
    assert "ECDHE-RSA-AES128-GCM-SHA256" in ciphers and "AES128-SHA" in ciphers
    assert sorted(c["Priority"] for c in p2016["Ciphers"]) == list(range(1, len(ciphers) + 1))
    tls13 = {c["Name"] for c in policies["ELBSecurityPolicy-TLS13-1-3-2021-06"]["Ciphers"]}
    assert "TLS_AES_128_GCM_SHA256" in tls13 and not any(c.startswith("ECDHE") for c in tls13)
    assert "application" in p2016.get("SupportedLoadBalancerTypes", ["application"])

    got = env.elbv2.describe_ssl_policies(Names=["ELBSecurityPolicy-TLS13-1-2-2021-06"])["SslPolicies"]
    assert [p["Name"] for p in got] == ["ELBSecurityPolicy-TLS13-1-2-2021-06"]
    code, _, status = client_error(env.elbv2.describe_ssl_policies,
                                   Names=["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-Nope"])
    assert (code, status) == ("SSLPolicyNotFound", 400)
