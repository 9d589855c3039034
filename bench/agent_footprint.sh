#!/usr/bin/env bash
# Footprint of the edge binary: stripped size of edgeloop-agent, and its peak resident memory
# and CPU share (from /proc) while it runs
#   (a) 8 channels of one pump at 1 Hz, live (a csv replay at real speed), for $SECONDS_LIVE s;
#   (b) one vibration channel at 12 kHz (a CWRU record replayed at real speed, 1 s bursts every
#       second) with a spectral feature spec, until the record ends (about 10 s).
# Peer in the same run: an idle python3 interpreter's peak RSS, a reference point for "small".
# Usage: bench/agent_footprint.sh [BUILD_DIR]   (bench/run.sh calls it). Prints a table.
set -euo pipefail
build_dir=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
seconds_live=${SECONDS_LIVE:-20}
edgeloop="$build_dir/apps/edgeloop/edgeloop"
agent="$build_dir/apps/edgeloop-agent/edgeloop-agent"
cwru="$root/../shared/data/cwru/1797rpm_IR_7_DE12k.csv"
work=$(mktemp -d "${TMPDIR:-/tmp}/el-agent-footprint-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Runs `edgeloop-agent run --config $1` and samples /proc/PID every half second until it ends
# or $2 seconds passed (0: no limit; then SIGTERM). Prints "<peak RSS KiB> <CPU %> <anon KiB>
# <file-backed KiB>" from the last sample: VmHWM, (utime + stime) / wall time since the start,
# RssAnon and RssFile.
measure() {
  local config=$1 limit=$2
  "$agent" run --config "$config" >"$config.out" 2>&1 &
  local pid=$! hz start now sample="" stat
  hz=$(getconf CLK_TCK)
  start=$(date +%s.%N)
  while kill -0 "$pid" 2>/dev/null; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
    now=$(date +%s.%N)
    sample=$(awk -v stat="$stat" -v hz="$hz" -v wall="$(echo "$now - $start" | bc -l)" '
      /^VmHWM/ { hwm = $2 } /^RssAnon/ { anon = $2 } /^RssFile/ { file = $2 }
      END { split(stat, f, " "); printf "%s %.2f %s %s", hwm, 100 * (f[14] + f[15]) / hz / wall, anon, file }
    ' "/proc/$pid/status" 2>/dev/null) || break
    if [[ $limit -gt 0 ]] && (($(echo "$now - $start >= $limit" | bc -l))); then
      kill -TERM "$pid"
      break
    fi
    sleep 0.5
  done
  wait "$pid" || true
  echo "$sample"
}

strip -o edgeloop-agent.stripped "$agent"
size_bytes=$(stat -c %s edgeloop-agent.stripped)
unstripped_bytes=$(stat -c %s "$agent")

# A bundle for the process signals: the quick train config of the integration tests.
"$edgeloop" sim --assets 8 --days 60 --period 10m --seed 3 --out fleet >/dev/null
"$edgeloop" keys generate --out keys/release >/dev/null
cat >train.yaml <<'EOF'
data: {dir: fleet}
features:
  window: {length: 12h, hop: 2h}
  period: 10m
  signals:
    - {name: discharge_pressure, range: [0, 60], functions: [mean, std, slope], health: true}
    - {name: flow, range: [0, 400], functions: [mean, slope], health: true}
    - {name: motor_current, range: [0, 400], functions: [mean, max], health: true}
    - {name: bearing_temp, range: [-30, 180], functions: [mean, slope], health: true}
    - {name: vib_de_rms, range: [0, 50], functions: [mean, max, kurtosis, slope], health: true}
training:
  task: classification
  horizon: 72h
  split: {by: time, test_fraction: 0.3}
  validation_fraction: 0.2
  threshold: {policy: cost, missed_failure_cost: 10, false_alarm_cost: 1}
  alert: {k: 2, n: 3, cooldown: 24h}
  xgboost: {num_rounds: 100, max_depth: 6, eta: 0.2, seed: 7, nthread: 2}
model: {name: pump-failure, alias: champion}
EOF
"$edgeloop" train --config train.yaml --home home >/dev/null
"$edgeloop" bundle build --model pump-failure@champion --key keys/release.key -o process.elb \
  --home home >/dev/null

# (a) one pump, 8 channels at 1 Hz (time, asset and the first 8 signal columns of a 1-s sim).
"$edgeloop" sim --assets 1 --days 1 --period 1s --seed 5 --out live >/dev/null
# A replay holds its file in memory: keep it to the rows the run needs, so the numbers are the
# agent's and not the file's.
head -n $((seconds_live + 60)) live/readings.csv | cut -d, -f1-10 >live-8ch.csv
cat >live.yaml <<'EOF'
device: bench-live
data_dir: live-data
trust: [keys/release.pub]
listen: 127.0.0.1:0
sources:
  - {kind: csv_replay, readings: live-8ch.csv, speed: 1}
EOF
"$agent" install --config live.yaml process.elb >/dev/null
read -r live_kb live_cpu live_anon live_file < <(measure live.yaml "$seconds_live")
live_rows=$(grep -o 'stopped: [0-9]* rows' live.yaml.out | grep -o '[0-9]*' || echo "?")

# (b) one vibration channel at 12 kHz with a spectral spec.
vib_kb="-" vib_cpu="-" vib_anon="-" vib_file="-"
if [[ -f "$cwru" ]]; then
  "$edgeloop" sim --assets 8 --days 60 --period 10m --seed 3 --raw-khz 12 --raw-seconds 0.25 \
    --raw-every 12h --out fleet-raw >/dev/null
  cat >train-vib.yaml <<'EOF'
data: {dir: fleet-raw}
features:
  window: {length: 12h, hop: 2h}
  period: 10m
  signals:
    - {name: vib_de_rms, range: [0, 50], functions: [mean, max, kurtosis, slope]}
  spectral:
    - name: vib_de_raw
      rate_hz: 12000
      bands: [[0, 100], [100, 500], [500, 1500], [1500, 3000], [3000, 6000]]
      dominant: true
      functions: [rms, kurtosis, crest, p2p]
training:
  task: classification
  horizon: 72h
  split: {by: time, test_fraction: 0.3}
  validation_fraction: 0.2
  threshold: {policy: cost, missed_failure_cost: 10, false_alarm_cost: 1}
  alert: {k: 2, n: 3, cooldown: 24h}
  xgboost: {num_rounds: 100, max_depth: 6, eta: 0.2, seed: 7, nthread: 2}
model: {name: pump-vibration, alias: champion}
EOF
  "$edgeloop" train --config train-vib.yaml --home home >/dev/null
  "$edgeloop" bundle build --model pump-vibration@champion --key keys/release.key -o vib.elb \
    --home home >/dev/null
  cat >vib.yaml <<EOF
device: bench-vib
data_dir: vib-data
trust: [keys/release.pub]
listen: 127.0.0.1:0
sources:
  - {kind: csv_replay, speed: 1, cwru: {path: $cwru, asset: P001, signal: vib_de_raw,
     rate_hz: 12000, burst: 1s, period: 1s, start: 2026-01-01T00:00:00Z}}
EOF
  "$agent" install --config vib.yaml vib.elb >/dev/null
  read -r vib_kb vib_cpu vib_anon vib_file < <(measure vib.yaml 0)
fi

python_kb=$(python3 -c "import re; print(re.search(r'VmHWM:\s+(\d+)', open('/proc/self/status').read()).group(1))")

mib() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }'; }
echo "| measure | edgeloop-agent | aim |"
echo "| --- | --- | --- |"
printf '| binary size, stripped (`strip -o`) | %.2f MB (%.1f MB unstripped) | < 5 MB |\n' \
  "$(echo "$size_bytes / 1000000" | bc -l)" "$(echo "$unstripped_bytes / 1000000" | bc -l)"
echo "| (a) 8 channels at 1 Hz live, ${seconds_live} s: peak RSS (at the end: $(mib "$live_anon") MiB anonymous + $(mib "$live_file") MiB file-backed) | $(mib "$live_kb") MiB | < 10 MB |"
echo "| (a) CPU share of one core | ${live_cpu} % ($live_rows rows) | — |"
echo "| (b) 1 vibration channel at 12 kHz (CWRU, spectral spec): peak RSS (at the end: $(mib "$vib_anon") MiB anonymous + $(mib "$vib_file") MiB file-backed) | $(mib "$vib_kb") MiB | < 10 MB |"
echo "| (b) CPU share of one core | ${vib_cpu} % | — |"
echo "| peer: idle python3 interpreter, peak RSS | $(mib "$python_kb") MiB | — |"
