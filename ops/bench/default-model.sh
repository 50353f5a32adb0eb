#!/usr/bin/env bash
# Scores the default model (config/models/default-model.onnx) on synthetic scenes it has never
# seen (seeds 301-304 by default; training used 101-103, validation 201-203, the demo is seed 1),
# without and with D4 test-time augmentation, through the demo pipeline (its rule set,
# config/postprocess/default-model.yaml) and `pipeline eval`; prints each scene's Jaccard tables,
# then a summary: per scene the mean Jaccard over the classes present, without and with D4, the D4
# gain, and their means over the scenes.
# Usage: ops/bench/default-model.sh [SIZE] [SEED ...]   (defaults: 1024 and 301 302 303 304)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1024}; shift || true
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(301 302 303 304)
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; unseen synth scenes ${size}², seeds ${seeds[*]}"
for tta in none d4; do
  sed -e "s|\.\./config/|$PWD/config/|g" -e "s|^  tta: d4 |  tta: $tta |" pipelines/demo.yaml > "$work/demo-$tta.yaml"
done
for seed in "${seeds[@]}"; do
  "$bin" synth --out "$work/scene-$seed" --size "$size" --seed "$seed" --id demo >/dev/null
  for tta in none d4; do
    start=$(date +%s.%N)
    "$bin" run "$work/demo-$tta.yaml" --scene "$work/scene-$seed" --out "$work/$seed-$tta" > "$work/$seed-$tta.log" 2>&1
    end=$(date +%s.%N)
    echo
    echo "== seed $seed, tta $tta: run in $(python3 -c "print(f'{$end - $start:.1f}')") s"
    "$bin" eval "$work/$seed-$tta" --truth "$work/scene-$seed/demo_truth.gpkg"
    "$bin" eval "$work/$seed-$tta" --truth "$work/scene-$seed/demo_truth.gpkg" --json > "$work/$seed-$tta.json"
  done
done
python3 - "$work" "${seeds[@]}" <<'PY'
import json, sys
work, seeds = sys.argv[1], sys.argv[2:]
rows = [(s, *(json.load(open(f"{work}/{s}-{t}.json"))["meanJaccard"] for t in ("none", "d4"))) for s in seeds]
print(f"\n{'seed':>6} {'no TTA':>8} {'D4':>8} {'D4 gain':>8}")
for s, none, d4 in rows:
    print(f"{s:>6} {none:8.4f} {d4:8.4f} {d4 - none:+8.4f}")
n = len(rows)
none, d4 = sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n
print(f"{'mean':>6} {none:8.4f} {d4:8.4f} {d4 - none:+8.4f}")
PY
