#!/usr/bin/env bash
# Coordinator scaling with sleep workers (release build): `pipeline run --workers N` on a
# synthetic 20-band scene (`pipeline synth`, 256 px tiles, overlap 64) with the identity model and
# PIPELINE_FAULT_DELAY_MS (default 1000) so every tile costs the workers that long and almost no
# CPU. For each N it prints
#   efficiency = (tiles x delay / N) / wall time of the whole `pipeline run`, start to exit
# (worker start-up, the final COG and everything between included), the time the N-th worker
# joined (worker start-up), the coordinator's CPU seconds (all its threads; workers excluded) and
# CPU ms per tile — the figure that does not depend on how loaded the machine is — all workers'
# CPU seconds (start-up included), the run
# report's stage timings (read = the seconds the coordinator's reading thread spent reading,
# stacking and cutting tiles, beside the socket loop that sends them and stitches results; it
# reads ahead at most the memory budget's tiles in hand), the coordinator's peak RSS and the
# 1-minute load average before the run, which matters on a shared machine.
# With --data shared the workers read their tiles' windows from the scene themselves (`run --data
# shared`): the coordinator only schedules, stitches and writes, and its CPU per tile is the
# shared-mode figure of the capacity model (the workers' reading is then in their CPU).
# Usage: ops/bench/scaling.sh [--size N] [--workers "1 4 16 32 64"] [--delay-ms M] [--repeat R] [--data pixels|shared]
# Scenes are generated into $BENCH_DIR (default: a temporary folder) and reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
size=2048 workers="1 4 16 32 64" delay=1000 repeat=1 data=pixels
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --delay-ms) delay="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "scaling.sh: unknown option '$1' (--size, --workers, --delay-ms, --repeat, --data)" >&2; exit 2 ;;
  esac
done
case "$data" in pixels|shared) ;; *) echo "scaling.sh: --data is pixels or shared, got '$data'" >&2; exit 2 ;; esac
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="${BENCH_DIR:-$(mktemp -d)}"
echo "# CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores available)"

source ops/bench/bench-scene.sh
scene="$(bench_scene "$size")"
bench_pipeline "$work/scaling.yaml" "{kind: identity, bands: [1]}"

# Timestamps every line of the run's standard error (seconds since start), to see workers join.
stamp() { python3 -u -c '
import sys, time
start = float(sys.argv[1])
for line in sys.stdin:
    print(f"{time.time() - start:.3f} {line}", end="", flush=True)' "$1"; }

# Runs a command and writes the CPU seconds (user, system) of it and its descendants to $1.
cputime() { python3 -c '
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{usage.ru_utime} {usage.ru_stime}\n")
sys.exit(code)' "$@"; }

echo "size=${size}^2 delay=${delay}ms data=${data}"
printf '%8s %6s %8s %8s %10s %8s %8s %10s %8s %8s %8s %8s %9s %s\n' workers tiles wall ideal efficiency joined cpu ms/tile read stitch cog rssMB workerCPU load
for n in $workers; do
  for _ in $(seq "$repeat"); do
    out="$work/out-$size-$n"
    rm -rf "$out"
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(python3 -c 'import time; print(time.time())')
    PIPELINE_FAULT_DELAY_MS=$delay cputime "$out.time" "$bin" run "$work/scaling.yaml" --scene "$scene" --out "$out" --workers "$n" --threads 1 --data "$data" \
      2> >(stamp "$start" > "$out.log") >/dev/null
    end=$(python3 -c 'import time; print(time.time())')
    sleep 0.2  # let the stamping process finish its file
    python3 - "$out/run-report.json" "$out.log" "$n" "$delay" "$start" "$end" "$load" "$out.time" <<'PY'
import json, sys
report, log, n, delay, start, end, load, times = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], sys.argv[8]
r = json.load(open(report))["run"]
t = r["timings"]
tiles = r["tilesCommitted"]
wall = end - start
ideal = tiles * delay / 1000 / n
joins = [float(line.split()[0]) for line in open(log) if " joined: " in line]
joined = f"{joins[n - 1]:.2f}" if len(joins) >= n else f"{len(joins)}/{n}"
cpu = r.get("cpuSeconds") or 0
workers_cpu = sum(map(float, open(times).read().split()[-2:])) - cpu  # the run's children: its workers
print(f"{n:8d} {tiles:6d} {wall:8.1f} {ideal:8.1f} {ideal / wall:10.2f} {joined:>8} {cpu:8.1f} {1000 * cpu / tiles:10.1f} {t['readSeconds']:8.1f} {t['stitchSeconds']:8.1f} "
      f"{t['cogSeconds']:8.1f} {(r.get('peakResidentMegabytes') or 0):8.0f} {workers_cpu:9.1f} {load:>8}")
PY
  done
done
