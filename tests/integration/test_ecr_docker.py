"""ECR with the stock docker CLI: login with get-login-password, push, rmi, pull back, immutable tags, a multi-arch
index put through the API, restart and reset. Every image name is unique; every reference is removed afterwards."""

import json

import pytest

from conftest import random_account, wait_until
from test_ecr_support import (  # noqa: F401 - docker_cli is a fixture
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    Registry,
    docker_cli,
    registry_info,
    sha256,
    unique_name,
)


@pytest.fixture
def ecr_account(server):
    return random_account()


def create_repository(srv, account, name, **kw):
    return srv.client("ecr", account=account).create_repository(repositoryName=name, **kw)["repository"]


def test_repository_uri_is_the_local_registry(server, ecr_account):
    repo = create_repository(server, ecr_account, unique_name("uri"))
    assert repo["repositoryUri"] == f"{registry_info(server)['host']}/{repo['repositoryName']}"
    assert repo["repositoryUri"].startswith("localhost:")


def test_push_rmi_pull_and_describe_images(server, ecr_account, docker_cli):
    name = unique_name("app")
    uri = create_repository(server, ecr_account, name)["repositoryUri"]
    host = uri.split("/")[0]
    docker_cli.login(server, ecr_account, host)
    reference = docker_cli.build(f"{uri}:v1")
    built_id = docker_cli.image_id(reference)
    push = docker_cli.run("push", reference)
    digest = [line.split("digest: ")[1].split()[0] for line in push.stdout.splitlines() if "digest: " in line][0]

    ecr = server.client("ecr", account=ecr_account)
    detail = ecr.describe_images(repositoryName=name)["imageDetails"]
    assert len(detail) == 1
    assert detail[0]["imageDigest"] == digest
    assert detail[0]["imageTags"] == ["v1"]
    assert detail[0]["imageManifestMediaType"] == DOCKER_MANIFEST
    assert detail[0]["artifactMediaType"] == "application/vnd.docker.container.image.v1+json"
    manifest = json.loads(ecr.batch_get_image(repositoryName=name, imageIds=[{"imageTag": "v1"}])["images"][0]["imageManifest"])
    assert detail[0]["imageSizeInBytes"] == sum(layer["size"] for layer in manifest["layers"])
    assert sha256(ecr.batch_get_image(repositoryName=name, imageIds=[{"imageDigest": digest}])["images"][0]
                  ["imageManifest"].encode()) == digest

    docker_cli.rmi(reference)
    assert not docker_cli.exists(reference)
    docker_cli.pull(reference)
    assert docker_cli.image_id(reference) == built_id
    assert docker_cli.run("run", "--rm", reference).returncode == 0  # the pulled image really runs
    docker_cli.pull(f"{uri}@{digest}")
    assert "lastRecordedPullTime" in ecr.describe_images(repositoryName=name)["imageDetails"][0]


def test_push_to_missing_repository_names_it(server, ecr_account, docker_cli):
    host = registry_info(server)["host"]
    docker_cli.login(server, ecr_account, host)
    name = unique_name("missing")
    reference = docker_cli.build(f"{host}/{name}:v1")
    push = docker_cli.run("push", reference, check=False)
    assert push.returncode != 0
    assert f"The repository with name '{name}' does not exist in the registry with id '{ecr_account}'" in push.stderr


def test_push_without_login_is_refused(server, ecr_account, docker_cli):
    name = unique_name("nologin")
    uri = create_repository(server, ecr_account, name)["repositoryUri"]
    reference = docker_cli.build(f"{uri}:v1")
    push = docker_cli.run("push", reference, check=False)
    assert push.returncode != 0
    assert "no basic auth credentials" in push.stderr or "unauthorized" in push.stderr.lower()
    assert server.client("ecr", account=ecr_account).list_images(repositoryName=name)["imageIds"] == []


def test_immutable_tag_cannot_be_pushed_twice(server, ecr_account, docker_cli):
    name = unique_name("immutable")
    uri = create_repository(server, ecr_account, name, imageTagMutability="IMMUTABLE")["repositoryUri"]
    docker_cli.login(server, ecr_account, uri.split("/")[0])
    first = docker_cli.build(f"{uri}:release")
    docker_cli.run("push", first)
    second = docker_cli.build(f"{uri}:release")  # different content, same tag
    push = docker_cli.run("push", second, check=False)
    assert push.returncode != 0
    assert (f"tag invalid: The image tag 'release' already exists in the '{name}' repository and cannot be "
            "overwritten because the tag is immutable.") in push.stderr
    images = server.client("ecr", account=ecr_account).describe_images(repositoryName=name)["imageDetails"]
    tagged = [image for image in images if "release" in image.get("imageTags", [])]
    assert len(tagged) == 1


