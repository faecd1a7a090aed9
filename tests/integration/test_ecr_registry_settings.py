"""ECR registry-level settings through boto3 (a client built from services/models/ecr.json: Debian's botocore
predates pull-through cache rules, creation templates and account settings): registry policy, scanning and
replication configuration, account settings, pull-through cache rules, repository creation templates, and
BatchGetImage's acceptedMediaTypes."""

import atexit
import json
import os
import shutil
import tempfile

import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config

from test_ecr_support import DOCKER_MANIFEST, OCI_MANIFEST, Registry, sha256, unique_name

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_MODEL_DIR = []

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "replicate", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"], "Resource": "*"}]})


def model_dir():
    if not _MODEL_DIR:
        data = tempfile.mkdtemp(prefix="albatross-ecr-model-")
        atexit.register(shutil.rmtree, data, True)
        os.makedirs(os.path.join(data, "ecr", "2015-09-21"))
        shutil.copy(os.path.join(REPO, "services", "models", "ecr.json"),
                    os.path.join(data, "ecr", "2015-09-21", "service-2.json"))
        _MODEL_DIR.append(data)
    return _MODEL_DIR[0]


def ecr_client(server, account, region="us-east-1", validate=True):
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, model_dir())
    return session.create_client("ecr", endpoint_url=server.url, region_name=region,
                                 aws_access_key_id=account, aws_secret_access_key="test",
                                 config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate))


@pytest.fixture
def ecr(server, account):
    return ecr_client(server, account)


def error_code(fn, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        fn(**kw)
    return ei.value.response["Error"]["Code"], ei.value.response["Error"].get("Message", "")


def test_registry_policy_lifecycle(ecr, account):
    code, message = error_code(ecr.get_registry_policy)
    assert code == "RegistryPolicyNotFoundException" and account in message
    assert error_code(ecr.delete_registry_policy)[0] == "RegistryPolicyNotFoundException"
    out = ecr.put_registry_policy(policyText=POLICY)
    assert out["registryId"] == account and json.loads(out["policyText"]) == json.loads(POLICY)
    assert json.loads(ecr.get_registry_policy()["policyText"]) == json.loads(POLICY)
    invalid = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"
    assert error_code(ecr.put_registry_policy, policyText="not json") == ("InvalidParameterException", invalid)
    s3 = json.loads(POLICY)
    s3["Statement"][0]["Action"] = ["s3:GetObject"]
    assert error_code(ecr.put_registry_policy, policyText=json.dumps(s3)) == ("InvalidParameterException", invalid)
    deleted = ecr.delete_registry_policy()
    assert deleted["registryId"] == account and json.loads(deleted["policyText"]) == json.loads(POLICY)
    assert error_code(ecr.get_registry_policy)[0] == "RegistryPolicyNotFoundException"


def test_registry_policy_is_per_region(server, account):
    east, west = ecr_client(server, account), ecr_client(server, account, region="eu-west-1")
    east.put_registry_policy(policyText=POLICY)
    assert error_code(west.get_registry_policy)[0] == "RegistryPolicyNotFoundException"
    east.delete_registry_policy()


def test_registry_scanning_configuration(server, ecr, account):
    out = ecr.get_registry_scanning_configuration()
    assert out["registryId"] == account
    assert out["scanningConfiguration"] == {"scanType": "BASIC", "rules": []}
    rules = [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]}]
    put = ecr.put_registry_scanning_configuration(scanType="BASIC", rules=rules)
    assert put["registryScanningConfiguration"] == {"scanType": "BASIC", "rules": rules}
    assert ecr.get_registry_scanning_configuration()["scanningConfiguration"]["rules"] == rules
    bad = [{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]
    assert error_code(ecr.put_registry_scanning_configuration, scanType="BASIC", rules=bad)[0] == "ValidationException"
    enhanced = ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=bad)
    assert enhanced["registryScanningConfiguration"]["scanType"] == "ENHANCED"
    unchecked = ecr_client(server, account, validate=False)
    assert error_code(unchecked.put_registry_scanning_configuration, scanType="FAST")[0] in (
        "ValidationException", "InvalidParameterException")


