"""ALB access logs (spec issue 4 Observability): with access_logs.s3.enabled=true every request gets one line in
AWS's access-log format and field order, under <state dir>/access-logs/<lb name>/[<prefix>/]AWSLogs/<account>/
elasticloadbalancing/<region>/yyyy/mm/dd/<AWS-style file name>.log; without it nothing is written."""

import glob
import os
import re
import shlex

from conftest import wait_until
from test_data_plane_support import apps, elb, fixed, forward, get, redirect  # noqa: F401 - fixtures

FIELDS = ["type", "time", "elb", "client", "target", "request_processing_time", "target_processing_time",
          "response_processing_time", "elb_status_code", "target_status_code", "received_bytes", "sent_bytes",
          "request", "user_agent", "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name",
          "chosen_cert_arn", "matched_rule_priority", "request_creation_time", "actions_executed", "redirect_url",
          "error_reason", "target_port_list", "target_status_code_list", "classification", "classification_reason",
          "conn_trace_id"]
ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"


def log_lines(elb, lb):
    root = os.path.join(elb.server.state_dir, "access-logs", lb["LoadBalancerName"])
    pattern = os.path.join(root, "p1", "AWSLogs", elb.account, "elasticloadbalancing", "us-east-1", "*", "*", "*",
                           "*.log")
    lines = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            lines += [dict(zip(FIELDS, shlex.split(line))) | {"_fields": len(shlex.split(line)), "_path": path}
                      for line in f if line.strip()]
    return lines


def test_access_log_lines_in_aws_format(elb, apps):
    (app,) = apps(1, "logged")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb(attributes={"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "my-logs",
                             "access_logs.s3.prefix": "p1"})
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.rule(listener, 10, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/fixed"]}}],
             fixed("418", "teapot"))
    elb.rule(listener, 20, [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/old"]}}],
             redirect(Path="/new"))
    elb.wait_healthy(tg, 1)
    assert get(listener, "/a?x=1", headers={"User-Agent": "agent/1.0"}).status == 200
    assert get(listener, "/fixed").status == 418
    assert get(listener, "/old").status == 301
    wait_until(lambda: len(log_lines(elb, lb)) >= 3, timeout=5, message="three access-log lines")
    forwarded, fixed_line, redirected = log_lines(elb, lb)[:3]

    name = os.path.basename(forwarded["_path"])
    lb_id = lb["LoadBalancerArn"].split("loadbalancer/")[1]
    assert re.fullmatch(rf"{elb.account}_elasticloadbalancing_us-east-1_{lb_id.replace('/', '.')}_\d{{8}}T\d{{4}}Z_"
                        r"127\.0\.0\.1_[a-z0-9]{8}\.log", name), name
    for line in (forwarded, fixed_line, redirected):
        assert line["_fields"] == len(FIELDS), line
        assert line["type"] == "http"
        assert re.fullmatch(ISO, line["time"]) and re.fullmatch(ISO, line["request_creation_time"])
        assert line["elb"] == lb_id
        assert re.fullmatch(r"127\.0\.0\.1:\d+", line["client"])
        assert line["ssl_cipher"] == "-" and line["ssl_protocol"] == "-"
        assert line["conn_trace_id"].startswith("TID_")

    assert forwarded["target"] == f"127.0.0.1:{app.port}"
    assert forwarded["elb_status_code"] == "200" and forwarded["target_status_code"] == "200"
    assert re.fullmatch(r"GET http://[^ ]+:\d+/a\?x=1 HTTP/1\.1", forwarded["request"]), forwarded["request"]
    assert forwarded["user_agent"] == "agent/1.0"
    assert forwarded["target_group_arn"] == tg
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", forwarded["trace_id"]), forwarded["trace_id"]
    assert forwarded["matched_rule_priority"] == "0"
    assert forwarded["actions_executed"] == "forward"
    assert forwarded["target_port_list"] == f"127.0.0.1:{app.port}"
    assert forwarded["target_status_code_list"] == "200"
    assert float(forwarded["target_processing_time"]) >= 0
    assert int(forwarded["sent_bytes"]) > 0 and int(forwarded["received_bytes"]) > 0

    assert fixed_line["elb_status_code"] == "418" and fixed_line["target_status_code"] == "-"
    assert fixed_line["target"] == "-" and fixed_line["target_processing_time"] == "-1"
    assert fixed_line["matched_rule_priority"] == "10"
    assert fixed_line["actions_executed"] == "fixed-response"

    assert redirected["elb_status_code"] == "301"
    assert redirected["actions_executed"] == "redirect"
    assert redirected["matched_rule_priority"] == "20"
    assert redirected["redirect_url"].endswith("/new"), redirected["redirect_url"]


def test_no_access_log_unless_enabled(elb, apps):
    (app,) = apps(1, "unlogged")
    tg = elb.target_group()
    elb.register(tg, app)
    lb = elb.alb()
    listener = elb.listener(lb["LoadBalancerArn"], forward(tg))
    elb.wait_healthy(tg, 1)
    assert get(listener, "/").status == 200
    assert not os.path.exists(os.path.join(elb.server.state_dir, "access-logs", lb["LoadBalancerName"]))
