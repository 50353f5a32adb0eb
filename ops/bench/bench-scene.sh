# Sourced by scaling.sh and distributed.sh: the synthetic 20-band bench scene (DSTL-like, seed 3,
# id "bench") and a pipeline over it, tile 256 / overlap 64. Needs $bin (a release `pipeline`)
# and $work (where scenes are kept and reused).

bench_scene() {  # bench_scene SIZE -> folder holding bench.tif ... (generated once)
  local dir="$work/scene-$1"
  [ -f "$dir/bench_A.tif" ] || "$bin" synth --out "$dir" --size "$1" --seed 3 --id bench >/dev/null
  echo "$dir"
}

bench_pipeline() {  # bench_pipeline FILE MODEL_YAML
  cat > "$1" <<YAML
version: 1
scene:
  id: bench
  sources:
    - path: "{id}.tif"
    - path: "{id}_P.tif"
    - path: "{id}_M.tif"
      resampling: bilinear
    - path: "{id}_A.tif"
      resampling: cubic
normalization: {mode: per_band, scale: [0.00048852]}
tiling: {tile_size: 256, overlap: 64}
model: $2
YAML
}