def test_batch_get_repository_scanning_configuration(ecr, account):
    prod, other = unique_name("prod"), unique_name("dev")
    ecr.create_repository(repositoryName=prod)
    ecr.create_repository(repositoryName=other, imageScanningConfiguration={"scanOnPush": True})
    try:
        out = ecr.batch_get_repository_scanning_configuration(repositoryNames=[prod, other, "missing-repo"])
        by_name = {c["repositoryName"]: c for c in out["scanningConfigurations"]}
        assert by_name[prod]["scanFrequency"] == "MANUAL" and by_name[prod]["scanOnPush"] is False
        assert by_name[prod]["repositoryArn"] == f"arn:aws:ecr:us-east-1:{account}:repository/{prod}"
        assert by_name[other]["scanFrequency"] == "SCAN_ON_PUSH" and by_name[other]["scanOnPush"] is True
        assert out["failures"] == [{"repositoryName": "missing-repo", "failureCode": "REPOSITORY_NOT_FOUND",
                                    "failureReason": "REPOSITORY_NOT_FOUND"}]
        rule = {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]}
        ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[rule])
        out = ecr.batch_get_repository_scanning_configuration(repositoryNames=[prod])
        entry = out["scanningConfigurations"][0]
        assert entry["scanFrequency"] == "SCAN_ON_PUSH" and entry["appliedScanFilters"] == rule["repositoryFilters"]
        assert entry["scanOnPush"] is False  # the repository's own flag, not the registry rule
        continuous = {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": prod, "filterType": "WILDCARD"}]}
        ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[rule, continuous])
        entry = ecr.batch_get_repository_scanning_configuration(repositoryNames=[prod])["scanningConfigurations"][0]
        assert entry["scanFrequency"] == "CONTINUOUS_SCAN" and entry["appliedScanFilters"] == continuous["repositoryFilters"]
        # A rule that no longer matches leaves the configuration last applied to the repository.
        unrelated = {"scanFrequency": "MANUAL", "repositoryFilters": [{"filter": "unknown", "filterType": "WILDCARD"}]}
        ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[unrelated])
        entry = ecr.batch_get_repository_scanning_configuration(repositoryNames=[prod])["scanningConfigurations"][0]
        assert entry["scanFrequency"] == "CONTINUOUS_SCAN"
    finally:
        ecr.delete_repository(repositoryName=prod)
        ecr.delete_repository(repositoryName=other)


def test_replication_configuration_shows_in_describe_registry(ecr, account):
    assert ecr.describe_registry()["replicationConfiguration"] == {"rules": []}
    config = {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": account}],
                         "repositoryFilters": [{"filter": "prod", "filterType": "PREFIX_MATCH"}]}]}
    assert ecr.put_replication_configuration(replicationConfiguration=config)["replicationConfiguration"] == config
    described = ecr.describe_registry()
    assert described["registryId"] == account and described["replicationConfiguration"] == config
    same = {"rules": [{"destinations": [{"region": "us-east-1", "registryId": account}]}]}
    assert error_code(ecr.put_replication_configuration, replicationConfiguration=same)[0] == "InvalidParameterException"
    ecr.put_replication_configuration(replicationConfiguration={"rules": []})
    assert ecr.describe_registry()["replicationConfiguration"] == {"rules": []}


def test_account_settings(ecr):
    default = ecr.get_account_setting(name="BASIC_SCAN_TYPE_VERSION")
    assert (default["name"], default["value"]) == ("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE")
    out = ecr.put_account_setting(name="BASIC_SCAN_TYPE_VERSION", value="CLAIR")
    assert (out["name"], out["value"]) == ("BASIC_SCAN_TYPE_VERSION", "CLAIR")
    assert ecr.get_account_setting(name="BASIC_SCAN_TYPE_VERSION")["value"] == "CLAIR"
    assert ecr.get_account_setting(name="REGISTRY_POLICY_SCOPE")["value"] == "V2"
    assert error_code(ecr.put_account_setting, name="BASIC_SCAN_TYPE_VERSION", value="BOGUS")[0] == "ValidationException"
    assert error_code(ecr.get_account_setting, name="NOT_A_SETTING")[0] == "ValidationException"


