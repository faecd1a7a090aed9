"""HTTPS toward targets (spec §4.6, §5.2): health checks and HTTPS target groups do TLS without verifying the
target's certificate (self-signed accepted); a port that does not speak TLS never completes the handshake."""

import http.server
import ssl
import subprocess
import threading

import pytest

from test_data_plane_support import apps, elb, forward, get  # noqa: F401 - apps and elb are fixtures


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.paths.append((self.path, self.headers.get("User-Agent")))
        body = b"ok"
        self.send_response(200 if self.path.split("?")[0] == "/tls-health" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_backend(tmp_path):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (a real TLS endpoint for the probes)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=target.internal"], check=True, capture_output=True, timeout=60)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    server.paths = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_https_health_check_does_tls_without_verifying(elb, apps, tls_backend):
    (app,) = apps(1, "tlshc")
    port = tls_backend.server_address[1]
    tg = elb.target_group(health_path="/tls-health", HealthCheckProtocol="HTTPS", HealthCheckPort=str(port))
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    assert ("/tls-health", "ELB-HealthChecker/2.0") in tls_backend.paths
    assert get(listener, "/").json()["name"] == app.name


def test_https_health_check_against_a_plain_http_port_fails(elb, apps):
    (app,) = apps(1, "plainhc")
    tg = elb.target_group(HealthCheckProtocol="HTTPS")
    elb.register(tg, app)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, app, "unhealthy")
    (health,) = elb.elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    # a plain HTTP server waits for a request line that the ClientHello never completes: the probe times out
    assert health["TargetHealth"]["Reason"] == "Target.Timeout", health
    assert not [r for r in app.log() if r["path"] == "/health"]  # no plain-HTTP probe reached it


def test_https_health_check_matcher_applies(elb, apps, tls_backend):
    (app,) = apps(1, "tlsmatch")
    port = tls_backend.server_address[1]
    tg = elb.target_group(health_path="/missing", HealthCheckProtocol="HTTPS", HealthCheckPort=str(port))
    elb.register(tg, app)
    lb = elb.alb()
    elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_state(tg, app, "unhealthy")
    (health,) = elb.elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert health["TargetHealth"]["Reason"] == "Target.ResponseCodeMismatch", health
    assert health["TargetHealth"]["Description"] == "Health checks failed with these codes: [404]"


def test_https_target_group_gets_traffic_over_tls(elb, tls_backend):
    """Protocol HTTPS target groups: the load balancer speaks TLS to the target (no certificate verification)."""
    port = tls_backend.server_address[1]
    tg = elb.target_group(protocol="HTTPS", port=port, health_path="/tls-health", HealthCheckProtocol="HTTPS")
    elb.register(tg, port)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    for _ in range(3):  # a new TLS connection each time (the backend closes after each answer)
        resp = get(listener, "/tls-health?via=alb")
        assert resp.status == 200, resp
        assert resp.body == b"ok"
    assert sum(1 for path, _ in tls_backend.paths if path == "/tls-health?via=alb") == 3
    assert get(listener, "/other").status == 404  # the target's own answer passes through
