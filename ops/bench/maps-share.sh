#!/usr/bin/env bash
# What the map stages (post-processing rules and exports) cost next to the inference they follow:
# runs pipelines/demo.yaml (the default model with D4, the DSTL 3rd-place rules, classes + masks +
# polygons) on the demo scene (synth 2,048², seed 1) and prints, from run-report.json, the tile
# run's time, the map stages' time and share, and the peak RSS before and after the map stages.
# Usage: ops/bench/maps-share.sh [SIZE] [WORKERS]   (defaults 2048 and one per core)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-2048}; workers=${2:-$(nproc)}
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; scene ${size}², $workers workers"
"$bin" synth --out "$work/scene" --size "$size" --seed 1 --id demo >/dev/null
"$bin" run pipelines/demo.yaml --scene "$work/scene" --out "$work/out" --workers "$workers" > "$work/log"
python3 - "$work/out/run-report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
run, maps = report["run"], report["maps"]
tiles = run["timings"]["totalSeconds"]
stages = {"rules": maps["postProcessingSeconds"], **maps["exports"]["seconds"]}
total = sum(stages.values())
print(f"tile run (stack, D4 inference, stitch, probabilities COG): {tiles:.1f} s, {run['tilesCommitted']} tiles "
      f"of {run['tiling']['tileSize']} px, overlap {run['tiling']['overlap']}")
print("map stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items())
      + f"; total {total:.1f} s = {100 * total / tiles:.1f}% of the tile run (goal <= 10%)")
print(f"peak RSS: {run['peakResidentMegabytes']:.0f} MB after the tile run, {maps['peakResidentMegabytes']:.0f} MB after the map stages")
PY
