"""ECR images through the JSON API (boto3 and the aws CLI v2): layer uploads, PutImage, BatchGetImage,
DescribeImages, ListImages, BatchDeleteImage, scans and lifecycle policy previews."""

import json
import os
import urllib.request

import pytest

from conftest import random_account
from test_ecr_support import DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, LAYER_TYPE, Registry, sha256, unique_name


@pytest.fixture
def ecr(server, account):
    return server.client("ecr", account=account)


@pytest.fixture
def repo(ecr):
    name = unique_name("img")
    ecr.create_repository(repositoryName=name)
    return name


def upload_layer(ecr, repo, data, parts=1):
    """InitiateLayerUpload / UploadLayerPart / CompleteLayerUpload; returns the digest."""
    upload = ecr.initiate_layer_upload(repositoryName=repo)
    assert upload["partSize"] > 0
    step = max(1, len(data) // parts)
    offset = 0
    while offset < len(data):
        piece = data[offset:offset + step]
        out = ecr.upload_layer_part(repositoryName=repo, uploadId=upload["uploadId"], partFirstByte=offset,
                                    partLastByte=offset + len(piece) - 1, layerPartBlob=piece)
        assert out["lastByteReceived"] == offset + len(piece) - 1
        offset += len(piece)
    done = ecr.complete_layer_upload(repositoryName=repo, uploadId=upload["uploadId"], layerDigests=[sha256(data)])
    assert done["layerDigest"] == sha256(data)
    return sha256(data)


def ensure_layer(ecr, repo, data):
    available = ecr.batch_check_layer_availability(repositoryName=repo, layerDigests=[sha256(data)])["layers"][0]
    return sha256(data) if available["layerAvailability"] == "AVAILABLE" else upload_layer(ecr, repo, data)


def image_manifest(ecr, repo, layers=(b"layer-bytes",)):
    config = json.dumps({"architecture": "amd64", "os": "linux", "nonce": os.urandom(8).hex()}).encode()
    entries = [{"mediaType": LAYER_TYPE, "size": len(layer), "digest": ensure_layer(ecr, repo, layer)} for layer in layers]
    return json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(config),
                                  "digest": upload_layer(ecr, repo, config)},
                       "layers": entries})


def test_layer_upload_api(ecr, repo):
    data = os.urandom(20_000)
    digest = upload_layer(ecr, repo, data, parts=3)
    out = ecr.batch_check_layer_availability(repositoryName=repo, layerDigests=[digest, sha256(b"absent"), "bogus"])
    assert out["layers"][0] == {"layerDigest": digest, "layerAvailability": "AVAILABLE", "layerSize": len(data)}
    assert out["layers"][1]["layerAvailability"] == "UNAVAILABLE"
    assert out["failures"][0]["failureCode"] == "InvalidLayerDigest"
    url = ecr.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)
    assert f"/v2/{repo}/blobs/{digest}?" in url["downloadUrl"] and url["layerDigest"] == digest
    with urllib.request.urlopen(url["downloadUrl"], timeout=30) as resp:  # presigned: no credentials needed
        assert resp.read() == data
    with pytest.raises(ecr.exceptions.LayersNotFoundException):
        ecr.get_download_url_for_layer(repositoryName=repo, layerDigest=sha256(b"absent"))
    upload = ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
    ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=0, partLastByte=len(data) - 1,
                          layerPartBlob=data)
    with pytest.raises(ecr.exceptions.LayerAlreadyExistsException):
        ecr.complete_layer_upload(repositoryName=repo, uploadId=upload, layerDigests=[digest])


def test_layer_upload_errors(ecr, repo):
    upload = ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
    with pytest.raises(ecr.exceptions.InvalidLayerPartException):
        ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=5, partLastByte=9, layerPartBlob=b"12345")
    with pytest.raises(ecr.exceptions.EmptyUploadException):
        ecr.complete_layer_upload(repositoryName=repo, uploadId=upload, layerDigests=[sha256(b"")])
    upload = ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
    ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=0, partLastByte=4, layerPartBlob=b"12345")
    with pytest.raises(ecr.exceptions.InvalidLayerException):
        ecr.complete_layer_upload(repositoryName=repo, uploadId=upload, layerDigests=[sha256(b"54321")])
    with pytest.raises(ecr.exceptions.UploadNotFoundException):
        ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=0, partLastByte=0, layerPartBlob=b"1")
    with pytest.raises(ecr.exceptions.LayersNotFoundException):
        ecr.get_download_url_for_layer(repositoryName=repo, layerDigest=sha256(b"54321"))


