#!/usr/bin/env bash
# Distributed-run figures (release build):
#  1. coordinator capacity: tiles per second served to 4 local workers running an identity model
#     (1 class; no inference), hence how many ~3 s-per-tile workers one coordinator can feed;
#  2. end-to-end overhead of `pipeline run` over the workers' pure model time, with the reference
#     U-Net (20 bands, 10 classes, base 32, depth 4; ops/bench/reference_unet.py), 1 worker,
#     D4 test-time augmentation as in production (OVERHEAD_TTA=none for single passes);
#  3. coordinator peak RSS with 8 workers on a 10,000^2 scene (identity, 10 classes).
# Usage: ops/bench/distributed.sh [capacity|overhead|memory]... (default: all three).
# Scenes are generated into $BENCH_DIR (default: a temporary folder) and reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="${BENCH_DIR:-$(mktemp -d)}"
[ $# -gt 0 ] || set -- capacity overhead memory
echo "# CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores available)"

source ops/bench/bench-scene.sh

field() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, r))" "$@"; }

for what in "$@"; do
  case "$what" in
    capacity)
      bench_pipeline "$work/capacity.yaml" "{kind: identity, bands: [1]}"
      "$bin" run "$work/capacity.yaml" --scene "$(bench_scene 4096)" --out "$work/capacity" --workers 4 --threads 1 >/dev/null 2>&1
      r="$work/capacity/run-report.json"
      tiles=$(field "$r" "run['tilesCommitted']"); seconds=$(field "$r" "run['timings']['totalSeconds']")
      python3 -c "t,s=$tiles,$seconds; print(f'capacity: {t} tiles (256 px, 20 bands) in {s:.1f} s = {t/s:.1f} tiles/s served to 4 identity workers -> one coordinator feeds ~{3*t/s:.0f} workers at 3 s/tile')"
      ;;
    overhead)
      model="$work/unet.onnx"
      [ -f "$model" ] || python3 ops/bench/reference_unet.py --tile 256 --out "$model" >/dev/null
      classes="[$(seq -s, -f 'c%g' 1 10)]"
      bench_pipeline "$work/overhead.yaml" "{kind: onnx, path: $model, tta: ${OVERHEAD_TTA:-d4}, classes: $classes}"
      "$bin" run "$work/overhead.yaml" --scene "$(bench_scene 1024)" --out "$work/overhead" --workers 1 --threads 2 >/dev/null 2>&1
      r="$work/overhead/run-report.json"
      wall=$(field "$r" "run['timings']['totalSeconds']"); compute=$(field "$r" "workerComputeSeconds"); tiles=$(field "$r" "run['tilesCommitted']")
      python3 -c "w,c,t=$wall,$compute,$tiles; print(f'overhead: {t} U-Net tiles (tta ${OVERHEAD_TTA:-d4}): wall {w:.1f} s, pure model time {c:.1f} s ({1000*c/t:.0f} ms/tile), overhead {100*(w/c-1):.1f}%')"
      ;;
    memory)
      bench_pipeline "$work/memory.yaml" "{kind: identity, bands: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}"
      "$bin" run "$work/memory.yaml" --scene "$(bench_scene 10000)" --out "$work/memory" --workers 8 --threads 1 >/dev/null 2>&1
      r="$work/memory/run-report.json"
      python3 -c "import json; r=json.load(open('$r')); print(f\"memory: 10000^2 x 20 bands, 8 workers: {r['run']['tilesCommitted']} tiles in {r['run']['timings']['totalSeconds']:.0f} s, coordinator peak RSS {r['run']['peakResidentMegabytes']:.0f} MB\")"
      ;;
    *) echo "distributed.sh: unknown benchmark '$what' (capacity, overhead, memory)" >&2; exit 2 ;;
  esac
done
