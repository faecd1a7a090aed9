"""ALB data plane: listener rules end to end (spec §3.1–3.3, §4.7). Every condition type routes to its own
target group (one test_app each, recognised by its name); the default action when nothing matches;
priorities (and SetRulePriorities); fixed responses; redirects with the exact Location and page."""

import http.client

from test_data_plane_support import (  # noqa: F401 - apps and elb are fixtures
    apps, elb, error_page, fixed, forward, get, http_request, redirect,
)


def test_every_condition_type_routes_to_its_target_group(elb, apps):
    names = ["default", "host", "qhost", "path", "header", "method", "query", "source", "both"]
    backends = dict(zip(names, apps(len(names), "cond")))
    groups = {}
    for name, app in backends.items():
        groups[name] = elb.target_group()
        elb.register(groups[name], app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(groups["default"]))
    rules = [
        ("host", [{"Field": "host-header", "HostHeaderConfig": {"Values": ["*.wild.example.com", "exact.example.com"]}}]),
        ("qhost", [{"Field": "host-header", "HostHeaderConfig": {"Values": ["h?.q.example.com"]}}]),
        ("path", [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*", "/v?/exact"]}}]),
        ("header", [{"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Route",
                                                                  "Values": ["blue*", "green"]}}]),
        ("method", [{"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["PUT", "PATCH"]}}]),
        ("query", [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "version", "Value": "v2"},
                                                                              {"Value": "beta*"}]}}]),
        ("source", [{"Field": "source-ip", "SourceIpConfig": {"Values": ["127.0.0.2/32", "10.0.0.0/8"]}}]),
        ("both", [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/both"]}},
                  {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["POST"]}}]),
    ]
    for priority, (name, conditions) in enumerate(rules, start=10):
        elb.rule(listener, priority, conditions, forward(groups[name]))
    for name in names:
        elb.wait_healthy(groups[name], 1)

    def route(method="GET", path="/", host="other.example.org", headers=None, body=None, source=None):
        resp = http_request(listener.address, listener.port, method, path, body=body,
                            headers={"Host": host, **(headers or {})}, source_address=source)
        assert resp.status == 200, resp
        return _group_of(resp, backends)

    cases = [
        # host-header: wildcards anchored to the whole name, case-insensitive, port ignored
        (dict(host="a.wild.example.com"), "host"),
        (dict(host="A.B.Wild.Example.COM"), "host"),
        (dict(host="a.wild.example.com:8080"), "host"),
        (dict(host="exact.example.com"), "host"),
        (dict(host="wild.example.com"), "default"),
        (dict(host="a.wild.example.com.evil.org"), "default"),
        (dict(host="h1.q.example.com"), "qhost"),
        (dict(host="h12.q.example.com"), "default"),
        # path-pattern: case-sensitive, * crosses /, the query is not part of the path
        (dict(path="/api/v1/users?x=1"), "path"),
        (dict(path="/api/"), "path"),
        (dict(path="/api"), "default"),
        (dict(path="/API/v1"), "default"),
        (dict(path="/v2/exact"), "path"),
        (dict(path="/v22/exact"), "default"),
        # http-header: name and value case-insensitive, wildcards in values
        (dict(headers={"X-Route": "blue-42"}), "header"),
        (dict(headers={"x-route": "BLUE"}), "header"),
        (dict(headers={"X-Route": "Green"}), "header"),
        (dict(headers={"X-Route": "greenish"}), "default"),
        (dict(headers={"X-Other": "blue"}), "default"),
        # http-request-method: exact, case-sensitive
        (dict(method="PUT", body=b"x"), "method"),
        (dict(method="PATCH", body=b"x"), "method"),
        (dict(method="DELETE"), "default"),
        # query-string: key/value pairs, case-insensitive, a value under any key
        (dict(path="/?version=v2"), "query"),
        (dict(path="/?a=1&VERSION=V2"), "query"),
        (dict(path="/?channel=beta-7"), "query"),
        (dict(path="/?version=v3"), "default"),
        (dict(path="/?v2=version"), "default"),
        # source-ip: the TCP peer (never X-Forwarded-For)
        (dict(source=("127.0.0.2", 0)), "source"),
        (dict(headers={"X-Forwarded-For": "127.0.0.2"}), "default"),
        # two conditions: both must match
        (dict(method="POST", path="/both", body=b""), "both"),
        (dict(method="GET", path="/both"), "default"),
        (dict(method="POST", path="/both/x", body=b""), "default"),
    ]
    failures = []
    for kwargs, expected in cases:
        got = route(**kwargs)
        if got != expected:
            failures.append(f"{kwargs} went to {got}, expected {expected}")
    assert not failures, "\n".join(failures)


