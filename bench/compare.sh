#!/usr/bin/env bash
# Times the reference's Centaurus layer math in PyTorch (bench/reference_layer.py, written from
# ssmc's specification) and ssmc's generated code (`./ssmc bench`) on the same cases, on this
# machine, in one run, both with 2 threads, and prints a Markdown table: one row per case with its
# shapes, pass, reference ms, ssmc ms (median wall clock), the ratio, and ssmc's CPU time, peak heap
# and allocation per run.
#
# Cases: each mode's block (64 channels in and out, 16 for full; 16 states; 4 blocks for s5 and
# neck; activations off) at batch 8 and length 4096 for the train (forward + backward) and forward
# passes, and streamed with batch 1 over 4096 samples in chunks of 64 and of 1 sample. Every case
# gets the same warm-up (at least 5 runs and 2 s) and timed runs (10) on both sides.
#
# Usage: bench/compare.sh [--quick] [MODE...]   (--quick: fewer timed runs; default modes: all four)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=10 WARMUP=2 WARMUP_RUNS=5
if [ "${1:-}" = "--quick" ]; then RUNS=3 WARMUP=0.5 WARMUP_RUNS=2; shift; fi
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(dws s5 neck full)

PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: installing Debian's python3-torch (once)..." >&2
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q python3-torch >&2
fi
./ssmc --version >/dev/null 2>&1 || { echo "compare.sh: ./ssmc does not run" >&2; exit 1; }

export SSMC_JAVA_OPTS="${SSMC_JAVA_OPTS:-} -Dssmc.threads=2"
THREADS=2

value() { sed -n "s/^$1=//p" <<<"$2" | tail -n 1; }
num() { if [ -n "$1" ]; then printf '%.2f' "$1"; else printf -- '-'; fi; }
ERR=$(mktemp); trap 'rm -f "$ERR"' EXIT
measure() { # a command's output; a failure leaves its cells empty ("-") and shows its error
  local out
  if ! out=$("$@" 2>"$ERR"); then grep -v '^WARNING' "$ERR" >&2 || true; fi
  printf '%s\n' "$out"
}

echo "| mode | shapes | pass | reference ms | ssmc ms | ratio | ssmc cpu ms | ssmc peak heap MB | ssmc alloc MB/run |"
echo "|------|--------|------|-------------:|--------:|------:|------------:|------------------:|------------------:|"
row() { # mode channels batch length pass chunk
  local mode=$1 ch=$2 batch=$3 length=$4 pass=$5 chunk=$6
  local args=(--mode "$mode" --batch "$batch" --in "$ch" --out "$ch" --states 16 --length "$length" --pass "$pass")
  local shapes="b=$batch c=$ch d=$ch n=16"
  case "$mode" in s5|neck) args+=(--blocks 4); shapes="$shapes j=4" ;; esac
  shapes="$shapes L=$length"
  if [ "$pass" = stream ]; then shapes="$shapes T=$chunk"; args+=(--chunk "$chunk"); fi
  local runs=$RUNS warm=$WARMUP warm_runs=$WARMUP_RUNS
  local ref ours r o
  ref=$(measure "$PY" bench/reference_layer.py "${args[@]}" --threads "$THREADS" --warmup "$warm" --warmup-runs "$warm_runs" --runs "$runs")
  ours=$(measure ./ssmc bench "${args[@]}" --warmup "$warm" --warmup-runs "$warm_runs" --runs "$runs" --time 0)
  r=$(value ms_median "$ref")
  o=$(value ms_median "$ours")
  echo "| $mode | $shapes | $pass | $(num "$r") | $(num "$o") | $(awk -v r="$r" -v o="$o" 'BEGIN { if (r > 0 && o > 0) printf "%.1fx", r / o; else print "-" }') | $(num "$(value cpu_ms_median "$ours")") | $(value peak_heap_mb "$ours") | $(value alloc_mb_per_run "$ours") |"
}

for mode in "${modes[@]}"; do
  ch=64; [ "$mode" = full ] && ch=16
  row "$mode" "$ch" 8 4096 train -
  row "$mode" "$ch" 8 4096 forward -
  row "$mode" "$ch" 1 4096 stream 64
  row "$mode" "$ch" 1 4096 stream 1
done
