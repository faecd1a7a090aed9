"""Container-definition fields applied to the Docker containers of a task (issue 5): links and volumesFrom between
the containers of one task, and the rest of the fields the issue lists, checked with `docker inspect` and by what
the containers observe (environment, working directory, user, mounts, /etc/hosts, ulimits, read-only root)."""

import json
import os
import shutil
import tempfile

import botocore.exceptions
import pytest

from conftest import wait_until
from test_ecs_tasks import TASK_DEADLINE, describe, docker, ecs, ecs_server, wait_status  # noqa: F401 - fixtures


def inspect(container_id):
    return json.loads(docker("inspect", container_id).stdout)[0]


def runtime_ids(task):
    return {c["name"]: c["runtimeId"] for c in task["containers"]}


def runtime_health(task):
    return {c["name"]: c.get("healthStatus") for c in task["containers"]}


def exec_out(container_id, *command):
    result = docker("exec", container_id, *command)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_links_and_volumes_from_between_task_containers(ecs, test_images):
    busybox = test_images["busybox"]
    td = ecs.register_task_definition(family="linked", networkMode="bridge", containerDefinitions=[
        # defined before its link target and volume source: the runtime must create/start those first
        {"name": "web", "image": busybox, "memory": 32, "stopTimeout": 1, "command": ["sleep", "300"],
         "links": ["db:database", "data"], "volumesFrom": [{"sourceContainer": "data", "readOnly": True}]},
        {"name": "db", "image": busybox, "memory": 32, "stopTimeout": 1,
         "command": ["httpd", "-f", "-p", "8080", "-h", "/"]},
        {"name": "data", "image": busybox, "memory": 32, "stopTimeout": 1, "essential": False,
         "command": ["sh", "-c", "echo shared > /data/hello; sleep 300"],
         "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/data"}]}],
        volumes=[{"name": "scratch", "dockerVolumeConfiguration": {"scope": "task", "driver": "local"}}])[
        "taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    try:
        running = wait_status(ecs, task["taskArn"], "RUNNING")
        ids = runtime_ids(running)
        web, db, data = inspect(ids["web"]), inspect(ids["db"]), inspect(ids["data"])
        links = web["HostConfig"]["Links"]
        assert sorted(link.rsplit("/", 1)[1] for link in links) == ["data", "database"]
        assert any(link.startswith(db["Name"] + ":") for link in links)
        assert web["HostConfig"]["VolumesFrom"] == [data["Name"].lstrip("/") + ":ro"]
        # what the container sees: the link alias resolves to the db container, the shared volume is read-only
        hosts = exec_out(ids["web"], "cat", "/etc/hosts")
        db_ip = db["NetworkSettings"]["IPAddress"]
        assert any(line.split()[:1] == [db_ip] and "database" in line.split() for line in hosts.splitlines()), hosts
        assert "200 OK" in docker("exec", ids["web"], "wget", "-S", "-O", "/dev/null",
                                  "http://database:8080/etc/hosts").stderr
        wait_until(lambda: exec_out(ids["web"], "cat", "/data/hello") == "shared\n", timeout=10,
                   message="file written by the volume source")
        assert docker("exec", ids["web"], "touch", "/data/other").returncode != 0  # readOnly
    finally:
        ecs.stop_task(task=task["taskArn"])
        wait_status(ecs, task["taskArn"], "STOPPED")


def test_fields_reach_the_container(ecs, test_images):
    host_dir = tempfile.mkdtemp(prefix="albatross-ecs-host-")
    os.chmod(host_dir, 0o777)
    with open(os.path.join(host_dir, "from-host"), "w") as f:
        f.write("host file\n")
    busybox = test_images["busybox"]
    main = {
        "name": "main", "image": busybox, "essential": True,
        "entryPoint": ["sh", "-c"], "command": ["cd /; sleep 300"],
        "environment": [{"name": "GREETING", "value": "hello"}],
        "workingDirectory": "/tmp", "user": "1234:1234",
        "memory": 64, "memoryReservation": 32, "cpu": 128,
        "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}],
        "readonlyRootFilesystem": True, "stopTimeout": 3,
        "extraHosts": [{"hostname": "extra.example", "ipAddress": "10.9.8.7"}],
        "portMappings": [{"containerPort": 8080, "hostPort": 0}],
        "healthCheck": {"command": ["CMD-SHELL", "true"], "interval": 5, "timeout": 2, "retries": 2},
        "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
        "mountPoints": [{"sourceVolume": "host", "containerPath": "/host", "readOnly": True},
                        {"sourceVolume": "named", "containerPath": "/named"}],
        "dockerLabels": {"team": "a"},
    }
    init = {"name": "init", "image": busybox, "essential": False, "memory": 32, "command": ["true"]}
    td = ecs.register_task_definition(family="fields", networkMode="bridge", containerDefinitions=[main, init],
                                      volumes=[{"name": "host", "host": {"sourcePath": host_dir}},
                                               {"name": "named", "dockerVolumeConfiguration": {"scope": "task"}}])[
        "taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(taskDefinition=td)["tasks"][0]
    try:
        running = wait_status(ecs, task["taskArn"], "RUNNING")
        states = {c["name"]: c for c in running["containers"]}
        assert states["init"]["lastStatus"] == "STOPPED" and states["init"]["exitCode"] == 0  # dependsOn SUCCESS
        cid = states["main"]["runtimeId"]
        info = inspect(cid)
        config, host = info["Config"], info["HostConfig"]
        assert config["Entrypoint"] == ["sh", "-c"] and config["Cmd"] == ["cd /; sleep 300"]
        assert "GREETING=hello" in config["Env"]
        assert config["WorkingDir"] == "/tmp" and config["User"] == "1234:1234"
        assert config["Labels"]["team"] == "a"
        assert config["StopTimeout"] == 3
        assert config["Healthcheck"]["Test"] == ["CMD-SHELL", "true"] and config["Healthcheck"]["Retries"] == 2
        assert host["Memory"] == 64 * 1024 * 1024 and host["MemoryReservation"] == 32 * 1024 * 1024
        assert host["CpuShares"] == 128
        assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
        assert host["ReadonlyRootfs"] is True
        assert "extra.example:10.9.8.7" in host["ExtraHosts"]
        assert host["PortBindings"]["8080/tcp"][0]["HostIp"] == "127.0.0.1"
        assert host["LogConfig"]["Type"] == "json-file"
        assert f"{host_dir}:/host:ro" in host["Binds"]
        named = [m for m in info["Mounts"] if m["Destination"] == "/named"][0]
        assert named["Type"] == "volume" and named["RW"] is True
        # observed from inside
        assert exec_out(cid, "sh", "-c", "echo $GREETING; pwd; id -u").split() == ["hello", "/tmp", "1234"]
        # The main process's limits (what `docker exec` itself gets can differ between daemon versions).
        open_files = [l for l in exec_out(cid, "cat", "/proc/1/limits").splitlines() if l.startswith("Max open files")]
        assert open_files and open_files[0].split()[3:5] == ["1024", "2048"], open_files
        assert exec_out(cid, "cat", "/host/from-host") == "host file\n"
        assert docker("exec", cid, "touch", "/root-file").returncode != 0  # read-only root filesystem
        assert "10.9.8.7" in exec_out(cid, "cat", "/etc/hosts")
        wait_until(lambda: runtime_health(describe(ecs, task["taskArn"]))["main"] == "HEALTHY",
                   timeout=TASK_DEADLINE, message="health check")
    finally:
        ecs.stop_task(task=task["taskArn"])
        wait_status(ecs, task["taskArn"], "STOPPED")
        shutil.rmtree(host_dir, ignore_errors=True)


def test_volumes_from_an_unknown_container_is_refused(ecs):
    with pytest.raises(botocore.exceptions.ClientError) as info:
        ecs.register_task_definition(family="vf", containerDefinitions=[
            {"name": "m", "image": "i", "memory": 32, "volumesFrom": [{"sourceContainer": "ghost"}]}])
    assert info.value.response["Error"]["Message"] == "Invalid 'volumesFrom' setting. Unknown container: 'ghost'."
