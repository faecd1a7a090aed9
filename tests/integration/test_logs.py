"""CloudWatch Logs end to end with the aws CLI v2 (Debian's /usr/bin/aws, `aws logs tail` included) and boto3.
Every test runs in its own random account on the shared server."""

import subprocess
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import AWS_V2, _clean_env, wait_until
from aws_errors import ok


def now_ms():
    return int(time.time() * 1000)


def fails(aws, code, *args):
    rc, _, err = aws(*args)
    assert rc != 0 and f"({code})" in err, err
    return err


def error_of(call):
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


@pytest.fixture
def logs(client):
    return client("logs")


def raw(server, account, operation, payload):
    """A JSON 1.1 call without a client-side model (this boto3's model predates logGroupIdentifier)."""
    status, _, body = server.json_call(operation, payload, account=account, prefix="Logs_20140328", service="logs")
    return status, body


def put(logs, group, stream, messages, start=None):
    start = start if start is not None else now_ms() - 60000
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


# ------------------------------------------------------------------------------------------------
# groups and streams
# ------------------------------------------------------------------------------------------------


def test_log_group_lifecycle_with_the_cli(aws, account):
    ok(aws, "logs", "create-log-group", "--log-group-name", "/ecs/web", "--tags", "team=shop,env=dev")
    err = fails(aws, "ResourceAlreadyExistsException", "logs", "create-log-group", "--log-group-name", "/ecs/web")
    assert "The specified log group already exists" in err
    groups = ok(aws, "logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/web"]
    group = groups[0]
    assert group["arn"] == f"arn:aws:logs:us-east-1:{account}:log-group:/ecs/web:*"
    assert group["storedBytes"] == 0  # (this CLI's model predates logGroupArn and logGroupClass: boto3 checks them)
    assert abs(group["creationTime"] - now_ms()) < 60000
    assert "retentionInDays" not in group
    assert ok(aws, "logs", "list-tags-log-group", "--log-group-name", "/ecs/web")["tags"] == {"team": "shop", "env": "dev"}
    ok(aws, "logs", "delete-log-group", "--log-group-name", "/ecs/web")
    err = fails(aws, "ResourceNotFoundException", "logs", "delete-log-group", "--log-group-name", "/ecs/web")
    assert "The specified log group does not exist." in err
    assert ok(aws, "logs", "describe-log-groups")["logGroups"] == []


def test_invalid_names_are_refused_with_aws_wording(aws):
    err = fails(aws, "InvalidParameterException", "logs", "create-log-group", "--log-group-name", "bad name")
    assert "Member must satisfy regular expression pattern" in err and "logGroupName" in err
    err = fails(aws, "InvalidParameterException", "logs", "create-log-group", "--log-group-name", "aws/mine")
    assert "reserved for AWS" in err
    ok(aws, "logs", "create-log-group", "--log-group-name", "g")
    fails(aws, "InvalidParameterException", "logs", "create-log-stream", "--log-group-name", "g", "--log-stream-name", "a:b")


def test_describe_log_groups_pages_in_name_order(logs, aws):
    names = [f"/app/{c}" for c in "gfedcba"]
    for name in names:
        logs.create_log_group(logGroupName=name)
    logs.create_log_group(logGroupName="/other/x")
    first = logs.describe_log_groups(logGroupNamePrefix="/app/", limit=3)
    assert [g["logGroupName"] for g in first["logGroups"]] == ["/app/a", "/app/b", "/app/c"]
    pages = list(logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/app/", PaginationConfig={"PageSize": 3}))
    assert [len(p["logGroups"]) for p in pages] == [3, 3, 1]
    # The CLI follows nextToken by itself.
    everything = ok(aws, "logs", "describe-log-groups", "--page-size", "2")["logGroups"]
    assert [g["logGroupName"] for g in everything] == sorted(names) + ["/other/x"]
    pattern = logs.describe_log_groups(logGroupNamePattern="OTHER")["logGroups"]
    assert [g["logGroupName"] for g in pattern] == ["/other/x"]
    code, message = error_of(lambda: logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="b"))
    assert code == "InvalidParameterException" and "mutually exclusive" in message
    code, _ = error_of(lambda: logs.describe_log_groups(nextToken="garbage"))
    assert code == "InvalidParameterException"
    code, message = error_of(lambda: logs.describe_log_groups(limit=51))
    assert code == "InvalidParameterException" and "less than or equal to 50" in message


