"""GET /_albatross/state (the dashboard's and `albatross status`'s picture): load balancer → listeners with the
real bound sockets → rules → target groups → targets with the same health DescribeTargetHealth reports, target
groups no load balancer uses, ETag/304, and changes showing up as they happen. ECS parts are covered by the
unit tests (tests/unit/emulator/admin_state_test.cpp) until ECS lands."""

import uuid

from test_dashboard_support import build_scene, find, get_state, state_of, wait_state_target
from test_data_plane_support import Elb, apps, elb, fixed, forward  # noqa: F401 - fixtures


def test_state_shows_the_whole_load_balancer_tree(elb, apps):
    scene = build_scene(elb, apps)
    state = state_of(elb.server)
    assert set(state) >= {"load_balancers", "target_groups", "ecs_services"}

    lb = find(state["load_balancers"], arn=scene.lb["LoadBalancerArn"])
    assert lb is not None, [x["name"] for x in state["load_balancers"]]
    assert (lb["name"], lb["type"], lb["scheme"], lb["account_id"], lb["region"]) == (
        scene.lb_name, "application", "internet-facing", elb.account, "us-east-1")
    assert lb["dns_name"] == scene.lb["DNSName"]
    assert lb["state"] in ("provisioning", "active")
    assert lb["address"] == scene.listener.own_address

    (listener,) = lb["listeners"]
    assert (listener["arn"], listener["protocol"], listener["port"]) == (
        scene.listener.arn, "HTTP", scene.listener.configured_port)
    bound = {(b["address"], b["port"]) for b in listener["bound"]}
    assert bound == {(scene.listener.address, scene.listener.port),
                     (scene.listener.own_address, scene.listener.own_port)}

    rules = listener["rules"]
    assert [r["priority"] for r in rules] == ["10", "20", "default"]
    assert [r["is_default"] for r in rules] == [False, False, True]
    assert rules[0]["conditions_text"] == ["path-pattern is /api/*"]
    assert rules[0]["actions_text"] == [f"forward to {scene.web_tg_name}"]
    assert rules[0]["actions"][0]["TargetGroupArn"] == scene.web_tg  # the API's own shape is kept
    assert rules[1]["conditions_text"] == ["host-header is admin.example.com"]
    assert rules[1]["actions_text"] == ["redirect HTTP_301 to HTTPS://#{host}:443/#{path}?#{query}"]
    assert rules[2]["conditions_text"] == []
    assert rules[2]["actions_text"] == ['fixed-response 503 text/plain "no route"']


def test_targets_carry_the_health_describe_target_health_reports(elb, apps):
    scene = build_scene(elb, apps)
    state = state_of(elb.server)
    web = find(state["target_groups"], arn=scene.web_tg)
    assert (web["name"], web["protocol"], web["port"], web["target_type"], web["account_id"]) == (
        scene.web_tg_name, "HTTP", 80, "ip", elb.account)
    assert web["load_balancer_arns"] == [scene.lb["LoadBalancerArn"]]
    assert web["health_check"] == {"protocol": "HTTP", "port": "traffic-port", "path": "/health", "matcher": "200"}

    api = elb.health(scene.web_tg)
    assert len(web["targets"]) == 2
    for target in web["targets"]:
        health = api[(target["id"], target["port"])]
        assert target["state"] == health["State"]
        assert target.get("reason") == health.get("Reason")
        assert target.get("description") == health.get("Description")
        assert "task" not in target  # plain processes, not ECS tasks
    healthy = find(web["targets"], port=scene.healthy_app.port)
    sick = find(web["targets"], port=scene.sick_app.port)
    assert healthy["state"] == "healthy" and "reason" not in healthy
    assert (sick["state"], sick["reason"]) == ("unhealthy", "Target.ResponseCodeMismatch")
    assert "503" in sick["description"]

    spare = find(state["target_groups"], arn=scene.spare_tg)
    assert spare["load_balancer_arns"] == []
    (target,) = spare["targets"]
    assert (target["id"], target["port"], target["state"], target["reason"]) == (
        "127.0.0.1", scene.spare_app.port, "unused", "Target.NotInUse")


