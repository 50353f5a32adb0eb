#!/usr/bin/env bash
# Scores the default model (config/models/default-model.onnx) on a synthetic scene it has never
# seen (seed 301 by default; training used 101-103, validation 201, the demo is seed 1), without
# and with D4 test-time augmentation, through the demo pipeline (DSTL 3rd-place rules) and
# `pipeline eval`; prints both Jaccard tables, the D4 gain, and the times.
# Usage: ops/bench/default-model.sh [SIZE] [SEED]   (defaults 1024 and 301)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1024}; seed=${2:-301}
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; unseen synth scene ${size}², seed $seed"
"$bin" synth --out "$work/scene" --size "$size" --seed "$seed" --id demo >/dev/null
for tta in none d4; do
  sed -e "s|\.\./config/|$PWD/config/|g" -e "s|^  tta: d4 |  tta: $tta |" pipelines/demo.yaml > "$work/demo-$tta.yaml"
  start=$(date +%s.%N)
  "$bin" run "$work/demo-$tta.yaml" --scene "$work/scene" --out "$work/$tta" > "$work/$tta.log"
  end=$(date +%s.%N)
  echo
  echo "== tta $tta: run in $(python3 -c "print(f'{$end - $start:.1f}')") s"
  "$bin" eval "$work/$tta" --truth "$work/scene/demo_truth.gpkg"
  "$bin" eval "$work/$tta" --truth "$work/scene/demo_truth.gpkg" --json > "$work/$tta.json"
done
python3 - "$work/none.json" "$work/d4.json" <<'PY'
import json, sys
none, d4 = (json.load(open(p))["meanJaccard"] for p in sys.argv[1:])
print(f"\nmean Jaccard: {none:.4f} without TTA, {d4:.4f} with D4 (gain {d4 - none:+.4f})")
PY
