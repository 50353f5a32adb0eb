#!/usr/bin/env bash
# Sets everything up and runs the main job on the built-in demo scene: installs the system
# libraries, builds `pipeline` in release mode, generates the demo scene (a synthetic 20-band
# WorldView-3-style scene with ground truth), runs pipelines/demo.yaml (the default model, D4 and
# its post-processing rules) on it and scores the class map against the scene's truth.
# Usage: ops/demo.sh [OUTPUT_DIR]   (default: ./demo)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-demo}"

ops/install-deps.sh
echo "demo: building pipeline (release)"
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"

"$bin" synth --out "$out/scene" --size 2048 --seed 1 --id demo
"$bin" run pipelines/demo.yaml --scene "$out/scene" --out "$out/out"
"$bin" inspect "$out/out/classes.tif"
echo
echo "demo: the class map against the scene's ground truth (per-class Jaccard, pooled over all pixels):"
"$bin" eval "$out/out" --truth "$out/scene/demo_truth.gpkg"
echo
echo "demo: scene in $(cd "$out" && pwd)/scene (demo*.tif, demo_truth.gpkg); outputs in $(cd "$out" && pwd)/out:"
echo "      classes.tif (label raster, open it in QGIS), polygons.gpkg, masks/, probabilities.tif, run-report.json"
