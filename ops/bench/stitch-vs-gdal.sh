#!/usr/bin/env bash
# Read + stitch + write benchmark: `pipeline run` with an identity model (ops/bench/identity-10.yaml)
# against `gdal_translate -of COG` of the same 20-band stack (the four WorldView-3 products warped
# onto the full-resolution grid with the same resampling, as a VRT). Prints wall times, their ratio
# and pipeline's peak RSS. Usage: ops/bench/stitch-vs-gdal.sh [SIZE...] (default 5000 10000).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="${BENCH_DIR:-$(mktemp -d)}"
[ $# -gt 0 ] || set -- 5000 10000

seconds() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }

for size in "$@"; do
  scene="$work/scene-$size"
  [ -f "$scene/bench_A.tif" ] || "$bin" synth --out "$scene" --size "$size" --seed 3 --id bench >/dev/null
  # The same stack with GDAL's own tools.
  read -r xmin ymin xmax ymax width height < <(python3 - "$scene/bench.tif" <<'PY'
import json, subprocess, sys
info = json.loads(subprocess.check_output(["gdalinfo", "-json", sys.argv[1]]))
w, h = info["size"]; c = info["cornerCoordinates"]
print(c["lowerLeft"][0], c["lowerLeft"][1], c["upperRight"][0], c["upperRight"][1], w, h)
PY
)
  stack="$work/stack-$size"; rm -rf "$stack"; mkdir -p "$stack"
  n=0
  for pair in bench.tif:near bench_P.tif:near bench_M.tif:bilinear bench_A.tif:cubic; do
    file="${pair%%:*}"; r="${pair##*:}"
    gdalwarp -q -of VRT -r "$r" -te "$xmin" "$ymin" "$xmax" "$ymax" -ts "$width" "$height" "$scene/$file" "$stack/$file.vrt"
    bands=$(gdalinfo -json "$stack/$file.vrt" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["bands"]))')
    for b in $(seq 1 "$bands"); do
      n=$((n + 1)); gdal_translate -q -of VRT -b "$b" "$stack/$file.vrt" "$stack/band$(printf %02d $n).vrt"
    done
  done
  gdalbuildvrt -q -separate "$stack/stack.vrt" "$stack"/band*.vrt

  t0=$(seconds)
  gdal_translate -q -of COG -co COMPRESS=DEFLATE -co BIGTIFF=IF_SAFER "$stack/stack.vrt" "$stack/stack-cog.tif"
  t1=$(seconds)
  "$bin" run ops/bench/identity-10.yaml --scene "$scene" --out "$work/out-$size" > "$work/run-$size.log"
  t2=$(seconds)
  rss=$(grep -o 'peak RSS [0-9]* MB' "$work/run-$size.log")
  python3 - "$size" "$t0" "$t1" "$t2" "$rss" <<'PY'
import sys
size, t0, t1, t2, rss = sys.argv[1], *map(float, sys.argv[2:5]), sys.argv[5]
gdal, ours = t1 - t0, t2 - t1
print(f"{size}^2 x 20 bands: gdal_translate -of COG {gdal:.1f} s, pipeline run (identity, 10 classes) {ours:.1f} s, ratio {ours / gdal:.2f}, {rss}")
PY
  rm -rf "$stack" "$work/out-$size"
done
