#!/usr/bin/env bash
# Configures and builds Albatross into build/ (or $ALBATROSS_BUILD_DIR) with ccache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${ALBATROSS_BUILD_DIR:-$root/build}
jobs=${ALBATROSS_JOBS:-$(nproc)}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" ${ALBATROSS_TARGET:+--target "$ALBATROSS_TARGET"}
