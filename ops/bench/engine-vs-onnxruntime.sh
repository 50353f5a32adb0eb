#!/usr/bin/env bash
# Side-by-side benchmark: the reference U-Net (20 bands, 10 classes, base 32, depth 4) on
# onnxruntime (CPU, all graph optimizations) and on this engine (`pipeline bench`, release build),
# at 1 and 2 threads, batch 1 and the D4 batch of 8, in one run on the same machine.
# Issue 4's goal: the engine at most 0.7x onnxruntime's time per tile, outputs within 1e-3 of
# onnxruntime's: the last step runs both on one random 20-band chip at full size, without and with
# D4 TTA, and prints the largest difference (onnxruntime_parity.py).
#
# The model comes from ops/bench/reference_unet.py, onnxruntime's figures from
# ops/bench/onnxruntime_bench.py; the last table puts both side by side.
#
# Usage: ops/bench/engine-vs-onnxruntime.sh [--tile 256] [--runs 10] [--skip-build]
# Needs python3 with numpy, onnx, onnxruntime (ops/install-deps.sh --test).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bench="$repo/ops/bench"
tile=256 runs=10 build=1
while (($#)); do
  case "$1" in
    --tile) tile="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) echo "usage: $0 [--tile N] [--runs N] [--skip-build]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scratch="${SCRATCH_PATH:-.build}"
if ((build)); then
  (cd "$repo" && swift build -c release --scratch-path "$scratch" --product pipeline >/dev/null)
fi
pipeline="$repo/$scratch/release/pipeline"
model="$work/unet_t$tile.onnx"
echo "# CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores available)"
python3 "$bench/reference_unet.py" --tile "$tile" --out "$model"

# Debian's OpenBLAS picks its kernels by CPU id and falls back to generic SSE3 (Prescott)
# kernels on CPUs it does not know (e.g. some virtualized Xeons). Pick AVX-512 kernels when the
# CPU has them, unless the caller chose a core type.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX; fi
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi

echo "== onnxruntime"
python3 "$bench/onnxruntime_bench.py" --model "$model" --threads 1,2 --batches 1,8 --runs "$runs" | tee "$work/onnxruntime.txt"
echo "== engine (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto})"
for threads in 1 2; do
  for batch in 1 8; do
    "$pipeline" bench "$model" --tile "$tile" --threads "$threads" --batch "$batch" --runs "$runs" | tail -n 1
  done
done | tee "$work/engine.txt"

echo "== side by side: ms per tile (median of $runs)"
# Rows of both tables: threads batch runs median_ms min_ms ms/tile GFLOP/s.
awk 'FNR == NR && $1 ~ /^[0-9]+$/ { ort[$1 " " $2] = $6; next }
     $1 ~ /^[0-9]+$/ && ($1 " " $2) in ort {
       if (!header++) printf "%-7s %-5s %12s %10s %18s\n", "threads", "batch", "onnxruntime", "engine", "engine/onnxruntime"
       printf "%-7s %-5s %12.1f %10.1f %18.2f\n", $1, $2, ort[$1 " " $2], $6, $6 / ort[$1 " " $2] }' \
  "$work/onnxruntime.txt" "$work/engine.txt"

echo "== parity with onnxruntime (one ${tile}x$tile chip, 2 threads)"
parity="$repo/ops/bench/onnxruntime_parity.py"
python3 "$parity" prepare --model "$model" --dir "$work" --tile "$tile"
status=0
for tta in none d4; do
  "$pipeline" infer "$model" --input "$work/chip.dat" --out "$work/engine_$tta.tif" --tta "$tta" --threads 2 >/dev/null
  gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$work/engine_$tta.tif" "$work/engine_$tta.dat"
  python3 "$parity" compare --dir "$work" --engine "$work/engine_$tta.dat" --tta "$tta" || status=1
done
exit "$status"