def test_put_image_and_batch_get(ecr, repo, account):
    manifest = image_manifest(ecr, repo)
    digest = sha256(manifest.encode())
    image = ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")["image"]
    assert image == {"registryId": account, "repositoryName": repo, "imageId": {"imageDigest": digest, "imageTag": "v1"},
                     "imageManifest": manifest, "imageManifestMediaType": DOCKER_MANIFEST}
    with pytest.raises(ecr.exceptions.ImageAlreadyExistsException):
        ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")
    ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v2", imageDigest=digest)
    got = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v2"}, {"imageDigest": digest},
                                                            {"imageTag": "missing"}, {"imageDigest": "bad digest"},
                                                            {"imageTag": "v1", "imageDigest": sha256(b"x")}])
    assert [i["imageId"] for i in got["images"]] == [{"imageDigest": digest, "imageTag": "v2"}, {"imageDigest": digest}]
    assert got["images"][0]["imageManifest"] == manifest
    assert sorted(f["failureCode"] for f in got["failures"]) == ["ImageNotFound", "ImageTagDoesNotMatchDigest",
                                                                  "InvalidImageDigest"]
    with pytest.raises(ecr.exceptions.ImageDigestDoesNotMatchException):
        ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v3", imageDigest=sha256(b"other"))


def test_put_image_errors(ecr, repo):
    missing = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                          "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 3,
                                     "digest": sha256(b"abc")}, "layers": []})
    with pytest.raises(ecr.exceptions.LayersNotFoundException) as exc:
        ecr.put_image(repositoryName=repo, imageManifest=missing, imageTag="v1")
    assert sha256(b"abc") in exc.value.response["Error"]["Message"]
    with pytest.raises(ecr.exceptions.InvalidParameterException):
        ecr.put_image(repositoryName=repo, imageManifest="{not json", imageTag="v1")
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.put_image(repositoryName="missing-" + repo, imageManifest=missing, imageTag="v1")
    # Without a mediaType in the manifest, the API call must name it.
    untyped = image_manifest(ecr, repo)
    untyped_doc = json.loads(untyped)
    del untyped_doc["mediaType"]
    with pytest.raises(ecr.exceptions.InvalidParameterException) as exc:
        ecr.put_image(repositoryName=repo, imageManifest=json.dumps(untyped_doc), imageTag="v1")
    assert exc.value.response["Error"]["Message"] == "image manifest mediatype not provided in manifest or parameter"
    out = ecr.put_image(repositoryName=repo, imageManifest=json.dumps(untyped_doc), imageTag="v1",
                        imageManifestMediaType=DOCKER_MANIFEST)["image"]
    assert out["imageManifestMediaType"] == DOCKER_MANIFEST


def test_immutable_repository_through_the_api(ecr):
    name = unique_name("immutable-api")
    ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")
    ecr.put_image(repositoryName=name, imageManifest=image_manifest(ecr, name), imageTag="release")
    with pytest.raises(ecr.exceptions.ImageTagAlreadyExistsException) as exc:
        ecr.put_image(repositoryName=name, imageManifest=image_manifest(ecr, name), imageTag="release")
    assert exc.value.response["Error"]["Message"] == (
        f"The image tag 'release' already exists in the '{name}' repository and cannot be overwritten because the tag "
        "is immutable.")


def test_describe_and_list_images(aws, ecr, repo, account):
    first = image_manifest(ecr, repo, layers=[b"a" * 100, b"b" * 50])
    second = image_manifest(ecr, repo)
    ecr.put_image(repositoryName=repo, imageManifest=first, imageTag="one")
    ecr.put_image(repositoryName=repo, imageManifest=first, imageTag="uno")
    ecr.put_image(repositoryName=repo, imageManifest=second)  # untagged
    details = {d["imageDigest"]: d for d in ecr.describe_images(repositoryName=repo)["imageDetails"]}
    one = details[sha256(first.encode())]
    assert one["imageTags"] == ["one", "uno"] and one["imageSizeInBytes"] == 150
    assert "imageTags" not in details[sha256(second.encode())]
    tagged = ecr.describe_images(repositoryName=repo, filter={"tagStatus": "TAGGED"})["imageDetails"]
    assert [d["imageDigest"] for d in tagged] == [sha256(first.encode())]
    listed = aws("ecr", "list-images", "--repository-name", repo)[1]["imageIds"]
    assert sorted(listed, key=lambda i: i.get("imageTag", "")) == sorted([
        {"imageDigest": sha256(first.encode()), "imageTag": "one"},
        {"imageDigest": sha256(first.encode()), "imageTag": "uno"},
        {"imageDigest": sha256(second.encode())}], key=lambda i: i.get("imageTag", ""))
    untagged = ecr.list_images(repositoryName=repo, filter={"tagStatus": "UNTAGGED"})["imageIds"]
    assert untagged == [{"imageDigest": sha256(second.encode())}]
    page = ecr.describe_images(repositoryName=repo, maxResults=1)
    assert len(page["imageDetails"]) == 1 and "nextToken" in page
    with pytest.raises(ecr.exceptions.ImageNotFoundException) as exc:
        ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": "nope"}])
    # The digest the request left out is printed the way ECR prints it: as null.
    assert exc.value.response["Error"]["Message"] == (
        f"The image with imageId {{imageDigest:'null', imageTag:'nope'}} does not exist within the repository "
        f"with name '{repo}' in the registry with id '{account}'")
    with pytest.raises(ecr.exceptions.InvalidParameterException):
        ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": "one"}], maxResults=5)


