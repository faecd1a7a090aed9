"""ACM SearchCertificates end to end. Debian's botocore (1.29) and aws CLI v2 (2.9) predate the operation, so it is
driven with raw JSON 1.1 requests (Albatross.json_call); boto3 sets up the certificates and a load balancer."""

import shutil
import tempfile
import time

import pytest

from conftest import Openssl, _delete_all_certificates, random_account, unique_domain, wait_issued

META = ("CertificateMetadata", "AcmCertificateMetadata")


class Corpus:
    """Four issued certificates in a fresh account: alpha (RSA_2048, DNS, in use by an HTTPS listener), beta
    (EC_prime256v1, EMAIL), gamma (EC_secp384r1, DNS) and imported (self-signed RSA 2048 with an O)."""

    def __init__(self, server, workdir):
        self.server = server
        self.account = random_account()
        self.acm = server.client("acm", account=self.account)
        self.names = {key: unique_domain(key) for key in ("alpha", "beta", "gamma", "imported")}
        self.arns = {}
        self.request("alpha", "RSA_2048", "DNS", sans=[f"www.{self.names['alpha']}"])
        self.request("beta", "EC_prime256v1", "EMAIL")
        self.request("gamma", "EC_secp384r1", "DNS")
        self.imported_crt = self.import_self_signed(Openssl(workdir))
        self.details = {key: wait_issued(self.acm, arn) for key, arn in self.arns.items()}
        self.lb_arn = self.use_in_listener(self.arns["alpha"])

    def request(self, key, algorithm, method, sans=()):
        name = self.names[key]
        self.arns[key] = self.acm.request_certificate(DomainName=name, SubjectAlternativeNames=[name, *sans],
                                                      ValidationMethod=method,
                                                      KeyAlgorithm=algorithm)["CertificateArn"]

    def import_self_signed(self, ossl):
        name = self.names["imported"]
        crt, key = ossl.self_signed("search", name, sans=[name, f"api.{name}"], org="Search Test Org")
        with open(crt, "rb") as c, open(key, "rb") as k:
            self.arns["imported"] = self.acm.import_certificate(Certificate=c.read(), PrivateKey=k.read())[
                "CertificateArn"]
        return crt

    def use_in_listener(self, cert_arn):
        ec2 = self.server.client("ec2", account=self.account)
        elbv2 = self.server.client("elbv2", account=self.account)
        subnets = ec2.describe_subnets()["Subnets"]
        vpc = subnets[0]["VpcId"]
        lb = elbv2.create_load_balancer(Name="search-lb",
                                        Subnets=[s["SubnetId"] for s in subnets if s["VpcId"] == vpc][:2])
        lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTPS", Port=443,
                              Certificates=[{"CertificateArn": cert_arn}],
                              DefaultActions=[{"Type": "fixed-response",
                                               "FixedResponseConfig": {"StatusCode": "200"}}])
        return lb_arn

    def cleanup(self):
        try:
            self.server.client("elbv2", account=self.account).delete_load_balancer(LoadBalancerArn=self.lb_arn)
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass
        _delete_all_certificates(self.server, self.account, ["us-east-1"])

    # ---- SearchCertificates --------------------------------------------------------------------------------------

    def call(self, **payload):
        return self.server.json_call("SearchCertificates", payload, account=self.account)

    def search(self, **payload):
        status, _, body = self.call(**payload)
        assert status == 200, body
        return body

    def keys(self, filter_statement=None, **payload):
        """The corpus keys ("alpha", ...) of the results, in result order; asserts a single page."""
        if filter_statement is not None:
            payload["FilterStatement"] = filter_statement
        body = self.search(**payload)
        assert "NextToken" not in body, body
        by_arn = {arn: key for key, arn in self.arns.items()}
        return [by_arn[r["CertificateArn"]] for r in body["Results"]]

    def result(self, key):
        body = self.search(FilterStatement=arn_filter(self.arns[key]))
        assert len(body["Results"]) == 1, body
        return body["Results"][0]