def test_log_streams_order_prefix_and_errors(logs, server, account):
    logs.create_log_group(logGroupName="g")
    base = now_ms() - 60000
    for name, offset in (("web/b", 30), ("web/a", 10), ("worker/c", 20)):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
        put(logs, "g", name, ["x"], start=base + offset)
    code, message = error_of(lambda: logs.create_log_stream(logGroupName="g", logStreamName="web/a"))
    assert (code, message) == ("ResourceAlreadyExistsException", "The specified log stream already exists")
    code, message = error_of(lambda: logs.create_log_stream(logGroupName="nope", logStreamName="s"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log group does not exist.")
    by_name = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["web/a", "web/b", "worker/c"]
    assert by_name[0]["firstEventTimestamp"] == base + 10 and by_name[0]["lastEventTimestamp"] == base + 10
    assert by_name[0]["arn"].endswith(":log-group:g:log-stream:web/a")
    newest = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in newest] == ["web/b", "worker/c", "web/a"]
    prefixed = logs.describe_log_streams(logGroupName="g", logStreamNamePrefix="web/", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in prefixed] == ["web/b", "web/a"]
    code, message = error_of(lambda: logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", logStreamNamePrefix="w"))
    assert (code, message) == ("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
    star_arn = logs.describe_log_groups()["logGroups"][0]["arn"]
    arn = star_arn[:-2]  # identifiers take the ARN without ":*"; the model's pattern refuses the "*" as AWS does
    status, body = raw(server, account, "DescribeLogStreams", {"logGroupIdentifier": arn})
    assert status == 200 and len(body["logStreams"]) == 3, body
    status, body = raw(server, account, "DescribeLogStreams", {"logGroupIdentifier": star_arn})
    assert status == 400 and "failed to satisfy constraint" in body["message"]
    status, body = raw(server, account, "DescribeLogStreams", {"logGroupIdentifier": "g"})
    assert status == 200 and len(body["logStreams"]) == 3
    status, body = raw(server, account, "DescribeLogStreams", {"logGroupName": "g", "logGroupIdentifier": arn})
    assert status == 400 and body["__type"] == "InvalidParameterException" and "mutually exclusive" in body["message"]
    status, body = raw(server, account, "DescribeLogStreams", {})
    assert status == 400 and body["__type"] == "InvalidParameterException"
    logs.delete_log_stream(logGroupName="g", logStreamName="web/a")
    code, message = error_of(lambda: logs.delete_log_stream(logGroupName="g", logStreamName="web/a"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="g")["logStreams"]] == ["web/b", "worker/c"]


# ------------------------------------------------------------------------------------------------
# events
# ------------------------------------------------------------------------------------------------


def test_get_log_events_tokens_walk_both_ways(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    put(logs, "g", "s", [f"m{i:02d}" for i in range(25)])
    latest = logs.get_log_events(logGroupName="g", logStreamName="s", limit=10)
    assert [e["message"] for e in latest["events"]] == [f"m{i:02d}" for i in range(15, 25)]
    assert latest["nextForwardToken"].startswith("f/") and latest["nextBackwardToken"].startswith("b/")
    older = logs.get_log_events(logGroupName="g", logStreamName="s", limit=10, nextToken=latest["nextBackwardToken"])
    assert [e["message"] for e in older["events"]] == [f"m{i:02d}" for i in range(5, 15)]
    # Forward from the head until the token repeats, as the SDK paginators do.
    seen, token = [], None
    for _ in range(10):
        kw = {"nextToken": token} if token else {"startFromHead": True}
        page = logs.get_log_events(logGroupName="g", logStreamName="s", limit=7, **kw)
        seen += [e["message"] for e in page["events"]]
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == [f"m{i:02d}" for i in range(25)]
    event = latest["events"][0]
    assert set(event) == {"timestamp", "message", "ingestionTime"}
    code, _ = error_of(lambda: logs.get_log_events(logGroupName="g", logStreamName="s", nextToken="f/123"))
    assert code == "InvalidParameterException"
    code, message = error_of(lambda: logs.get_log_events(logGroupName="g", logStreamName="missing"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_get_log_events_paginator_and_cli(logs, aws):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    put(logs, "g", "s", [f"line {i}" for i in range(12)])
    out = ok(aws, "logs", "get-log-events", "--log-group-name", "g", "--log-stream-name", "s", "--start-from-head")
    assert [e["message"] for e in out["events"]] == [f"line {i}" for i in range(12)]
    start = out["events"][3]["timestamp"]
    out = ok(aws, "logs", "get-log-events", "--log-group-name", "g", "--log-stream-name", "s", "--start-from-head",
             "--start-time", str(start), "--end-time", str(start + 2))
    assert [e["message"] for e in out["events"]] == ["line 3", "line 4"]


def test_put_log_events_checks_batches_like_aws(logs, server, account):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    now = now_ms()
    code, message = error_of(lambda: logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}]))
    assert (code, message) == ("InvalidParameterException",
                               "Log events in a single PutLogEvents request must be in chronological order.")
    code, message = error_of(lambda: logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now - 25 * 3600 * 1000, "message": "a"}, {"timestamp": now, "message": "b"}]))
    assert code == "InvalidParameterException" and "cannot span more than 24 hours" in message
    status, body = raw(server, account, "PutLogEvents", {"logGroupName": "g", "logStreamName": "s",
                                                          "logEvents": [{"timestamp": now, "message": ""}]})
    assert status == 400 and body["__type"] == "InvalidParameterException"
    assert "length greater than or equal to 1" in body["message"]
    code, message = error_of(lambda: logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": "x" * 300000}]))
    assert code == "InvalidParameterException" and "Log event too large" in message
    code, message = error_of(lambda: logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": "x" * 200000} for _ in range(6)]))
    assert code == "InvalidParameterException" and "exceeds limit of 1048576" in message
    code, message = error_of(lambda: logs.put_log_events(logGroupName="g", logStreamName="nope", logEvents=[
        {"timestamp": now, "message": "a"}]))
    assert (code, message) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    # Too old (older than 14 days) and too new (over 2 hours ahead) events are rejected, the rest stored.
    day = 24 * 3600 * 1000
    old = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now - 15 * day, "message": "old"}, {"timestamp": now - 15 * day + 1, "message": "old2"}])
    assert old["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    new = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now, "message": "kept"}, {"timestamp": now + 3 * 3600 * 1000, "message": "future"}])
    assert new["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    assert new["nextSequenceToken"]
    messages = [e["message"] for e in logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)["events"]]
    assert messages == ["kept"]


def test_filter_log_events_patterns_streams_time_and_pages(logs):
    logs.create_log_group(logGroupName="g")
    base = now_ms() - 60000
    for stream in ("web-1", "web-2", "worker-1"):
        logs.create_log_stream(logGroupName="g", logStreamName=stream)
    put(logs, "g", "web-1", ["GET /a 200", "GET /b 500 ERROR", '{"level":"warn","ms":900}'], start=base)
    put(logs, "g", "web-2", ["GET /c 200", "WARN slow"], start=base + 10)
    put(logs, "g", "worker-1", ["job ERROR timeout", "job done"], start=base + 20)

    def messages(**kw):
        return [e["message"] for e in logs.filter_log_events(logGroupName="g", **kw)["events"]]

    assert len(messages()) == 7
    assert messages(filterPattern="ERROR") == ["GET /b 500 ERROR", "job ERROR timeout"]
    assert messages(filterPattern="ERROR -timeout") == ["GET /b 500 ERROR"]
    assert messages(filterPattern="?WARN ?warn") == ['{"level":"warn","ms":900}', "WARN slow"]
    assert messages(filterPattern='"GET /c"') == ["GET /c 200"]
    assert messages(filterPattern="{ $.ms > 500 }") == ['{"level":"warn","ms":900}']
    assert messages(filterPattern="[method, path, status = 5*, ...]") == ["GET /b 500 ERROR"]
    assert messages(logStreamNames=["worker-1"]) == ["job ERROR timeout", "job done"]
    assert messages(logStreamNamePrefix="web-") == ["GET /a 200", "GET /b 500 ERROR", '{"level":"warn","ms":900}',
                                                    "GET /c 200", "WARN slow"]
    assert messages(startTime=base + 10, endTime=base + 20) == ["GET /c 200", "WARN slow"]
    event = logs.filter_log_events(logGroupName="g", limit=1)["events"][0]
    assert event["logStreamName"] == "web-1" and len(event["eventId"]) == 56
    pages = list(logs.get_paginator("filter_log_events").paginate(logGroupName="g", PaginationConfig={"PageSize": 3}))
    assert sum(len(p["events"]) for p in pages) == 7 and len(pages) >= 3
    code, message = error_of(lambda: logs.filter_log_events(logGroupName="g", filterPattern="{ $.x = }"))
    assert code == "InvalidParameterException" and "filter pattern" in message
    code, _ = error_of(lambda: logs.filter_log_events(logGroupName="g", logStreamNames=["a"], logStreamNamePrefix="a"))
    assert code == "InvalidParameterException"
    code, message = error_of(lambda: logs.filter_log_events(logGroupName="missing"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log group does not exist.")


# ------------------------------------------------------------------------------------------------
# retention and tags
# ------------------------------------------------------------------------------------------------


def test_retention_policy(logs, aws):
    logs.create_log_group(logGroupName="g")
    ok(aws, "logs", "put-retention-policy", "--log-group-name", "g", "--retention-in-days", "7")
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 7
    err = fails(aws, "InvalidParameterException", "logs", "put-retention-policy", "--log-group-name", "g",
                "--retention-in-days", "2")
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14" in err
    fails(aws, "ResourceNotFoundException", "logs", "put-retention-policy", "--log-group-name", "nope",
          "--retention-in-days", "7")
    # Events older than the retention period are rejected as expired.
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    out = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": now_ms() - 2 * 86400000, "message": "expired"},
        {"timestamp": now_ms() - 2 * 86400000 + 1, "message": "expired too"}])
    assert out["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    out = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "fresh"}])
    assert "rejectedLogEventsInfo" not in out
    events = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]
    assert [e["message"] for e in events] == ["fresh"]
    ok(aws, "logs", "delete-retention-policy", "--log-group-name", "g")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]


