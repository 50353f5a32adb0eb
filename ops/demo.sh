#!/usr/bin/env bash
# Sets everything up and runs the main job on the built-in demo scene: installs the system
# libraries, builds `pipeline` in release mode, generates the demo scene (a synthetic 20-band
# WorldView-3-style scene with ground truth) and describes what was written.
# Usage: ops/demo.sh [OUTPUT_DIR]   (default: ./demo)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-demo}"

ops/install-deps.sh
echo "demo: building pipeline (release)"
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"

"$bin" synth --out "$out/scene" --size 2048 --seed 1 --id demo
"$bin" inspect "$out/scene/demo.tif" "$out/scene/demo_P.tif" "$out/scene/demo_M.tif" \
  "$out/scene/demo_A.tif" "$out/scene/demo_truth.tif"
echo
echo "demo: outputs are in $(cd "$out" && pwd)/scene — open demo.tif and demo_truth.gpkg in QGIS."