@pytest.fixture(scope="module")
def corpus(server):
    workdir = tempfile.mkdtemp(prefix="albatross-search-")
    made = Corpus(server, workdir)
    yield made
    made.cleanup()
    shutil.rmtree(workdir, ignore_errors=True)


# ---- filter builders -----------------------------------------------------------------------------------------------


def arn_filter(arn):
    return {"Filter": {"CertificateArn": arn}}


def x509(**member):
    return {"Filter": {"X509AttributeFilter": member}}


def meta(**member):
    return {"Filter": {"AcmCertificateMetadataFilter": member}}


def dns(value, op="EQUALS"):
    return x509(SubjectAlternativeName={"DnsName": {"Value": value, "ComparisonOperator": op}})


def common_name(value, op="EQUALS"):
    return x509(Subject={"CommonName": {"Value": value, "ComparisonOperator": op}})


def assert_validation_error(corpus, **payload):
    status, _, body = corpus.call(**payload)
    assert status == 400, body
    assert body["__type"].split("#")[-1] == "ValidationException", body
    return body.get("message", body.get("Message", ""))


ALL = ["alpha", "beta", "gamma", "imported"]


# ---- results -------------------------------------------------------------------------------------------------------


def test_no_filter_returns_every_key_type_in_creation_order(corpus):
    assert corpus.keys() == ALL


def test_result_of_a_requested_certificate(corpus):
    alpha, name = corpus.result("alpha"), corpus.names["alpha"]
    detail = corpus.details["alpha"]
    attributes = alpha["X509Attributes"]
    assert attributes["Subject"] == {"CommonName": name}
    assert attributes["Issuer"]["CommonName"] == "Albatross Local CA"
    assert attributes["SubjectAlternativeNames"] == [{"DnsName": name}, {"DnsName": f"www.{name}"}]
    assert attributes["KeyAlgorithm"] == "RSA_2048"
    assert attributes["SerialNumber"] == detail["Serial"]
    assert "TLS_WEB_SERVER_AUTHENTICATION" in attributes["ExtendedKeyUsages"]
    assert "DIGITAL_SIGNATURE" in attributes["KeyUsages"]
    assert abs(attributes["NotAfter"] - detail["NotAfter"].timestamp()) < 1
    assert abs(attributes["NotBefore"] - detail["NotBefore"].timestamp()) < 1
    metadata = alpha[META[0]][META[1]]
    assert metadata["Status"] == "ISSUED"
    assert metadata["Type"] == "AMAZON_ISSUED"
    assert metadata["ValidationMethod"] == "DNS"
    assert metadata["InUse"] is True
    assert metadata["Exported"] is False
    assert metadata["ExportOption"] == "DISABLED"
    assert isinstance(metadata["CreatedAt"], (int, float)) and isinstance(metadata["IssuedAt"], (int, float))
    assert metadata["CreatedAt"] <= metadata["IssuedAt"]
    assert "ImportedAt" not in metadata


def test_result_of_an_imported_certificate(corpus):
    imported, name = corpus.result("imported"), corpus.names["imported"]
    attributes = imported["X509Attributes"]
    assert attributes["Subject"] == {"CommonName": name, "Organization": "Search Test Org"}
    assert attributes["Issuer"] == attributes["Subject"]  # self-signed
    assert attributes["SubjectAlternativeNames"] == [{"DnsName": name}, {"DnsName": f"api.{name}"}]
    metadata = imported[META[0]][META[1]]
    assert metadata["Type"] == "IMPORTED"
    assert isinstance(metadata["ImportedAt"], (int, float))
    assert "CreatedAt" not in metadata and "ValidationMethod" not in metadata
    assert metadata["InUse"] is False


def test_ec_key_algorithms_use_the_request_spelling(corpus):
    assert corpus.result("beta")["X509Attributes"]["KeyAlgorithm"] == "EC_prime256v1"
    assert corpus.result("gamma")["X509Attributes"]["KeyAlgorithm"] == "EC_secp384r1"


