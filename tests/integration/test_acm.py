"""ACM end to end: aws CLI v2 (Debian's /usr/bin/aws) mostly, boto3 where handier, openssl for the X.509 side."""

import base64
import datetime
import json
import re
import threading
import time
import uuid

import pytest

from conftest import (ARN_RE, header, normalize_pem, pem_blocks, random_account, unique_domain, wait_issued,
                      wait_until)
from aws_errors import cli_error, client_error, ok

ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
HEX32 = r"[0-9a-f]{32}"


def unknown_arn(account, region="us-east-1"):
    return f"arn:aws:acm:{region}:{account}:certificate/{uuid.uuid4()}"


def serial_colon_hex(openssl_serial):
    """openssl's '0FACB0...' -> '0f:ac:b0:...' (ACM style)."""
    s = openssl_serial.lower()
    if len(s) % 2:
        s = "0" + s
    return ":".join(s[i:i + 2] for i in range(0, len(s), 2))


def strip_leading_zero_bytes(serial):
    parts = serial.split(":")
    while len(parts) > 1 and parts[0] == "00":
        parts = parts[1:]
    return ":".join(parts)


def epoch(value):
    """A timestamp as printed by the CLI (ISO 8601 string in v2, epoch number in v1) -> epoch seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def openssl_date(ossl, pem_path, which):
    out = ossl.run("x509", "-in", pem_path, "-noout", f"-{which}").stdout.strip().split("=", 1)[1]
    return datetime.datetime.strptime(out, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="session")
def slow_server(server_factory_session):
    """time scale 1.0: a certificate stays PENDING_VALIDATION for 5 s."""
    return server_factory_session(time_scale=1.0)


@pytest.fixture
def slow_account(slow_server):
    from conftest import _delete_all_certificates

    acct = random_account()
    yield acct
    _delete_all_certificates(slow_server, acct, ["us-east-1"])


# ------------------------------------------------------------------------------------------------
# request / validation / issue
# ------------------------------------------------------------------------------------------------


def test_pending_validation_state_and_issue_delay(slow_server, slow_account):
    d = unique_domain("pend")
    names = [d, f"*.{d}", f"www.{d}"]
    t0 = time.monotonic()
    out = slow_server.aws_ok("acm", "request-certificate", "--domain-name", d, "--subject-alternative-names",
                             *names[1:], "--validation-method", "DNS", account=slow_account)
    arn = out["CertificateArn"]
    acm = slow_server.client("acm", account=slow_account)

    def with_records():
        c = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        dvo = c.get("DomainValidationOptions", [])
        return c if len(dvo) == 3 and all("ResourceRecord" in o for o in dvo) else None

    cert = wait_until(with_records, timeout=2, message="DomainValidationOptions with ResourceRecords")
    assert time.monotonic() - t0 < 4.5, "test too slow to observe the pending state"
    assert cert["Status"] == "PENDING_VALIDATION"
    assert cert["Type"] == "AMAZON_ISSUED"
    assert cert["SubjectAlternativeNames"] == names
    assert cert.get("KeyUsages", []) == []
    assert cert.get("ExtendedKeyUsages", []) == []
    assert "IssuedAt" not in cert
    dvo = cert["DomainValidationOptions"]
    assert [o["DomainName"] for o in dvo] == names
    records = {}
    for o in dvo:
        assert o["ValidationMethod"] == "DNS"
        assert o["ValidationStatus"] == "PENDING_VALIDATION"
        rr = o["ResourceRecord"]
        assert rr["Type"] == "CNAME"
        base = o["DomainName"][2:] if o["DomainName"].startswith("*.") else o["DomainName"]
        assert re.fullmatch(rf"_{HEX32}\.{re.escape(base)}\.", rr["Name"]), rr
        assert re.fullmatch(rf"_{HEX32}\.[a-z]{{10}}\.acm-validations\.aws\.", rr["Value"]), rr
        records[o["DomainName"]] = (rr["Name"], rr["Value"])
    assert records[d] == records[f"*.{d}"], "*.x and x must share one validation record"
    assert records[d] != records[f"www.{d}"]

    code, _, _ = client_error(acm.get_certificate, CertificateArn=arn)
    assert code == "RequestInProgressException"
    pending = acm.list_certificates(CertificateStatuses=["PENDING_VALIDATION"])["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in pending] == [arn]
    assert acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"] == []

    issued = wait_issued(acm, arn, timeout=10)
    elapsed = time.monotonic() - t0
    assert 4.0 <= elapsed <= 8.0, f"issued after {elapsed:.2f}s; expected ~5 s at time scale 1.0"
    for o in issued["DomainValidationOptions"]:
        assert o["ValidationStatus"] == "SUCCESS"
        assert (o["ResourceRecord"]["Name"], o["ResourceRecord"]["Value"]) == records[o["DomainName"]]


def test_issued_certificate_fields(server, account, client):
    acm = client()
    d = unique_domain("iss")
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    arn = acm.request_certificate(DomainName=d, ValidationMethod="DNS",
                                  SubjectAlternativeNames=[f"api.{d}", d, f"api.{d}"])["CertificateArn"]
    m = ARN_RE.match(arn)
    assert m, arn
    assert (m["account"], m["region"]) == (account, "us-east-1")
    cert = wait_issued(acm, arn)
    assert cert["CertificateArn"] == arn
    assert cert["DomainName"] == d
    assert cert["SubjectAlternativeNames"] == [d, f"api.{d}"], "DomainName first, no duplicates"
    assert [o["DomainName"] for o in cert["DomainValidationOptions"]] == [d, f"api.{d}"]
    assert all(o["ValidationStatus"] == "SUCCESS" for o in cert["DomainValidationOptions"])
    assert cert["Status"] == "ISSUED"
    assert cert["Type"] == "AMAZON_ISSUED"
    assert cert["Issuer"] == "Amazon"
    assert cert["Subject"] == f"CN={d}"
    assert cert["KeyAlgorithm"] == "RSA-2048"
    assert cert["SignatureAlgorithm"].upper() == "SHA256WITHRSA"
    assert re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2})+", cert["Serial"]), cert["Serial"]
    assert cert["InUseBy"] == []
    assert cert["RenewalEligibility"] == "INELIGIBLE"
    assert before <= cert["CreatedAt"] <= cert["IssuedAt"] <= datetime.datetime.now(datetime.timezone.utc)
    validity = cert["NotAfter"] - cert["NotBefore"]
    assert datetime.timedelta(days=390) <= validity <= datetime.timedelta(days=400), validity
    assert cert["NotBefore"] <= datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    assert sorted(k["Name"] for k in cert["KeyUsages"]) == ["DIGITAL_SIGNATURE", "KEY_ENCIPHERMENT"]
    eku = {k["Name"]: k.get("OID") for k in cert["ExtendedKeyUsages"]}
    assert eku == {"TLS_WEB_SERVER_AUTHENTICATION": "1.3.6.1.5.5.7.3.1",
                   "TLS_WEB_CLIENT_AUTHENTICATION": "1.3.6.1.5.5.7.3.2"}
    assert cert["Options"]["CertificateTransparencyLoggingPreference"] == "ENABLED"


def test_cli_flow_get_certificate_verifies_against_ca(server, account, aws, ossl):
    d = unique_domain("cli")
    out = ok(aws, "acm", "request-certificate", "--domain-name", d, "--subject-alternative-names", f"*.{d}",
             f"www.{d}", "--validation-method", "DNS")
    arn = out["CertificateArn"]
    assert ARN_RE.match(arn)
    wait_issued(server.client("acm", account=account), arn)

    described = ok(aws, "acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
    assert described["Status"] == "ISSUED"
    assert described["KeyAlgorithm"] == "RSA-2048"
    # the CLI waiter: its first DescribeCertificate already succeeds, so it returns at once
    t = time.monotonic()
    ok(aws, "acm", "wait", "certificate-validated", "--certificate-arn", arn)
    assert time.monotonic() - t < 30

    got = ok(aws, "acm", "get-certificate", "--certificate-arn", arn)
    leaf = ossl.write("leaf.pem", got["Certificate"])
    assert len(pem_blocks(got["Certificate"])) == 1
    assert pem_blocks(got["CertificateChain"]), "CertificateChain must hold the issuer chain"
    chain = ossl.write("chain.pem", got["CertificateChain"])
    ca = ossl.write("ca.pem", server.ca_pem())
    res = ossl.run("verify", "-CAfile", ca, leaf, check=False)
    assert res.returncode == 0 and ": OK" in res.stdout, res.stdout + res.stderr
    res = ossl.run("verify", "-CAfile", ca, "-untrusted", chain, leaf, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    res = ossl.run("verify", "-purpose", "sslserver", "-CAfile", ca, leaf, check=False)
    assert res.returncode == 0, res.stdout + res.stderr

    text = ossl.text(leaf)
    for name in (d, f"*.{d}", f"www.{d}"):
        assert f"DNS:{name}" in text, text
    assert re.search(rf"Subject:.*CN\s*=\s*{re.escape(d)}", text), text
    assert "Public-Key: (2048 bit)" in text, text
    assert "TLS Web Server Authentication" in text
    assert "CA:FALSE" in text or "Basic Constraints" not in text
    assert strip_leading_zero_bytes(serial_colon_hex(ossl.serial(leaf))) == \
        strip_leading_zero_bytes(described["Serial"])
    not_after = openssl_date(ossl, leaf, "enddate")
    assert abs(not_after.timestamp() - epoch(described["NotAfter"])) < 2
    # hostname checks work like a real TLS client's
    assert ossl.run("x509", "-in", leaf, "-noout", "-checkhost", f"www.{d}").stdout.find("does match") >= 0
    assert ossl.run("x509", "-in", leaf, "-noout", "-checkhost", f"other.{d}").stdout.find("does match") >= 0
    assert "does NOT match" in ossl.run("x509", "-in", leaf, "-noout", "-checkhost", f"a.b.{d}").stdout


@pytest.mark.parametrize("alg,shown,curve_text", [
    ("EC_prime256v1", "EC-prime256v1", "P-256"),
    ("EC_secp384r1", "EC-secp384r1", "P-384"),
])
def test_ec_key_algorithms(server, account, aws, ossl, alg, shown, curve_text):
    d = unique_domain("ec")
    arn = ok(aws, "acm", "request-certificate", "--domain-name", d, "--validation-method", "DNS",
             "--key-algorithm", alg)["CertificateArn"]
    cert = wait_issued(server.client("acm", account=account), arn)
    assert cert["KeyAlgorithm"] == shown
    got = ok(aws, "acm", "get-certificate", "--certificate-arn", arn)
    leaf = ossl.write("ec.pem", got["Certificate"])
    text = ossl.text(leaf)
    assert f"NIST CURVE: {curve_text}" in text, text
    ca = ossl.write("ca.pem", server.ca_pem())
    res = ossl.run("verify", "-CAfile", ca, leaf, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    # AWS lists only RSA_1024/RSA_2048 unless Includes.keyTypes says otherwise
    default = ok(aws, "acm", "list-certificates")["CertificateSummaryList"]
    assert arn not in [c["CertificateArn"] for c in default]
    listed = ok(aws, "acm", "list-certificates", "--includes", f"keyTypes={alg}")["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [arn]


def test_email_validation(server, account, aws):
    d = unique_domain("mail")
    arn = ok(aws, "acm", "request-certificate", "--domain-name", d, "--subject-alternative-names", f"www.{d}",
             "--validation-method", "EMAIL")["CertificateArn"]
    acm = server.client("acm", account=account)
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert [o["DomainName"] for o in cert["DomainValidationOptions"]] == [d, f"www.{d}"]
    for o in cert["DomainValidationOptions"]:
        assert o["ValidationMethod"] == "EMAIL"
        assert "ResourceRecord" not in o, "EMAIL validation has no DNS record"
    issued = wait_issued(acm, arn)
    assert all(o["ValidationStatus"] == "SUCCESS" for o in issued["DomainValidationOptions"])


def test_idempotency_token(server, account, client):
    acm = client()
    d = unique_domain("idem")
    a1 = acm.request_certificate(DomainName=d, ValidationMethod="DNS", IdempotencyToken="tok1")["CertificateArn"]
    a2 = acm.request_certificate(DomainName=d, ValidationMethod="DNS", IdempotencyToken="tok1")["CertificateArn"]
    a3 = acm.request_certificate(DomainName=d, ValidationMethod="DNS", IdempotencyToken="tok2")["CertificateArn"]
    a4 = acm.request_certificate(DomainName=d, ValidationMethod="DNS")["CertificateArn"]
    a5 = acm.request_certificate(DomainName=d, ValidationMethod="DNS")["CertificateArn"]
    assert a1 == a2
    assert len({a1, a3, a4, a5}) == 4
    other = random_account()
    b1 = server.client("acm", account=other).request_certificate(
        DomainName=d, ValidationMethod="DNS", IdempotencyToken="tok1")["CertificateArn"]
    try:
        assert b1 != a1 and ARN_RE.match(b1)["account"] == other
    finally:
        server.client("acm", account=other).delete_certificate(CertificateArn=b1)
    listed = acm.list_certificates()["CertificateSummaryList"]
    assert len(listed) == 4


# ------------------------------------------------------------------------------------------------
# listing
# ------------------------------------------------------------------------------------------------


def test_list_filters_and_pagination(server, account, aws, client):
    acm = client()
    rsa = [acm.request_certificate(DomainName=unique_domain(f"l{i}"), ValidationMethod="DNS")["CertificateArn"]
           for i in range(5)]
    ec = acm.request_certificate(DomainName=unique_domain("lec"), ValidationMethod="DNS",
                                 KeyAlgorithm="EC_prime256v1")["CertificateArn"]
    for arn in rsa + [ec]:
        wait_issued(acm, arn)

    def arns(resp):
        return [c["CertificateArn"] for c in resp["CertificateSummaryList"]]

    assert sorted(arns(acm.list_certificates())) == sorted(rsa)
    assert arns(acm.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})) == [ec]
    assert sorted(arns(acm.list_certificates(Includes={"keyTypes": ALL_KEY_TYPES}))) == sorted(rsa + [ec])
    assert sorted(arns(acm.list_certificates(CertificateStatuses=["ISSUED"]))) == sorted(rsa)
    assert arns(acm.list_certificates(CertificateStatuses=["PENDING_VALIDATION"])) == []
    assert arns(acm.list_certificates(CertificateStatuses=["EXPIRED", "REVOKED"])) == []

    summary = {c["CertificateArn"]: c for c in acm.list_certificates()["CertificateSummaryList"]}[rsa[0]]
    desc = acm.describe_certificate(CertificateArn=rsa[0])["Certificate"]
    assert summary["DomainName"] == desc["DomainName"]
    assert summary.get("Status") == "ISSUED"
    assert summary.get("Type") == "AMAZON_ISSUED"
    assert summary.get("InUse") is False
    assert desc["DomainName"] in summary.get("SubjectAlternativeNameSummaries", [])

    # manual MaxItems / NextToken
    seen, sizes, token = [], [], None
    for _ in range(10):
        kw = {"MaxItems": 2, **({"NextToken": token} if token else {})}
        page = acm.list_certificates(**kw)
        sizes.append(len(page["CertificateSummaryList"]))
        seen += arns(page)
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [2, 2, 1], sizes
    assert sorted(seen) == sorted(rsa)

    # boto3 paginator
    pages = list(acm.get_paginator("list_certificates").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["CertificateSummaryList"]) for p in pages] == [2, 2, 1]
    first3 = acm.get_paginator("list_certificates").paginate(
        PaginationConfig={"MaxItems": 3, "PageSize": 2}).build_full_result()
    assert len(first3["CertificateSummaryList"]) == 3 and first3.get("NextToken")

    # CLI auto-pagination
    assert sorted(arns(ok(aws, "acm", "list-certificates", "--page-size", "2"))) == sorted(rsa)
    part1 = ok(aws, "acm", "list-certificates", "--max-items", "3", "--page-size", "2")
    assert len(part1["CertificateSummaryList"]) == 3 and part1.get("NextToken"), part1
    part2 = ok(aws, "acm", "list-certificates", "--max-items", "3", "--page-size", "2",
               "--starting-token", part1["NextToken"])
    assert len(part2["CertificateSummaryList"]) == 2 and not part2.get("NextToken"), part2
    assert sorted(arns(part1) + arns(part2)) == sorted(rsa)


def test_list_bad_next_token(server, account, client):
    acm = client()
    for _ in range(3):
        acm.request_certificate(DomainName=unique_domain(), ValidationMethod="DNS")
    code, _, status = client_error(acm.list_certificates, MaxItems=1, NextToken="definitely-not-a-token")
    assert status == 400
    assert code in ("InvalidArgsException", "ValidationException", "InvalidParameterException"), code


# ------------------------------------------------------------------------------------------------
# tags, options, account configuration
# ------------------------------------------------------------------------------------------------


def test_tags(server, account, aws):
    d = unique_domain("tag")
    arn = ok(aws, "acm", "request-certificate", "--domain-name", d, "--validation-method", "DNS",
             "--tags", "Key=env,Value=dev", "Key=team,Value=a")["CertificateArn"]

    def tags():
        out = ok(aws, "acm", "list-tags-for-certificate", "--certificate-arn", arn)
        return {t["Key"]: t.get("Value") for t in out.get("Tags", [])}

    assert tags() == {"env": "dev", "team": "a"}
    ok(aws, "acm", "add-tags-to-certificate", "--certificate-arn", arn, "--tags", "Key=owner,Value=me",
       "Key=env,Value=prod", "Key=flag")
    assert tags() == {"env": "prod", "team": "a", "owner": "me", "flag": None}
    # with a value, a tag is removed only when the value matches
    ok(aws, "acm", "remove-tags-from-certificate", "--certificate-arn", arn, "--tags", "Key=team",
       "Key=owner,Value=wrong", "Key=flag")
    assert tags() == {"env": "prod", "owner": "me"}
    ok(aws, "acm", "remove-tags-from-certificate", "--certificate-arn", arn, "--tags", "Key=owner,Value=me")
    assert tags() == {"env": "prod"}

    missing = unknown_arn(account)
    code, _ = cli_error(aws, "acm", "add-tags-to-certificate", "--certificate-arn", missing, "--tags",
                        "Key=a,Value=b")
    assert code == "ResourceNotFoundException"
    code, _ = cli_error(aws, "acm", "list-tags-for-certificate", "--certificate-arn", missing)
    assert code == "ResourceNotFoundException"


def test_update_certificate_options(server, account, client):
    acm = client()
    arn = acm.request_certificate(DomainName=unique_domain("opt"), ValidationMethod="DNS",
                                  Options={"CertificateTransparencyLoggingPreference": "DISABLED"})[
        "CertificateArn"]
    wait_issued(acm, arn)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Options"][
        "CertificateTransparencyLoggingPreference"] == "DISABLED"
    acm.update_certificate_options(CertificateArn=arn,
                                   Options={"CertificateTransparencyLoggingPreference": "ENABLED"})
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Options"][
        "CertificateTransparencyLoggingPreference"] == "ENABLED"


def test_account_configuration(server, account, aws):
    out = ok(aws, "acm", "get-account-configuration")
    assert out["ExpiryEvents"]["DaysBeforeExpiry"] == 45
    ok(aws, "acm", "put-account-configuration", "--expiry-events", "DaysBeforeExpiry=30",
       "--idempotency-token", "cfg1")
    assert ok(aws, "acm", "get-account-configuration")["ExpiryEvents"]["DaysBeforeExpiry"] == 30
    # other accounts and regions keep the default
    assert ok(aws, "acm", "get-account-configuration", account=random_account())["ExpiryEvents"][
        "DaysBeforeExpiry"] == 45
    # IdempotencyToken is required (raw request: the CLI would refuse to send it)
    status, headers, body = server.json_call("PutAccountConfiguration", {"ExpiryEvents": {"DaysBeforeExpiry": 10}},
                                             account=account)
    assert status == 400 and body["__type"].endswith("ValidationException"), body
    assert "idempotencyToken" in body.get("message", ""), body
    assert ok(aws, "acm", "get-account-configuration")["ExpiryEvents"]["DaysBeforeExpiry"] == 30


def test_renew_unknown_certificate(server, account, client):
    code, _, _ = client_error(client().renew_certificate, CertificateArn=unknown_arn(account))
    assert code == "ResourceNotFoundException"


def test_renew_amazon_issued_does_not_crash(server, account, client):
    acm = client()
    arn = acm.request_certificate(DomainName=unique_domain("ren"), ValidationMethod="DNS")["CertificateArn"]
    wait_issued(acm, arn)
    status, _, body = server.json_call("RenewCertificate", {"CertificateArn": arn}, account=account)
    assert status in (200, 400), (status, body)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


# ------------------------------------------------------------------------------------------------
# import
# ------------------------------------------------------------------------------------------------


def test_import_self_signed(server, account, aws, ossl):
    d = unique_domain("imp")
    crt, key = ossl.self_signed("imp", d, sans=[d, f"www.{d}"], org="Albatross Test")
    arn = ok(aws, "acm", "import-certificate", "--certificate", f"fileb://{crt}", "--private-key",
             f"fileb://{key}")["CertificateArn"]
    m = ARN_RE.match(arn)
    assert m and m["account"] == account, arn
    cert = ok(aws, "acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
    assert cert["Type"] == "IMPORTED"
    assert cert["Status"] == "ISSUED"
    assert cert["DomainName"] == d
    assert d in cert["SubjectAlternativeNames"] and f"www.{d}" in cert["SubjectAlternativeNames"]
    assert cert["Issuer"] in ("Albatross Test", d), cert["Issuer"]
    assert "ImportedAt" in cert
    assert cert["KeyAlgorithm"] == "RSA-2048"
    assert cert["InUseBy"] == []
    assert strip_leading_zero_bytes(cert["Serial"]) == strip_leading_zero_bytes(
        serial_colon_hex(ossl.serial(crt)))
    assert abs(epoch(cert["NotAfter"]) - openssl_date(ossl, crt, "enddate").timestamp()) < 2
    assert abs(epoch(cert["NotBefore"]) - openssl_date(ossl, crt, "startdate").timestamp()) < 2
    assert "DomainValidationOptions" not in cert or cert["DomainValidationOptions"] == []

    got = ok(aws, "acm", "get-certificate", "--certificate-arn", arn)
    assert normalize_pem(got["Certificate"]) == normalize_pem(open(crt).read())

    listed = ok(aws, "acm", "list-certificates")["CertificateSummaryList"]
    assert [c.get("Type") for c in listed if c["CertificateArn"] == arn] == ["IMPORTED"]

    # re-import another certificate under the same ARN
    d2 = unique_domain("imp2")
    crt2, key2 = ossl.self_signed("imp2", d2, sans=[d2])
    arn_again = ok(aws, "acm", "import-certificate", "--certificate-arn", arn, "--certificate",
                   f"fileb://{crt2}", "--private-key", f"fileb://{key2}")["CertificateArn"]
    assert arn_again == arn
    cert2 = ok(aws, "acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
    assert cert2["DomainName"] == d2
    assert epoch(cert2["ImportedAt"]) >= epoch(cert["ImportedAt"])
    assert normalize_pem(ok(aws, "acm", "get-certificate", "--certificate-arn", arn)["Certificate"]) == \
        normalize_pem(open(crt2).read())
    assert len(ok(aws, "acm", "list-certificates")["CertificateSummaryList"]) == 1

    # tags are not allowed on re-import
    code, _ = cli_error(aws, "acm", "import-certificate", "--certificate-arn", arn, "--certificate",
                        f"fileb://{crt2}", "--private-key", f"fileb://{key2}", "--tags", "Key=a,Value=b")
    assert code == "ValidationException"


def test_import_with_chain_and_tags(server, account, aws, ossl):
    d = unique_domain("chain")
    leaf, key, ca = ossl.ca_and_leaf("chain", d)
    arn = ok(aws, "acm", "import-certificate", "--certificate", f"fileb://{leaf}", "--private-key",
             f"fileb://{key}", "--certificate-chain", f"fileb://{ca}", "--tags", "Key=src,Value=import")[
        "CertificateArn"]
    cert = ok(aws, "acm", "describe-certificate", "--certificate-arn", arn)["Certificate"]
    assert cert["Issuer"] in ("Albatross Test CA", "chain Test CA"), cert["Issuer"]
    assert cert["Subject"] == f"CN={d}"
    got = ok(aws, "acm", "get-certificate", "--certificate-arn", arn)
    assert normalize_pem(got["CertificateChain"]) == normalize_pem(open(ca).read())
    tags = ok(aws, "acm", "list-tags-for-certificate", "--certificate-arn", arn)["Tags"]
    assert tags == [{"Key": "src", "Value": "import"}]


def test_import_ec_key(server, account, client, ossl):
    d = unique_domain("impec")
    crt, key = ossl.self_signed("impec", d, key="ec")
    acm = client()
    arn = acm.import_certificate(Certificate=open(crt, "rb").read(), PrivateKey=open(key, "rb").read())[
        "CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["KeyAlgorithm"] == "EC-prime256v1"


def test_import_rejections(server, account, aws, client, ossl):
    acm = client()
    d = unique_domain("bad")
    crt, key = ossl.self_signed("good", d)
    _, other_key = ossl.self_signed("other", d)
    expired_crt, expired_key = ossl.expired("old", d)

    code, _ = cli_error(aws, "acm", "import-certificate", "--certificate", f"fileb://{crt}", "--private-key",
                        f"fileb://{other_key}")
    assert code == "ValidationException", "private key does not match the certificate"

    def rejected(**kw):
        code, msg, status = client_error(acm.import_certificate, **kw)
        assert status == 400
        return code

    cert_bytes, key_bytes = open(crt, "rb").read(), open(key, "rb").read()
    assert rejected(Certificate=open(expired_crt, "rb").read(),
                    PrivateKey=open(expired_key, "rb").read()) == "ValidationException"
    assert rejected(Certificate=b"this is not a certificate", PrivateKey=key_bytes) == "ValidationException"
    assert rejected(Certificate=cert_bytes, PrivateKey=b"this is not a key") == "ValidationException"
    assert rejected(Certificate=cert_bytes, PrivateKey=key_bytes, CertificateChain=b"garbage chain") == \
        "ValidationException"
    # re-import into an ARN that does not exist
    assert rejected(Certificate=cert_bytes, PrivateKey=key_bytes,
                    CertificateArn=unknown_arn(account)) == "ResourceNotFoundException"
    # nothing was stored by the failures
    assert acm.list_certificates(Includes={"keyTypes": ALL_KEY_TYPES})["CertificateSummaryList"] == []
    # re-importing a mismatching pair into an existing ARN keeps the old certificate
    arn = acm.import_certificate(Certificate=cert_bytes, PrivateKey=key_bytes)["CertificateArn"]
    assert rejected(Certificate=cert_bytes, PrivateKey=open(other_key, "rb").read(),
                    CertificateArn=arn) == "ValidationException"
    assert normalize_pem(acm.get_certificate(CertificateArn=arn)["Certificate"]) == \
        normalize_pem(cert_bytes.decode())


def test_import_over_amazon_issued_is_refused(server, account, client, ossl):
    acm = client()
    arn = acm.request_certificate(DomainName=unique_domain("own"), ValidationMethod="DNS")["CertificateArn"]
    crt, key = ossl.self_signed("x", unique_domain("x"))
    code, _, _ = client_error(acm.import_certificate, Certificate=open(crt, "rb").read(),
                              PrivateKey=open(key, "rb").read(), CertificateArn=arn)
    assert code in ("ValidationException", "InvalidParameterException", "InvalidArnException"), code
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Type"] == "AMAZON_ISSUED"


# ------------------------------------------------------------------------------------------------
# delete and error paths
# ------------------------------------------------------------------------------------------------


def test_delete(server, account, aws):
    keep = ok(aws, "acm", "request-certificate", "--domain-name", unique_domain("keep"))["CertificateArn"]
    arn = ok(aws, "acm", "request-certificate", "--domain-name", unique_domain("del"))["CertificateArn"]
    rc, out, err = aws("acm", "delete-certificate", "--certificate-arn", arn)
    assert rc == 0, err
    code, _ = cli_error(aws, "acm", "describe-certificate", "--certificate-arn", arn)
    assert code == "ResourceNotFoundException"
    code, _ = cli_error(aws, "acm", "delete-certificate", "--certificate-arn", arn)
    assert code == "ResourceNotFoundException"
    code, _ = cli_error(aws, "acm", "get-certificate", "--certificate-arn", arn)
    assert code == "ResourceNotFoundException"
    listed = [c["CertificateArn"] for c in ok(aws, "acm", "list-certificates")["CertificateSummaryList"]]
    assert listed == [keep]


def test_unknown_arn_is_resource_not_found(server, account, client):
    acm = client()
    arn = unknown_arn(account)
    for fn, kw in [
        (acm.describe_certificate, {}),
        (acm.get_certificate, {}),
        (acm.delete_certificate, {}),
        (acm.list_tags_for_certificate, {}),
        (acm.add_tags_to_certificate, {"Tags": [{"Key": "a", "Value": "b"}]}),
        (acm.remove_tags_from_certificate, {"Tags": [{"Key": "a"}]}),
        (acm.update_certificate_options, {"Options": {"CertificateTransparencyLoggingPreference": "ENABLED"}}),
    ]:
        code, msg, status = client_error(fn, CertificateArn=arn, **kw)
        assert (code, status) == ("ResourceNotFoundException", 400), (fn.__name__, code, msg)


def test_malformed_arn(server, account, client):
    acm = client()
    # matches the model's pattern but is not a certificate ARN
    code, msg, status = client_error(acm.describe_certificate,
                                     CertificateArn=f"arn:aws:acm:us-east-1:{account}:notacert/abc")
    assert (code, status) == ("InvalidArnException", 400), (code, msg)
    for bad in ("this-is-definitely-not-an-arn", f"arn:aws:s3:::bucket-name-of-some-length-{account}"):
        code, msg, status = client_error(acm.describe_certificate, CertificateArn=bad)
        assert status == 400
        assert code in ("InvalidArnException", "ValidationException"), (bad, code, msg)
    code, msg, _ = client_error(acm.get_certificate, CertificateArn="this-is-definitely-not-an-arn")
    assert code in ("InvalidArnException", "ValidationException"), (code, msg)


def test_name_limit(server, account, aws, client):
    acm = client()
    d = unique_domain("lim")
    ten = [f"n{i}.{d}" for i in range(9)]  # + DomainName = 10 names
    arn = acm.request_certificate(DomainName=d, SubjectAlternativeNames=ten, ValidationMethod="DNS")[
        "CertificateArn"]
    assert len(acm.describe_certificate(CertificateArn=arn)["Certificate"]["SubjectAlternativeNames"]) == 10
    code, msg = cli_error(aws, "acm", "request-certificate", "--domain-name", d, "--validation-method", "DNS",
                          "--subject-alternative-names", *ten, f"n9.{d}")
    assert code == "LimitExceededException", msg
    # DomainName repeated in the SANs does not count twice
    arn2 = acm.request_certificate(DomainName=d, SubjectAlternativeNames=[d, *ten], ValidationMethod="DNS")[
        "CertificateArn"]
    assert len(acm.describe_certificate(CertificateArn=arn2)["Certificate"]["SubjectAlternativeNames"]) == 10


@pytest.mark.parametrize("where", ["DomainName", "SubjectAlternativeNames"])
@pytest.mark.parametrize("bad", ["foo.*.example.com", "*foo.example.com", "*.*.example.com", "-a.example.com",
                                 "example", "exa mple.com"])
def test_invalid_domain_names(server, account, client, where, bad):
    acm = client()
    kw = {"DomainName": bad} if where == "DomainName" else {
        "DomainName": unique_domain("ok"), "SubjectAlternativeNames": [bad]}
    code, msg, status = client_error(acm.request_certificate, ValidationMethod="DNS", **kw)
    assert status == 400
    assert code in ("InvalidDomainValidationOptionsException", "ValidationException"), (code, msg)
    assert acm.list_certificates()["CertificateSummaryList"] == []


def test_wildcard_ok(server, account, client):
    acm = client()
    d = unique_domain("wild")
    arn = acm.request_certificate(DomainName=f"*.{d}", ValidationMethod="DNS")["CertificateArn"]
    cert = wait_issued(acm, arn)
    assert cert["DomainName"] == f"*.{d}"
    assert cert["Subject"] == f"CN=*.{d}"


def test_domain_too_long(server, account, aws):
    label = "a" * 60
    long_domain = ".".join([label] * 4) + ".example.com"  # 4*61 + 11 = 255 > 253
    assert len(long_domain) > 253
    code, msg = cli_error(aws, "acm", "request-certificate", "--domain-name", long_domain, "--validation-method",
                          "DNS")
    assert code == "ValidationException"
    assert msg.startswith(f"1 validation error detected: Value '{long_domain}' at 'domainName' failed to satisfy "
                          "constraint:"), msg
    assert "253" in msg, msg
    label64 = "b" * 64 + ".example.com"
    code, msg = cli_error(aws, "acm", "request-certificate", "--domain-name", label64, "--validation-method",
                          "DNS")
    assert code == "ValidationException", msg
    assert "at 'domainName' failed to satisfy constraint" in msg, msg


def test_import_only_key_algorithm_refused(server, account, client):
    acm = client()
    code, msg, _ = client_error(acm.request_certificate, DomainName=unique_domain(), KeyAlgorithm="RSA_1024")
    # RSA_1024 and others are import-only; AWS refuses them for RequestCertificate
    assert code in ("ValidationException", "InvalidParameterException"), (code, msg)


# ------------------------------------------------------------------------------------------------
# isolation
# ------------------------------------------------------------------------------------------------


def test_account_and_region_isolation(server, account, aws):
    other = random_account()
    a_use1 = ok(aws, "acm", "request-certificate", "--domain-name", unique_domain("a1"))["CertificateArn"]
    a_euw1 = ok(aws, "acm", "request-certificate", "--domain-name", unique_domain("a2"),
                region="eu-west-1")["CertificateArn"]
    b_use1 = ok(aws, "acm", "request-certificate", "--domain-name", unique_domain("b1"),
                account=other)["CertificateArn"]
    try:
        assert ARN_RE.match(a_use1).group("account", "region") == (account, "us-east-1")
        assert ARN_RE.match(a_euw1).group("account", "region") == (account, "eu-west-1")
        assert ARN_RE.match(b_use1).group("account", "region") == (other, "us-east-1")

        def listed(**kw):
            return [c["CertificateArn"] for c in ok(aws, "acm", "list-certificates", **kw)["CertificateSummaryList"]]

        assert listed() == [a_use1]
        assert listed(region="eu-west-1") == [a_euw1]
        assert listed(account=other) == [b_use1]
        assert listed(account=other, region="eu-west-1") == []

        code, _ = cli_error(aws, "acm", "describe-certificate", "--certificate-arn", a_use1, account=other)
        assert code == "ResourceNotFoundException"
        code, _ = cli_error(aws, "acm", "describe-certificate", "--certificate-arn", a_use1, region="eu-west-1")
        assert code == "ResourceNotFoundException"
        code, _ = cli_error(aws, "acm", "delete-certificate", "--certificate-arn", a_use1, account=other)
        assert code == "ResourceNotFoundException"
        # still there for its owner
        assert ok(aws, "acm", "describe-certificate", "--certificate-arn", a_use1)["Certificate"][
            "CertificateArn"] == a_use1
    finally:
        aws("acm", "delete-certificate", "--certificate-arn", b_use1, account=other)


# ------------------------------------------------------------------------------------------------
# persistence and reset (dedicated servers)
# ------------------------------------------------------------------------------------------------


def _snapshot(srv, acct, arns):
    acm = srv.client("acm", account=acct)
    snap = {}
    for arn in arns:
        snap[arn] = {
            "detail": acm.describe_certificate(CertificateArn=arn)["Certificate"],
            "pem": acm.get_certificate(CertificateArn=arn),
            "tags": acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", []),
        }
        snap[arn]["pem"].pop("ResponseMetadata", None)
    snap["config"] = acm.get_account_configuration()["ExpiryEvents"]
    return snap


def test_state_survives_restart(make_server, ossl):
    srv = make_server()
    acct = random_account()
    acm = srv.client("acm", account=acct)
    d = unique_domain("persist")
    req = acm.request_certificate(DomainName=d, SubjectAlternativeNames=[f"*.{d}"], ValidationMethod="DNS",
                                  IdempotencyToken="persisttok", KeyAlgorithm="EC_prime256v1",
                                  Tags=[{"Key": "k", "Value": "v"}])["CertificateArn"]
    wait_issued(acm, req)
    crt, key = ossl.self_signed("p", unique_domain("pimp"))
    imp = acm.import_certificate(Certificate=open(crt, "rb").read(), PrivateKey=open(key, "rb").read(),
                                 Tags=[{"Key": "imported", "Value": "yes"}])["CertificateArn"]
    acm.put_account_configuration(ExpiryEvents={"DaysBeforeExpiry": 20}, IdempotencyToken="c1")
    deleted = acm.request_certificate(DomainName=unique_domain("gone"), ValidationMethod="DNS")["CertificateArn"]
    acm.delete_certificate(CertificateArn=deleted)
    ca_before = srv.ca_pem()
    before = _snapshot(srv, acct, [req, imp])

    srv.restart()

    assert srv.ca_pem() == ca_before, "the local CA must persist, or issued certificates stop verifying"
    after = _snapshot(srv, acct, [req, imp])
    assert after == before
    acm = srv.client("acm", account=acct)
    assert acm.request_certificate(DomainName=d, ValidationMethod="DNS", IdempotencyToken="persisttok")[
        "CertificateArn"] == req, "idempotency tokens persist"
    code, _, _ = client_error(acm.describe_certificate, CertificateArn=deleted)
    assert code == "ResourceNotFoundException"
    listed = acm.list_certificates(Includes={"keyTypes": ALL_KEY_TYPES})["CertificateSummaryList"]
    assert sorted(c["CertificateArn"] for c in listed) == sorted([req, imp])
    leaf = ossl.write("leaf.pem", after[req]["pem"]["Certificate"])
    ca = ossl.write("ca.pem", srv.ca_pem())
    res = ossl.run("verify", "-CAfile", ca, leaf, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_pending_certificate_is_issued_after_restart(make_server):
    srv = make_server(time_scale=0.4)  # 2 s pending
    acm = srv.client("acm")
    arn = acm.request_certificate(DomainName=unique_domain("later"), ValidationMethod="DNS")["CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
    srv.restart(hard=True)
    wait_issued(srv.client("acm"), arn, timeout=10)


def test_acknowledged_writes_survive_kill9(make_server):
    srv = make_server(time_scale=100)  # nothing gets issued during the test: durability only
    acct = random_account()
    total, kill_after = 400, 100
    acked, errors = [], []
    half = threading.Event()

    def writer(port):
        import http.client

        from conftest import fake_sigv4_headers
        # generous timeout: certificate issuance may hold the API up (see test_api_responsive_while_issuing)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for i in range(total):
                body = json.dumps({"DomainName": f"burst{i}.example.com", "ValidationMethod": "DNS"})
                conn.request("POST", "/", body=body, headers={
                    "Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "CertificateManager.RequestCertificate",
                    **fake_sigv4_headers("acm", access_key=acct)})
                resp = conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    errors.append((resp.status, data))
                    return
                acked.append(json.loads(data)["CertificateArn"])
                if len(acked) == kill_after:
                    half.set()
        except Exception as exc:  # noqa: BLE001 - the server is killed under us
            errors.append(repr(exc))
        finally:
            conn.close()
            half.set()

    t = threading.Thread(target=writer, args=(srv.port,), daemon=True)
    t.start()
    assert half.wait(60), "burst did not progress"
    srv.kill9()
    t.join(30)
    assert not t.is_alive()
    assert len(acked) >= kill_after, f"writer stopped after {len(acked)} acks: {errors[:3]}"
    assert not any(isinstance(e, tuple) for e in errors), errors  # no non-200 answers before the kill
    print(f"acknowledged {len(acked)} of {total} before kill -9")

    srv.start()
    acm = srv.client("acm", account=acct)
    missing = []
    for arn in acked:
        try:
            acm.describe_certificate(CertificateArn=arn)
        except acm.exceptions.ResourceNotFoundException:
            missing.append(arn)
    assert not missing, f"{len(missing)} acknowledged certificates lost after kill -9, e.g. {missing[:3]}"
    listed = []
    for page in acm.get_paginator("list_certificates").paginate():
        listed += [c["CertificateArn"] for c in page["CertificateSummaryList"]]
    assert set(acked) <= set(listed)
    assert len(listed) <= len(acked) + 1, "at most the one in-flight request may have committed unacknowledged"
    assert len(set(listed)) == len(listed)
    # the database is still writable after recovery
    acm.request_certificate(DomainName="after-crash.example.com", ValidationMethod="DNS")


def test_api_responsive_while_issuing(make_server):
    """Issuing certificates (key generation, signing) must not freeze the API for everyone else."""
    srv = make_server(time_scale=0.2)  # every certificate is issued 1 s after its request
    n = 20
    requested_at = time.monotonic()
    for i in range(n):
        status, _, body = srv.json_call("RequestCertificate", {"DomainName": f"busy{i}.example.com",
                                                               "ValidationMethod": "DNS"})
        assert status == 200, body
    assert time.monotonic() - requested_at < 0.9, "requests too slow to all be pending together"
    # all the issuances fall due ~1 s after the requests; meanwhile another client keeps calling
    worst, calls = 0.0, 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        t = time.monotonic()
        status, _, body = srv.json_call("ListCertificates", {"CertificateStatuses": ["PENDING_VALIDATION"],
                                                             "MaxItems": 1})
        worst = max(worst, time.monotonic() - t)
        calls += 1
        assert status == 200, body
        if not body["CertificateSummaryList"] and time.monotonic() - requested_at > 1.0:
            break
    issued_after = time.monotonic() - requested_at
    assert worst < 1.0, (f"one ListCertificates call took {worst:.2f}s while {n} certificates were being issued "
                         f"(all issued {issued_after:.1f}s after the requests, {calls} calls)")


def test_reset_empties_everything(make_server):
    srv = make_server()
    a, b = random_account(), random_account()
    for acct, region in [(a, "us-east-1"), (a, "eu-west-1"), (b, "us-east-1")]:
        acm = srv.client("acm", account=acct, region=region)
        acm.request_certificate(DomainName=unique_domain("r"), ValidationMethod="DNS", IdempotencyToken="same")
        acm.put_account_configuration(ExpiryEvents={"DaysBeforeExpiry": 7}, IdempotencyToken="x")
    old = srv.client("acm", account=a).request_certificate(
        DomainName="x.example.com", IdempotencyToken="same")["CertificateArn"]
    srv.reset()
    for acct, region in [(a, "us-east-1"), (a, "eu-west-1"), (b, "us-east-1")]:
        acm = srv.client("acm", account=acct, region=region)
        assert acm.list_certificates(Includes={"keyTypes": ALL_KEY_TYPES})["CertificateSummaryList"] == []
        assert acm.get_account_configuration()["ExpiryEvents"]["DaysBeforeExpiry"] == 45
    new = srv.client("acm", account=a).request_certificate(
        DomainName="x.example.com", IdempotencyToken="same")["CertificateArn"]
    assert new != old, "idempotency tokens must be wiped by reset"


def test_raw_import_blobs_and_epoch_timestamps(server, account, ossl):
    """ImportCertificate over the raw wire: blobs are base64 strings in JSON 1.1."""
    d = unique_domain("raw")
    crt, key = ossl.self_signed("raw", d)
    status, headers, body = server.json_call("ImportCertificate", {
        "Certificate": base64.b64encode(open(crt, "rb").read()).decode(),
        "PrivateKey": base64.b64encode(open(key, "rb").read()).decode(),
    }, account=account)
    assert status == 200, body
    assert header(headers, "x-amzn-RequestId")
    arn = body["CertificateArn"]
    status, _, body = server.json_call("DescribeCertificate", {"CertificateArn": arn}, account=account)
    assert status == 200, body
    for ts in ("ImportedAt", "NotBefore", "NotAfter", "CreatedAt"):
        if ts in body["Certificate"]:
            assert isinstance(body["Certificate"][ts], (int, float)), (ts, body["Certificate"][ts])
    assert isinstance(body["Certificate"]["ImportedAt"], (int, float))
