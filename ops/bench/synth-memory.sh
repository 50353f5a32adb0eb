#!/usr/bin/env bash
# Time and peak RSS of `pipeline synth` at several sizes (release build), to check that memory
# depends on the scene's width, not its area. Usage: ops/bench/synth-memory.sh [SIZE...]
# (default 2048 5000 10000 20000; the 20,000² scene needs ~4 GB of disk and several minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product pipeline 2>&1 | tail -n 1
bin="$(swift build -c release --show-bin-path)/pipeline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 2048 5000 10000 20000
printf '%8s  %s\n' size "result"
for size in "$@"; do
  line=$("$bin" synth --out "$work/$size" --size "$size" --seed 1 | grep 'done in')
  printf '%8s  %s (%s on disk)\n' "$size" "${line#synth: }" "$(du -sh "$work/$size" | cut -f1)"
  rm -rf "${work:?}/$size"
done
