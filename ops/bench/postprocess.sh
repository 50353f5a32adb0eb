#!/usr/bin/env bash
# Time and peak RSS of the default post-processing rule set (config/postprocess/dstl-3rd.yaml) on a
# SIZE² 10-class probability raster made from a synthetic scene's truth (release build).
# Usage: ops/bench/postprocess.sh [SIZE] [STRIP_HEIGHT...]   (default 2048; strips 256 and 64)
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-2048}"
shift || true
[ $# -gt 0 ] || set -- 256 64
swift build -c release --product PostProcessingBench 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/PostProcessingBench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
"$bin" prepare "$work" "$size"
for strip in "$@"; do
  "$bin" run "$work/probabilities.tif" config/classes/dstl.yaml config/postprocess/dstl-3rd.yaml "$work/masks.tif" "$strip"
done
# GDAL's block cache (up to 128 MB, see README) is part of the peak; with a small one the rules' own
# memory shows: strips of full-width rows, so it grows with the scene's width, not its area.
for strip in "$@"; do
  GDAL_CACHEMAX=16 "$bin" run "$work/probabilities.tif" config/classes/dstl.yaml config/postprocess/dstl-3rd.yaml "$work/masks.tif" "$strip" | head -n 1 | sed 's/^/GDAL_CACHEMAX=16: /'
done
