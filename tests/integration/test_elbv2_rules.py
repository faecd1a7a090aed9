"""ELBv2 listener rules end to end: CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities
(spec §3), with the aws CLI v2 for the condition syntaxes users type and boto3 for the rest."""

import json
import re

import pytest
from aws_errors import cli_error, client_error, ok

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def fixed(status="200", body=None):
    config = {"StatusCode": status, "ContentType": "text/plain"}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn}]


def path(*values):
    return [{"Field": "path-pattern", "PathPatternConfig": {"Values": list(values)}}]


RULE_ARN_RE = re.compile(r"^arn:aws:elasticloadbalancing:us-east-1:\d{12}:listener-rule/app/[A-Za-z0-9-]+/"
                         r"[0-9a-f]{16}/[0-9a-f]{16}/[0-9a-f]{16}$")


class Env:
    """A load balancer with an HTTP:80 listener (default: fixed-response 503) and an HTTP target group."""

    def __init__(self, client):
        self.ec2 = client("ec2")
        self.elbv2 = client("elbv2")
        subnets = self.ec2.describe_subnets()["Subnets"]
        assert subnets, "no default subnets"
        self.vpc_id = subnets[0]["VpcId"]
        self.subnet_ids = [s["SubnetId"] for s in subnets if s["VpcId"] == self.vpc_id][:2]
        self.lb_arn = self.load_balancer("lb-rules")
        self.tg_arn = self.target_group("tg-one")
        self.listener_arn = self.listener(self.lb_arn, 80)

    def load_balancer(self, name):
        lbs = self.elbv2.create_load_balancer(Name=name, Subnets=self.subnet_ids)["LoadBalancers"]
        return lbs[0]["LoadBalancerArn"]

    def target_group(self, name, protocol="HTTP", **kw):
        tgs = self.elbv2.create_target_group(Name=name, Protocol=protocol, Port=80, VpcId=self.vpc_id, **kw)
        return tgs["TargetGroups"][0]["TargetGroupArn"]

    def listener(self, lb_arn, port, protocol="HTTP"):
        listeners = self.elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol=protocol, Port=port,
                                               DefaultActions=fixed("503", "no route"))["Listeners"]
        return listeners[0]["ListenerArn"]

    def rule(self, priority, conditions=None, actions=None, listener_arn=None):
        rules = self.elbv2.create_rule(ListenerArn=listener_arn or self.listener_arn, Priority=priority,
                                       Conditions=conditions or path(f"/p{priority}"),
                                       Actions=actions or fixed())["Rules"]
        return rules[0]

    def rules(self, listener_arn=None):
        return self.elbv2.describe_rules(ListenerArn=listener_arn or self.listener_arn)["Rules"]

    def default_rule(self):
        return [r for r in self.rules() if r["IsDefault"]][0]


@pytest.fixture
def env(client):
    return Env(client)


