#!/usr/bin/env bash
# Verifies the container image and docker-compose.yml end to end, offline: builds a Debian 12 base image with
# debootstrap (no registry needed, only Debian mirrors), builds Albatross's image FROM it, starts it with
# docker compose / docker-compose (or plain `docker run` with the same settings), waits for the HEALTHCHECK,
# drives it with the aws CLI (load balancer + fixed-response listener, curled), restarts it to check that the
# named volume keeps state, stops it with SIGTERM, and tears everything down except the two images.
# Slow (the image compiles Albatross): not part of scripts/test.sh. Run as root (or with sudo) on Debian 12.
#
# The images are kept as a cache and carry the label albatross.verify-compose=true; remove them with
#   docker image rm $(docker images -q --filter label=albatross.verify-compose=true)
# Environment: ALBATROSS_BUILD_JOBS (default 2), VERIFY_KEEP_RUNNING=1 (skip the teardown),
# VERIFY_RUNNER=docker-run (use the `docker run` fallback even when compose is there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=albatross.verify-compose=true
base_image=albatross-debian:bookworm
image=albatross:verify
project=albatross-verify
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
started=$SECONDS

step() { printf '\n== %s (t=%ss)\n' "$*" "$((SECONDS - started))" >&2; }
fail() { echo "FAIL: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
# Polls "$@" until it succeeds, for at most $1 seconds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$root/scripts/start-docker.sh" >/dev/null
command -v aws >/dev/null && command -v curl >/dev/null || apt_install awscli curl

# The BuildKit cache mount (ccache) needs either the buildx plugin or a Docker CLI older than 23, whose
# BuildKit is built in (Debian 12's docker.io). Pick the first docker on PATH that can do it.
build_cli=""
for candidate in $(which -a docker | awk '!seen[$0]++'); do
  if "$candidate" buildx version >/dev/null 2>&1; then build_cli=$candidate; break; fi
  major=$("$candidate" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
  if [ -n "$major" ] && [ "$major" -lt 23 ]; then build_cli=$candidate; break; fi
done
[ -n "$build_cli" ] || fail "no docker CLI with BuildKit (install docker-buildx, or use Debian's docker.io CLI)"

step "base image $base_image"
if docker image inspect "$base_image" >/dev/null 2>&1; then
  echo "cached" >&2
else
  command -v debootstrap >/dev/null || apt_install debootstrap
  rootfs=$(mktemp -d /tmp/albatross-rootfs.XXXXXX)
  trap 'as_root rm -rf "$rootfs"' EXIT
  as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*  # as Debian's images
  as_root tar -C "$rootfs" -c . | docker import --change "LABEL $label" --change 'CMD ["/bin/bash"]' - "$base_image"
  as_root rm -rf "$rootfs"
  trap - EXIT
fi

step "image $image (FROM $base_image, -j${ALBATROSS_BUILD_JOBS:-2}, with $build_cli)"
build_log=$(mktemp /tmp/albatross-verify-build.XXXXXX.log)
if ! DOCKER_BUILDKIT=1 "$build_cli" build --progress=plain --label "$label" \
  --build-arg BASE_IMAGE="$base_image" --build-arg BUILD_JOBS="${ALBATROSS_BUILD_JOBS:-2}" \
  -t "$image" "$root" >"$build_log" 2>&1; then
  tail -40 "$build_log" >&2
  fail "the image did not build (full log: $build_log)"
fi
grep -E '^#[0-9]+ (\[.*\] (RUN|COPY)|DONE|CACHED)|Hits|Misses' "$build_log" | grep -v '^#[0-9]* [0-9.]* \[' >&2 || true
rm -f "$build_log"
docker image prune -f --filter "label=$label" >/dev/null  # the previous build's image, now untagged
docker image inspect -f 'image size: {{.Size}} bytes' "$image" >&2

# Free ports, so a developer's own Albatross on 4566/4510 is left alone.
api_port=$(free_port); registry_port=$(free_port); listener_port=$(free_port)
export ALBATROSS_IMAGE=$image ALBATROSS_LISTEN=127.0.0.1:$api_port ALBATROSS_REGISTRY_LISTEN=127.0.0.1:$registry_port
export ALBATROSS_TIME_SCALE=0.1
endpoint=http://127.0.0.1:$api_port

compose=()
if [ "${VERIFY_RUNNER:-}" = docker-run ]; then :
elif docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null; then compose=(docker-compose)
elif apt_install docker-compose 2>/dev/null && command -v docker-compose >/dev/null; then compose=(docker-compose)
fi
compose_cmd() { "${compose[@]}" -f "$root/docker-compose.yml" -p "$project" "$@"; }

container=""
start() {
  if [ ${#compose[@]} -gt 0 ]; then
    compose_cmd up -d --no-build >&2
    container=$(compose_cmd ps -q albatross)
  else  # the same settings as docker-compose.yml
    container=$(docker run -d --name "$project" --label "$label" --network host --restart unless-stopped \
      --stop-timeout 20 -e ALBATROSS_LISTEN -e ALBATROSS_REGISTRY_LISTEN -e ALBATROSS_TIME_SCALE \
      -e ALBATROSS_STATE_DIR=/var/lib/albatross -v /var/run/docker.sock:/var/run/docker.sock \
      -v "${project}_albatross-state:/var/lib/albatross" "$image")
  fi
}
teardown() {
  [ "${VERIFY_KEEP_RUNNING:-0}" = 1 ] && { echo "left running: $container on $endpoint" >&2; return; }
  if [ ${#compose[@]} -gt 0 ]; then compose_cmd down -v --remove-orphans >/dev/null 2>&1 || true
  else docker rm -f "$project" >/dev/null 2>&1 || true; docker volume rm "${project}_albatross-state" >/dev/null 2>&1 || true
  fi
}
trap teardown EXIT
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$container")" = healthy ]; }

step "start with ${compose[*]:-docker run} on $endpoint"
start
[ -n "$container" ] || fail "no container started"
wait_for 60 "the HEALTHCHECK to report healthy" healthy
curl -fsS "$endpoint/_albatross/health" >&2; echo >&2
echo "running as uid $(docker exec "$container" id -u), $(docker exec "$container" sh -c 'curl -fsS --unix-socket /var/run/docker.sock http://docker/_ping') from the Docker socket" >&2
curl -s -o /dev/null -w "registry /v2/ on 127.0.0.1:$registry_port: %{http_code}\n" "http://127.0.0.1:$registry_port/v2/" >&2

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
awsx() { aws --endpoint-url "$endpoint" --output text "$@"; }

step "load balancer + fixed-response listener on port $listener_port"
subnets=$(awsx ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'Subnets[0:2].SubnetId')
# Security groups filter traffic (as on AWS): the load balancer's group must admit the listener port.
lb_sg=$(awsx ec2 create-security-group --group-name verify-compose-lb --description "verify-compose load balancer" \
  --query GroupId)
awsx ec2 authorize-security-group-ingress --group-id "$lb_sg" --protocol tcp --port "$listener_port" \
  --cidr 0.0.0.0/0 >/dev/null
lb_arn=$(awsx elbv2 create-load-balancer --name verify-compose --subnets $subnets --security-groups "$lb_sg" \
  --query 'LoadBalancers[0].LoadBalancerArn')
listener_arn=$(awsx elbv2 create-listener --load-balancer-arn "$lb_arn" --protocol HTTP --port "$listener_port" \
  --default-actions 'Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=hello from albatross}' \
  --query 'Listeners[0].ListenerArn')
echo "$lb_arn"$'\n'"$listener_arn" >&2
# The port the listener really got (a taken port falls back), from the admin API.
real_port() {
  curl -fsS "$endpoint/_albatross/load-balancers" | python3 -c 'import json,sys
for e in json.load(sys.stdin)["endpoints"]:
    if sys.argv[1] in e["listener_arns"] and e["address"] == "127.0.0.1" and e["port"]: print(e["port"]); break' "$listener_arn"
}
answers() { [ "$(curl -s "http://127.0.0.1:$(real_port)/" 2>/dev/null)" = "hello from albatross" ]; }
wait_for 30 "the listener to answer" answers
curl -si "http://127.0.0.1:$(real_port)/" | head -1 >&2

step "restart: state survives in the named volume"
docker restart -t 20 "$container" >/dev/null
wait_for 60 "healthy after restart" healthy
[ "$(awsx elbv2 describe-listeners --listener-arns "$listener_arn" --query 'Listeners[0].Port')" = "$listener_port" ] ||
  fail "the listener is gone after a restart"
wait_for 30 "the listener to answer after restart" answers
echo "listener still answers after restart" >&2

step "docker stop (SIGTERM)"
stop_started=$SECONDS
docker stop -t 20 "$container" >/dev/null
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
echo "stopped in $((SECONDS - stop_started)) s, exit code $exit_code" >&2
[ "$exit_code" = 0 ] || fail "exit code $exit_code after SIGTERM (137 would mean it had to be killed)"
docker logs --tail 3 "$container" 2>&1 | sed 's/^/  log: /' >&2

step "teardown"
teardown
trap - EXIT
[ -z "$(docker ps -aq --filter "id=$container")" ] || fail "the container is still there"
! docker volume inspect "${project}_albatross-state" >/dev/null 2>&1 || fail "the state volume is still there"
step "PASS (images kept: $(docker images -q --filter "label=$label" | wc -l) labelled $label)"
