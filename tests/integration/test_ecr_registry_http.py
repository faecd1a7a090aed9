"""The Docker Registry HTTP API v2 of the ECR registry, driven with raw HTTP: auth challenge, chunked and
monolithic uploads, digest verification leaving no trace, ranges, mounts, manifests, listings, errors."""

import base64
import http.client
import json
import os

import pytest

from conftest import random_account
from test_ecr_support import DOCKER_MANIFEST, OCI_MANIFEST, Registry, registry_error, sha256, unique_name


@pytest.fixture
def repo(server):
    account = random_account()
    name = unique_name("raw")
    server.client("ecr", account=account).create_repository(repositoryName=name)
    return account, name, Registry(server, account)


def uploads_dir(srv):
    return os.path.join(srv.state_dir, "registry", "uploads")


def test_base_requires_basic_credentials(server, repo):
    account, name, registry = repo
    status, headers, body = registry.request("GET", "/v2/", auth=False)
    assert status == 401
    assert headers["www-authenticate"].startswith('Basic realm="https://')
    assert 'service="ecr.amazonaws.com"' in headers["www-authenticate"]
    assert headers["docker-distribution-api-version"] == "registry/2.0"
    assert registry_error(body) == "UNAUTHORIZED"
    bogus = "Basic " + base64.b64encode(b"AWS:not-a-token").decode()
    assert registry.request("GET", "/v2/", headers={"Authorization": bogus})[0] == 401
    status, headers, body = registry.request("GET", "/v2/")
    assert status == 200 and headers["docker-distribution-api-version"] == "registry/2.0"
    # HEAD answers carry the GET's Content-Length and no body, and the connection stays usable
    conn = http.client.HTTPConnection("127.0.0.1", registry.port, timeout=10)
    for _ in range(2):
        conn.request("HEAD", "/v2/", headers={"Authorization": registry.authorization})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.getheader("Content-Length") == "2" and resp.read() == b""
        conn.request("HEAD", "/v2/missing-repo/manifests/v1", headers={"Authorization": registry.authorization})
        resp = conn.getresponse()
        assert resp.status == 404 and resp.read() == b""
    conn.close()


def test_credentials_see_only_their_account(server, repo):
    account, name, registry = repo
    other = Registry(server, random_account())
    status, _, body = other.request("GET", f"/v2/{name}/tags/list")
    assert status == 404 and registry_error(body) == "NAME_UNKNOWN"
    assert name in json.loads(registry.request("GET", "/v2/_catalog")[2])["repositories"]
    assert name not in json.loads(other.request("GET", "/v2/_catalog")[2])["repositories"]


def test_chunked_upload_with_status_and_content_range(server, repo):
    account, name, registry = repo
    data = os.urandom(300_000)
    status, headers, _ = registry.request("POST", f"/v2/{name}/blobs/uploads/")
    assert status == 202 and headers["range"] == "0-0" and headers["docker-upload-uuid"]
    location = headers["location"]
    status, headers, _ = registry.request("PATCH", location, body=data[:100_000],
                                          headers={"Content-Range": "0-99999", "Content-Type": "application/octet-stream"})
    assert status == 202 and headers["range"] == "0-99999"
    # out-of-order chunk is refused with the current range
    status, headers, _ = registry.request("PATCH", location, body=data[200_000:], headers={"Content-Range": "200000-299999"})
    assert status == 416 and headers["range"] == "0-99999"
    # a chunk sent with chunked transfer encoding
    conn = http.client.HTTPConnection("127.0.0.1", registry.port, timeout=30)
    conn.putrequest("PATCH", location)
    conn.putheader("Authorization", registry.authorization)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for start in range(100_000, 300_000, 65_536):
        piece = data[start:min(start + 65_536, 300_000)]
        conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 202 and resp.getheader("Range") == "0-299999"
    status, headers, _ = registry.request("GET", location)
    assert status == 204 and headers["range"] == "0-299999"
    status, headers, _ = registry.request("PUT", f"{location}?digest={sha256(data)}")
    assert status == 201 and headers["docker-content-digest"] == sha256(data)
    status, headers, body = registry.request("GET", f"/v2/{name}/blobs/{sha256(data)}")
    assert status == 200 and body == data and headers["docker-content-digest"] == sha256(data)


