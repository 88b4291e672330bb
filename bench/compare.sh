#!/usr/bin/env bash
# Times one Centaurus layer three ways on the same cases, on this machine, in one run, all with 2
# threads, and prints a Markdown table:
# - python: bench/reference_layer.py, the reference's algorithm (ssmc's specification, section 7)
#   on Debian's PyTorch 1.13, eager, as the reference's own code runs;
# - djl: the same layer math on PyTorch 2.7.1 through DJL (benchmarks/src/djl, Maven profile
#   `djl`), what a JVM user would pick instead of ssmc; built here on first use (--no-djl skips it);
# - ssmc: its generated code (`./ssmc bench`).
# One row per case: its shapes, pass, each peer's and ssmc's median wall-clock ms, each peer's
# ratio to ssmc (peer ms / ssmc ms), and ssmc's CPU time, peak heap and allocation per run.
#
# Cases (those of the reference's own figures in docs/benchmarks.md): each mode's block (64
# channels in and out and 16 states, 4 blocks for s5 and neck; full: 16 channels and 8 states;
# activations off) at batch 8 and length 4096 for the train (forward + backward) and forward
# passes, and streamed with batch 1 over 4096 samples in chunks of 64 and over 256 samples in
# chunks of 1. Every case gets the same warm-up (at least 5 runs and 5 s, in which the JIT
# compiles every one of ssmc's vector kernels) and timed runs (10) on every side.
#
# Usage: bench/compare.sh [--quick] [--no-djl] [MODE...]
#   --quick: fewer timed runs; --no-djl: leave the DJL column empty; default modes: all four
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=10 WARMUP=5 WARMUP_RUNS=5 DJL=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) RUNS=3 WARMUP=0.5 WARMUP_RUNS=2; shift ;;
    --no-djl) DJL=0; shift ;;
    *) break ;;
  esac
done
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(dws s5 neck full)

PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: installing Debian's python3-torch (once)..." >&2
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q python3-torch >&2
fi
./ssmc --version >/dev/null 2>&1 || { echo "compare.sh: ./ssmc does not run" >&2; exit 1; }
# Debian's PyTorch sends float matrix products to whichever libblas.so.3 is installed (netlib's
# reference BLAS by default, as where the reference's own figures were taken): say which.
echo "compare.sh: python peer on PyTorch $("$PY" -c 'import torch; print(torch.__version__)'), BLAS $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?'); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
DJL_CP=benchmarks/target/djl.classpath
if [ "$DJL" = 1 ] && { [ ! -f "$DJL_CP" ] || [ ! -f benchmarks/target/classes/dev/ssmc/benchmarks/djl/DjlPeer.class ]; }; then
  echo "compare.sh: building the DJL peer (mvn -Pdjl; once)..." >&2
  log=$(mktemp)
  if ! mvn -B -q -Pdjl -DskipTests package -pl benchmarks -am >"$log" 2>&1; then
    cat "$log" >&2; echo "compare.sh: the DJL peer did not build; its column stays empty" >&2; DJL=0
  fi
  rm -f "$log"
fi
djl() { # the DJL peer, offline on the native library its jar bundles
  [ "$DJL" = 1 ] || return 1
  PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1 java -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "benchmarks/target/classes:$(cat "$DJL_CP")" dev.ssmc.benchmarks.djl.DjlPeer "$@"
}

export SSMC_JAVA_OPTS="${SSMC_JAVA_OPTS:-} -Dssmc.threads=2"
THREADS=2

value() { sed -n "s/^$1=//p" <<<"$2" | tail -n 1; }
num() { if [ -n "$1" ]; then printf '%.2f' "$1"; else printf -- '-'; fi; }
ERR=$(mktemp); trap 'rm -f "$ERR"; echo "compare.sh: load average at the end $(cut -d" " -f1-3 /proc/loadavg)" >&2' EXIT
measure() { # a command's output; a failure leaves its cells empty ("-") and shows its error
  local out
  if ! out=$("$@" 2>"$ERR"); then grep -v -e '^WARNING' -e '^SLF4J' "$ERR" >&2 || true; fi
  printf '%s\n' "$out"
}

ratio() { awk -v r="$1" -v o="$2" 'BEGIN { if (r > 0 && o > 0) printf "%.1fx", r / o; else print "-" }'; }

echo "| mode | shapes | pass | python ms | djl ms | ssmc ms | python / ssmc | djl / ssmc | ssmc cpu ms | ssmc peak heap MB | ssmc alloc MB/run |"
echo "|------|--------|------|----------:|-------:|--------:|--------------:|-----------:|------------:|------------------:|------------------:|"
row() { # mode channels states batch length pass chunk
  local mode=$1 ch=$2 states=$3 batch=$4 length=$5 pass=$6 chunk=$7
  local args=(--mode "$mode" --batch "$batch" --in "$ch" --out "$ch" --states "$states" --length "$length" --pass "$pass")
  local shapes="b=$batch c=$ch d=$ch n=$states"
  case "$mode" in s5|neck) args+=(--blocks 4); shapes="$shapes j=4" ;; esac
  shapes="$shapes L=$length"
  if [ "$pass" = stream ]; then shapes="$shapes T=$chunk"; args+=(--chunk "$chunk"); fi
  local timing=(--warmup "$WARMUP" --warmup-runs "$WARMUP_RUNS" --runs "$RUNS")
  local py dj ours p d o
  py=$(measure "$PY" bench/reference_layer.py "${args[@]}" --threads "$THREADS" "${timing[@]}")
  dj=$(measure djl "${args[@]}" --threads "$THREADS" "${timing[@]}")
  ours=$(measure ./ssmc bench "${args[@]}" "${timing[@]}" --time 0)
  p=$(value ms_median "$py")
  d=$(value ms_median "$dj")
  o=$(value ms_median "$ours")
  echo "| $mode | $shapes | $pass | $(num "$p") | $(num "$d") | $(num "$o") | $(ratio "$p" "$o") | $(ratio "$d" "$o") | $(num "$(value cpu_ms_median "$ours")") | $(value peak_heap_mb "$ours") | $(value alloc_mb_per_run "$ours") |"
}

for mode in "${modes[@]}"; do
  ch=64 states=16
  [ "$mode" = full ] && ch=16 states=8
  row "$mode" "$ch" "$states" 8 4096 train -
  row "$mode" "$ch" "$states" 8 4096 forward -
  row "$mode" "$ch" "$states" 1 4096 stream 64
  row "$mode" "$ch" "$states" 1 256 stream 1
done
