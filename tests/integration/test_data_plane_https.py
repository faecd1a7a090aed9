"""ALB data plane: HTTPS listeners with ACM certificates (spec §4.6, §8.5): SNI picks the matching certificate
(openssl s_client -servername), the default certificate without SNI or without a match, the chain verifies
against /_albatross/ca.pem (curl --cacert --resolve), security policies limit the TLS versions, requests
arrive at the target with X-Forwarded-Proto https, and the HTTP→HTTPS redirect pattern works end to end."""

import json
import os
import re
import ssl
import socket
import tempfile
import uuid

import pytest

from test_data_plane_support import apps, elb, forward, have, recv_response, redirect, run_cmd  # noqa: F401

pytestmark = pytest.mark.skipif(not (have("openssl") and have("curl")), reason="needs openssl and curl")


@pytest.fixture
def ca_file(server):
    fd, path = tempfile.mkstemp(prefix="albatross-ca-", suffix=".pem")
    with os.fdopen(fd, "w") as f:
        f.write(server.ca_pem())
    yield path
    os.unlink(path)


@pytest.fixture
def site(elb, apps):
    """An HTTPS listener: default certificate for a.<zone>, SNI certificates b.<zone> and *.w.<zone>."""
    (app,) = apps(1, "tls")
    zone = f"z{uuid.uuid4().hex[:10]}.example.com"
    names = {"a": f"a.{zone}", "b": f"b.{zone}", "w": f"*.w.{zone}"}
    arns = {key: elb.certificate(name) for key, name in names.items()}
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="HTTPS",
                            Certificates=[{"CertificateArn": arns["a"]}])
    elb.elbv2.add_listener_certificates(ListenerArn=listener.arn, Certificates=[
        {"CertificateArn": arns["b"]}, {"CertificateArn": arns["w"]}])
    elb.wait_healthy(tg, 1)
    return listener, names, zone, lb


def served_subject(listener, servername=None, address=None, port=None, ca=None, extra=()):
    """(subject CN of the served certificate, verify return code line, stdout) via openssl s_client."""
    cmd = ["openssl", "s_client", "-connect", f"{address or listener.address}:{port or listener.port}"]
    cmd += ["-servername", servername] if servername else ["-noservername"]
    if ca:
        cmd += ["-CAfile", ca, "-verify_return_error"]
    cmd += list(extra)
    proc = run_cmd(cmd, input="", timeout=20)
    match = re.search(r"^subject=.*?CN\s*=\s*([^,\n/]+)", proc.stdout, re.M)
    verify = re.search(r"Verify return code: (\d+ \([^)]*\))", proc.stdout)
    return (match.group(1).strip() if match else None), (verify.group(1) if verify else None), proc


def wait_sni_ready(listener, name):
    """The SNI list is applied with the next snapshot: wait until the certificate is served."""
    from conftest import wait_until
    wait_until(lambda: served_subject(listener, name)[0] == name, timeout=10, message=f"{name} served")


def test_sni_picks_matching_certificate_and_default_otherwise(site, ca_file):
    listener, names, zone, _ = site
    wait_sni_ready(listener, names["b"])
    cn, verify, _ = served_subject(listener, names["b"], ca=ca_file)
    assert cn == names["b"]
    assert verify == "0 (ok)"
    cn, _, _ = served_subject(listener, names["a"])
    assert cn == names["a"]
    # the wildcard matches exactly one extra label
    assert served_subject(listener, f"x.w.{zone}")[0] == names["w"]
    assert served_subject(listener, f"x.y.w.{zone}")[0] == names["a"]
    assert served_subject(listener, f"w.{zone}")[0] == names["a"]
    # SNI matching is case-insensitive
    assert served_subject(listener, names["b"].upper())[0] == names["b"]
    # no SNI, or a name nothing matches: the default certificate (the handshake is not refused)
    assert served_subject(listener, None)[0] == names["a"]
    assert served_subject(listener, "unknown.example.org")[0] == names["a"]


def test_chain_verifies_with_curl_and_request_reaches_target(site, ca_file):
    listener, names, _, _ = site
    wait_sni_ready(listener, names["b"])
    for name in (names["a"], names["b"]):
        proc = run_cmd(["curl", "-sS", "--fail", "--cacert", ca_file, "--resolve",
                        f"{name}:{listener.port}:{listener.address}", f"https://{name}:{listener.port}/secure?x=1"])
        assert proc.returncode == 0, proc.stderr
        seen = json.loads(proc.stdout)
        assert seen["path"] == "/secure" and seen["query"] == "x=1"
        assert seen["headers"]["X-Forwarded-Proto"] == "https"
        assert seen["headers"]["X-Forwarded-Port"] == str(listener.configured_port)
        assert seen["headers"]["Host"] == f"{name}:{listener.configured_port}"
    # a name no certificate covers fails verification with the default certificate
    proc = run_cmd(["curl", "-sS", "--cacert", ca_file, "--resolve",
                    f"other.example.org:{listener.port}:{listener.address}",
                    f"https://other.example.org:{listener.port}/"])
    assert proc.returncode != 0


def test_python_ssl_hostname_verification_and_own_address(site, ca_file):
    listener, names, zone, _ = site
    wait_sni_ready(listener, names["b"])
    context = ssl.create_default_context(cafile=ca_file)
    for address, port in ((listener.address, listener.port), (listener.own_address, listener.own_port)):
        for name in (names["a"], names["b"], f"deep.w.{zone}"):
            with socket.create_connection((address, port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname=name) as tls:
                    tls.sendall(f"GET /py HTTP/1.1\r\nHost: {name}\r\n\r\n".encode())
                    resp, _ = recv_response(tls, 5)
                    assert resp.status == 200, resp
                    assert resp.json()["headers"]["X-Forwarded-Proto"] == "https"


def test_security_policy_limits_tls_versions(elb, apps):
    (app,) = apps(1, "pol")
    name = f"p{uuid.uuid4().hex[:10]}.example.com"
    cert = elb.certificate(name)
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    only13 = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="HTTPS",
                          Certificates=[{"CertificateArn": cert}], SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06")
    only12 = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="HTTPS",
                          Certificates=[{"CertificateArn": cert}], SslPolicy="ELBSecurityPolicy-TLS-1-2-2017-01")
    assert served_subject(only13, name, extra=["-tls1_3"])[0] == name
    assert served_subject(only13, name, extra=["-tls1_2"])[0] is None
    assert served_subject(only12, name, extra=["-tls1_2"])[0] == name
    assert served_subject(only12, name, extra=["-tls1_3"])[0] is None


def test_http_to_https_redirect_end_to_end(elb, site, ca_file):
    https, names, _, lb = site
    http_listener = elb.listener(lb["LoadBalancerArn"],
                                 redirect(Protocol="HTTPS", Port=str(https.configured_port), StatusCode="HTTP_301"))
    name = names["a"]
    proc = run_cmd(["curl", "-sS", "-L", "--fail", "--cacert", ca_file,
                    "--resolve", f"{name}:{http_listener.port}:{http_listener.address}",
                    "--resolve", f"{name}:{https.port}:{https.address}",
                    "-w", "\n%{num_redirects} %{url_effective}",
                    f"http://{name}:{http_listener.port}/a/b?x=1"])
    assert proc.returncode == 0, proc.stderr
    body, _, trailer = proc.stdout.rpartition("\n")
    assert trailer == f"1 https://{name}:{https.configured_port}/a/b?x=1"
    seen = json.loads(body)
    assert (seen["path"], seen["query"], seen["headers"]["X-Forwarded-Proto"]) == ("/a/b", "x=1", "https")