def test_wrong_digest_is_rejected_and_leaves_no_trace(server, repo):
    account, name, registry = repo
    data = b"real content" * 1000
    wrong = sha256(b"something else")
    status, headers, _ = registry.request("POST", f"/v2/{name}/blobs/uploads/")
    location = headers["location"]
    status, _, body = registry.request("PUT", f"{location}?digest={wrong}", body=data)
    assert status == 400 and registry_error(body) == "DIGEST_INVALID"
    assert registry.request("GET", location)[0] == 404  # the upload is gone
    for digest in (wrong, sha256(data)):
        assert registry.request("HEAD", f"/v2/{name}/blobs/{digest}")[0] == 404
    upload_id = location.rsplit("/", 1)[1]
    assert upload_id not in os.listdir(uploads_dir(server))
    blobs = os.listdir(os.path.join(server.state_dir, "registry", "blobs", "sha256"))
    assert sha256(data)[7:] not in blobs and wrong[7:] not in blobs


def test_corrupted_chunk_is_rejected_and_leaves_no_trace(server, repo):
    account, name, registry = repo
    data = os.urandom(50_000)
    corrupted = bytearray(data)
    corrupted[25_000] ^= 0xFF
    status, headers, _ = registry.request("POST", f"/v2/{name}/blobs/uploads/")
    location = headers["location"]
    assert registry.request("PATCH", location, body=bytes(corrupted))[0] == 202
    status, _, body = registry.request("PUT", f"{location}?digest={sha256(data)}")
    assert status == 400 and registry_error(body) == "DIGEST_INVALID"
    assert registry.request("HEAD", f"/v2/{name}/blobs/{sha256(data)}")[0] == 404
    assert location.rsplit("/", 1)[1] not in os.listdir(uploads_dir(server))
    ecr = server.client("ecr", account=account)
    layers = ecr.batch_check_layer_availability(repositoryName=name, layerDigests=[sha256(data)])["layers"]
    assert layers[0]["layerAvailability"] == "UNAVAILABLE"


def test_interrupted_upload_is_dropped(server, repo):
    account, name, registry = repo
    status, headers, _ = registry.request("POST", f"/v2/{name}/blobs/uploads/")
    location = headers["location"]
    conn = http.client.HTTPConnection("127.0.0.1", registry.port, timeout=30)
    conn.putrequest("PATCH", location)
    conn.putheader("Authorization", registry.authorization)
    conn.putheader("Content-Length", "100000")
    conn.endheaders()
    conn.send(b"x" * 1000)
    conn.close()  # the client goes away mid-body

    def gone():
        return registry.request("GET", location)[0] == 404

    from conftest import wait_until
    wait_until(gone, timeout=10, message="interrupted upload dropped")
    assert location.rsplit("/", 1)[1] not in os.listdir(uploads_dir(server))


