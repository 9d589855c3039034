#!/usr/bin/env bash
# The main job on a fresh machine: simulate a pump fleet, train a failure-prediction model on
# it, show the registry, and rebuild the model from its run record to prove it is reproducible.
# Usage: scripts/demo.sh [BUILD_DIR]   (make demo runs it after building)
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
edgeloop="$root/$build_dir/apps/edgeloop/edgeloop"
work="$root/out/demo"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export EDGELOOP_HOME="$work/edgeloop-home"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/4 Simulate 20 pumps on 5 sites for 90 days (seed 7)"
"$edgeloop" sim --assets 20 --days 90 --seed 7 --out fleet

step "2/4 Train a model that warns 72 h before a failure"
"$edgeloop" train --config "$root/examples/train.yaml" --data fleet | tee train.txt
run_id=$(awk '/^run /{print $2; exit}' train.txt)

step "3/4 The registry"
"$edgeloop" runs list
"$edgeloop" models list
"$edgeloop" models alias pump-failure champion 1
"$edgeloop" models show pump-failure@champion

step "4/4 Rebuild the model from the run record and compare digests"
"$edgeloop" runs reproduce "$run_id"

printf '\nWorkspace: %s (try: EDGELOOP_HOME=%s %s runs show %s)\n' \
  "$EDGELOOP_HOME" "$EDGELOOP_HOME" "$edgeloop" "$run_id"
