"""A short ACM flow with both aws CLI generations: v2 (Debian's /usr/bin/aws) and v1 (pip), v1 skipped if absent.

CLI v1 ships a much newer botocore than Debian's v2 here, so this also catches wire differences between
botocore releases (headers, user agent, JSON shapes)."""

import re
import time

import pytest

from conftest import ARN_RE, AWS_V2, random_account, unique_domain, wait_until


@pytest.fixture(params=["v2", "v1"])
def cli(request, server, aws_v1_path):
    if request.param == "v1":
        if not aws_v1_path:
            pytest.skip("aws CLI v1 is not installed")
        path = aws_v1_path
    else:
        path = AWS_V2
    acct = random_account()

    def call(*args, region="us-east-1"):
        rc, out, err = server.aws(*args, account=acct, region=region, cli=path)
        assert rc == 0, f"{request.param}: aws {' '.join(args)} -> rc={rc}: {err}"
        return out

    call.version = request.param
    call.account = acct
    call.raw = lambda *args: server.aws(*args, account=acct, cli=path)
    return call


def test_short_acm_flow(cli, ossl, server):
    d = unique_domain(f"cli{cli.version}")
    arn = cli("acm", "request-certificate", "--domain-name", d, "--subject-alternative-names", f"www.{d}",
              "--validation-method", "DNS", "--idempotency-token", "abc123", "--tags", "Key=cli,Value=x")[
        "CertificateArn"]
    m = ARN_RE.match(arn)
    assert m and m["account"] == cli.account, arn
    assert cli("acm", "request-certificate", "--domain-name", d, "--subject-alternative-names", f"www.{d}",
               "--validation-method", "DNS", "--idempotency-token", "abc123")["CertificateArn"] == arn

    def issued():
        c = cli("acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
        return c if c["Status"] == "ISSUED" else None

    cert = wait_until(issued, timeout=20, interval=0.1)
    assert cert["SubjectAlternativeNames"] == [d, f"www.{d}"]
    assert cert["KeyAlgorithm"] == "RSA-2048"
    assert cert["Issuer"] == "Amazon"
    for o in cert["DomainValidationOptions"]:
        assert re.fullmatch(r"_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.", o["ResourceRecord"]["Value"])

    t = time.monotonic()
    cli("acm", "wait", "certificate-validated", "--certificate-arn", arn)
    assert time.monotonic() - t < 30

    got = cli("acm", "get-certificate", "--certificate-arn", arn)
    leaf = ossl.write("leaf.pem", got["Certificate"])
    ca = ossl.write("ca.pem", server.ca_pem())
    res = ossl.run("verify", "-CAfile", ca, leaf, check=False)
    assert res.returncode == 0, res.stdout + res.stderr

    listed = cli("acm", "list-certificates", "--certificate-statuses", "ISSUED")["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [arn]
    assert cli("acm", "list-tags-for-certificate", "--certificate-arn", arn)["Tags"] == [
        {"Key": "cli", "Value": "x"}]

    crt, key = ossl.self_signed("v", unique_domain("imp"))
    imp = cli("acm", "import-certificate", "--certificate", f"fileb://{crt}", "--private-key",
              f"fileb://{key}")["CertificateArn"]
    assert cli("acm", "describe-certificate", "--certificate-arn", imp)["Certificate"]["Type"] == "IMPORTED"

    for a in (arn, imp):
        cli("acm", "delete-certificate", "--certificate-arn", a)
    rc, _, err = cli.raw("acm", "describe-certificate", "--certificate-arn", arn)
    assert rc != 0 and "ResourceNotFoundException" in err, err
    assert cli("acm", "list-certificates")["CertificateSummaryList"] == []


def test_error_message_shape(cli):
    rc, _, err = cli.raw("acm", "request-certificate", "--domain-name", "foo.*.example.com")
    assert rc != 0
    assert re.search(r"An error occurred \((ValidationException|InvalidDomainValidationOptionsException)\)", err), \
        err
