"""What ECS does with an ECR image named in a task definition: map the repositoryUri form or the AWS form
(<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>) to the local registry and have dockerd pull it with the
X-Registry-Auth credentials the emulator hands it (the Engine API, no docker login)."""

import http.client
import json
import socket
import urllib.parse

import pytest

from conftest import random_account
from test_ecr_support import docker_cli, registry_info, unique_name  # noqa: F401 - docker_cli is a fixture

DOCKER_SOCKET = "/var/run/docker.sock"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def engine_pull(reference, registry_auth):
    """POST /images/create as the ECS agent would; returns (status, last progress message)."""
    name, _, tag = reference.rpartition(":")
    conn = UnixConnection(DOCKER_SOCKET)
    try:
        query = urllib.parse.urlencode({"fromImage": name, "tag": tag})
        conn.request("POST", f"/images/create?{query}", headers={"X-Registry-Auth": registry_auth})
        resp = conn.getresponse()
        lines = [json.loads(line) for line in resp.read().decode().splitlines() if line.strip()]
        return resp.status, lines[-1] if lines else {}
    finally:
        conn.close()


def resolve(srv, image, account, region="us-east-1"):
    query = urllib.parse.urlencode({"image": image, "account": account, "region": region})
    status, _, body = srv.http("GET", f"/_albatross/registry/resolve?{query}")
    return status, json.loads(body)


@pytest.mark.parametrize("form", ["repository-uri", "aws"])
def test_dockerd_pulls_an_ecr_image_by_either_name(server, docker_cli, form):
    account = random_account()
    name = unique_name("ecs")
    uri = server.client("ecr", account=account).create_repository(repositoryName=name)["repository"]["repositoryUri"]
    docker_cli.login(server, account, uri.split("/")[0])
    reference = docker_cli.build(f"{uri}:v1")
    built_id = docker_cli.image_id(reference)
    docker_cli.run("push", reference)
    docker_cli.rmi(reference)
    assert not docker_cli.exists(reference)

    image = f"{uri}:v1" if form == "repository-uri" else f"{account}.dkr.ecr.us-east-1.amazonaws.com/{name}:v1"
    caller = account if form == "repository-uri" else random_account()  # the AWS form names its own account
    status, resolved = resolve(server, image, caller)
    assert status == 200, resolved
    assert resolved["reference"] == f"{registry_info(server)['host']}/{name}:v1"
    status, last = engine_pull(resolved["reference"], resolved["registry_auth"])
    assert status == 200 and "error" not in last, last
    assert docker_cli.image_id(resolved["reference"]) == built_id


def test_foreign_images_are_not_resolved_and_wrong_credentials_cannot_pull(server, docker_cli):
    assert resolve(server, "busybox:latest", random_account())[0] == 404
    account = random_account()
    name = unique_name("ecs-denied")
    uri = server.client("ecr", account=account).create_repository(repositoryName=name)["repository"]["repositoryUri"]
    docker_cli.login(server, account, uri.split("/")[0])
    docker_cli.run("push", docker_cli.build(f"{uri}:v1"))
    # credentials of another account do not see the repository
    status, resolved = resolve(server, f"{uri}:v1", random_account())
    assert status == 200
    docker_cli.references.add(resolved["reference"])
    docker_cli.rmi(resolved["reference"])
    status, last = engine_pull(resolved["reference"], resolved["registry_auth"])
    assert status != 200 or "error" in last or "message" in last
    assert not docker_cli.exists(resolved["reference"])
