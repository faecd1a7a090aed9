"""The dashboard page /_albatross/ui in headless Chromium (Debian's `chromium`): the DOM after the page's own
JavaScript fetched /_albatross/state shows the load balancer, listener, rules, target groups and each target's
health text and reason; a screenshot is kept as a test artefact (its path is printed); a page left open
redraws on its own as health changes and resources appear (driven over the DevTools pipe). Also the page's
files as served (no external URLs: no CDN, works offline)."""

import json
import os
import re
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser

import pytest

from conftest import wait_until
from test_dashboard_support import build_scene
from test_data_plane_support import Elb, apps  # noqa: F401 - fixtures

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install-deps.sh test installs it)")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, cls=None, tag=None):
        """Descendants with class `cls` and/or tag `tag`, in document order."""
        out = []
        for child in self.children:
            if isinstance(child, Node):
                if (cls is None or cls in child.classes) and (tag is None or child.tag == tag):
                    out.append(child)
                out.extend(child.all(cls, tag))
        return out

    def one(self, cls=None, tag=None):
        found = self.all(cls, tag)
        assert len(found) == 1, f"{len(found)} elements .{cls} {tag or ''}"
        return found[0]


class DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def chromium(tmp_path, *args, timeout=90):
    """Runs headless Chromium with a profile and caches under tmp_path (nothing left in $HOME)."""
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def rendered_dom(tmp_path, url):
    # The virtual time budget lets the page's fetch of /_albatross/state and its first redraws complete
    # before the DOM is dumped.
    proc = chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    builder = DomBuilder()
    builder.feed(proc.stdout)
    return builder.root


