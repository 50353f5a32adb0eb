#!/usr/bin/env bash
# Time of one `pipeline train` epoch (release build) with the default model's settings
# (config/training/default-model.yaml: U-Net 20 -> 10 classes, depth 4, base 16, patch 128,
# batch 8), on synth scenes of SIZE² (default 1024): training steps and the validation pass
# timed apart. Usage: ops/bench/train-epoch.sh [SIZE] [STEPS] [THREADS]  (defaults 1024 20 all cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
size=${1:-1024}; steps=${2:-20}; threads=${3:-$(nproc)}
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $threads thread(s); scenes ${size}², $steps steps of batch 8"
"$bin" synth --out "$work/t" --size "$size" --seed 101 --id t >/dev/null
"$bin" synth --out "$work/v" --size "$size" --seed 201 --id v >/dev/null
cat > "$work/train.yaml" <<YAML
version: 1
pipeline: $repo/pipelines/demo.yaml
classes: [buildings, structures, road, track, trees, crops, waterway, standing_water, large_vehicle, small_vehicle]
scenes:
  training: [{folder: t, id: t, truth: {mask: "{id}_truth.tif"}}]
  validation: [{folder: v, id: v, truth: {mask: "{id}_truth.tif"}}]
patches: {size: 128, batch: 8}
schedule: {epochs: 1, steps_per_epoch: $steps}
architecture: {depth: 4, base_filters: 16, dropout: 0.1}
output: out
YAML
start=$(date +%s.%N)
"$bin" train "$work/train.yaml" --threads "$threads" > "$work/log"
end=$(date +%s.%N)
grep -E 'parameters' "$work/log" | sed 's/^/  /'
line=$(grep 'epoch 1 done' "$work/log")
total=$(sed -E 's/.*done in ([0-9.]+) s.*/\1/' <<<"$line")
validation=$(sed -E 's/.*validation ([0-9.]+) s.*/\1/' <<<"$line")
awk -v t="$total" -v v="$validation" -v s="$steps" -v size="$size" -v a="$start" -v b="$end" 'BEGIN {
  printf "  training: %d steps in %.0f s = %.2f patches/s; validation of one %d^2 scene: %.0f s\n", s, t - v, s * 8 / (t - v), size, v
  printf "  whole command (load, train, validate, checkpoint, export): %.1f s\n", b - a }'
