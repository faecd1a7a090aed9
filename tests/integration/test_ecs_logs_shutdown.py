"""Shutdown while containers write to CloudWatch Logs (awslogs): the emulator stops every log follower (of running
tasks and of tasks that just stopped) before the log sink goes away, exits 0, and the next run re-adopts the
running task and its output keeps arriving."""

from conftest import random_account, wait_until
from test_ecs_restart import restartable  # noqa: F401 - fixture (resets and checks for leftover containers)
from test_ecs_tasks import wait_status


def chatty(ecs, images):
    return ecs.register_task_definition(family="chatty", containerDefinitions=[{
        "name": "main", "image": images["busybox"], "memory": 32, "stopTimeout": 1,
        "command": ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; usleep 2000; done"],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/chatty", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "c",
            "awslogs-create-group": "true"}}}])["taskDefinition"]["taskDefinitionArn"]


def test_shutdown_stops_log_followers_before_the_sink(restartable, test_images):
    srv = restartable()
    account = random_account()
    ecs, logs = srv.client("ecs", account=account), srv.client("logs", account=account)
    td = chatty(ecs, test_images)
    keep, stop = (ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"] for _ in range(2))
    for arn in (keep, stop):
        wait_status(ecs, arn, "RUNNING")
    stream = f"c/main/{keep.rsplit('/', 1)[1]}"

    def events():
        found = logs.get_log_events(logGroupName="/ecs/chatty", logStreamName=stream, startFromHead=False)["events"]
        return found if len(found) >= 5 else None

    wait_until(events, timeout=30, interval=0.1, message="log events before the shutdown")
    ecs.stop_task(task=stop)  # its follower drains the last lines while the emulator shuts down
    rc = srv.stop()
    assert rc == 0, srv.log()[-3000:]
    assert "stopped" in srv.log()
    # The next run re-adopts the running task and follows its output again.
    srv.start()
    ecs, logs = srv.client("ecs", account=account), srv.client("logs", account=account)
    assert ecs.describe_tasks(tasks=[keep])["tasks"][0]["lastStatus"] == "RUNNING"
    before = max(e["timestamp"] for e in events())
    wait_until(lambda: max(e["timestamp"] for e in events()) > before, timeout=30, interval=0.2,
               message="output after the restart")
    ecs.stop_task(task=keep)
    wait_status(ecs, keep, "STOPPED")
