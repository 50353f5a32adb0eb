#!/usr/bin/env bash
# Peak RSS of the coordinator (`pipeline run` itself; its local workers are other processes) for
# scenes of equal area and different shapes, within the default 1 GB --memory-budget, and with
# many workers. Identity model, 10 classes, 20 bands, tile 256 / 64 (ops/bench/identity-10.yaml).
#
# Usage: ops/bench/memory-shapes.sh [SHAPE...]      SHAPE = WIDTHxHEIGHT
#   default: 10000x10000 40000x2500 2500x40000 (each ~100 Mpx: several minutes to synthesize and
#   to run on 2 cores). Environment: BENCH_DIR (scratch folder, default $TMPDIR/memory-shapes; the
#   scenes are kept there for the next run), WORKERS (default 2), CHECK=1 (also run each shape with
#   a budget of 64 GB — whole rows, strips in memory, as before budgets — and compare the bytes),
#   MANY=N (the many-workers point: a 4,096² scene with 2 and with N local workers, default 64;
#   MANY=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/memory-shapes}"
mkdir -p "$work"
workers="${WORKERS:-2}"
many="${MANY:-64}"
[ $# -gt 0 ] || set -- 10000x10000 40000x2500 2500x40000

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; identity-10 (20 bands, 10 classes, tile 256 / 64); $workers local workers"

# Runs the pipeline; prints "<seconds> <peak RSS MB> <memory line>".
run() {
  local scene="$1" out="$2"; shift 2
  rm -rf "$out"
  local log="$out.log" start end
  start=$(date +%s.%N)
  "$bin" run ops/bench/identity-10.yaml --scene "$scene" --out "$out" "$@" > "$log" 2>&1 || { tail -n 3 "$log" >&2; return 1; }
  end=$(date +%s.%N)
  local rss plan
  rss=$(grep -o 'peak RSS [0-9]* MB' "$log" | tail -n 1 | grep -o '[0-9]*')
  plan=$(grep -o 'memory budget .*' "$log" | head -n 1)
  echo "$(python3 -c "print(f'{$end - $start:.0f}')") $rss $plan"
}

printf '%-12s %8s %12s  %s\n' shape "time s" "peak RSS MB" "how the budget is spent"
for shape in "$@"; do
  width="${shape%x*}" height="${shape#*x}"
  scene="$work/scene-$shape"
  [ -f "$scene/bench_A.tif" ] || "$bin" synth --out "$scene" --width "$width" --height "$height" --seed 3 --id bench > /dev/null
  read -r seconds rss plan < <(run "$scene" "$work/out-$shape" --workers "$workers")
  printf '%-12s %8s %12s  %s\n' "$shape" "$seconds" "$rss" "$plan"
  if [ "${CHECK:-0}" = 1 ]; then
    read -r seconds rss plan < <(run "$scene" "$work/free-$shape" --workers "$workers" --memory-budget 64G)
    same=$(cmp -s "$work/out-$shape/probabilities.tif" "$work/free-$shape/probabilities.tif" && echo "same bytes" || echo "BYTES DIFFER")
    printf '%-12s %8s %12s  %s (%s)\n' "  64G" "$seconds" "$rss" "$plan" "$same"
    rm -rf "$work/free-$shape"
  fi
  rm -rf "$work/out-$shape"
done

if [ "$many" -gt 0 ]; then
  scene="$work/scene-4096"
  [ -f "$scene/bench_A.tif" ] || "$bin" synth --out "$scene" --size 4096 --seed 3 --id bench > /dev/null
  for n in 2 "$many"; do
    read -r seconds rss plan < <(run "$scene" "$work/out-4096-$n" --workers "$n")
    printf '%-12s %8s %12s  %s (%s workers)\n' "4096x4096" "$seconds" "$rss" "$plan" "$n"
  done
  cmp -s "$work/out-4096-2/probabilities.tif" "$work/out-4096-$many/probabilities.tif" && echo "4096²: same bytes with 2 and $many workers"
  rm -rf "$work/out-4096-2" "$work/out-4096-$many"
fi