@needs_chromium
def test_the_page_draws_the_load_balancer_tree_with_target_health(make_server, apps, tmp_path, capsys,
                                                                   record_property):
    elb = Elb(make_server())  # a server of its own: the page shows exactly this scene
    scene = build_scene(elb, apps)
    url = elb.server.url + "/_albatross/ui"
    dom = rendered_dom(tmp_path, url)

    assert dom.one("connection").text().startswith("live")
    assert [s.text() for s in dom.one("summary").all(tag="span")] == [
        "1 load balancer", "2 target groups", "1/3 targets healthy", "0 ECS services"]
    (card,) = dom.all("lb")
    assert card.one("lb-name").text() == scene.lb_name
    assert card.one("card-head").all("state")[0].text() in ("active", "provisioning")
    assert card.one("listener-name").text() == f"HTTP:{scene.listener.configured_port}"
    links = [a.attrs["href"] for a in card.one("where").all(tag="a")]
    assert f"http://{scene.listener.address}:{scene.listener.port}/" in links
    assert [p.text() for p in card.all("priority")] == ["10", "20", "default"]
    assert [c.text() for c in card.all("conditions")] == [
        "if path-pattern is /api/*", "if host-header is admin.example.com", "otherwise"]
    assert card.all("actions")[0].text() == f"forward to {scene.web_tg_name}"
    assert card.all("actions")[2].text() == 'fixed-response 503 text/plain "no route"'

    (group,) = card.all("tg")
    assert group.one("tg-name").text() == scene.web_tg_name
    assert group.one("count").text() == "1/2 healthy"
    targets = {t.one("target-id").text(): t for t in group.all("target")}
    healthy = targets[f"127.0.0.1:{scene.healthy_app.port}"]
    sick = targets[f"127.0.0.1:{scene.sick_app.port}"]
    assert "is-healthy" in healthy.classes and healthy.one("state").text() == "healthy"
    assert healthy.all("reason") == [] and healthy.all("description") == []
    assert healthy.text() == f"127.0.0.1:{scene.healthy_app.port} healthy"
    assert "is-unhealthy" in sick.classes and sick.one("state").text() == "unhealthy"
    assert sick.one("reason").text() == "Target.ResponseCodeMismatch"
    assert sick.one("description").text() == "Health checks failed with these codes: [503]"

    (unused,) = dom.all("unused-groups")
    assert unused.one("tg-name").text() == scene.spare_tg_name
    spare = unused.one("target")
    assert (spare.one("state").text(), spare.one("reason").text()) == ("unused", "Target.NotInUse")

    shot = tmp_path / "dashboard.png"
    proc = chromium(tmp_path, "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=1280,1000",
                    f"--screenshot={shot}", url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10000
    record_property("screenshot", str(shot))
    with capsys.disabled():  # shown even when pytest captures output
        print(f"\ndashboard screenshot: {shot}")


@needs_chromium
def test_the_page_explains_an_empty_emulator(make_server, tmp_path):
    dom = rendered_dom(tmp_path, make_server().url + "/_albatross/ui")
    assert dom.one("empty").text().startswith("Nothing running yet.")
    assert dom.one("connection").text().startswith("live")


def test_the_page_files_are_served_from_the_binary(server):
    status, headers, body = server.http("GET", "/_albatross/ui")
    headers = {k.lower(): v for k, v in headers}
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"] == "default-src 'self'"
    page = body.decode()
    assert "<title>Albatross dashboard</title>" in page
    assert server.http("GET", "/_albatross/ui/")[2].decode() == page
    for path, content_type in (("/_albatross/ui/dashboard.js", "text/javascript; charset=utf-8"),
                               ("/_albatross/ui/dashboard.css", "text/css; charset=utf-8")):
        assert path in page
        status, headers, body = server.http("GET", path)
        assert status == 200 and dict((k.lower(), v) for k, v in headers)["content-type"] == content_type
        page += body.decode()
    # Self-contained: the only URLs are our own (no CDN, no fonts from the internet).
    assert re.findall(r"https?://", page) == []
    assert server.http("GET", "/_albatross/ui/nope.js")[0] == 404
    assert server.http("GET", "/_albatross/ui/../health")[0] == 404
    assert server.http("POST", "/_albatross/ui")[0] == 405


class Browser:
    """Headless Chromium driven over the DevTools protocol on --remote-debugging-pipe (fd 3 in, fd 4 out;
    NUL-terminated JSON messages): stdlib only, no WebDriver."""

    def __init__(self, tmp_path, url):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds():  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
                   XDG_CACHE_HOME=str(tmp_path / "cache"))
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--remote-debugging-pipe",
             f"--user-data-dir={tmp_path / 'profile'}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, pass_fds=(3, 4), preexec_fn=wire_fds)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._session = None

    def call(self, method, params=None, session=True, timeout=20):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    assert "error" not in reply, reply
                    return reply["result"]
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no DevTools answer to {method} within {timeout}s"
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self._from_browser, 65536)
                assert chunk, "Chromium closed the DevTools pipe"
                self._buffer += chunk

    def attach_to_page(self, url):
        def page():
            infos = self.call("Target.getTargets", session=False)["targetInfos"]
            return next((t for t in infos if t["type"] == "page" and t["url"].startswith(url)), None)

        target = wait_until(page, timeout=20, interval=0.1, message=f"a page at {url}")
        self._session = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                                  session=False)["sessionId"]

    def evaluate(self, expression, await_promise=False):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise})
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def close(self):
        try:
            if self.proc.poll() is None:
                self.call("Browser.close", session=False, timeout=5)
                self.proc.wait(timeout=10)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            os.close(self._to_browser)
            os.close(self._from_browser)


TARGET_STATE_JS = """(() => {
  const row = [...document.querySelectorAll("li.target")]
      .find(li => li.querySelector(".target-id").textContent === %s);
  return row ? {state: row.querySelector(".state").textContent, classes: row.className,
                reason: (row.querySelector(".reason") || {}).textContent || null} : null;
})()"""


