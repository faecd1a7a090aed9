"""ALB data plane: sticky sessions and slow start (spec §3.3 TargetGroupStickinessConfig, §4.4): lb_cookie
(AWSALB/AWSALBCORS), app_cookie (AWSALBAPP-*), target-group stickiness of weighted forwards (AWSALBTG/
AWSALBTGCORS), rebalancing when the pinned target leaves, and slow start's ramp — with real test_app backends."""

import collections
import time

from conftest import wait_until
from test_data_plane_support import apps, elb, forward, get  # noqa: F401 - apps and elb are fixtures

EXPIRES = r"Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"


def set_cookies(resp):
    """{cookie name: (value, full Set-Cookie text)} of a response."""
    out = {}
    for name, value in resp.headers:
        if name.lower() == "set-cookie":
            cookie = value.split(";", 1)[0]
            key, _, val = cookie.partition("=")
            out[key.strip()] = (val.strip(), value)
    return out


def name_with(listener, cookie, path="/"):
    resp = get(listener, path, headers={"Cookie": cookie} if cookie else {})
    assert resp.status == 200, resp
    return resp.json()["name"], resp


def sticky_group(elb, apps, prefix, attributes):
    a, b = apps(2, prefix)
    tg = elb.target_group(attributes={"stickiness.enabled": "true", **attributes})
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    return listener, tg, a, b


def test_lb_cookie_pins_the_client_to_one_target(elb, apps):
    import re
    listener, _, a, b = sticky_group(elb, apps, "lbc", {"stickiness.type": "lb_cookie"})
    first_name, first = name_with(listener, None)
    cookies = set_cookies(first)
    assert set(cookies) == {"AWSALB", "AWSALBCORS"}, first.headers
    value, text = cookies["AWSALB"]
    assert re.fullmatch(r"AWSALB=[A-Za-z0-9+/=]+; " + EXPIRES + "; Path=/", text), text
    cors_value, cors_text = cookies["AWSALBCORS"]
    assert cors_value == value
    assert re.fullmatch(r"AWSALBCORS=[A-Za-z0-9+/=]+; " + EXPIRES + "; Path=/; SameSite=None; Secure", cors_text)
    # with the cookie: always the same target, and the cookie comes back on every response
    for _ in range(8):
        name, resp = name_with(listener, f"AWSALB={value}")
        assert name == first_name
        assert set_cookies(resp)["AWSALB"][0] == value
    # without it: round robin as usual
    names = [name_with(listener, None)[0] for _ in range(6)]
    assert set(names) == {a.name, b.name}, names


def test_lb_cookie_that_cannot_be_decoded_gets_a_new_target_and_cookie(elb, apps):
    listener, _, a, b = sticky_group(elb, apps, "lbbad", {"stickiness.type": "lb_cookie"})
    names = set()
    for _ in range(4):
        name, resp = name_with(listener, "AWSALB=not-one-of-ours")
        names.add(name)
        assert set_cookies(resp)["AWSALB"][0] != "not-one-of-ours"
    assert names == {a.name, b.name}  # no stickiness from a forged value


def test_sticky_target_turning_unhealthy_moves_the_client_and_rewrites_the_cookie(elb, apps):
    listener, tg, a, b = sticky_group(elb, apps, "lbsick", {"stickiness.type": "lb_cookie"})
    pinned_name, resp = name_with(listener, None)
    value = set_cookies(resp)["AWSALB"][0]
    pinned, other = (a, b) if pinned_name == a.name else (b, a)
    pinned.health_off()
    elb.wait_state(tg, pinned, "unhealthy")
    name, resp = name_with(listener, f"AWSALB={value}")
    assert name == other.name
    new_value = set_cookies(resp)["AWSALB"][0]
    assert new_value != value
    for _ in range(4):  # the new cookie pins the client to the healthy target
        assert name_with(listener, f"AWSALB={new_value}")[0] == other.name