def test_health_changes_and_deregistration_show_up(elb, apps):
    scene = build_scene(elb, apps)
    scene.sick_app.health_on()
    wait_state_target(elb.server, scene.web_tg, scene.sick_app.port, "healthy")
    scene.healthy_app.health_off()
    entry = wait_state_target(elb.server, scene.web_tg, scene.healthy_app.port, "unhealthy")
    assert entry["reason"] == "Target.ResponseCodeMismatch"
    elb.elbv2.modify_target_group_attributes(
        TargetGroupArn=scene.web_tg, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "300"}])
    elb.deregister(scene.web_tg, scene.sick_app)
    entry = wait_state_target(elb.server, scene.web_tg, scene.sick_app.port, "draining")
    assert entry["reason"] == "Target.DeregistrationInProgress"


def test_state_has_an_etag_and_answers_304_while_nothing_changes(make_server, apps):
    # A server of its own: on the shared one, other tests' targets could change the picture in between.
    elb = Elb(make_server())
    scene = build_scene(elb, apps)
    status, headers, _ = get_state(elb.server)
    assert status == 200
    assert headers["content-type"] == "application/json"
    etag = headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    # Unchanged picture → 304 with no body (health is settled, nothing else runs here).
    status, headers, body = get_state(elb.server, headers={"If-None-Match": etag})
    assert (status, body) == (304, None)
    assert headers["etag"] == etag
    elb.register(scene.spare_tg, scene.healthy_app)  # any change gives a new picture
    status, headers, state = get_state(elb.server, headers={"If-None-Match": etag})
    assert status == 200 and headers["etag"] != etag
    assert len(find(state["target_groups"], arn=scene.spare_tg)["targets"]) == 2


def test_state_only_answers_get(server):
    status, headers, _ = server.http("POST", "/_albatross/state")
    assert status == 405
    assert dict((k.lower(), v) for k, v in headers)["allow"] == "GET"


def test_an_empty_emulator_has_an_empty_picture(make_server):
    srv = make_server()
    assert state_of(srv) == {"load_balancers": [], "target_groups": [], "ecs_services": []}


def test_https_listeners_show_their_certificates_and_policy(elb):
    zone = f"z{uuid.uuid4().hex[:10]}.example.com"
    default_cert, sni_cert = elb.certificate(f"a.{zone}"), elb.certificate(f"*.w.{zone}")
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], fixed("404"), protocol="HTTPS",
                            Certificates=[{"CertificateArn": default_cert}])
    elb.elbv2.add_listener_certificates(ListenerArn=listener.arn, Certificates=[{"CertificateArn": sni_cert}])
    entry = find(state_of(elb.server)["load_balancers"], arn=lb["LoadBalancerArn"])["listeners"][0]
    assert entry["protocol"] == "HTTPS"
    assert entry["ssl_policy"] == elb.elbv2.describe_listeners(ListenerArns=[listener.arn])["Listeners"][0]["SslPolicy"]
    assert entry["certificates"] == [
        {"arn": default_cert, "is_default": True, "domain": f"a.{zone}", "status": "ISSUED"},
        {"arn": sni_cert, "is_default": False, "domain": f"*.w.{zone}", "status": "ISSUED"}]
    # and an HTTP listener has neither
    http = elb.listener(lb["LoadBalancerArn"], fixed("404"))
    entry = find(find(state_of(elb.server)["load_balancers"], arn=lb["LoadBalancerArn"])["listeners"], arn=http.arn)
    assert "certificates" not in entry and "ssl_policy" not in entry


def test_network_load_balancers_show_their_tcp_listener_and_default_action(elb, apps):
    (app,) = apps(1, "nlb")
    tg = elb.target_group(protocol="TCP", port=80)
    elb.register(tg, app)
    lb = elb.nlb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg), protocol="TCP")
    entry = find(state_of(elb.server)["load_balancers"], arn=lb["LoadBalancerArn"])
    assert (entry["type"], entry["scheme"]) == ("network", "internet-facing")
    (tcp,) = entry["listeners"]
    assert (tcp["protocol"], tcp["port"]) == ("TCP", listener.configured_port)
    assert {(b["address"], b["port"]) for b in tcp["bound"]} == {(listener.address, listener.port),
                                                                 (listener.own_address, listener.own_port)}
    (rule,) = tcp["rules"]
    assert rule["is_default"] and rule["priority"] == "default"
    assert rule["actions_text"] == [f"forward to {tg.rsplit('/', 2)[1]}"]
    group = find(state_of(elb.server)["target_groups"], arn=tg)
    assert group["protocol"] == "TCP" and group["health_check"]["protocol"] == "TCP"
    assert "path" not in group["health_check"]