@needs_chromium
def test_the_open_page_follows_health_changes_live(make_server, apps, tmp_path):
    elb = Elb(make_server())
    scene = build_scene(elb, apps)
    url = elb.server.url + "/_albatross/ui"
    browser = Browser(tmp_path, url)
    try:
        browser.attach_to_page(url)
        target_js = TARGET_STATE_JS % json.dumps(f"127.0.0.1:{scene.sick_app.port}")
        first = wait_until(lambda: browser.evaluate(target_js), timeout=20, interval=0.2,
                           message="the sick target drawn")
        assert (first["state"], first["reason"]) == ("unhealthy", "Target.ResponseCodeMismatch")
        scene.sick_app.health_on()  # the page, left open, must redraw on its own
        now = wait_until(lambda: (lambda t: t if t and t["state"] == "healthy" else None)(browser.evaluate(target_js)),
                         timeout=20, interval=0.2, message="the target turning healthy on the open page")
        assert "is-healthy" in now["classes"] and now["reason"] is None
        assert "changed" in now["classes"]  # flashed, so a student sees what just changed
        assert browser.evaluate("document.querySelector('.count').textContent") == "2/2 healthy"
        # A new load balancer appears without a reload.
        lb2 = elb.alb(name=scene.lb_name + "-b")
        wait_until(lambda: lb2["LoadBalancerName"] in browser.evaluate(
            "[...document.querySelectorAll('.lb-name')].map(n => n.textContent).join(' ')"),
            timeout=20, interval=0.2, message="the new load balancer on the open page")
        # The page polls with If-None-Match: the unchanged picture's 304s keep it live, not "cannot reach".
        conditional_status_js = """(async () => {
          const first = await fetch("/_albatross/state", {cache: "no-store"});
          const again = await fetch("/_albatross/state",
                                    {cache: "no-store", headers: {"If-None-Match": first.headers.get("ETag")}});
          return again.status;
        })()"""
        wait_until(lambda: browser.evaluate(conditional_status_js, await_promise=True) == 304, timeout=10,
                   interval=0.2, message="a 304 for an unchanged picture, seen by the browser's fetch")
        assert browser.evaluate("document.getElementById('connection').textContent").startswith("live")
    finally:
        browser.close()


# A picture with ECS in it, in /state's shape (emulator/admin_state.hpp), for the page's ECS drawing.
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef"
ECS_STATE = {
    "load_balancers": [{
        "arn": "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/shop/1", "name": "shop",
        "dns_name": "shop-1.us-east-1.elb.localhost", "type": "application", "scheme": "internet-facing",
        "state": "active", "account_id": "000000000000", "region": "us-east-1", "address": "127.1.2.3",
        "listeners": [{"arn": "l1", "protocol": "HTTP", "port": 80,
                       "bound": [{"address": "127.0.0.1", "port": 10080, "configured_port": 80,
                                  "error": "port 80 needs privileges"}],
                       "rules": [{"arn": "r1", "priority": "default", "is_default": True, "conditions": [],
                                  "actions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
                                  "conditions_text": [], "actions_text": ["forward to web"]}]},
                      {"arn": "l2", "protocol": "HTTPS", "port": 443, "bound": [],
                       "ssl_policy": "ELBSecurityPolicy-2016-08",
                       "certificates": [{"arn": "c1", "is_default": True, "domain": "shop.example.com",
                                         "status": "ISSUED"},
                                        {"arn": "c2", "is_default": False, "domain": "*.shop.example.com",
                                         "status": "ISSUED"}],
                       "rules": []}]}],
    "target_groups": [{
        "arn": TG_ARN, "name": "web", "protocol": "HTTP", "port": 80, "target_type": "ip",
        "account_id": "000000000000", "region": "us-east-1", "load_balancer_arns": ["x"],
        "health_check": {"protocol": "HTTP", "port": "traffic-port", "path": "/", "matcher": "200"},
        "targets": [{"id": "172.17.0.5", "port": 80, "state": "initial", "reason": "Elb.InitialHealthChecking",
                     "description": "Initial health checks in progress",
                     "task": {"arn": "t", "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "cluster": "default",
                              "service": "web", "last_status": "RUNNING", "desired_status": "RUNNING",
                              "health_status": "UNKNOWN", "task_definition": "web:4",
                              "container": {"name": "app", "last_status": "RUNNING", "health_status": "UNKNOWN",
                                            "runtime_id": "abcdef012345"}}}]}],
    "ecs_services": [{
        "arn": "s", "name": "web", "cluster": "default", "status": "ACTIVE", "desired_count": 2,
        "running_count": 3, "pending_count": 0, "task_definition": "web:4",
        "deployments": [
            {"id": "ecs-svc/222", "status": "PRIMARY", "rollout_state": "IN_PROGRESS", "task_definition": "web:4",
             "desired_count": 2, "running_count": 1, "pending_count": 0, "failed_tasks": 0,
             "rollout_state_reason": "ECS deployment ecs-svc/222 in progress."},
            {"id": "ecs-svc/111", "status": "ACTIVE", "rollout_state": "COMPLETED", "task_definition": "web:3",
             "desired_count": 2, "running_count": 2, "pending_count": 0, "failed_tasks": 0}],
        "tasks": [{"arn": "t", "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "cluster": "default", "service": "web",
                   "last_status": "RUNNING", "desired_status": "RUNNING", "health_status": "UNKNOWN",
                   "task_definition": "web:4", "containers": [{"name": "app", "last_status": "RUNNING",
                                                               "health_status": "UNKNOWN"}]},
                  {"arn": "u", "id": "99999999999999999999999999999999", "cluster": "default", "service": "web",
                   "last_status": "STOPPED", "desired_status": "STOPPED", "health_status": "UNKNOWN",
                   "task_definition": "web:4", "stopped_reason": "Essential container in task exited",
                   "containers": [{"name": "app", "last_status": "STOPPED", "health_status": "UNKNOWN"}]}],
        "events": [{"created_at": 1764000000.0, "message": "(service web) has started 1 tasks: (task 0f1e2d3c)."},
                   {"created_at": 1763999990.0, "message": "(service web) has reached a steady state."}]}],
}

