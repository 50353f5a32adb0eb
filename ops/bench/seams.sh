#!/usr/bin/env bash
# Seams: stitched (`pipeline run`) versus whole-scene inference for a model and a scene, for several
# tile / overlap choices, so the trade-off between accuracy at tile seams and compute is visible.
#
# Whole-scene inference is `pipeline run` with one tile as large as the scene, no overlap and no
# blending: the model sees the whole stacked scene at once (its own zero padding at the borders),
# through the same stacking, normalization and 8-bit quantization as the tiled runs, so equal
# predictions compare as equal. Pixels closer to the scene's border than the model's receptive
# radius (from `pipeline inspect`) are left out: there tiles mirror the scene, whole-scene
# inference pads with zeros. For each choice it prints the mean and largest absolute difference of
# the probabilities, the share of (pixel, class) decisions at the threshold that agree, the pixels
# computed per scene pixel, and the run's time.
#
# Usage: ops/bench/seams.sh MODEL.onnx SCENE_DIR [--id ID] [--threshold 0.5] [--tta none|d4]
#          [--blending spline|hann|triangular|none] [--choices "256/64 512/128 512/256 auto"] [--threads N] [--skip-build]
# SCENE_DIR holds ID.tif, ID_P.tif, ID_M.tif, ID_A.tif (`pipeline synth --out DIR --size 1024 --id ID`);
# the model takes their 20 stacked bands. `auto` leaves the tiling to the run (the model-derived
# default). The scene's size must be a tile size the model takes (e.g. a multiple of 16).
# Needs python3 with numpy and GDAL's gdal_translate.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
(($# >= 2)) || { sed -n '2,20p' "$0" >&2; exit 2; }
model="$(realpath "$1")" scene="$(realpath "$2")"; shift 2
id="" threshold=0.5 tta=none blending=spline choices="256/64 512/128 512/256 auto" threads=2 build=1
while (($#)); do
  case "$1" in
    --id) id="$2"; shift 2 ;;
    --threshold) threshold="$2"; shift 2 ;;
    --tta) tta="$2"; shift 2 ;;
    --blending) blending="$2"; shift 2 ;;
    --choices) choices="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) echo "seams.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$model" ]] || { echo "seams.sh: no model at $model" >&2; exit 1; }
if [[ -z "$id" ]]; then
  id="$(cd "$scene" && ls ./*_P.tif 2>/dev/null | head -n 1 | sed 's|^\./||; s|_P\.tif$||')"
  [[ -n "$id" ]] || { echo "seams.sh: no ID_P.tif in $scene (pass --id)" >&2; exit 1; }
fi
scratch="${SCRATCH_PATH:-.build}"
if ((build)); then (cd "$repo" && swift build -c release --scratch-path "$scratch" --product pipeline >/dev/null); fi
pipeline="$repo/$scratch/release/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

size="$(gdalinfo "$scene/$id.tif" | sed -n 's/^Size is \([0-9]*\), *\([0-9]*\)/\1 \2/p')"
read -r width height <<<"$size"
radius="$("$pipeline" inspect "$model" | sed -n 's/.*radius \([0-9]*\) px.*/\1/p' | head -n 1)"
[[ -n "$radius" ]] || { echo "seams.sh: $model has no bounded receptive field (pipeline inspect)" >&2; exit 1; }

# $1: name; $2: tiling line (or empty); $3: blending window.
write_pipeline() {
  cat >"$work/$1.yaml" <<YAML
version: 1
scene:
  id: "$id"
  sources:
    - path: "{id}.tif"
    - path: "{id}_P.tif"
    - path: "{id}_M.tif"
    - path: "{id}_A.tif"
normalization: {mode: per_band, scale: [0.00048852]}
$2
blending: {window: $3}
model: {kind: onnx, path: "$model", tta: $tta}
YAML
}

# $1: name. Runs the pipeline in this process, then converts its probabilities to raw bytes.
run() {
  "$pipeline" run "$work/$1.yaml" --scene "$scene" --out "$work/$1" --workers 0 --threads "$threads" >"$work/$1.log" 2>&1 \
    || { cat "$work/$1.log" >&2; exit 1; }
  gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$work/$1/probabilities.tif" "$work/$1.dat"
}

whole=$(( width > height ? width : height ))
write_pipeline whole "tiling: {tile_size: $whole, overlap: 0}" none
run whole
echo "== seams: $(basename "$model") on $scene ($id, ${width}x$height), tta $tta, blending $blending, threshold $threshold"
echo "   CPU: $(lscpu | sed -n 's/^Model name: *//p'), $threads threads; interior: pixels >= $radius px (receptive radius) from the border"
echo "   whole scene: one ${whole}-px tile in $(python3 -c "import json; print(round(json.load(open('$work/whole/run-report.json'))['run']['timings']['totalSeconds'], 1))") s"
printf '%-26s %10s %9s %12s %9s %8s\n' "tile / overlap" "mean" "max" "same class" "px/px" "time s"
for choice in $choices; do
  name="c_${choice//\//_}"
  if [[ "$choice" == auto ]]; then write_pipeline "$name" "" "$blending"
  else write_pipeline "$name" "tiling: {tile_size: ${choice%/*}, overlap: ${choice#*/}}" "$blending"; fi
  run "$name"
  python3 - "$work/whole.dat" "$work/$name.dat" "$work/$name/run-report.json" "$width" "$height" "$radius" "$threshold" "$choice" <<'PY'
import json, sys
import numpy as np
whole_path, tiled_path, report_path, width, height, radius, threshold, choice = sys.argv[1:]
width, height, radius, threshold = int(width), int(height), int(radius), float(threshold)
whole = np.fromfile(whole_path, np.uint8).reshape(-1, height, width)[:, radius:height - radius, radius:width - radius]
tiled = np.fromfile(tiled_path, np.uint8).reshape(-1, height, width)[:, radius:height - radius, radius:width - radius]
p, q = whole.astype(np.float64) / 254, tiled.astype(np.float64) / 254
difference = np.abs(p - q)
same = np.mean((p >= threshold) == (q >= threshold))
run = json.load(open(report_path))["run"]
tile = run["tiling"]["tileSize"]
label = choice if choice != "auto" else "auto: %d / %d" % (tile, run["tiling"]["overlap"])
computed = run["tilesCommitted"] * tile * tile / (width * height)
print("%-26s %10.6f %9.4f %11.3f%% %9.2f %8.1f" % (label, difference.mean(), difference.max(), 100 * same, computed,
                                                  run["timings"]["totalSeconds"]))
PY
done
