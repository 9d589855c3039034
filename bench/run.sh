#!/usr/bin/env bash
# Runs every benchmark against its peer in the same run and prints the results.
# Usage: bench/run.sh [BUILD_DIR]   (make bench builds first). Results go to out/bench/.
set -euo pipefail
build_dir=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/out/bench"
mkdir -p "$out"
cd "$root"

echo "== feature extraction: block extractor vs naive two-pass reference (samples/s)"
"$build_dir/bench/feature_extraction_bench" --benchmark_min_time=0.5 \
  --benchmark_out="$out/feature_extraction.json" --benchmark_out_format=json

echo
echo "== end to end: featurise + train, 100 assets x 90 days at 1 min"
"$build_dir/bench/train_e2e_bench" | tee "$out/train_e2e.txt"

echo
echo "== edge scoring: compiled tree ensemble vs XGBoost's own predict (500 trees, depth 6)"
"$build_dir/bench/scoring_bench" --benchmark_min_time=0.3 \
  --benchmark_out="$out/scoring.json" --benchmark_out_format=json

echo
echo "== edge agent footprint: stripped binary, peak RSS and CPU (8 ch at 1 Hz; 12 kHz vibration)"
bash bench/agent_footprint.sh "$build_dir" | tee "$out/agent_footprint.md"
