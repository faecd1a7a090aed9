#!/usr/bin/env bash
# Builds Albatross and runs every test: unit tests (also under ASan+UBSan) and the integration tests
# that drive the real binary with the aws CLI v2, boto3, curl and openssl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh test
# Clones in other directories share the compiler cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
scripts/start-docker.sh || echo "warning: no Docker daemon; tests that need one will fail or skip" >&2

echo "== build"
scripts/build.sh
echo "== unit tests"
ctest --test-dir build --output-on-failure

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ALBATROSS_TARGET=albatross_unit_tests ALBATROSS_BUILD_DIR="$root/build-asan" scripts/build.sh -DALBATROSS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure

echo "== integration tests"
# Three test processes: the tests mostly wait on the emulator, containers and the aws CLI, not on the CPU.
ALBATROSS_BIN="$root/build/albatross" /usr/bin/python3 -m pytest -q -n "${ALBATROSS_TEST_PROCESSES:-3}" tests/integration "$@"