DRAW_AND_READ_JS = """(() => {
  draw(%s);  // the page's own drawing function; read back before the next poll redraws
  const text = sel => [...document.querySelectorAll(sel)].map(n => n.textContent);
  return {task: text(".tg .task"), service: text(".service-name"), rollout: text("table.deployments tr"),
          tasks: text("ul.tasks li"), events: text("ol.events li"), warn: text(".listener .warn"),
          certificates: text(".certificates"),
          summary: text("#summary span")};
})()"""


@needs_chromium
def test_the_page_draws_ecs_tasks_deployments_and_events(make_server, tmp_path):
    url = make_server().url + "/_albatross/ui"
    browser = Browser(tmp_path, url)
    try:
        browser.attach_to_page(url)
        wait_until(lambda: browser.evaluate("typeof draw === 'function' && !!document.querySelector('.empty')"),
                   timeout=20, interval=0.2, message="the page loaded and drew the empty state")
        seen = browser.evaluate(DRAW_AND_READ_JS % json.dumps(ECS_STATE))
    finally:
        browser.close()
    (task,) = seen["task"]
    assert task.startswith("ECS task 0f1e2d3c4b5a RUNNING service web health UNKNOWN")
    assert "container app RUNNING health UNKNOWN docker abcdef012345" in task
    assert seen["service"] == ["web"]
    header, primary, old = seen["rollout"]
    assert header == "deploymentstatusrollouttask definitiontasks"
    assert primary.startswith("ecs-svc/222PRIMARYIN_PROGRESSweb:4") and "1/2 running" in primary
    assert old.startswith("ecs-svc/111ACTIVECOMPLETEDweb:3")
    assert seen["tasks"][0].startswith("0f1e2d3c4b5a RUNNING")
    assert seen["tasks"][1].endswith("Essential container in task exited")
    assert [e.split(" ", 1)[1] for e in seen["events"]][0].endswith(
        "(service web) has started 1 tasks: (task 0f1e2d3c).")
    assert len(seen["events"]) == 2
    assert seen["warn"] == [" (port 80 needs privileges)", "no socket yet"]
    assert seen["certificates"] == [
        "certificates shop.example.com (default), *.shop.example.com · ELBSecurityPolicy-2016-08"]
    assert seen["summary"] == ["1 load balancer", "1 target group", "0/1 targets healthy", "1 ECS service"]
