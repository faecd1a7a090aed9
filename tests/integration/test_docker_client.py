"""The Docker Engine API client (services/docker) against the real daemon and against a fake one.

The client's cases live in the unit-test binary (tests/unit/docker/docker_live_test.cpp), skipped unless
ALBATROSS_DOCKER_LIVE=1: these tests build the images, set the variables, run the suite and check that it ran,
passed and left nothing behind."""

import base64
import http.server
import json
import os
import re
import socketserver
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

SUITE_TIMEOUT = 300


def unit_tests_binary(albatross_bin, build="plain"):
    """The doctest binary beside $ALBATROSS_BIN, or (build="asan") the sanitizer build scripts/test.sh makes."""
    if build == "asan":
        path = os.path.join(os.path.dirname(os.path.dirname(albatross_bin)), "build-asan", "albatross_unit_tests")
        if not os.access(path, os.X_OK):
            pytest.skip("no sanitizer build (build-asan/albatross_unit_tests); scripts/test.sh makes one")
        return path
    path = os.path.join(os.path.dirname(albatross_bin), "albatross_unit_tests")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build albatross_unit_tests", pytrace=False)
    return path


def run_suite(binary, suite, env):
    result = subprocess.run([binary, f"--test-suite={suite}", "--no-colors"],
                            capture_output=True, text=True, timeout=SUITE_TIMEOUT,
                            env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1", **env})
    output = result.stdout + result.stderr
    counts = re.search(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed", output)
    assert counts, output
    return result.returncode, int(counts.group(1)), int(counts.group(3)), output


def docker_ids(*args):
    out = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=60, check=True).stdout
    return out.split()


@pytest.mark.parametrize("build", ["plain", "asan"])
def test_client_against_the_real_daemon(albatross_bin, test_images, build):
    binary = unit_tests_binary(albatross_bin, build)
    run_id = "it" + uuid.uuid4().hex[:10]
    try:
        rc, ran, failed, output = run_suite(binary, "docker-live", {
            "ALBATROSS_DOCKER_LIVE": "1",
            "ALBATROSS_DOCKER_APP_IMAGE": test_images["app"],
            "ALBATROSS_DOCKER_BUSYBOX_IMAGE": test_images["busybox"],
            "ALBATROSS_DOCKER_RUN_ID": run_id,
        })
        assert rc == 0 and failed == 0, output
        assert ran >= 10, output  # the suite really ran rather than being skipped
        label = f"label=albatross.test-run={run_id}"
        assert docker_ids("ps", "-aq", "--filter", label) == []
        assert docker_ids("network", "ls", "-q", "--filter", label) == []
    finally:
        for cid in docker_ids("ps", "-aq", "--filter", f"label=albatross.test-run={run_id}"):
            subprocess.run(["docker", "rm", "-f", cid], capture_output=True, timeout=60)
        for nid in docker_ids("network", "ls", "-q", "--filter", f"label=albatross.test-run={run_id}"):
            subprocess.run(["docker", "network", "rm", nid], capture_output=True, timeout=60)


class FakeDaemon:
    """A Docker daemon stand-in on a unix socket: answers /_ping and /version, and on GET .../events sends one
    event then drops the connection. Between connections it can go away entirely (socket removed) for a while,
    like a restarting dockerd."""

    DOWNTIME = 1.0  # seconds the daemon stays away when it "restarts"

    def __init__(self, path, restart_after_first_events=False):
        self.path = path
        self.restart_after_first_events = restart_after_first_events
        self.up_at = None  # time.monotonic() when it came back after the restart
        self.server = None
        self.event_requests = []  # query strings of the /events calls
        self.event_times = []  # time.monotonic() of each
        self.pulls = []  # (query, X-Registry-Auth) of each POST .../images/create
        self.lock = threading.Lock()

    def start(self):
        daemon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body, content_type="application/json"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/_ping":
                    return self.reply(200, "OK", "text/plain")
                if self.path == "/version":
                    return self.reply(200, json.dumps({"Version": "fake", "ApiVersion": "1.41", "MinAPIVersion": "1.12"}))
                if "/events" in self.path:
                    with daemon.lock:
                        daemon.event_requests.append(self.path)
                        daemon.event_times.append(time.monotonic())
                        number = len(daemon.event_requests)
                    event = {"Type": "container", "Action": "die", "Actor": {"ID": f"c{number}", "Attributes": {}},
                             "time": 1700000000 + number, "timeNano": (1700000000 + number) * 10**9}
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    line = (json.dumps(event) + "\n").encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()
                    self.close_connection = True  # drop the stream without the final chunk
                    if number == 1 and daemon.restart_after_first_events:
                        threading.Thread(target=daemon.restart, daemon=True).start()
                    return
                self.reply(404, json.dumps({"message": "page not found"}))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if "/images/create?" in self.path:
                    with daemon.lock:
                        daemon.pulls.append((self.path, self.headers.get("X-Registry-Auth")))
                    # Like dockerd: 200 and one JSON message per line; a failure arrives inside the stream.
                    messages = [{"status": "Pulling from team/app", "id": "v1"},
                                {"status": "Downloading", "id": "abc", "progress": "[==>  ] 1kB/2kB"}]
                    if "fail" in self.path:
                        messages.append({"errorDetail": {"message": "unauthorized: bad token"},
                                         "error": "unauthorized: bad token"})
                    else:
                        messages.append({"status": "Status: Downloaded newer image for team/app:v1"})
                    return self.reply(200, "".join(json.dumps(m) + "\r\n" for m in messages))
                self.reply(404, json.dumps({"message": "page not found"}))

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

            def get_request(self):
                request, _ = super().get_request()
                return request, ("local", 0)

        if os.path.exists(self.path):
            os.unlink(self.path)
        self.server = Server(self.path, Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def restart(self):
        """Goes away (socket removed: connections fail) for DOWNTIME seconds, then serves again. The wait is the
        simulated outage itself, done by the fake daemon, so the test does not depend on pytest's timing."""
        self.stop()
        threading.Event().wait(self.DOWNTIME)
        self.start()
        self.up_at = time.monotonic()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if os.path.exists(self.path):
            os.unlink(self.path)


def test_event_stream_reconnects_with_backoff_when_the_daemon_restarts(albatross_bin):
    workdir = tempfile.mkdtemp(prefix="albatross-fake-docker-")
    fake = FakeDaemon(os.path.join(workdir, "docker.sock"), restart_after_first_events=True)
    fake.start()
    proc = None
    try:
        # The C++ side (suite docker-fake) waits for four events, one per connection; after the first one the
        # fake daemon restarts (gone for a second, then back).
        proc = subprocess.Popen([unit_tests_binary(albatross_bin), "--test-suite=docker-fake", "--no-colors"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env={**os.environ, "ALBATROSS_DOCKER_FAKE_HOST": f"unix://{fake.path}"})
        output, _ = proc.communicate(timeout=60)
        counts = re.search(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed", output)
        assert proc.returncode == 0 and counts and int(counts.group(1)) >= 1 and counts.group(3) == "0", output
        assert fake.up_at is not None and any(t > fake.up_at for t in fake.event_times), \
            "no reconnection after the daemon came back"
        # After the first connection the client resumes from the last event's time.
        assert "since=" in fake.event_requests[0]  # the first connection replays from when it connected
        assert all("since=17000000" in path for path in fake.event_requests[1:]), fake.event_requests
        assert all("filters=" in path for path in fake.event_requests)
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        fake.stop()
        os.rmdir(workdir)


def test_images_are_from_scratch_and_labelled(test_images):
    for key in ("app", "busybox"):
        info = json.loads(subprocess.run(["docker", "image", "inspect", test_images[key]], capture_output=True,
                                         text=True, timeout=60, check=True).stdout)[0]
        assert info["Config"]["Labels"]["albatross.test"] == "true"
        assert info["Config"]["Labels"]["albatross.test-image"] == test_images[key].split(":")[0]
        history = subprocess.run(["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", test_images[key]],
                                 capture_output=True, text=True, timeout=60, check=True).stdout
        assert all("ADD file:" not in line for line in history.splitlines())  # no base image layers
    out = subprocess.run(["docker", "run", "--rm", test_images["busybox"], "sh", "-c", "echo ok; id -u"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["ok", "0"]


def test_image_pull_streams_progress_sends_credentials_and_surfaces_errors(albatross_bin):
    workdir = tempfile.mkdtemp(prefix="albatross-fake-docker-")
    fake = FakeDaemon(os.path.join(workdir, "docker.sock"))
    fake.start()
    try:
        rc, ran, failed, output = run_suite(unit_tests_binary(albatross_bin), "docker-fake-pull",
                                            {"ALBATROSS_DOCKER_FAKE_HOST": f"unix://{fake.path}"})
        assert rc == 0 and failed == 0 and ran >= 1, output
        assert len(fake.pulls) == 2
        query, auth = fake.pulls[0]
        assert "fromImage=127.0.0.1%3A5000%2Fteam%2Fapp" in query and "tag=v1" in query
        padded = auth + "=" * (-len(auth) % 4)
        assert json.loads(base64.urlsafe_b64decode(padded)) == {
            "username": "AWS", "password": "secret/token+", "serveraddress": "127.0.0.1:5000"}
    finally:
        fake.stop()
        os.rmdir(workdir)
