#!/usr/bin/env bash
# The main job on a fresh machine: simulate a pump fleet, train a failure-prediction model on
# it, show the registry, rebuild the model from its run record to prove it is reproducible, then
# package it as a signed bundle, validate it and run it in the edge agent on a fresh fleet.
# Usage: scripts/demo.sh [BUILD_DIR]   (make demo runs it after building)
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
edgeloop="$root/$build_dir/apps/edgeloop/edgeloop"
agent="$root/$build_dir/apps/edgeloop-agent/edgeloop-agent"
work="$root/out/demo"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export EDGELOOP_HOME="$work/edgeloop-home"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/7 Simulate 20 pumps on 5 sites for 90 days (seed 7)"
"$edgeloop" sim --assets 20 --days 90 --seed 7 --out fleet

step "2/7 Train a model that warns 72 h before a failure"
"$edgeloop" train --config "$root/examples/train.yaml" --data fleet | tee train.txt
run_id=$(awk '/^run /{print $2; exit}' train.txt)

step "3/7 The registry"
"$edgeloop" runs list
"$edgeloop" models list
"$edgeloop" models alias pump-failure champion 1
"$edgeloop" models show pump-failure@champion

step "4/7 Rebuild the model from the run record and compare digests"
"$edgeloop" runs reproduce "$run_id"

step "5/7 Package the champion as a signed bundle and validate it on this machine"
"$edgeloop" keys generate --out keys/release
"$edgeloop" bundle build --model pump-failure@champion --key keys/release.key -o pump.elb
"$edgeloop" bundle validate pump.elb --trust keys/release.pub --gates "$root/examples/gates.yaml"

step "6/7 Run it in the edge agent on 10 pumps it has never seen (seed 11, 30 days, as fast as it scores)"
"$edgeloop" sim --assets 10 --days 30 --seed 11 --out site
cat > agent.yaml <<'YAML'
device: demo-gw1
data_dir: agent-data
trust: [keys/release.pub]
listen: "off"
sources:
  - {kind: csv_replay, readings: site/readings.csv, speed: 0}
YAML
"$agent" install --config agent.yaml pump.elb
"$agent" run --config agent.yaml
"$agent" status --config agent.yaml

step "7/7 The same history scored offline with the agent's code path"
"$edgeloop" score --bundle pump.elb --trust keys/release.pub --input site/readings.csv --output site-scores.csv
grep ',raised,' site-scores.csv | head -5 || true

printf '\nWorkspace: %s (try: EDGELOOP_HOME=%s %s runs show %s)\n' \
  "$EDGELOOP_HOME" "$EDGELOOP_HOME" "$edgeloop" "$run_id"