def test_mutable_tag_moves_and_old_image_stays_untagged(server, ecr_account, docker_cli):
    name = unique_name("mutable")
    uri = create_repository(server, ecr_account, name)["repositoryUri"]
    docker_cli.login(server, ecr_account, uri.split("/")[0])
    docker_cli.run("push", docker_cli.build(f"{uri}:latest"))
    docker_cli.run("push", docker_cli.build(f"{uri}:latest"))
    ecr = server.client("ecr", account=ecr_account)
    assert len(ecr.describe_images(repositoryName=name, filter={"tagStatus": "UNTAGGED"})["imageDetails"]) == 1
    assert len(ecr.describe_images(repositoryName=name, filter={"tagStatus": "TAGGED"})["imageDetails"]) == 1


def test_multi_arch_index_put_through_the_api_is_pullable(server, ecr_account, docker_cli):
    name = unique_name("multiarch")
    uri = create_repository(server, ecr_account, name)["repositoryUri"]
    docker_cli.login(server, ecr_account, uri.split("/")[0])
    ref = docker_cli.build(f"{uri}:amd64")
    docker_cli.run("push", ref)
    ecr = server.client("ecr", account=ecr_account)
    child = ecr.batch_get_image(repositoryName=name, imageIds=[{"imageTag": "amd64"}])["images"][0]
    # a second, API-pushed arm64 image (layers uploaded through the registry)
    registry = Registry(server, ecr_account)
    arm_digest, arm_manifest = registry.push_image(name, "arm64")
    index = json.dumps({
        "schemaVersion": 2, "mediaType": DOCKER_MANIFEST_LIST,
        "manifests": [
            {"mediaType": DOCKER_MANIFEST, "size": len(child["imageManifest"].encode()),
             "digest": child["imageId"]["imageDigest"], "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": DOCKER_MANIFEST, "size": len(arm_manifest), "digest": arm_digest,
             "platform": {"architecture": "arm64", "os": "linux"}},
        ]})
    put = ecr.put_image(repositoryName=name, imageManifest=index, imageTag="multi",
                        imageManifestMediaType=DOCKER_MANIFEST_LIST)["image"]
    assert put["imageId"]["imageDigest"] == sha256(index.encode())
    detail = ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": "multi"}])["imageDetails"][0]
    assert detail["imageManifestMediaType"] == DOCKER_MANIFEST_LIST
    docker_cli.pull(f"{uri}:multi")  # docker resolves the index to the amd64 image
    assert docker_cli.image_id(f"{uri}:multi") == docker_cli.image_id(ref)
    # a child an index references cannot be deleted by digest
    failures = ecr.batch_delete_image(repositoryName=name, imageIds=[{"imageDigest": arm_digest}])["failures"]
    assert failures[0]["failureCode"] == "ImageReferencedByManifestList"


def test_restart_keeps_every_image(make_server, docker_cli):
    srv = make_server(time_scale=0.01)
    account = random_account()
    name = unique_name("restart")
    create_repository(srv, account, name)
    host = registry_info(srv)["host"]
    docker_cli.login(srv, account, host)
    reference = docker_cli.build(f"{host}/{name}:v1")
    built_id = docker_cli.image_id(reference)
    docker_cli.run("push", reference)
    before = srv.client("ecr", account=account).describe_images(repositoryName=name)["imageDetails"]

    srv.restart(hard=True)  # kill -9: nothing acknowledged may be lost
    host = registry_info(srv)["host"]  # the ephemeral port changed
    after = srv.client("ecr", account=account).describe_images(repositoryName=name)["imageDetails"]
    assert [(i["imageDigest"], i["imageTags"], i["imageSizeInBytes"]) for i in after] == \
        [(i["imageDigest"], i["imageTags"], i["imageSizeInBytes"]) for i in before]
    docker_cli.login(srv, account, host)
    docker_cli.pull(f"{host}/{name}:v1")
    assert docker_cli.image_id(f"{host}/{name}:v1") == built_id


def test_reset_empties_the_registry(make_server):
    srv = make_server(time_scale=0.01)
    account = random_account()
    name = unique_name("reset")
    create_repository(srv, account, name)
    registry = Registry(srv, account)
    digest, _ = registry.push_image(name, "v1", layers=[b"reset-layer"])
    blobs_dir = f"{srv.state_dir}/registry/blobs/sha256"
    import os
    assert len(os.listdir(blobs_dir)) == 2  # config + layer
    srv.reset()
    assert os.listdir(blobs_dir) == []
    ecr = srv.client("ecr", account=account)
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.describe_images(repositoryName=name)
    status, _, _ = registry.request("GET", f"/v2/{name}/manifests/{digest}")
    assert status == 404
    wait_until(lambda: srv.health()["status"] == "running")
