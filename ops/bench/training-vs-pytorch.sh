#!/usr/bin/env bash
# Side-by-side training throughput: the Training module (TrainingBenchmark, release build) and
# PyTorch CPU (ops/bench/torch_train_reference.py) on the same model and settings: U-Net 20 -> 10
# classes, base 16, depth 4, patch 128, batch 8, BCE - log(soft Jaccard), Adam, random data.
# For each thread count both run back to back (PyTorch first), so they see the same machine.
# Prints patches/s (from the median wall time per step) for both, the ratio (goal >= 1.2), and
# CPU ms per step (on a shared machine wall time includes waiting for a core; CPU time does not).
#
# Usage: ops/bench/training-vs-pytorch.sh [--threads 1,2] [--steps 10] [--skip-build] [other TrainingBenchmark options]
# Needs python3 with torch (CPU): pip install torch.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
threads=1,2 steps=10 build=1 extra=()
while (($#)); do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --base|--depth|--patch|--batch) extra+=("$1" "$2"); shift 2 ;;
    *) echo "usage: $0 [--threads 1,2] [--steps N] [--skip-build] [--base N --depth N --patch N --batch N]" >&2; exit 2 ;;
  esac
done
scratch="${SCRATCH_PATH:-.build}"
if ((build)); then
  (cd "$repo" && swift build -c release --scratch-path "$scratch" --product TrainingBenchmark >/dev/null)
fi
swift_bench="$repo/$scratch/release/TrainingBenchmark"
python3 -c "import torch" 2>/dev/null || { echo "$0: python3 cannot import torch (pip install torch)" >&2; exit 1; }

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %14s %14s %8s %16s %16s\n' threads torch_patch/s swift_patch/s ratio torch_cpu_ms swift_cpu_ms
IFS=, read -ra counts <<<"$threads"
for t in "${counts[@]}"; do
  torch_line="$(python3 "$repo/ops/bench/torch_train_reference.py" --threads "$t" --steps "$steps" "${extra[@]}" | tail -1)"
  swift_line="$("$swift_bench" --threads "$t" --steps "$steps" "${extra[@]}" | tail -1)"
  read -r _ _ _ torch_rate torch_cpu <<<"$torch_line"
  read -r _ _ _ swift_rate swift_cpu <<<"$swift_line"
  printf '%-8s %14s %14s %8s %16s %16s\n' "$t" "$torch_rate" "$swift_rate" \
    "$(awk -v a="$swift_rate" -v b="$torch_rate" 'BEGIN { printf "%.2f", a / b }')" "$torch_cpu" "$swift_cpu"
done