def test_batch_delete_image_partial_failures(ecr, repo):
    manifest = image_manifest(ecr, repo)
    digest = sha256(manifest.encode())
    ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="a")
    ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="b")
    out = ecr.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "a"}, {"imageTag": "missing"}, {}])
    assert out["imageIds"] == [{"imageDigest": digest, "imageTag": "a"}]
    assert [f["failureCode"] for f in out["failures"]] == ["ImageNotFound", "MissingDigestAndTag"]
    assert out["failures"][0]["failureReason"] == "Requested image not found"
    assert ecr.describe_images(repositoryName=repo)["imageDetails"][0]["imageTags"] == ["b"]
    out = ecr.batch_delete_image(repositoryName=repo, imageIds=[{"imageDigest": digest}])
    assert out["imageIds"] == [{"imageDigest": digest, "imageTag": "b"}] and out["failures"] == []
    assert ecr.describe_images(repositoryName=repo)["imageDetails"] == []


def test_deleting_the_last_tag_deletes_the_image(server, ecr, repo, account):
    manifest = image_manifest(ecr, repo)
    ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="only")
    ecr.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "only"}])
    assert ecr.list_images(repositoryName=repo)["imageIds"] == []
    registry = Registry(server, account)
    assert registry.request("GET", f"/v2/{repo}/manifests/{sha256(manifest.encode())}")[0] == 404


def test_image_index_through_put_image(ecr, repo):
    child = image_manifest(ecr, repo)
    ecr.put_image(repositoryName=repo, imageManifest=child)
    index = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST_LIST, "manifests": [
        {"mediaType": DOCKER_MANIFEST, "size": len(child), "digest": sha256(child.encode()),
         "platform": {"architecture": "amd64", "os": "linux"}}]})
    out = ecr.put_image(repositoryName=repo, imageManifest=index, imageTag="multi",
                        imageManifestMediaType=DOCKER_MANIFEST_LIST)["image"]
    assert out["imageManifestMediaType"] == DOCKER_MANIFEST_LIST
    missing_child = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST_LIST, "manifests": [
        {"mediaType": DOCKER_MANIFEST, "size": 1, "digest": sha256(b"none")}]})
    with pytest.raises(ecr.exceptions.ClientError) as exc:
        ecr.put_image(repositoryName=repo, imageManifest=missing_child, imageTag="broken")
    assert exc.value.response["Error"]["Code"] == "ReferencedImagesNotFoundException"


