#!/usr/bin/env bash
# Time and peak RSS of every export (classes, masks, polygons, geojson) and of the evaluation, on
# a synthetic scene's 10-class ground truth used as the decided masks (release build).
# Usage: ops/bench/exports.sh [SIZE...] (default 2048; the synthesis runs in its own process, so
# it does not count in the exports' peak RSS). TOLERANCE=0.5 simplifies polygons (map units).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ExportsBench 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/ExportsBench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
[ $# -gt 0 ] || set -- 2048
for size in "$@"; do
  truth=$("$bin" synth "$work/scene-$size" "$size" 1)
  echo "== $size x $size"
  "$bin" export "$truth" "$work/out-$size" "${truth%.tif}.gpkg" "${TOLERANCE:-0}"
  echo "outputs: $(du -sh "$work/out-$size" | cut -f1) ($(ls "$work/out-$size" | tr '\n' ' '))"
  rm -rf "${work:?}/scene-$size" "${work:?}/out-$size"
done