@pytest.fixture
def unvalidated_elbv2(server, account):
    """An elbv2 client that sends out-of-range values instead of refusing them itself."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "elbv2", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=account,
        aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}, parameter_validation=False))


# --------------------------------------------------------------------------------------------------
# conditions, both forms, through the CLI
# --------------------------------------------------------------------------------------------------


def test_cli_legacy_host_header_and_forward(aws, env):
    out = ok(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "10",
             "--conditions", "Field=host-header,Values=a.example.com",
             "--actions", f"Type=forward,TargetGroupArn={env.tg_arn}")
    rule = out["Rules"][0]
    assert RULE_ARN_RE.match(rule["RuleArn"]), rule["RuleArn"]
    listener_part = env.listener_arn.split(":listener/")[1]
    assert rule["RuleArn"].split(":listener-rule/")[1].startswith(listener_part + "/")
    assert rule["Priority"] == "10"
    assert rule["IsDefault"] is False
    assert rule["Conditions"] == [{"Field": "host-header", "Values": ["a.example.com"],
                                   "HostHeaderConfig": {"Values": ["a.example.com"]}}]
    assert rule["Actions"] == [{
        "Type": "forward", "TargetGroupArn": env.tg_arn, "Order": 1,
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": env.tg_arn, "Weight": 1}],
                          "TargetGroupStickinessConfig": {"Enabled": False}},
    }]


def test_cli_legacy_path_pattern(aws, env):
    out = ok(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "11",
             "--conditions", "Field=path-pattern,Values=/img/*",
             "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain}")
    assert out["Rules"][0]["Conditions"] == [{"Field": "path-pattern", "Values": ["/img/*"],
                                              "PathPatternConfig": {"Values": ["/img/*"]}}]


def test_cli_config_form_of_every_condition(aws, env):
    conditions = [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/img/*"]}},
        {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Env", "Values": ["blue"]}},
        {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET"]}},
        {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "v", "Value": "2"}]}},
        {"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/8"]}},
    ]
    out = ok(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "12",
             "--conditions", json.dumps(conditions), "--actions", json.dumps(fixed()))
    got = out["Rules"][0]["Conditions"]
    assert got[0] == {"Field": "path-pattern", "Values": ["/img/*"], "PathPatternConfig": {"Values": ["/img/*"]}}
    assert got[1:] == conditions[1:]
    out = ok(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "13",
             "--conditions", '[{"Field":"host-header","HostHeaderConfig":{"Values":["a.example.com","*.b.example.com"]}}]',
             "--actions", json.dumps(fixed()))
    assert out["Rules"][0]["Conditions"] == [{
        "Field": "host-header", "Values": ["a.example.com", "*.b.example.com"],
        "HostHeaderConfig": {"Values": ["a.example.com", "*.b.example.com"]}}]
    described = ok(aws, "elbv2", "describe-rules", "--rule-arns", out["Rules"][0]["RuleArn"])
    assert described["Rules"] == out["Rules"]


def test_query_string_without_key(env):
    rule = env.rule(14, [{"Field": "query-string", "QueryStringConfig": {"Values": [{"Value": "debug"}]}}])
    assert rule["Conditions"][0]["QueryStringConfig"] == {"Values": [{"Value": "debug"}]}


@pytest.mark.parametrize("conditions, fragment", [
    ([], "at least one condition"),
    ([{"Field": "cookie", "Values": ["x"]}], "'cookie'"),
    ([{"PathPatternConfig": {"Values": ["/a"]}}], "A condition field must be specified"),
    ([{"Field": "http-request-method", "Values": ["GET"]}], "not compatible with 'http-request-method'"),
    ([{"Field": "path-pattern", "Values": ["/a", "/b"]}], "limit is '1'"),
    ([{"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example.com"]}},
      {"Field": "host-header", "HostHeaderConfig": {"Values": ["b.example.com"]}}], "only have one 'host-header'"),
    ([{"Field": "host-header", "HostHeaderConfig": {"Values": ["localhost"]}}], "at least one '.'"),
    ([{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a b"]}}], "invalid characters"),
    ([{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/" + "a" * 128]}}], "limit is '128'"),
    ([{"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["get"]}}], "A-Z, hyphen and underscore"),
    ([{"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "Host", "Values": ["a.example.com"]}}],
     "cannot be 'Host'"),
    ([{"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X" * 41, "Values": ["v"]}}], "limit is '40'"),
    ([{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.300/8"]}}], "CIDR"),
    ([{"Field": "source-ip", "SourceIpConfig": {"Values": []}}], "A 'source-ip' value must be specified"),
    ([{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/1", "/2", "/3"]}},
      {"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example.com", "b.example.com", "c.example.com"]}}],
     "A rule can only have '5' condition values"),
    ([{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*/*/*", "/*/*/*"]}}], "'5' wildcards"),
])
def test_invalid_conditions(env, conditions, fragment):
    code, message, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=20,
                                         Conditions=conditions, Actions=fixed())
    assert (code, status) == ("ValidationError", 400)
    assert fragment in message
    assert [r["Priority"] for r in env.rules()] == ["default"]


# --------------------------------------------------------------------------------------------------
# priorities, describe, limits
# --------------------------------------------------------------------------------------------------


def test_describe_rules_sorted_by_priority_default_last(env):
    for priority in (20, 3, 100, 50000, 1):
        env.rule(priority)
    rules = env.rules()
    assert [r["Priority"] for r in rules] == ["1", "3", "20", "100", "50000", "default"]
    assert all(isinstance(r["Priority"], str) for r in rules)
    default = rules[-1]
    assert default["IsDefault"] is True and default["Conditions"] == []
    listener = env.elbv2.describe_listeners(ListenerArns=[env.listener_arn])["Listeners"][0]
    assert default["Actions"] == listener["DefaultActions"]
    assert RULE_ARN_RE.match(default["RuleArn"])


def test_priority_in_use_and_range(env, unvalidated_elbv2):
    env.rule(7)
    code, message, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=7,
                                         Conditions=path("/other"), Actions=fixed())
    assert (code, status) == ("PriorityInUse", 400)
    assert "7" in message
    for bad in (0, 50001):
        code, _, status = client_error(unvalidated_elbv2.create_rule, ListenerArn=env.listener_arn, Priority=bad,
                                       Conditions=path("/x"), Actions=fixed())
        assert (code, status) == ("ValidationError", 400)
    # The same priority on another listener is fine.
    other = env.listener(env.lb_arn, 8080)
    assert env.rule(7, listener_arn=other)["Priority"] == "7"


def test_describe_rules_by_arn_and_errors(env, account):
    a, b = env.rule(1), env.rule(2)
    got = env.elbv2.describe_rules(RuleArns=[b["RuleArn"], a["RuleArn"]])["Rules"]
    assert [r["RuleArn"] for r in got] == [b["RuleArn"], a["RuleArn"]]
    missing = a["RuleArn"][:-16] + "0123456789abcdef"
    code, message, status = client_error(env.elbv2.describe_rules, RuleArns=[a["RuleArn"], missing])
    assert (code, message, status) == ("RuleNotFound", "One or more rules not found", 400)
    code, _, _ = client_error(env.elbv2.describe_rules, ListenerArn=env.listener_arn, RuleArns=[a["RuleArn"]])
    assert code == "ValidationError"
    code, _, _ = client_error(env.elbv2.describe_rules)
    assert code == "ValidationError"
    unknown_listener = env.listener_arn[:-16] + "0123456789abcdef"
    code, _, _ = client_error(env.elbv2.describe_rules, ListenerArn=unknown_listener)
    assert code == "ListenerNotFound"


def test_describe_rules_pages(env):
    for priority in range(1, 6):
        env.rule(priority)
    seen, marker, pages = [], None, 0
    while True:
        kw = {"ListenerArn": env.listener_arn, "PageSize": 2}
        if marker:
            kw["Marker"] = marker
        page = env.elbv2.describe_rules(**kw)
        pages += 1
        assert len(page["Rules"]) <= 2
        seen += [r["Priority"] for r in page["Rules"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert pages == 3
    assert seen == ["1", "2", "3", "4", "5", "default"]


def test_rules_per_load_balancer_limit(env):
    second_listener = env.listener(env.lb_arn, 8080)
    for priority in range(1, 51):
        env.rule(priority)
    for priority in range(1, 51):
        env.rule(priority, listener_arn=second_listener)
    code, _, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=51,
                                   Conditions=path("/over"), Actions=fixed())
    assert (code, status) == ("TooManyRules", 400)
    # Another load balancer has its own budget.
    other_lb = env.load_balancer("lb-other")
    assert env.rule(1, listener_arn=env.listener(other_lb, 80))["Priority"] == "1"


def test_create_rule_unknown_listener(env):
    unknown = env.listener_arn[:-16] + "0123456789abcdef"
    code, _, status = client_error(env.elbv2.create_rule, ListenerArn=unknown, Priority=1,
                                   Conditions=path("/a"), Actions=fixed())
    assert (code, status) == ("ListenerNotFound", 400)


def test_create_rule_with_tags(env):
    rule = env.elbv2.create_rule(ListenerArn=env.listener_arn, Priority=1, Conditions=path("/a"), Actions=fixed(),
                                 Tags=[{"Key": "team", "Value": "web"}])["Rules"][0]
    tags = env.elbv2.describe_tags(ResourceArns=[rule["RuleArn"]])["TagDescriptions"][0]["Tags"]
    assert tags == [{"Key": "team", "Value": "web"}]


# --------------------------------------------------------------------------------------------------
# modify, delete, set priorities
# --------------------------------------------------------------------------------------------------


def test_modify_rule_conditions_then_actions(aws, env):
    rule = env.rule(5)
    out = env.elbv2.modify_rule(RuleArn=rule["RuleArn"],
                                Conditions=[{"Field": "host-header", "Values": ["new.example.com"]}])["Rules"][0]
    assert out["Conditions"][0]["HostHeaderConfig"] == {"Values": ["new.example.com"]}
    assert out["Actions"] == rule["Actions"] and out["Priority"] == "5"
    out = ok(aws, "elbv2", "modify-rule", "--rule-arn", rule["RuleArn"],
             "--actions", f"Type=forward,TargetGroupArn={env.tg_arn}")["Rules"][0]
    assert out["Actions"][0]["TargetGroupArn"] == env.tg_arn
    assert out["Conditions"][0]["Values"] == ["new.example.com"]
    assert env.elbv2.describe_rules(RuleArns=[rule["RuleArn"]])["Rules"][0] == out
    code, _, _ = client_error(env.elbv2.modify_rule, RuleArn=rule["RuleArn"],
                              Conditions=[{"Field": "source-ip", "SourceIpConfig": {"Values": ["nope"]}}])
    assert code == "ValidationError"


def test_modify_default_rule_updates_listener(env):
    default = env.default_rule()
    out = env.elbv2.modify_rule(RuleArn=default["RuleArn"], Actions=forward(env.tg_arn))["Rules"][0]
    assert out["IsDefault"] is True and out["Priority"] == "default"
    listener = env.elbv2.describe_listeners(ListenerArns=[env.listener_arn])["Listeners"][0]
    assert listener["DefaultActions"] == out["Actions"]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == env.tg_arn
    code, _, status = client_error(env.elbv2.modify_rule, RuleArn=default["RuleArn"], Conditions=path("/a"))
    assert (code, status) == ("OperationNotPermitted", 400)
    # ModifyListener's new default actions show up on the default rule.
    env.elbv2.modify_listener(ListenerArn=env.listener_arn, DefaultActions=fixed("404"))
    assert env.default_rule()["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "404"


def test_delete_rule(aws, env):
    rule = env.rule(9)
    ok(aws, "elbv2", "delete-rule", "--rule-arn", rule["RuleArn"])
    assert [r["Priority"] for r in env.rules()] == ["default"]
    code, message = cli_error(aws, "elbv2", "delete-rule", "--rule-arn", rule["RuleArn"])
    assert code == "RuleNotFound"
    code, message = cli_error(aws, "elbv2", "delete-rule", "--rule-arn", env.default_rule()["RuleArn"])
    assert code == "OperationNotPermitted"
    assert "cannot be deleted" in message


def test_set_rule_priorities_swap_is_atomic(aws, env):
    a, b, c = env.rule(1), env.rule(2), env.rule(3)
    out = ok(aws, "elbv2", "set-rule-priorities", "--rule-priorities",
             f"RuleArn={a['RuleArn']},Priority=2", f"RuleArn={b['RuleArn']},Priority=1")
    assert {r["RuleArn"]: r["Priority"] for r in out["Rules"]} == {a["RuleArn"]: "2", b["RuleArn"]: "1"}
    assert [r["RuleArn"] for r in env.rules()] == [b["RuleArn"], a["RuleArn"], c["RuleArn"], env.default_rule()["RuleArn"]]

    code, _, status = client_error(env.elbv2.set_rule_priorities, RulePriorities=[
        {"RuleArn": a["RuleArn"], "Priority": 10}, {"RuleArn": b["RuleArn"], "Priority": 3}])
    assert (code, status) == ("PriorityInUse", 400)
    assert [r["Priority"] for r in env.rules()] == ["1", "2", "3", "default"]  # nothing changed

    code, _, _ = client_error(env.elbv2.set_rule_priorities, RulePriorities=[
        {"RuleArn": a["RuleArn"], "Priority": 10}, {"RuleArn": b["RuleArn"], "Priority": 10}])
    assert code == "ValidationError"

    code, _, _ = client_error(env.elbv2.set_rule_priorities, RulePriorities=[
        {"RuleArn": env.default_rule()["RuleArn"], "Priority": 10}])
    assert code == "OperationNotPermitted"

    missing = a["RuleArn"][:-16] + "0123456789abcdef"
    code, _, _ = client_error(env.elbv2.set_rule_priorities, RulePriorities=[{"RuleArn": missing, "Priority": 10}])
    assert code == "RuleNotFound"


# --------------------------------------------------------------------------------------------------
# actions
# --------------------------------------------------------------------------------------------------


def test_redirect_defaults_and_loops(aws, env):
    out = ok(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "1",
             "--conditions", "Field=path-pattern,Values=/old/*",
             "--actions", "Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}")
    assert out["Rules"][0]["Actions"] == [{
        "Type": "redirect", "Order": 1,
        "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}",
                           "Query": "#{query}", "StatusCode": "HTTP_301"}}]
    code, message = cli_error(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "2",
                              "--conditions", "Field=path-pattern,Values=/loop",
                              "--actions", "Type=redirect,RedirectConfig={StatusCode=HTTP_302}")
    assert code == "InvalidLoadBalancerAction"
    assert message == "The redirect configuration is not valid because it creates a loop."
    # HTTP on port 80 is this very listener.
    code, _ = cli_error(aws, "elbv2", "create-rule", "--listener-arn", env.listener_arn, "--priority", "2",
                        "--conditions", "Field=path-pattern,Values=/loop",
                        "--actions", "Type=redirect,RedirectConfig={Protocol=HTTP,Port=80,StatusCode=HTTP_302}")
    assert code == "InvalidLoadBalancerAction"
    code, message, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2,
                                    Conditions=path("/x"), Actions=[{"Type": "redirect", "RedirectConfig": {
                                        "Path": "no-slash", "StatusCode": "HTTP_301"}}])
    assert code == "ValidationError" and "'/'" in message


def test_fixed_response_validation(env):
    rule = env.rule(1, actions=fixed("418", "teapot"))
    assert rule["Actions"] == [{"Type": "fixed-response", "Order": 1, "FixedResponseConfig": {
        "StatusCode": "418", "ContentType": "text/plain", "MessageBody": "teapot"}}]
    code, _, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2,
                                   Conditions=path("/x"), Actions=fixed("301"))
    assert (code, status) == ("ValidationError", 400)
    code, _, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2, Conditions=path("/x"),
                              Actions=[{"Type": "fixed-response", "FixedResponseConfig": {
                                  "StatusCode": "200", "ContentType": "text/xml"}}])
    assert code == "InvalidLoadBalancerAction"
    code, _, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2,
                              Conditions=path("/x"), Actions=fixed("200", "b" * 1025))
    assert code == "ValidationError"
    code, _, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2,
                              Conditions=path("/x"), Actions=[{"Type": "fixed-response"}])
    assert code == "InvalidLoadBalancerAction"


def test_forward_weighted(env):
    tg2 = env.target_group("tg-two")
    rule = env.rule(1, actions=[{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": env.tg_arn, "Weight": 3}, {"TargetGroupArn": tg2, "Weight": 1}],
        "TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}}])
    action = rule["Actions"][0]
    assert "TargetGroupArn" not in action
    assert action["ForwardConfig"] == {
        "TargetGroups": [{"TargetGroupArn": env.tg_arn, "Weight": 3}, {"TargetGroupArn": tg2, "Weight": 1}],
        "TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}
    lbs = env.elbv2.describe_target_groups(TargetGroupArns=[tg2])["TargetGroups"][0]["LoadBalancerArns"]
    assert lbs == [env.lb_arn]
    code, _, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=2, Conditions=path("/x"),
                              Actions=[{"Type": "forward", "ForwardConfig": {
                                  "TargetGroups": [{"TargetGroupArn": env.tg_arn, "Weight": 1000}]}}])
    assert code == "ValidationError"


def test_forward_to_missing_target_group(env):
    missing = env.tg_arn[:-16] + "0123456789abcdef"
    code, _, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=1,
                                   Conditions=path("/x"), Actions=forward(missing))
    assert (code, status) == ("TargetGroupNotFound", 400)
    assert [r["Priority"] for r in env.rules()] == ["default"]


def test_target_group_used_by_two_load_balancers(env):
    env.rule(1, actions=forward(env.tg_arn))
    other_listener = env.listener(env.load_balancer("lb-second"), 80)
    code, message, status = client_error(env.elbv2.create_rule, ListenerArn=other_listener, Priority=1,
                                         Conditions=path("/x"), Actions=forward(env.tg_arn))
    assert (code, status) == ("TargetGroupAssociationLimit", 400)
    assert env.tg_arn in message
    # A second listener of the same load balancer may use it.
    assert env.rule(1, actions=forward(env.tg_arn), listener_arn=env.listener(env.lb_arn, 8080))


def test_forward_to_tcp_target_group_is_incompatible(env):
    tcp = env.target_group("tg-tcp", protocol="TCP")
    code, _, status = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=1,
                                   Conditions=path("/x"), Actions=forward(tcp))
    assert (code, status) == ("IncompatibleProtocols", 400)


def test_action_order_and_routing_rules(env):
    code, _, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=1, Conditions=path("/x"),
                              Actions=fixed() + forward(env.tg_arn))
    assert code == "InvalidLoadBalancerAction"  # no Order with two actions (and two routing actions)
    oidc = {"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {
        "Issuer": "https://idp.example.com", "AuthorizationEndpoint": "https://idp.example.com/a",
        "TokenEndpoint": "https://idp.example.com/t", "UserInfoEndpoint": "https://idp.example.com/u",
        "ClientId": "c", "ClientSecret": "s"}}
    code, message, _ = client_error(env.elbv2.create_rule, ListenerArn=env.listener_arn, Priority=1,
                                    Conditions=path("/x"), Actions=[oidc, dict(forward(env.tg_arn)[0], Order=2)])
    assert code == "InvalidLoadBalancerAction" and "HTTPS" in message