def test_tags_by_arn_and_legacy_calls(logs, server, account):
    logs.create_log_group(logGroupName="g", tags={"a": "1"})
    arn = f"arn:aws:logs:us-east-1:{account}:log-group:g"
    _, body = raw(server, account, "DescribeLogGroups", {})
    group = body["logGroups"][0]
    assert group["logGroupArn"] == arn and group["arn"] == arn + ":*" and group["logGroupClass"] == "STANDARD"
    logs.tag_resource(resourceArn=arn, tags={"b": "2", "a": "one"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "one", "b": "2"}
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert logs.list_tags_log_group(logGroupName="g")["tags"] == {"b": "2"}
    logs.tag_log_group(logGroupName="g", tags={"c": "3"})
    logs.untag_log_group(logGroupName="g", tags=["b"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"c": "3"}
    code, _ = error_of(lambda: logs.list_tags_for_resource(resourceArn=arn + "-missing"))
    assert code == "ResourceNotFoundException"
    code, _ = error_of(lambda: logs.tag_log_group(logGroupName="missing", tags={"a": "b"}))
    assert code == "ResourceNotFoundException"
    code, message = error_of(lambda: logs.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)}))
    assert code == "TooManyTagsException" and "50" in message
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"c": "3"}


def test_accounts_do_not_see_each_other(server, logs):
    logs.create_log_group(logGroupName="shared-name")
    other = server.client("logs", account="999999999999")
    assert all(g["logGroupName"] != "shared-name" for g in other.describe_log_groups()["logGroups"])