def _group_of(resp, backends):
    name = resp.json()["name"]
    for group, app in backends.items():
        if app.name == name:
            return group
    raise AssertionError(f"unknown backend {name}")


def test_priorities_first_matching_rule_wins(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("404", "default"))
    path = [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/p/*"]}}]
    narrow = [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/p/special"]}}]
    r_broad = elb.rule(listener, 20, path, fixed("200", "broad"))
    r_narrow = elb.rule(listener, 30, narrow, fixed("200", "narrow"))
    elb.rule(listener, 50000, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["*"]}}],
             fixed("200", "catch-all"))
    assert get(listener, "/p/special").body == b"broad"
    assert get(listener, "/p/other").body == b"broad"
    assert get(listener, "/elsewhere").body == b"catch-all"
    # swap the priorities: the narrow rule now comes first
    elb.elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": r_broad, "Priority": 40},
                                                  {"RuleArn": r_narrow, "Priority": 10}])
    assert get(listener, "/p/special").body == b"narrow"
    assert get(listener, "/p/other").body == b"broad"
    # changing a rule's conditions applies to the next request
    elb.elbv2.modify_rule(RuleArn=r_narrow, Conditions=[{"Field": "path-pattern",
                                                         "PathPatternConfig": {"Values": ["/p/other"]}}])
    assert get(listener, "/p/special").body == b"broad"
    assert get(listener, "/p/other").body == b"narrow"
    elb.elbv2.delete_rule(RuleArn=r_narrow)
    assert get(listener, "/p/other").body == b"broad"


def test_default_action_when_nothing_matches(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("418", "nothing matched"))
    elb.rule(listener, 1, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/only"]}}], fixed("200", "only"))
    assert get(listener, "/only").body == b"only"
    resp = get(listener, "/something/else")
    assert (resp.status, resp.body) == (418, b"nothing matched")
    # ModifyListener replaces the default action
    elb.elbv2.modify_listener(ListenerArn=listener.arn, DefaultActions=fixed("202", "new default"))
    resp = get(listener, "/something/else")
    assert (resp.status, resp.body) == (202, b"new default")


def test_fixed_response_status_type_body_and_server(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("503", "maintenance", "text/plain"))
    elb.rule(listener, 1, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/json"]}}],
             fixed("200", '{"ok":true}', "application/json"))
    elb.rule(listener, 2, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/empty"]}}],
             fixed("204", None, "text/plain"))
    elb.rule(listener, 3, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/gone"]}}],
             fixed("410", "<h1>gone</h1>", "text/html"))
    elb.rule(listener, 4, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/nobody"]}}],
             fixed("404", None, "text/plain"))

    resp = get(listener, "/")
    assert (resp.status, resp.body) == (503, b"maintenance")
    assert resp.header("Server") == "awselb/2.0"
    assert resp.header("Content-Type").startswith("text/plain")
    assert resp.header("Content-Length") == str(len(b"maintenance"))
    assert resp.header("Date")

    resp = get(listener, "/json")
    assert (resp.status, resp.body) == (200, b'{"ok":true}')
    assert resp.reason == "OK"
    assert resp.header("Content-Type").startswith("application/json")
    assert resp.header("Server") == "awselb/2.0"

    resp = get(listener, "/gone")
    assert (resp.status, resp.reason, resp.body) == (410, "Gone", b"<h1>gone</h1>")
    assert resp.header("Content-Type").startswith("text/html")

    resp = get(listener, "/nobody")
    assert (resp.status, resp.body) == (404, b"")
    assert resp.header("Content-Length") == "0"

    resp = get(listener, "/empty")
    assert (resp.status, resp.body) == (204, b"")

    # POST with a body to a fixed response: the body is drained and the connection stays usable
    conn = http.client.HTTPConnection(listener.address, listener.port, timeout=5)
    try:
        for _ in range(3):
            conn.request("POST", "/json", body=b"x" * 100_000)
            r = conn.getresponse()
            assert (r.status, r.read()) == (200, b'{"ok":true}')
    finally:
        conn.close()


def test_redirect_http_to_https_standard_pattern(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], redirect(Protocol="HTTPS", Port="443", StatusCode="HTTP_301"))
    resp = get(listener, "/a/b?x=1", headers={"Host": "site.example"})
    assert resp.status == 301
    assert resp.reason == "Moved Permanently"
    assert resp.header("Location") == "https://site.example:443/a/b?x=1"
    assert resp.header("Server") == "awselb/2.0"
    assert resp.header("Content-Type") == "text/html"
    assert resp.body == error_page("301 Moved Permanently")
    assert len(resp.body) == 134
    # no query: no "?"; the Host's port is not carried over; host lower-cased
    resp = get(listener, "/", headers={"Host": "Site.Example:8080"})
    assert resp.header("Location") == "https://site.example:443/"


def test_redirect_302_with_templates(elb):
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("404"))
    elb.rule(listener, 1, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/old/*"]}}],
             redirect(Host="new.#{host}", Path="/new/#{path}", Query="from=#{port}&#{query}", StatusCode="HTTP_302"))
    elb.rule(listener, 2, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/keep"]}}],
             redirect(Port="9999", StatusCode="HTTP_301"))
    elb.rule(listener, 3, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/noquery"]}}],
             redirect(Path="/elsewhere", Query="", StatusCode="HTTP_301"))
    port = listener.configured_port
    resp = get(listener, "/old/x/y?a=1&b=2", headers={"Host": "shop.example"})
    assert resp.status == 302
    assert resp.reason == "Moved Temporarily"
    assert resp.header("Location") == f"http://new.shop.example:{port}/new/old/x/y?from={port}&a=1&b=2"
    assert resp.body == error_page("302 Found")
    assert len(resp.body) == 110
    # defaults: protocol, host, path and query kept
    resp = get(listener, "/keep?z=9", headers={"Host": "shop.example"})
    assert resp.status == 301
    assert resp.header("Location") == "http://shop.example:9999/keep?z=9"
    # an empty Query drops the query
    resp = get(listener, "/noquery?z=9", headers={"Host": "shop.example"})
    assert resp.header("Location") == f"http://shop.example:{port}/elsewhere"


def test_shared_port_host_header_picks_load_balancer(elb):
    """Two ALBs with a listener on the same port: the Host equal to an LB's DNS name picks it, else the oldest;
    each LB's own loopback address serves only that LB."""
    first = elb.alb()
    second = elb.alb()
    l1 = elb.listener(first["LoadBalancerArn"], fixed("200", "first"))
    l2 = elb.listener(second["LoadBalancerArn"], fixed("200", "second"), port=l1.configured_port)
    assert (l1.address, l1.port) == (l2.address, l2.port)
    assert get(l1, "/", headers={"Host": second["DNSName"]}).body == b"second"
    assert get(l1, "/", headers={"Host": first["DNSName"]}).body == b"first"
    assert get(l1, "/", headers={"Host": "unrelated.example"}).body == b"first"
    own = http_request(l2.own_address, l2.own_port, "GET", "/", headers={"Host": "unrelated.example"})
    assert own.body == b"second"
    assert http_request(l1.own_address, l1.own_port, "GET", "/").body == b"first"
