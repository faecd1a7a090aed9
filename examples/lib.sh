# shellcheck shell=bash disable=SC2034  # sets variables the sourcing scripts read
# Shared helpers for the example walkthroughs (sourced, not run).
# ALBATROSS_ENDPOINT picks the emulator (default http://localhost:4566); credentials default to test/test.

ENDPOINT="${ALBATROSS_ENDPOINT:-http://localhost:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_PAGER=""
EXAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$EXAMPLES_DIR")"
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/albatross-example.XXXXXX")"

# The stock CLI, pointed at the emulator.
awsx() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }

step() { printf '\n==> %s\n' "$*"; }
show() { printf '    %s\n' "$@"; }

# Clean-up actions run in reverse order on exit (success, failure or Ctrl-C); each may fail on its own.
CLEANUP=()
on_exit() { CLEANUP+=("$1"); }
run_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if ((${#CLEANUP[@]})); then
    step "Cleaning up"
    for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do
      eval "${CLEANUP[i]}" >/dev/null 2>&1 || echo "    clean-up step failed: ${CLEANUP[i]}" >&2
    done
  fi
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap run_cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS "what" command...: polls the command until it succeeds, fails the script at the deadline.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "gave up after ${limit}s waiting for: $what" >&2
      return 1
    fi
    sleep 0.2 # polling interval only; the condition above is what we wait for
  done
}

# The emulator must answer before anything else.
require_emulator() {
  if ! curl -fsS -m 5 -o /dev/null "$ENDPOINT/_albatross/health"; then
    echo "No Albatross at $ENDPOINT (start it with scripts/run.sh or set ALBATROSS_ENDPOINT)" >&2
    exit 2
  fi
}

# listener_address LISTENER_ARN: "address port" where the listener really listens on the load balancer's own
# loopback address (ports below 1024 may be moved when taken; /_albatross/load-balancers says where).
listener_address() {
  curl -fsS "$ENDPOINT/_albatross/load-balancers" | jq -r --arg arn "$1" \
    '[.endpoints[] | select((.listener_arns | index($arn)) and .port and .address != "127.0.0.1")][0]
     | select(.) | "\(.address) \(.port)"'
}

# healthy_count TG_ARN: how many targets of the group are healthy.
healthy_count() {
  awsx elbv2 describe-target-health --target-group-arn "$1" \
    --query 'length(TargetHealthDescriptions[?TargetHealth.State==`healthy`])' --output text
}
targets_healthy() { [ "$(healthy_count "$1")" -ge "$2" ]; }

# start_backend NAME: runs the static test app on a free loopback port; sets BACKEND_PORT (call it directly,
# not in $(...), so that its clean-up is registered in this shell).
start_backend() {
  local name=$1 app="${TEST_APP:-$REPO_DIR/build/tests/fixtures/test_app/test_app}" out="$WORK_DIR/$1.out"
  [ -x "$app" ] || { echo "test app missing at $app (scripts/build.sh builds it, or set TEST_APP)" >&2; return 1; }
  "$app" --port 0 --bind 127.0.0.1 --name "$name" >"$out" 2>&1 &
  local pid=$!
  on_exit "kill $pid"
  wait_for 10 "backend $name to listen" grep -q "listening on" "$out"
  BACKEND_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | head -1)
}