def test_registry_policy_scope_v1_limits_actions(ecr):
    wide = json.loads(POLICY)
    wide["Statement"][0]["Action"] = ["ecr:CreateRepository", "ecr:DescribeRepositories"]
    ecr.put_registry_policy(policyText=json.dumps(wide))  # V2, the default: every ECR action
    ecr.put_account_setting(name="REGISTRY_POLICY_SCOPE", value="V1")
    code, message = error_code(ecr.put_registry_policy, policyText=json.dumps(wide))
    assert code == "InvalidParameterException" and "'PolicyText'" in message
    ecr.put_registry_policy(policyText=POLICY)
    ecr.delete_registry_policy()


def test_pull_through_cache_rules(ecr, account):
    out = ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="ecr-public", upstreamRegistryUrl="public.ecr.aws")
    assert out["ecrRepositoryPrefix"] == "ecr-public" and out["registryId"] == account
    assert out["upstreamRegistry"] == "ecr-public" and "createdAt" in out
    assert error_code(ecr.create_pull_through_cache_rule, ecrRepositoryPrefix="ecr-public",
                      upstreamRegistryUrl="public.ecr.aws")[0] == "PullThroughCacheRuleAlreadyExistsException"
    assert error_code(ecr.create_pull_through_cache_rule, ecrRepositoryPrefix="hub",
                      upstreamRegistryUrl="registry-1.docker.io")[0] == "InvalidParameterException"
    assert error_code(ecr.create_pull_through_cache_rule, ecrRepositoryPrefix="odd",
                      upstreamRegistryUrl="example.com")[0] == "UnsupportedUpstreamRegistryException"
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    rules = ecr.describe_pull_through_cache_rules()["pullThroughCacheRules"]
    assert sorted(r["ecrRepositoryPrefix"] for r in rules) == ["ecr-public", "quay"]
    one = ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=["quay"])["pullThroughCacheRules"]
    assert [r["upstreamRegistryUrl"] for r in one] == ["quay.io"]
    assert error_code(ecr.describe_pull_through_cache_rules,
                      ecrRepositoryPrefixes=["nope"])[0] == "PullThroughCacheRuleNotFoundException"
    updated = ecr.update_pull_through_cache_rule(
        ecrRepositoryPrefix="quay", credentialArn=f"arn:aws:secretsmanager:us-east-1:{account}:secret:ecr-pullthroughcache/quay-AbCdEf")
    assert updated["credentialArn"].endswith("quay-AbCdEf") and "updatedAt" in updated
    validated = ecr.validate_pull_through_cache_rule(ecrRepositoryPrefix="quay")
    assert validated["ecrRepositoryPrefix"] == "quay" and validated["isValid"] is False and validated["failure"]
    assert error_code(ecr.validate_pull_through_cache_rule,
                      ecrRepositoryPrefix="nope")[0] == "PullThroughCacheRuleNotFoundException"
    assert ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="quay")["upstreamRegistryUrl"] == "quay.io"
    assert error_code(ecr.delete_pull_through_cache_rule,
                      ecrRepositoryPrefix="quay")[0] == "PullThroughCacheRuleNotFoundException"
    ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="ecr-public")
    assert ecr.describe_pull_through_cache_rules()["pullThroughCacheRules"] == []