def test_other_accounts_see_nothing(corpus):
    status, _, body = corpus.server.json_call("SearchCertificates", {}, account=random_account())
    assert status == 200 and body["Results"] == [], body


# ---- filters -------------------------------------------------------------------------------------------------------


def test_by_dns_name(corpus):
    alpha = corpus.names["alpha"]
    assert corpus.keys(dns(f"www.{alpha}")) == ["alpha"]
    assert corpus.keys(dns(f"WWW.{alpha.upper()}")) == ["alpha"]  # DNS names ignore case
    assert corpus.keys(dns(f"api.{corpus.names['imported']}")) == ["imported"]
    assert corpus.keys(dns("beta-", "CONTAINS")) == ["beta"]
    assert corpus.keys(dns(".example.com", "CONTAINS")) == ALL
    assert corpus.keys(dns("example", "EQUALS")) == []


def test_by_common_name(corpus):
    assert corpus.keys(common_name(corpus.names["gamma"])) == ["gamma"]
    assert corpus.keys(common_name("www.", "CONTAINS")) == []  # www. is only a SAN
    assert corpus.keys(common_name("imported-", "CONTAINS")) == ["imported"]


def test_by_key_algorithm(corpus):
    assert corpus.keys(x509(KeyAlgorithm="EC_prime256v1")) == ["beta"]
    assert corpus.keys(x509(KeyAlgorithm="RSA_2048")) == ["alpha", "imported"]
    assert corpus.keys(x509(KeyAlgorithm="RSA_4096")) == []


def test_by_status_type_and_validation_method(corpus):
    assert corpus.keys(meta(Status="ISSUED")) == ALL
    assert corpus.keys(meta(Status="PENDING_VALIDATION")) == []
    assert corpus.keys(meta(Type="IMPORTED")) == ["imported"]
    assert corpus.keys(meta(Type="AMAZON_ISSUED")) == ["alpha", "beta", "gamma"]
    assert corpus.keys(meta(ValidationMethod="EMAIL")) == ["beta"]


def test_by_in_use(corpus):
    assert corpus.keys(meta(InUse=True)) == ["alpha"]
    assert corpus.keys(meta(InUse=False)) == ["beta", "gamma", "imported"]


def test_by_arn_and_serial(corpus):
    assert corpus.keys(arn_filter(corpus.arns["gamma"])) == ["gamma"]
    serial = corpus.details["beta"]["Serial"]
    assert corpus.keys(x509(SerialNumber=serial)) == ["beta"]


def test_by_validity_range(corpus):
    now = time.time()
    assert corpus.keys(x509(NotAfter={"Start": now, "End": now + 400 * 86400})) == ALL
    assert corpus.keys(x509(NotAfter={"End": now - 86400})) == []
    assert corpus.keys(x509(NotBefore={"Start": now + 86400})) == []


def test_and_or_not(corpus):
    ec = {"Or": [x509(KeyAlgorithm="EC_prime256v1"), x509(KeyAlgorithm="EC_secp384r1")]}
    assert corpus.keys(ec) == ["beta", "gamma"]
    assert corpus.keys({"Not": ec}) == ["alpha", "imported"]
    assert corpus.keys({"And": [ec, meta(ValidationMethod="DNS")]}) == ["gamma"]
    amazon_rsa = {"And": [meta(Type="AMAZON_ISSUED"), {"Not": x509(KeyAlgorithm="EC_prime256v1")},
                          {"Not": x509(KeyAlgorithm="EC_secp384r1")}]}
    assert corpus.keys(amazon_rsa) == ["alpha"]
    either = {"Or": [dns(f"www.{corpus.names['alpha']}"), common_name(corpus.names["imported"])]}
    assert corpus.keys(either) == ["alpha", "imported"]


# ---- sorting and paging --------------------------------------------------------------------------------------------


