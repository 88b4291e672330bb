#!/usr/bin/env bash
# Times the reference's Centaurus layer math in PyTorch (reference_layer.py, written from ssmc's
# specification) and ssmc's generated code on the same cases, on this machine, in one run, both
# with 2 threads, and prints one row per case: shapes, pass, reference ms, ssmc ms, ratio.
#
# Usage: bench/compare.sh [--quick]   (--quick: fewer timed runs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: installing Debian's python3-torch (once)..." >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q python3-torch >&2; else sudo apt-get install -y -q python3-torch >&2; fi
fi

RUNS=10
WARMUP=2
if [ "${1:-}" = "--quick" ]; then RUNS=3; WARMUP=0.5; fi

ms() { # the ms_median of a command's output
  "$@" 2>/dev/null | sed -n 's/^ms_median=//p' | tail -n 1
}

./ssmc --version >/dev/null 2>&1 || { echo "compare.sh: ./ssmc does not run" >&2; exit 1; }

printf '%-5s %-38s %-14s %12s %12s %8s\n' mode shapes pass "reference ms" "ssmc ms" ratio
row() { # mode channels batch length pass chunk
  local mode=$1 ch=$2 batch=$3 length=$4 pass=$5 chunk=$6
  local blocks=4
  if [ "$mode" = dws ] || [ "$mode" = full ]; then blocks=1; fi
  local args=(--mode "$mode" --batch "$batch" --in "$ch" --out "$ch" --states 16 --blocks "$blocks" --length "$length" --pass "$pass" --chunk "$chunk")
  local ref ours
  ref=$(ms "$PY" bench/reference_layer.py "${args[@]}" --threads 2 --warmup "$WARMUP" --runs "$RUNS")
  ours=$(ms ./ssmc bench "${args[@]}" --threads 2 --warmup "$WARMUP" --runs "$RUNS")
  local shapes="b=$batch c=$ch d=$ch n=16 L=$length"
  [ "$pass" = stream ] && shapes="$shapes T=$chunk"
  printf '%-5s %-38s %-14s %12.3f %12.3f %8.1fx\n' "$mode" "$shapes" "$pass" "$ref" "$ours" \
    "$(awk -v r="$ref" -v o="$ours" 'BEGIN { print (o > 0 ? r / o : 0) }')"
}

for mode in dws s5 neck full; do
  ch=64; [ "$mode" = full ] && ch=16
  row "$mode" "$ch" 8 4096 train 1
  row "$mode" "$ch" 8 4096 forward 1
  row "$mode" "$ch" 1 4096 stream 64
  row "$mode" "$ch" 1 1024 stream 1
done
