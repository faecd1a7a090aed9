#!/usr/bin/env bash
# Builds Albatross and runs it in the foreground. Arguments go to the emulator (see --help).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" build
"$root/scripts/build.sh"
exec "${ALBATROSS_BUILD_DIR:-$root/build}/albatross" "$@"
