#!/usr/bin/env bash
# Installs the Debian 12 packages Albatross needs. `install-deps.sh build` for building and running,
# `install-deps.sh test` adds what the tests use. Does nothing when everything is already there.
set -euo pipefail

build_packages=(cmake ninja-build g++ ccache pkg-config libboost1.81-dev nlohmann-json3-dev libsqlitecpp-dev
  libsqlite3-dev libssl-dev libcurl4-openssl-dev doctest-dev)
test_packages=(awscli python3 python3-pytest python3-pytest-xdist python3-boto3 python3-botocore openssl curl docker.io busybox-static wrk chromium jq)

packages=("${build_packages[@]}")
if [ "${1:-build}" = "test" ]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
