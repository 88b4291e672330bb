#!/usr/bin/env bash
# The baseline cases of the comparison with PyTorch, through `ssmc bench` (generated code), as a
# Markdown table: each mode's block (64 channels in and out, 16 for full; 16 states; 4 blocks for
# s5 and neck) at batch 8 and length 4096 for the train and forward passes, and streamed with
# batch 1 over the same length in chunks of 64 and of 1 sample.
#   benchmarks/comparison.sh [MODE...]     (default: dws s5 neck full)
# Chunk-1 streams take seconds per run, so they get 1 warm-up run and 3 timed runs; the others the
# default (at least 5 runs and 2 s of warm-up, then at least 10 runs and 3 s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(dws s5 neck full)

value() { grep "^$1=" <<<"$2" | cut -d= -f2; }

echo "| mode | channels | pass | batch | chunk | ms_median | cpu_ms_median | peak_heap_mb | alloc_mb_per_run | runs |"
echo "|------|----------|------|-------|-------|-----------|---------------|--------------|------------------|------|"
for mode in "${modes[@]}"; do
  ch=64; [ "$mode" = full ] && ch=16
  for pass in train forward stream:64 stream:1; do
    args=(bench --mode "$mode" --in "$ch" --out "$ch" --states 16 --length 4096)
    case "$mode" in s5|neck) args+=(--blocks 4) ;; esac
    case "$pass" in
      stream:*) chunk="${pass#stream:}"; args+=(--pass stream --batch 1 --chunk "$chunk"); batch=1 ;;
      *) chunk="-"; args+=(--pass "$pass" --batch 8); batch=8 ;;
    esac
    [ "$chunk" = 1 ] && args+=(--warmup 0 --warmup-runs 1 --runs 3 --time 0)
    out="$("$root/ssmc" "${args[@]}" 2>/dev/null)"
    echo "| $mode | $ch | ${pass%%:*} | $batch | $chunk | $(value ms_median "$out") | $(value cpu_ms_median "$out") | $(value peak_heap_mb "$out") | $(value alloc_mb_per_run "$out") | $(value runs "$out") |"
  done
done
