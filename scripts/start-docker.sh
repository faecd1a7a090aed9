#!/usr/bin/env bash
# Makes sure a Docker daemon answers: starts Debian's dockerd in the background when we are root and none
# runs. Exits non-zero (with a reason) when no daemon can be had.
set -uo pipefail
docker info >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "no Docker daemon answers and we are not root to start one" >&2
  exit 1
fi
command -v dockerd >/dev/null || { echo "dockerd is not installed" >&2; exit 1; }
log=/var/log/albatross-dockerd.log
nohup dockerd >"$log" 2>&1 &
for _ in $(seq 1 100); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "dockerd did not answer within 20 s; see $log" >&2
exit 1