def test_lb_cookie_stickiness_ends_after_its_duration(elb, apps):
    # 100 s at time scale 0.01: stickiness lasts 1 s; the cookie itself is re-issued with the same pin until then
    listener, _, _, _ = sticky_group(elb, apps, "lbdur", {"stickiness.type": "lb_cookie",
                                                           "stickiness.lb_cookie.duration_seconds": "100"})
    _, resp = name_with(listener, None)
    value = set_cookies(resp)["AWSALB"][0]
    started = time.monotonic()
    assert set_cookies(name_with(listener, f"AWSALB={value}")[1])["AWSALB"][0] == value
    wait_until(lambda: set_cookies(name_with(listener, f"AWSALB={value}")[1])["AWSALB"][0] != value, timeout=10,
               message="a new pin once the stickiness duration has passed")
    assert time.monotonic() - started >= 0.7


def test_app_cookie_stickiness_follows_the_application_cookie(elb, apps):
    listener, _, a, b = sticky_group(elb, apps, "appc", {"stickiness.type": "app_cookie",
                                                          "stickiness.app_cookie.cookie_name": "SESSIONID"})
    # a response without the application's cookie gets no AWSALBAPP cookie
    _, plain = name_with(listener, None)
    assert not set_cookies(plain), plain.headers
    pinned_name, resp = name_with(listener, None, "/login?set-cookie=SESSIONID")
    cookies = set_cookies(resp)
    assert cookies["SESSIONID"][0] == pinned_name  # the application's own cookie passes through untouched
    assert "AWSALBAPP-0" in cookies, resp.headers
    for shard in (1, 2, 3):
        assert cookies[f"AWSALBAPP-{shard}"][0] == "_remove_"
    app_value = cookies["AWSALBAPP-0"][0]
    both = f"SESSIONID={pinned_name}; AWSALBAPP-0={app_value}"
    for _ in range(6):
        assert name_with(listener, both)[0] == pinned_name
    # AWS: clients must send both cookies; ours alone does not keep the session sticky
    names = {name_with(listener, f"AWSALBAPP-0={app_value}")[0] for _ in range(6)}
    assert names == {a.name, b.name}, names


def test_target_group_stickiness_of_a_weighted_forward(elb, apps):
    one, two = apps(2, "tgs")
    groups = []
    for app in (one, two):
        groups.append(elb.target_group())
        elb.register(groups[-1], app)
    lb = elb.alb()
    action = forward(*groups, weights=[1, 1])
    action[0]["ForwardConfig"]["TargetGroupStickinessConfig"] = {"Enabled": True, "DurationSeconds": 3600}
    listener = elb.listener(lb["LoadBalancerArn"], action)
    for tg in groups:
        elb.wait_healthy(tg, 1)
    first_name, resp = name_with(listener, None)
    cookies = set_cookies(resp)
    assert set(cookies) == {"AWSALBTG", "AWSALBTGCORS"}, resp.headers
    assert cookies["AWSALBTGCORS"][1].endswith("; Path=/; SameSite=None; Secure")
    value = cookies["AWSALBTG"][0]
    for _ in range(10):
        assert name_with(listener, f"AWSALBTG={value}")[0] == first_name
    names = collections.Counter(name_with(listener, None)[0] for _ in range(40))
    assert set(names) == {one.name, two.name}, names  # without the cookie the weights decide


def test_slow_start_ramps_a_newly_healthy_target(elb, apps):
    a, b = apps(2, "slow")
    # 600 s at time scale 0.01: a 6 s linear ramp
    tg = elb.target_group(attributes={"slow_start.duration_seconds": "600"})
    elb.register(tg, a)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    elb.register(tg, b)
    elb.wait_healthy(tg, 2)
    early = collections.Counter(get(listener, "/").json()["name"] for _ in range(40))
    assert early[b.name] <= 8, early  # ≲ 10% of the share in the first second of a 6 s ramp

    def even():
        counts = collections.Counter(get(listener, "/").json()["name"] for _ in range(20))
        return counts[a.name] == counts[b.name] == 10

    started = time.monotonic()
    wait_until(even, timeout=15, message="an even round robin once slow start ended")
    assert time.monotonic() - started >= 3, "the ramp ended far earlier than its 6 s"


def test_targets_registered_together_into_an_empty_group_skip_slow_start(elb, apps):
    a, b = apps(2, "noslow")
    tg = elb.target_group(attributes={"slow_start.duration_seconds": "900"})
    elb.register(tg, a, b)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 2)
    counts = collections.Counter(get(listener, "/").json()["name"] for _ in range(20))
    assert counts == {a.name: 10, b.name: 10}, counts