def test_range_requests(server, repo):
    account, name, registry = repo
    data = bytes(range(256)) * 100
    digest = registry.push_blob(name, data)
    status, headers, body = registry.request("GET", f"/v2/{name}/blobs/{digest}", headers={"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]
    assert headers["content-range"] == f"bytes 100-199/{len(data)}"
    status, _, body = registry.request("GET", f"/v2/{name}/blobs/{digest}", headers={"Range": "bytes=25000-"})
    assert status == 206 and body == data[25000:]
    status, headers, _ = registry.request("GET", f"/v2/{name}/blobs/{digest}", headers={"Range": "bytes=999999-"})
    assert status == 416
    status, headers, body = registry.request("HEAD", f"/v2/{name}/blobs/{digest}")
    assert status == 200 and headers["content-length"] == str(len(data)) and body == b""


def test_monolithic_post_and_cross_repository_mount(server, repo):
    account, name, registry = repo
    data = b"mount me" * 100
    digest = sha256(data)
    status, headers, _ = registry.request("POST", f"/v2/{name}/blobs/uploads/?digest={digest}", body=data)
    assert status == 201 and headers["location"] == f"/v2/{name}/blobs/{digest}"
    other = unique_name("raw-other")
    server.client("ecr", account=account).create_repository(repositoryName=other)
    assert registry.request("HEAD", f"/v2/{other}/blobs/{digest}")[0] == 404
    status, headers, _ = registry.request("POST", f"/v2/{other}/blobs/uploads/?mount={digest}&from={name}")
    assert status == 201 and headers["docker-content-digest"] == digest
    assert registry.request("HEAD", f"/v2/{other}/blobs/{digest}")[0] == 200
    # mounting what the source does not have starts a normal upload
    status, headers, _ = registry.request("POST", f"/v2/{other}/blobs/uploads/?mount={sha256(b'nope')}&from={name}")
    assert status == 202 and "/blobs/uploads/" in headers["location"]


def test_manifest_push_pull_by_tag_and_digest(server, repo):
    account, name, registry = repo
    digest, manifest = registry.push_image(name, "v1", media_type=OCI_MANIFEST)
    for reference in ("v1", digest):
        status, headers, body = registry.request("GET", f"/v2/{name}/manifests/{reference}",
                                                 headers={"Accept": OCI_MANIFEST})
        assert status == 200 and body == manifest
        assert headers["content-type"] == OCI_MANIFEST and headers["docker-content-digest"] == digest
        status, headers, body = registry.request("HEAD", f"/v2/{name}/manifests/{reference}")
        assert status == 200 and headers["content-length"] == str(len(manifest)) and body == b""
    status, _, body = registry.request("GET", f"/v2/{name}/manifests/nope")
    assert status == 404 and registry_error(body) == "MANIFEST_UNKNOWN"
    # pushed by digest: no tag
    digest2, _ = registry.push_image(name, "placeholder")
    status, _, _ = registry.request("DELETE", f"/v2/{name}/manifests/placeholder")
    assert status == 202
    ecr = server.client("ecr", account=account)
    assert {i["imageDigest"] for i in ecr.describe_images(repositoryName=name)["imageDetails"]} == {digest}
    assert registry.request("DELETE", f"/v2/{name}/manifests/{digest}")[0] == 202
    assert ecr.describe_images(repositoryName=name)["imageDetails"] == []
    assert registry.request("GET", f"/v2/{name}/manifests/{digest}")[0] == 404


def test_manifest_errors(server, repo):
    account, name, registry = repo
    missing_layer = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                           "digest": sha256(b"{}")},
                                "layers": []}).encode()
    status, _, body = registry.request("PUT", f"/v2/{name}/manifests/v1", body=missing_layer,
                                       headers={"Content-Type": DOCKER_MANIFEST})
    assert status == 400 and registry_error(body) == "MANIFEST_BLOB_UNKNOWN"
    status, _, body = registry.request("PUT", f"/v2/{name}/manifests/v1", body=b"not json",
                                       headers={"Content-Type": DOCKER_MANIFEST})
    assert status == 400 and registry_error(body) == "MANIFEST_INVALID"
    status, _, body = registry.request("PUT", f"/v2/{name}/manifests/{sha256(b'other')}", body=missing_layer,
                                       headers={"Content-Type": DOCKER_MANIFEST})
    assert status == 400 and registry_error(body) == "DIGEST_INVALID"
    status, _, body = registry.request("PUT", f"/v2/{name}/manifests/bad%20tag", body=missing_layer)
    assert status == 400
    status, _, body = registry.request("GET", "/v2/Bad_Name/tags/list")
    assert status == 400 and registry_error(body) == "NAME_INVALID"
    status, _, body = registry.request("GET", f"/v2/{name}/blobs/sha256:{'0' * 64}")
    assert status == 404 and registry_error(body) == "BLOB_UNKNOWN"


def test_tags_list_paging_and_catalog(server, repo):
    account, name, registry = repo
    for tag in ("a", "b", "c"):
        registry.push_image(name, tag)
    status, headers, body = registry.request("GET", f"/v2/{name}/tags/list")
    assert status == 200 and json.loads(body) == {"name": name, "tags": ["a", "b", "c"]}
    assert headers["content-type"] == "text/plain; charset=utf-8"  # as real ECR answers
    status, headers, body = registry.request("GET", f"/v2/{name}/tags/list?n=2")
    assert json.loads(body)["tags"] == ["a", "b"] and 'rel="next"' in headers["link"]
    status, headers, body = registry.request("GET", f"/v2/{name}/tags/list?n=2&last=b")
    assert json.loads(body)["tags"] == ["c"] and "link" not in headers


def test_deleting_images_collects_unreferenced_blobs(server, repo):
    account, name, registry = repo
    unique_layer = os.urandom(4096)
    digest, _ = registry.push_image(name, "gc", layers=[unique_layer])
    blob_file = os.path.join(server.state_dir, "registry", "blobs", "sha256", sha256(unique_layer)[7:])
    assert os.path.exists(blob_file)
    ecr = server.client("ecr", account=account)
    ecr.batch_delete_image(repositoryName=name, imageIds=[{"imageTag": "gc"}])
    assert not os.path.exists(blob_file)
    assert registry.request("HEAD", f"/v2/{name}/blobs/{sha256(unique_layer)}")[0] == 404
