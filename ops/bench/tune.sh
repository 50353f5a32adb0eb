#!/usr/bin/env bash
# `pipeline tune` figures: the same random search (TRIALS trials of a small U-Net on two synth
# scenes) with 1 and with 2 local workers of one thread each; prints the wall time, the trials'
# summed training time, and what the coordinator adds over training (start-up, shipping
# checkpoints, drawing trials): wall - training / workers.
# Usage: ops/bench/tune.sh [TRIALS] [EPOCHS] [STEPS] (default 4 3 20). PIPELINE=path/to/pipeline
# uses that binary (default: a release build). Scenes go to $BENCH_DIR (default: a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
trials="${1:-4}" epochs="${2:-3}" steps="${3:-20}"
if [ -z "${PIPELINE:-}" ]; then
  swift build -c release --product pipeline 2>&1 | tail -n 1
  PIPELINE="$(swift build -c release --show-bin-path)/pipeline"
fi
work="${BENCH_DIR:-$(mktemp -d)}"
echo "# CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores available); binary $PIPELINE"
for id in a v; do
  [ -f "$work/$id/${id}_truth.tif" ] || "$PIPELINE" synth --out "$work/$id" --size 256 --seed "$([ $id = a ] && echo 101 || echo 201)" --id "$id" >/dev/null
done
cat > "$work/train.yaml" <<YAML
version: 1
pipeline: $repo/pipelines/demo.yaml
classes: [buildings, road, trees, crops]
scenes:
  training:
    - {folder: a, id: a, truth: {mask: "{id}_truth.tif"}}
  validation:
    - {folder: v, id: v, truth: {polygons: "{id}_truth.gpkg"}}
patches: {size: 64, batch: 4}
schedule: {epochs: 1, steps_per_epoch: 1}
architecture: {depth: 3, base_filters: 8}
seed: 3
output: unused
YAML
for workers in 1 2; do
  rm -rf "$work/search-$workers"
  cat > "$work/tune-$workers.yaml" <<YAML
version: 1
training: $work/train.yaml
trials: $trials
algorithm: random
trial: {epochs: $epochs, steps_per_epoch: $steps}
seed: 5
space:
  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
  dropout: {uniform: [0, 0.3]}
output: search-$workers
YAML
  start=$(date +%s.%N)
  "$PIPELINE" tune "$work/tune-$workers.yaml" --workers "$workers" --threads 1 >/dev/null 2>&1
  wall=$(echo "$(date +%s.%N) - $start" | bc -l)
  training=$(awk -F, 'NR > 1 { s += $(NF - 1) } END { print s }' "$work/search-$workers/results.csv")
  printf '%d worker(s): %d trials in %.1f s wall; %.1f s of training; overhead %.1f s\n' "$workers" "$trials" "$wall" "$training" \
    "$(echo "$wall - $training / $workers" | bc -l)"
done
