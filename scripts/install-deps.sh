#!/usr/bin/env bash
# Installs every Debian package that edgeloop's build, tests, demo and benchmarks need.
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkgconf make ccache git
  libmodbus-dev libmosquitto-dev mosquitto mosquitto-clients
  libxgboost-dev xgboost
  nlohmann-json3-dev libcpp-httplib-dev libssl-dev
  libsqlite3-dev sqlite3
  libsodium-dev libarchive-dev libzstd-dev zstd
  libeigen3-dev libkissfft-dev
  libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-xgboost python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
