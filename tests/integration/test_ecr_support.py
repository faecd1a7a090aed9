"""Helpers for the ECR tests: a raw registry client, a docker CLI with its own config dir, images FROM scratch.

(Named test_ecr_* so it sits with the ECR tests; it defines no tests.)"""

import base64
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import uuid

import pytest

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
BUSYBOX = "/bin/busybox"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def unique_name(prefix="it"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def registry_info(srv):
    status, _, body = srv.http("GET", "/_albatross/registry")
    assert status == 200, body
    return json.loads(body)


class Registry:
    """Raw Docker Registry HTTP API v2 client for one account/region of a server."""

    def __init__(self, srv, account, region="us-east-1"):
        info = registry_info(srv)
        self.host = info["host"]
        self.port = info["port"]
        data = srv.client("ecr", account=account, region=region).get_authorization_token()["authorizationData"][0]
        self.authorization = "Basic " + data["authorizationToken"]

    def request(self, method, path, body=None, headers=None, auth=True, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if auth:
                hdrs.setdefault("Authorization", self.authorization)
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def push_blob(self, repo, data):
        """Monolithic upload (POST then PUT with the whole body). Returns the digest."""
        digest = sha256(data)
        status, headers, body = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        assert status == 202, (status, body)
        status, headers, body = self.request("PUT", f"{headers['location']}?digest={digest}", body=data,
                                             headers={"Content-Type": "application/octet-stream"})
        assert status == 201, (status, body)
        return digest

    def push_image(self, repo, tag, layers=(b"layer",), config=None, media_type=DOCKER_MANIFEST):
        """Pushes blobs and a manifest; returns (manifest digest, manifest bytes)."""
        config = config or json.dumps({"architecture": "amd64", "os": "linux",
                                       "rootfs": {"type": "layers", "diff_ids": []},
                                       "nonce": uuid.uuid4().hex}).encode()
        config_digest = self.push_blob(repo, config)
        layer_entries = []
        for layer in layers:
            layer_entries.append({"mediaType": LAYER_TYPE, "size": len(layer), "digest": self.push_blob(repo, layer)})
        manifest = json.dumps({"schemaVersion": 2, "mediaType": media_type,
                               "config": {"mediaType": DOCKER_CONFIG_TYPE, "size": len(config), "digest": config_digest},
                               "layers": layer_entries}).encode()
        status, headers, body = self.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                             headers={"Content-Type": media_type})
        assert status == 201, (status, body)
        assert headers["docker-content-digest"] == sha256(manifest)
        return sha256(manifest), manifest


def registry_error(body):
    return json.loads(body)["errors"][0]["code"]


def docker_available():
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class DockerCli:
    """The stock docker CLI with a private config dir (its logins never touch ~/.docker). Removes every image
    reference it made when closed."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="albatross-docker-")
        self.env = {**os.environ, "DOCKER_CONFIG": os.path.join(self.dir, "config"), "DOCKER_BUILDKIT": "0"}
        self.references = set()
        self.image_ids = set()  # a rebuilt tag leaves the previous image dangling: remove those by id

    def run(self, *args, check=True, input=None, timeout=180):
        proc = subprocess.run(["docker", *args], capture_output=True, text=True, input=input, env=self.env,
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} failed rc={proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def login(self, srv, account, host, region="us-east-1"):
        password = srv.aws_ok("ecr", "get-login-password", account=account, region=region, output="text").strip()
        proc = self.run("login", "--username", "AWS", "--password-stdin", host, input=password)
        assert "Login Succeeded" in proc.stdout
        return proc

    def build(self, reference, payload=None):
        """An image FROM scratch: busybox plus a file that makes its digest unique. Returns the reference."""
        context = os.path.join(self.dir, uuid.uuid4().hex)
        os.makedirs(context)
        shutil.copy(BUSYBOX, os.path.join(context, "busybox"))
        with open(os.path.join(context, "payload"), "wb") as f:
            f.write(payload if payload is not None else uuid.uuid4().bytes)
        with open(os.path.join(context, "Dockerfile"), "w") as f:
            f.write("FROM scratch\nLABEL albatross.test=ecr\nCOPY busybox /bin/busybox\nCOPY payload /payload\n"
                    'CMD ["/bin/busybox", "true"]\n')
        self.references.add(reference)
        self.run("build", "-q", "-t", reference, context)
        shutil.rmtree(context, ignore_errors=True)
        self.image_ids.add(self.image_id(reference))
        return reference

    def tag(self, source, target):
        self.references.add(target)
        self.run("tag", source, target)

    def pull(self, reference, check=True):
        self.references.add(reference)
        return self.run("pull", reference, check=check)

    def rmi(self, *references):
        self.run("rmi", *references, check=False)

    def image_id(self, reference):
        return self.run("image", "inspect", "--format", "{{.Id}}", reference).stdout.strip()

    def exists(self, reference):
        return self.run("image", "inspect", reference, check=False).returncode == 0

    def close(self):
        if self.references:
            self.run("rmi", "-f", *sorted(self.references), check=False)
        if self.image_ids:
            self.run("rmi", "-f", *sorted(self.image_ids), check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def docker_cli():
    if not docker_available():
        pytest.skip("docker daemon not available")
    cli = DockerCli()
    yield cli
    cli.close()
