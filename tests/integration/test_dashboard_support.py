"""Support for the dashboard tests (test_dashboard_*.py, test_status_cli.py): one small scene of real resources
and a reader for GET /_albatross/state. Holds no tests itself.

The scene: an ALB with an HTTP listener (default: fixed 503), rule 10 `path-pattern /api/*` → forward to a target
group of two test_app backends (one healthy, one whose /health answers 503 → unhealthy), rule 20
`host-header admin.example.com` → redirect to HTTPS, and a second target group that no load balancer uses."""

import json
import types

from conftest import wait_until
from test_data_plane_support import fixed, forward, redirect, unique


def get_state(server, headers=None):
    """(status, headers dict (lower-case names), parsed body or None) of GET /_albatross/state."""
    status, headers_list, body = server.http("GET", "/_albatross/state", headers=headers)
    headers_out = {k.lower(): v for k, v in headers_list}
    return status, headers_out, (json.loads(body) if status == 200 else None)


def state_of(server):
    status, _, state = get_state(server)
    assert status == 200, status
    return state


def find(items, **match):
    """The one item whose keys equal `match`, or None."""
    found = [item for item in items if all(item.get(k) == v for k, v in match.items())]
    assert len(found) <= 1, found
    return found[0] if found else None


def build_scene(elb, apps):
    healthy_app, sick_app, spare_app = apps(3, "dash")
    sick_app.health_off()  # /health → 503: unhealthy, Target.ResponseCodeMismatch
    # A generous probe timeout (25 s × time scale): a busy machine (Chromium starting) must not time out the
    # healthy target.
    web_tg_name, spare_tg_name, lb_name = unique("web"), unique("spare"), unique("dash")
    web_tg = elb.target_group(name=web_tg_name, HealthCheckIntervalSeconds=30, HealthCheckTimeoutSeconds=25,
                              UnhealthyThresholdCount=2)
    spare_tg = elb.target_group(name=spare_tg_name)
    elb.register(web_tg, healthy_app, sick_app)
    elb.register(spare_tg, spare_app)
    lb = elb.alb(name=lb_name)
    listener = elb.listener(lb["LoadBalancerArn"], fixed("503", "no route"))
    elb.rule(listener, 10, [{"Field": "path-pattern", "Values": ["/api/*"]}], forward(web_tg))
    elb.rule(listener, 20, [{"Field": "host-header", "Values": ["admin.example.com"]}],
             redirect(Protocol="HTTPS", Port="443"))
    elb.wait_state(web_tg, healthy_app, "healthy")
    elb.wait_state(web_tg, sick_app, "unhealthy")
    return types.SimpleNamespace(lb=lb, lb_name=lb_name, listener=listener, web_tg=web_tg, web_tg_name=web_tg_name,
                                 spare_tg=spare_tg, spare_tg_name=spare_tg_name, healthy_app=healthy_app,
                                 sick_app=sick_app, spare_app=spare_app)


def wait_state_target(server, tg_arn, port, state, timeout=15):
    """Polls /state until the target 127.0.0.1:port of tg_arn is in `state`; returns that target entry."""
    def target():
        group = find(state_of(server)["target_groups"], arn=tg_arn)
        entry = group and find(group["targets"], id="127.0.0.1", port=port)
        return entry if entry and entry["state"] == state else None

    return wait_until(target, timeout=timeout, interval=0.1, message=f"target :{port} of {tg_arn} {state} in /state")