# ------------------------------------------------------------------------------------------------
# aws logs tail (CLI v2)
# ------------------------------------------------------------------------------------------------


def test_aws_logs_tail(aws, logs):
    logs.create_log_group(logGroupName="/ecs/tail")
    logs.create_log_stream(logGroupName="/ecs/tail", logStreamName="web/app/1")
    logs.create_log_stream(logGroupName="/ecs/tail", logStreamName="worker/app/2")
    put(logs, "/ecs/tail", "web/app/1", ["hello from web", "ERROR in web"])
    put(logs, "/ecs/tail", "worker/app/2", ["hello from worker"])
    rc, out, err = aws("logs", "tail", "/ecs/tail", "--since", "1h", "--format", "short")
    assert rc == 0, err
    assert [line.split(" ", 1)[1] for line in out.strip().splitlines()] == [
        "hello from web", "ERROR in web", "hello from worker"]
    rc, out, err = aws("logs", "tail", "/ecs/tail", "--since", "1h", "--filter-pattern", "ERROR")
    assert rc == 0 and "web/app/1 ERROR in web" in out and "hello" not in out, err
    rc, out, err = aws("logs", "tail", "/ecs/tail", "--since", "1h", "--log-stream-name-prefix", "worker")
    assert rc == 0 and out.strip().endswith("worker/app/2 hello from worker"), err
    rc, _, err = aws("logs", "tail", "/ecs/missing")
    assert rc != 0 and "ResourceNotFoundException" in err