def test_repository_creation_templates(ecr, account):
    out = ecr.create_repository_creation_template(prefix="team-a", description="team A",
                                                  appliedFor=["PULL_THROUGH_CACHE"], imageTagMutability="IMMUTABLE")
    template = out["repositoryCreationTemplate"]
    assert out["registryId"] == account and template["prefix"] == "team-a"
    assert template["imageTagMutability"] == "IMMUTABLE" and template["appliedFor"] == ["PULL_THROUGH_CACHE"]
    assert template["encryptionConfiguration"] == {"encryptionType": "AES256"}
    assert error_code(ecr.create_repository_creation_template, prefix="team-a",
                      appliedFor=["REPLICATION"])[0] == "TemplateAlreadyExistsException"
    assert error_code(ecr.create_repository_creation_template, prefix="team-b", appliedFor=["REPLICATION"],
                      repositoryPolicy="{nope")[0] == "InvalidParameterException"
    updated = ecr.update_repository_creation_template(prefix="team-a", description="changed")
    assert updated["repositoryCreationTemplate"]["description"] == "changed"
    assert updated["repositoryCreationTemplate"]["imageTagMutability"] == "IMMUTABLE"
    listed = ecr.describe_repository_creation_templates(prefixes=["team-a"])["repositoryCreationTemplates"]
    assert [t["description"] for t in listed] == ["changed"]
    assert error_code(ecr.update_repository_creation_template, prefix="nope")[0] == "TemplateNotFoundException"
    assert ecr.delete_repository_creation_template(prefix="team-a")["repositoryCreationTemplate"]["prefix"] == "team-a"
    assert error_code(ecr.delete_repository_creation_template, prefix="team-a")[0] == "TemplateNotFoundException"
    assert ecr.describe_repository_creation_templates()["repositoryCreationTemplates"] == []


def test_batch_get_image_accepted_media_types(server, ecr, account):
    repo = unique_name("amt")
    ecr.create_repository(repositoryName=repo)
    try:
        digest, manifest = Registry(server, account).push_image(repo, "v1")
        ok = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}],
                                 acceptedMediaTypes=[DOCKER_MANIFEST, OCI_MANIFEST])
        assert ok["images"][0]["imageManifest"] == manifest.decode() and ok["failures"] == []
        refused = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}],
                                      acceptedMediaTypes=["application/vnd.docker.distribution.manifest.v1+json"])
        assert refused["images"] == []
        assert refused["failures"][0]["failureCode"] == "UnsupportedImageType"
        assert refused["failures"][0]["imageId"] == {"imageDigest": digest, "imageTag": "v1"}
        # By tag, the Docker manifest is converted to OCI: types mapped, digest of the converted bytes.
        converted = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}],
                                        acceptedMediaTypes=[OCI_MANIFEST])["images"][0]
        oci = json.loads(converted["imageManifest"])
        original = json.loads(manifest)
        assert converted["imageManifestMediaType"] == OCI_MANIFEST and oci["mediaType"] == OCI_MANIFEST
        assert oci["config"] == {**original["config"], "mediaType": "application/vnd.oci.image.config.v1+json"}
        assert [layer["mediaType"] for layer in oci["layers"]] == ["application/vnd.oci.image.layer.v1.tar+gzip"]
        assert [layer["digest"] for layer in oci["layers"]] == [layer["digest"] for layer in original["layers"]]
        assert converted["imageId"] == {"imageTag": "v1", "imageDigest": sha256(converted["imageManifest"].encode())}
        # By digest the stored bytes are the only answer.
        by_digest = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageDigest": digest}],
                                        acceptedMediaTypes=[OCI_MANIFEST])
        assert by_digest["images"] == [] and by_digest["failures"][0]["failureCode"] == "UnsupportedImageType"
    finally:
        ecr.delete_repository(repositoryName=repo, force=True)


def test_signing_configuration(ecr, account):
    assert error_code(ecr.get_signing_configuration)[0] == "SigningConfigurationNotFoundException"
    assert error_code(ecr.delete_signing_configuration)[0] == "SigningConfigurationNotFoundException"
    config = {"rules": [{"signingProfileArn": f"arn:aws:signer:us-east-1:{account}:/signing-profiles/team_profile",
                         "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD_MATCH"}]}]}
    assert ecr.put_signing_configuration(signingConfiguration=config)["signingConfiguration"] == config
    got = ecr.get_signing_configuration()
    assert got["registryId"] == account and got["signingConfiguration"] == config
    assert ecr.delete_signing_configuration()["signingConfiguration"] == config
    assert error_code(ecr.get_signing_configuration)[0] == "SigningConfigurationNotFoundException"