def test_sorting(corpus):
    assert corpus.keys(SortOrder="DESCENDING") == list(reversed(ALL))  # CREATED_AT (or ImportedAt)
    assert corpus.keys(SortBy="KEY_ALGORITHM") == ["beta", "gamma", "alpha", "imported"]
    assert corpus.keys(SortBy="KEY_ALGORITHM", SortOrder="DESCENDING") == ["alpha", "imported", "gamma", "beta"]
    by_arn = sorted(ALL, key=lambda key: corpus.arns[key])
    assert corpus.keys(SortBy="CERTIFICATE_ARN") == by_arn
    assert corpus.keys(SortBy="CERTIFICATE_ARN", SortOrder="DESCENDING") == list(reversed(by_arn))
    assert corpus.keys(SortBy="COMMON_NAME") == ALL  # alpha- < beta- < gamma- < imported-
    assert corpus.keys(SortBy="IN_USE", SortOrder="DESCENDING")[0] == "alpha"
    # IMPORTED_AT: only the imported certificate has one; the others follow in creation order
    assert corpus.keys(SortBy="IMPORTED_AT", SortOrder="DESCENDING") == ["imported", "alpha", "beta", "gamma"]


def test_sorting_with_a_filter(corpus):
    assert corpus.keys(meta(Type="AMAZON_ISSUED"), SortBy="KEY_ALGORITHM", SortOrder="DESCENDING") == \
        ["alpha", "gamma", "beta"]


def test_pagination(corpus):
    by_arn = {arn: key for key, arn in corpus.arns.items()}
    seen, token, pages = [], None, 0
    while True:
        payload = {"MaxResults": 1, "SortBy": "CERTIFICATE_ARN"}
        if token:
            payload["NextToken"] = token
        body = corpus.search(**payload)
        assert len(body["Results"]) == 1, body
        seen += [by_arn[r["CertificateArn"]] for r in body["Results"]]
        pages += 1
        token = body.get("NextToken")
        if not token:
            break
        assert pages < 10, "pagination does not end"
    assert seen == sorted(ALL, key=lambda key: corpus.arns[key])

    first = corpus.search(MaxResults=3)
    assert len(first["Results"]) == 3 and first["NextToken"]
    rest = corpus.search(MaxResults=3, NextToken=first["NextToken"])
    assert [by_arn[r["CertificateArn"]] for r in first["Results"] + rest["Results"]] == ALL
    assert "NextToken" not in rest

    filtered = corpus.search(FilterStatement=meta(Type="AMAZON_ISSUED"), MaxResults=2)
    assert len(filtered["Results"]) == 2
    last = corpus.search(FilterStatement=meta(Type="AMAZON_ISSUED"), MaxResults=2, NextToken=filtered["NextToken"])
    assert [by_arn[r["CertificateArn"]] for r in last["Results"]] == ["gamma"]


# ---- errors --------------------------------------------------------------------------------------------------------


def test_invalid_requests(corpus):
    message = assert_validation_error(corpus, FilterStatement={"And": [meta(Status="ISSUED")],
                                                               "Not": meta(Status="ISSUED")})
    assert "exactly one" in message
    assert "exactly one" in assert_validation_error(corpus, FilterStatement={})
    message = assert_validation_error(corpus, FilterStatement={"Or": [meta(Status="ISSUED"), meta()]})
    assert "AcmCertificateMetadataFilter" in message
    assert "exactly one" in assert_validation_error(corpus, FilterStatement=x509(KeyAlgorithm="RSA_2048",
                                                                                   KeyUsage="ANY"))
    assert_validation_error(corpus, FilterStatement=x509(NotAfter={}))
    assert_validation_error(corpus, NextToken="not-a-token")
    assert_validation_error(corpus, MaxResults=0)
    assert_validation_error(corpus, MaxResults=501)
    assert_validation_error(corpus, SortBy="NAME")
    assert_validation_error(corpus, FilterStatement=meta(Status="NOT_A_STATUS"))