def test_aws_logs_tail_follow_sees_new_events(server, account, logs):
    logs.create_log_group(logGroupName="/ecs/follow")
    logs.create_log_stream(logGroupName="/ecs/follow", logStreamName="s")
    put(logs, "/ecs/follow", "s", ["before"])
    env = _clean_env(server.workdir)
    env.update(AWS_ACCESS_KEY_ID=account, AWS_DEFAULT_REGION="us-east-1")
    proc = subprocess.Popen([AWS_V2, "--endpoint-url", server.url, "logs", "tail", "/ecs/follow", "--follow",
                             "--since", "1h", "--format", "short"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any("before" in l for l in lines), timeout=20, message="the first event")
        put(logs, "/ecs/follow", "s", ["after"], start=now_ms())
        # The CLI polls every 5 seconds.
        wait_until(lambda: any("after" in l for l in lines), timeout=30, message="the new event")
        assert sum("before" in l for l in lines) == 1  # not repeated by the polling
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)


# ------------------------------------------------------------------------------------------------
# durability
# ------------------------------------------------------------------------------------------------


def test_events_survive_kill_9(make_server):
    srv = make_server()
    logs = srv.client("logs")
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    put(logs, "g", "s", ["one", "two"])
    srv.restart(hard=True)
    logs = srv.client("logs")
    events = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["one", "two"]
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == 6


# ------------------------------------------------------------------------------------------------
# robustness
# ------------------------------------------------------------------------------------------------

IMPLEMENTED = ["CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy", "DeleteRetentionPolicy",
               "CreateLogStream", "DeleteLogStream", "DescribeLogStreams", "PutLogEvents", "GetLogEvents",
               "FilterLogEvents", "TagResource", "UntagResource", "ListTagsForResource", "TagLogGroup",
               "UntagLogGroup", "ListTagsLogGroup"]


@pytest.mark.parametrize("payload", [
    {},
    {"logGroupName": "g", "logStreamName": "s", "logEvents": [{"timestamp": 1, "message": "m"}]},
    {"logGroupName": "g", "logGroupIdentifier": "arn:aws:logs:us-east-1:1:destination:x", "logStreamName": "s"},
    {"logGroupName": ["not", "a", "string"], "limit": "many", "nextToken": 7},
    {"logGroupIdentifier": "arn:aws:logs:us-east-1:000000000000:log-group", "resourceArn": "arn:nope",
     "tags": {"k": "v"}, "tagKeys": ["k"], "retentionInDays": 7, "filterPattern": "{ $.x = ", "nextToken": "f/x"},
])
def test_bad_input_gets_an_aws_error_never_a_5xx(server, account, payload):
    raw(server, account, "CreateLogGroup", {"logGroupName": "g"})
    for operation in IMPLEMENTED:
        status, body = raw(server, account, operation, payload)
        assert status < 500, (operation, status, body)
        if status != 200:
            assert body["__type"] in ("InvalidParameterException", "ResourceNotFoundException",
                                      "ResourceAlreadyExistsException", "SerializationException"), (operation, body)
            assert body.get("message"), (operation, body)