def test_image_scan(ecr, repo, account):
    manifest = image_manifest(ecr, repo)
    ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="scan")
    with pytest.raises(ecr.exceptions.ScanNotFoundException) as exc:
        ecr.describe_image_scan_findings(repositoryName=repo, imageId={"imageTag": "scan"})
    # The message echoes the imageId as asked for; the digest the request left out reads null.
    assert exc.value.response["Error"]["Message"] == (
        f"Image scan does not exist for the image with '{{imageDigest:'null', imageTag:'scan'}}' in the repository "
        f"with name '{repo}' in the registry with id '{account}'")
    started = ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": "scan"})
    assert started["imageId"] == {"imageDigest": sha256(manifest.encode()), "imageTag": "scan"}
    ecr.get_waiter("image_scan_complete").wait(repositoryName=repo, imageId={"imageTag": "scan"},
                                               WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    findings = ecr.describe_image_scan_findings(repositoryName=repo, imageId={"imageTag": "scan"})
    assert findings["imageScanStatus"]["status"] == "COMPLETE"
    assert findings["imageScanFindings"]["findings"] == []
    assert findings["imageScanFindings"]["findingSeverityCounts"] == {}
    detail = ecr.describe_images(repositoryName=repo)["imageDetails"][0]
    assert detail["imageScanStatus"]["status"] == "COMPLETE"
    with pytest.raises(ecr.exceptions.ImageNotFoundException):
        ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": "nope"})


def test_scan_on_push(ecr):
    name = unique_name("scan-on-push")
    ecr.create_repository(repositoryName=name, imageScanningConfiguration={"scanOnPush": True})
    ecr.put_image(repositoryName=name, imageManifest=image_manifest(ecr, name), imageTag="v1")
    assert ecr.describe_image_scan_findings(repositoryName=name, imageId={"imageTag": "v1"})["imageScanStatus"]["status"] == "COMPLETE"


POLICY = {"rules": [
    {"rulePriority": 1, "description": "keep two prod", "selection": {
        "tagStatus": "tagged", "tagPrefixList": ["prod"], "countType": "imageCountMoreThan", "countNumber": 2},
     "action": {"type": "expire"}},
    {"rulePriority": 2, "description": "untagged", "selection": {
        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
     "action": {"type": "expire"}},
    {"rulePriority": 3, "description": "anything beyond five", "selection": {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5},
     "action": {"type": "expire"}},
]}


def test_lifecycle_policy_crud(aws, ecr, repo, account):
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException) as exc:
        ecr.get_lifecycle_policy(repositoryName=repo)
    assert exc.value.response["Error"]["Message"] == (
        f"Lifecycle policy does not exist for the repository with name '{repo}' in the registry with id '{account}'")
    text = json.dumps(POLICY)
    rc, out, err = aws("ecr", "put-lifecycle-policy", "--repository-name", repo, "--lifecycle-policy-text", text)
    assert rc == 0, err
    assert out["lifecyclePolicyText"] == text
    assert ecr.get_lifecycle_policy(repositoryName=repo)["lifecyclePolicyText"] == text
    assert ecr.delete_lifecycle_policy(repositoryName=repo)["lifecyclePolicyText"] == text
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.delete_lifecycle_policy(repositoryName=repo)


@pytest.mark.parametrize("bad_rule", [
    {"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1},
     "action": {"type": "expire"}},  # tagged without prefixes
    {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countNumber": 1},
     "action": {"type": "expire"}},  # no countUnit
    {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 0},
     "action": {"type": "expire"}},  # countNumber < 1
    {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
     "action": {"type": "delete"}},
])
def test_invalid_lifecycle_policies(ecr, repo, bad_rule):
    text = json.dumps({"rules": [bad_rule], "padding": "x" * 100})
    with pytest.raises(ecr.exceptions.InvalidParameterException) as exc:
        ecr.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=text)
    assert "Lifecycle policy validation failure" in exc.value.response["Error"]["Message"]


def test_lifecycle_policy_preview_applies_the_rules(ecr, repo):
    pushed = {}
    for tag in ["prod-1", "prod-2", "prod-3", "dev-1", "dev-2", "dev-3", "dev-4"]:
        manifest = image_manifest(ecr, repo)
        ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag)
        pushed[tag] = sha256(manifest.encode())
    untagged = image_manifest(ecr, repo)
    ecr.put_image(repositoryName=repo, imageManifest=untagged)
    with pytest.raises(ecr.exceptions.LifecyclePolicyPreviewNotFoundException):
        ecr.get_lifecycle_policy_preview(repositoryName=repo)
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.start_lifecycle_policy_preview(repositoryName=repo)
    ecr.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=json.dumps(POLICY))
    assert ecr.start_lifecycle_policy_preview(repositoryName=repo)["status"] == "IN_PROGRESS"
    preview = ecr.get_lifecycle_policy_preview(repositoryName=repo)
    assert preview["status"] == "COMPLETE"
    expired = {r["imageDigest"]: r["appliedRulePriority"] for r in preview["previewResults"]}
    # rule 1 keeps the two newest prod images; the untagged one is younger than a day; rule 3 sees the
    # 4 dev images and the untagged one (prod images were claimed by rule 1): 5, nothing beyond five
    assert expired == {pushed["prod-1"]: 1}
    assert preview["summary"]["expiringImageTotalCount"] == 1
    assert preview["previewResults"][0]["action"] == {"type": "EXPIRE"}
    assert preview["previewResults"][0]["imageTags"] == ["prod-1"]
    # a stricter rule given directly to the preview
    strict = {"rules": [{"rulePriority": 1, "description": "keep one", "selection": {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
    ecr.start_lifecycle_policy_preview(repositoryName=repo, lifecyclePolicyText=json.dumps(strict))
    results = ecr.get_lifecycle_policy_preview(repositoryName=repo)["previewResults"]
    assert len(results) == 7 and sha256(untagged.encode()) not in {r["imageDigest"] for r in results}
    # the preview never deletes anything
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 8
