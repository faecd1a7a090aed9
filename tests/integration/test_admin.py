"""Admin endpoints (/_albatross/...), process lifecycle and start-up flags."""

import json
import os
import re
import signal

import pytest

from conftest import ARN_RE, header, random_account, unique_domain, wait_until


def test_health_json(server):
    status, headers, body = server.http("GET", "/_albatross/health")
    assert status == 200
    assert "json" in (header(headers, "Content-Type") or "")
    doc = json.loads(body)
    assert doc["status"] == "running"
    assert isinstance(doc["version"], str) and doc["version"]
    assert isinstance(doc["services"], list)
    assert "acm" in doc["services"], doc["services"]
    assert isinstance(doc["uptime_seconds"], (int, float)) and doc["uptime_seconds"] >= 0


def test_uptime_increases(server):
    first = server.health()["uptime_seconds"]
    wait_until(lambda: server.health()["uptime_seconds"] > first, timeout=5, interval=0.1,
               message="uptime_seconds to increase")


def test_ready_quickly_and_logs_ready_line(make_server):
    srv = make_server()
    assert srv.ready_seconds < 3.0, f"took {srv.ready_seconds:.3f}s to answer health"
    wait_until(lambda: re.search(r"ready", srv.log(), re.I), timeout=5, message="a 'ready' line on stderr")


def test_one_log_line_per_api_call(server, account):
    acm = server.client("acm", account=account)
    before = server.log().count("ListTagsForCertificate")
    bogus = f"arn:aws:acm:us-east-1:{account}:certificate/00000000-0000-0000-0000-000000000000"
    for _ in range(3):
        with pytest.raises(acm.exceptions.ResourceNotFoundException):
            acm.list_tags_for_certificate(CertificateArn=bogus)
    wait_until(lambda: server.log().count("ListTagsForCertificate") - before >= 3, timeout=5,
               message="3 log lines naming ListTagsForCertificate")
    assert server.log().count("ListTagsForCertificate") - before == 3


def test_ca_pem_is_a_ca_certificate(server, ossl):
    pem = server.ca_pem()
    assert pem.lstrip().startswith("-----BEGIN CERTIFICATE-----")
    path = ossl.write("ca.pem", pem)
    text = ossl.text(path)
    assert "CA:TRUE" in text, text
    assert "Certificate Sign" in text, text
    # stable between calls
    assert server.ca_pem() == pem


def test_reset_wipes_certificates(make_server):
    srv = make_server()
    acct = random_account()
    acm = srv.client("acm", account=acct)
    arn = acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")["CertificateArn"]
    assert len(acm.list_certificates()["CertificateSummaryList"]) == 1
    default_acm = srv.client("acm")
    default_acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")
    srv.reset()
    assert acm.list_certificates()["CertificateSummaryList"] == []
    assert default_acm.list_certificates()["CertificateSummaryList"] == []
    with pytest.raises(acm.exceptions.ResourceNotFoundException):
        acm.describe_certificate(CertificateArn=arn)
    # still usable after reset
    arn2 = acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")["CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn2)["Certificate"]["CertificateArn"] == arn2
    assert srv.health()["status"] == "running"


def test_reset_survives_restart(make_server):
    srv = make_server()
    acm = srv.client("acm")
    acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")
    srv.reset()
    srv.restart()
    assert srv.client("acm").list_certificates()["CertificateSummaryList"] == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_clean_exit_on_signal(make_server, sig):
    srv = make_server()
    srv.client("acm").list_certificates()  # at least one API call before the signal
    srv.proc.send_signal(sig)
    rc = srv.proc.wait(timeout=10)
    assert rc == 0, f"exit code {rc} after {sig.name}; log:\n{srv.log()[-2000:]}"


def test_unknown_admin_path_is_404(server):
    status, _, _ = server.http("GET", "/_albatross/does-not-exist")
    assert status == 404
    # and the server still answers
    assert server.health()["status"] == "running"


def test_admin_method_mismatch_is_not_200(server):
    # reset via GET must not wipe anything
    status, _, _ = server.http("GET", "/_albatross/reset")
    assert status != 200


def test_account_and_region_flags(make_server):
    srv = make_server(extra_args=["--account-id", "111122223333", "--region", "eu-central-1"])
    acm = srv.client("acm", account="not-twelve-digits", region="eu-west-3")
    arn = acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")["CertificateArn"]
    m = ARN_RE.match(arn)
    assert m, arn
    assert m["account"] == "111122223333"
    assert m["region"] == "eu-west-3"  # the SigV4 scope wins over the default region


def test_account_id_env_var(make_server):
    srv = make_server(env={"ALBATROSS_ACCOUNT_ID": "444455556666"})
    arn = srv.client("acm").request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")[
        "CertificateArn"]
    assert ARN_RE.match(arn)["account"] == "444455556666"


def test_default_account_is_zeros(server):
    acm = server.client("acm", account="AKIAIOSFODNN7EXAMPLE")
    arn = acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")["CertificateArn"]
    try:
        assert ARN_RE.match(arn)["account"] == "000000000000"
    finally:
        acm.delete_certificate(CertificateArn=arn)


def test_state_dir_contains_sqlite(make_server):
    srv = make_server()
    srv.client("acm").request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")
    found = []
    for root, _, files in os.walk(srv.state_dir):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                if fh.read(16) == b"SQLite format 3\x00":
                    found.append(f)
    assert found, f"no SQLite database in {srv.state_dir}: {os.listdir(srv.state_dir)}"


def test_log_level_error_is_quiet(make_server):
    srv = make_server(extra_args=["--log-level", "error"])
    srv.client("acm").list_certificates()
    assert "ListCertificates" not in srv.log()



def test_resets_while_scheduled_work_falls_due_keep_serving(make_server):
    # moto's suites POST /moto-api/reset before every test, often while ECS service ticks and task
    # retries are firing; a reset landing when timers are already due must not touch the timers it
    # just cancelled. The image points at a closed local port, so pulls fail at once, offline.
    srv = make_server()
    ecs = srv.client("ecs")
    for round_ in range(15):
        ecs.create_cluster(clusterName="due")
        ecs.register_task_definition(
            family="due", networkMode="bridge",
            containerDefinitions=[{"name": "app", "image": "127.0.0.1:9/none:latest", "memory": 64}])
        for i in range(3):
            ecs.create_service(cluster="due", serviceName=f"s{i}", taskDefinition="due", desiredCount=2)
        for _ in range(3):
            status, _, _ = srv.http("POST", "/moto-api/reset")
            assert status == 200
    assert srv.health()["status"] == "running"
    assert ecs.list_clusters()["clusterArns"] == []
