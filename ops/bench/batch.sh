#!/usr/bin/env bash
# Batch figures: do workers wait between the scenes of `pipeline run --scenes`? A sleep model
# (identity model + PIPELINE_FAULT_DELAY_MS per tile on the workers) makes every tile cost the same
# known time, so idle workers show as time above tiles x delay / workers. Prints, per scene, its
# handover (when its tiles began to be handed out minus when the scene before had its last tile in:
# negative = no gap), the batch's time, the same scenes as separate single-scene runs, and the
# ideal (no idle worker at all).
# Usage: ops/bench/batch.sh [SCENES] [SIZE] [DELAY_MS] [WORKERS]   (default 4 512 200 2)
# PIPELINE=path/to/pipeline uses that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/../.."
scenes=${1:-4} size=${2:-512} delay=${3:-200} workers=${4:-2}
if [ -z "${PIPELINE:-}" ]; then
  swift build -c release --product pipeline 2>&1 | tail -n 1
  PIPELINE="$(swift build -c release --show-bin-path)/pipeline"
fi
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
echo "# CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores available)"

cat > "$work/batch.yaml" <<YAML
version: 1
scene:
  sources:
    - path: "{id}.tif"
normalization: {mode: per_band, scale: [0.00048852]}
tiling: {tile_size: 128, overlap: 32}
model: {kind: identity, bands: [1, 2, 3]}
YAML
: > "$work/list.txt"
for i in $(seq 1 "$scenes"); do
  [ -f "$work/s$i/s$i.tif" ] || "$PIPELINE" synth --out "$work/s$i" --size "$size" --seed "$i" --id "s$i" >/dev/null
  echo "s$i" >> "$work/list.txt"
done

export PIPELINE_FAULT_DELAY_MS=$delay
start=$(date +%s.%N)
"$PIPELINE" run "$work/batch.yaml" --scenes "$work/list.txt" --out "$work/batch" --workers "$workers" >/dev/null 2>&1
batch=$(python3 -c "print($(date +%s.%N) - $start)")
start=$(date +%s.%N)
for i in $(seq 1 "$scenes"); do
  "$PIPELINE" run "$work/batch.yaml" --scene "$work/s$i" --scene-id "s$i" --out "$work/single-$i" --workers "$workers" >/dev/null 2>&1
done
singles=$(python3 -c "print($(date +%s.%N) - $start)")

python3 - "$work/batch/batch-report.json" "$batch" "$singles" "$delay" "$workers" <<'PY'
import json, sys
report, batch, singles, delay, workers = json.load(open(sys.argv[1])), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
tiles = sum(r.get("tiles") or 0 for r in report["results"])
for r in report["results"]:
    h = r.get("handoverSeconds")
    print(f"scene {r['id']}: {r['status']}, {r.get('tiles')} tiles, handover " + ("-" if h is None else f"{h:+.2f} s"))
ideal = tiles * delay / 1000 / workers
print(f"{len(report['results'])} scenes, {tiles} tiles at {delay} ms on {workers} workers: ideal {ideal:.1f} s; "
      f"batch {batch:.1f} s (+{batch - ideal:.1f} s); separate single-scene runs {singles:.1f} s (+{singles - ideal:.1f} s)")
PY
