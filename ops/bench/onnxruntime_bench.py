#!/usr/bin/env python3
"""Times a model on onnxruntime's CPU provider over a grid of threads x batch sizes, the way
`pipeline bench` times the engine, so the two tables can be read side by side.

  ops/bench/onnxruntime_bench.py --model unet.onnx [--threads 1,2] [--batches 1,8]
                                 [--runs 10] [--warmup 2]

For each thread count, one session: all graph optimizations (ORT_ENABLE_ALL), intra-op threads
as given, one inter-op thread, sequential execution. For each batch size, --warmup untimed runs,
then --runs timed ones; the table gives the median (upper, as `pipeline bench`) and fastest run, milliseconds per tile
(median / batch) and GFLOP/s (FLOPs per tile x batch / median). Batch 8 is D4 test-time
augmentation: the 8 rotations and flips of one random tile, as the engine's TTA batch; other
batches are independent random tiles.

FLOPs per tile come from the model's "flops_per_tile" metadata (ops/bench/reference_unet.py writes
it) or, for other models, are counted from its Conv and ConvTranspose nodes after shape inference.
Needs numpy, onnx and onnxruntime.
"""
import argparse
import sys
import time

import numpy as np


def count_flops(model_path):
    """2 x multiply-adds of Conv and ConvTranspose for one tile (batch 1)."""
    import onnx
    from onnx import numpy_helper, shape_inference
    model = onnx.load(model_path)
    graph = model.graph
    graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1  # fix the batch for shape inference
    inferred = shape_inference.infer_shapes(model).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(inferred.value_info) + list(inferred.output) + list(inferred.input)}
    weights = {w.name: numpy_helper.to_array(w).shape for w in graph.initializer}
    flops = 0
    for node in graph.node:
        if node.op_type not in ("Conv", "ConvTranspose") or node.input[1] not in weights:
            continue
        w = weights[node.input[1]]
        if node.op_type == "Conv":  # weight (C_out, C_in/group, kH, kW): every output takes C_in/group*kH*kW taps
            out = shapes.get(node.output[0])
            if not out or 0 in out:
                raise ValueError(f"cannot infer the output shape of {node.name}")
            flops += 2 * int(np.prod(out[1:])) * int(np.prod(w[1:]))
        else:  # weight (C_in, C_out/group, kH, kW): every input value feeds C_out/group*kH*kW outputs
            inp = shapes.get(node.input[0])
            if not inp or 0 in inp:
                raise ValueError(f"cannot infer the input shape of {node.name}")
            flops += 2 * int(np.prod(inp[1:])) * int(np.prod(w[1:]))
    return flops


def dihedral_batch(tile):
    """The 8 D4 variants of one (C, H, W) tile: the tile and its mirror image (W flipped), each
    turned 0-3 quarter turns: the engine's order (Sources/Inference/DihedralTransform.swift)."""
    variants = [np.rot90(t, k, axes=(1, 2)) for t in (tile, tile[:, :, ::-1]) for k in range(4)]
    return np.ascontiguousarray(np.stack(variants), dtype=np.float32)


def session(model, threads):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def time_runs(runner, feed, warmup, runs):
    for _ in range(warmup):
        runner.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        runner.run(None, feed)
        times.append(time.perf_counter() - start)
    return times


def integers(text, option):
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        sys.exit(f"onnxruntime_bench.py: {option} {text!r}: expected comma-separated whole numbers, e.g. 1,2")
    if any(v < 1 for v in values):
        sys.exit(f"onnxruntime_bench.py: {option} {text!r}: every value must be at least 1")
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="ONNX model with input (N, C, H, W)")
    parser.add_argument("--threads", default="1,2", help="intra-op thread counts, comma-separated (default 1,2)")
    parser.add_argument("--batches", default="1,8", help="batch sizes, comma-separated; 8 is the D4 batch (default 1,8)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per configuration (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    args = parser.parse_args(argv)
    thread_counts, batches = integers(args.threads, "--threads"), integers(args.batches, "--batches")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    import onnxruntime as ort
    try:
        probe = session(args.model, 1)
    except Exception as error:  # onnxruntime raises its own exception types for unreadable models
        sys.exit(f"onnxruntime_bench.py: {args.model}: cannot load the model: {str(error).splitlines()[0]}")
    metadata = probe.get_modelmeta().custom_metadata_map
    flops = int(metadata["flops_per_tile"]) if "flops_per_tile" in metadata else count_flops(args.model)
    input_name, shape = probe.get_inputs()[0].name, probe.get_inputs()[0].shape
    if not all(isinstance(d, int) for d in shape[1:]):
        sys.exit(f"onnxruntime_bench.py: {args.model}: the input's channels, height and width must be fixed, got {shape}")
    channels, height, width = shape[1:]
    del probe

    rng = np.random.default_rng(2024)
    print(f"# onnxruntime {ort.__version__}: {args.model}, input {channels}x{height}x{width}, "
          f"{flops / 1e9:.3f} GFLOP/tile, ORT_ENABLE_ALL")
    print("%-7s %-5s %6s %10s %10s %10s %9s" % ("threads", "batch", "runs", "median_ms", "min_ms", "ms/tile", "GFLOP/s"))
    for threads in thread_counts:
        runner = session(args.model, threads)
        for batch in batches:
            if batch == 8:
                tiles = dihedral_batch(rng.uniform(-1, 1, (channels, height, width)))
            else:
                tiles = rng.uniform(-1, 1, (batch, channels, height, width)).astype(np.float32)
            times = time_runs(runner, {input_name: tiles}, args.warmup, args.runs)
            median = sorted(times)[len(times) // 2]  # the same pick as `pipeline bench`
            print("%-7d %-5d %6d %10.1f %10.1f %10.1f %9.2f" % (
                threads, batch, args.runs, median * 1e3, min(times) * 1e3, median * 1e3 / batch,
                flops * batch / median / 1e9), flush=True)
        del runner


if __name__ == "__main__":
    sys.exit(main())
