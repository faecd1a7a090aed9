"""Where the ECR registry listens: the configured port, or a free one (logged) when that port is taken."""

import json
import socket

from conftest import free_port, random_account
from test_ecr_support import Registry, registry_info, unique_name


def test_configured_registry_port_is_used(make_server):
    port = free_port()
    srv = make_server(extra_args=["--registry-listen", f"127.0.0.1:{port}"])
    info = registry_info(srv)
    assert info == {"address": f"127.0.0.1:{port}", "host": f"localhost:{port}", "port": port}
    account = random_account()
    name = unique_name("listen")
    repo = srv.client("ecr", account=account).create_repository(repositoryName=name)["repository"]
    assert repo["repositoryUri"] == f"localhost:{port}/{name}"
    assert Registry(srv, account).request("GET", "/v2/")[0] == 200


def test_taken_registry_port_falls_back_to_a_free_one(make_server):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    try:
        srv = make_server(extra_args=["--registry-listen", f"127.0.0.1:{taken}"], env={})
        info = registry_info(srv)
        assert info["port"] != taken and info["port"] > 0
        assert f"127.0.0.1:{taken} is not available" in srv.log()
        account = random_account()
        assert Registry(srv, account).request("GET", "/v2/")[0] == 200
    finally:
        blocker.close()


def test_health_lists_ecr(server):
    assert json.loads(server.http("GET", "/_albatross/health")[2])["services"].count("ecr") == 1
    status, _, body = server.http("POST", "/_albatross/registry")
    assert status == 405
