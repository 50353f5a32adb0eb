#!/usr/bin/env python3
"""The project's reference U-Net for benchmarks, written as ONNX with onnx + numpy (no PyTorch).

  ops/bench/reference_unet.py --out unet.onnx [--in-ch 20] [--classes 10] [--base 32]
                              [--depth 4] [--tile 256] [--seed 0]

The network (defaults: the DSTL setting of 20 stacked bands and 10 classes):
  * encoder, levels 0..depth-1 with base * 2^level channels: two blocks of
    3x3 Conv (padding 1, no bias) -> BatchNormalization -> Relu, then MaxPool 2x2 stride 2;
  * bottleneck: two such blocks with base * 2^depth channels;
  * decoder, levels depth-1..0: ConvTranspose 2x2 stride 2 (with bias) halves the channels and
    doubles the size, Concat([skip, upsampled]) on channels, two blocks back to base * 2^level;
  * head: 1x1 Conv (with bias) to the classes, then Sigmoid (per-class probabilities).
Weights are He-normal (std = sqrt(2 / fan_in)) from a NumPy generator seeded with --seed, so the
same options give the same file. BatchNorm statistics are near identity with small random
perturbations, so that folding them into the convolutions is exercised with real numbers.
The batch dimension is symbolic ("N"); height and width are fixed to --tile.

Prints the model's size and its FLOPs per tile: 2 x the multiply-adds of the Conv and
ConvTranspose layers (BatchNorm, Relu, MaxPool, Concat and Sigmoid cost O(activations) and are not
counted), the convention `pipeline bench` and onnxruntime_bench.py use for GFLOP/s. The count is
also stored in the model's metadata as "flops_per_tile".
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class UNetGraph:
    """Accumulates nodes and initializers; each method returns the name of its output."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.weights = [], []
        self.parameters = 0
        self.flops_per_tile = 0
        self.counter = 0

    def _name(self, kind):
        self.counter += 1
        return f"{kind}{self.counter}"

    def _weight(self, name, values):
        values = np.asarray(values, dtype=np.float32)
        self.weights.append(numpy_helper.from_array(values, name))
        self.parameters += values.size
        return name

    def _node(self, op, inputs, kind, **attributes):
        name = self._name(kind)
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attributes))
        return name

    def conv(self, x, c_in, c_out, kernel, size, bias):
        """size: the (square) output size, for the FLOP count."""
        name = self._name("conv")
        he = np.sqrt(2.0 / (c_in * kernel * kernel))
        inputs = [x, self._weight(name + ".weight", self.rng.normal(0.0, he, (c_out, c_in, kernel, kernel)))]
        if bias:
            inputs.append(self._weight(name + ".bias", np.zeros(c_out)))
        self.nodes.append(helper.make_node("Conv", inputs, [name], name=name, kernel_shape=[kernel, kernel],
                                           pads=[kernel // 2] * 4, strides=[1, 1]))
        self.flops_per_tile += 2 * size * size * c_out * c_in * kernel * kernel
        return name

    def batch_norm(self, x, channels):
        name = self._name("bn")
        r = self.rng
        parameters = [1.0 + 0.05 * r.standard_normal(channels),       # scale
                      0.01 * r.standard_normal(channels),             # bias
                      0.01 * r.standard_normal(channels),             # running mean
                      1.0 + 0.05 * np.abs(r.standard_normal(channels))]  # running variance
        inputs = [x] + [self._weight(f"{name}.{part}", values)
                        for part, values in zip(["scale", "bias", "mean", "var"], parameters)]
        self.nodes.append(helper.make_node("BatchNormalization", inputs, [name], name=name, epsilon=1e-5))
        return name

    def block(self, x, c_in, c_out, size):
        """[3x3 Conv -> BatchNorm -> Relu] x 2."""
        for channels_in in (c_in, c_out):
            x = self._node("Relu", [self.batch_norm(self.conv(x, channels_in, c_out, 3, size, bias=False), c_out)], "relu")
        return x

    def max_pool(self, x):
        return self._node("MaxPool", [x], "pool", kernel_shape=[2, 2], strides=[2, 2])

    def up(self, x, c_in, c_out, size):
        """ConvTranspose 2x2 stride 2; size: the output size. Each output pixel takes one tap from
        each of the c_in input channels, so fan_in is c_in."""
        name = self._name("up")
        weight = self.rng.normal(0.0, np.sqrt(2.0 / c_in), (c_in, c_out, 2, 2))  # ONNX layout (C_in, C_out, kH, kW)
        inputs = [x, self._weight(name + ".weight", weight), self._weight(name + ".bias", np.zeros(c_out))]
        self.nodes.append(helper.make_node("ConvTranspose", inputs, [name], name=name, kernel_shape=[2, 2], strides=[2, 2]))
        self.flops_per_tile += 2 * size * size * c_in * c_out
        return name


def build(in_ch, classes, base, depth, tile, seed, any_size=False):
    if tile % (2 ** depth):
        raise ValueError(f"--tile {tile} must be a multiple of 2^depth = {2 ** depth}")
    graph = UNetGraph(seed)
    widths = [base * 2 ** level for level in range(depth + 1)]
    x, channels, size, skips = "input", in_ch, tile, []
    for level in range(depth):
        x = graph.block(x, channels, widths[level], size)
        skips.append(x)
        x, channels, size = graph.max_pool(x), widths[level], size // 2
    x = graph.block(x, channels, widths[depth], size)
    for level in reversed(range(depth)):
        size *= 2
        upsampled = graph.up(x, widths[level + 1], widths[level], size)
        x = graph._node("Concat", [skips[level], upsampled], "concat", axis=1)
        x = graph.block(x, 2 * widths[level], widths[level], size)
    logits = graph.conv(x, widths[0], classes, 1, size, bias=True)
    graph.nodes.append(helper.make_node("Sigmoid", [logits], ["probabilities"], name="sigmoid"))

    # With any_size, height and width are symbolic: the model runs on tiles or whole scenes of any
    # multiple of 2^depth (the seams benchmark needs both); FLOPs are still counted at --tile.
    spatial = ["H", "W"] if any_size else [tile, tile]
    model = helper.make_model(
        helper.make_graph(graph.nodes, "reference_unet",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", in_ch] + spatial)],
                          [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", classes] + spatial)],
                          initializer=graph.weights),
        opset_imports=[helper.make_opsetid("", 17)], producer_name="ops/bench/reference_unet.py")
    model.ir_version = 8  # readable by onnxruntime releases of the last years
    metadata = {"flops_per_tile": graph.flops_per_tile, "input_band_count": in_ch, "tile_size": tile,
                "class_names": ",".join(f"class_{i + 1}" for i in range(classes)),
                "architecture": f"unet base {base} depth {depth} seed {seed}"}
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.checker.check_model(model)
    return model, graph


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in-ch", type=int, default=20, help="input bands (default 20)")
    parser.add_argument("--classes", type=int, default=10, help="output classes (default 10)")
    parser.add_argument("--base", type=int, default=32, help="channels at the first level (default 32)")
    parser.add_argument("--depth", type=int, default=4, help="poolings (default 4)")
    parser.add_argument("--tile", type=int, default=256, help="input height and width (default 256)")
    parser.add_argument("--seed", type=int, default=0, help="weight seed (default 0)")
    parser.add_argument("--any-size", action="store_true", help="symbolic height and width (any multiple of 2^depth)")
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    args = parser.parse_args(argv)
    for option in ("in_ch", "classes", "base", "depth", "tile"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")
    try:
        model, graph = build(args.in_ch, args.classes, args.base, args.depth, args.tile, args.seed, args.any_size)
    except ValueError as error:
        parser.error(str(error))
    try:
        onnx.save(model, args.out)
    except OSError as error:
        sys.exit(f"reference_unet.py: {args.out}: cannot write the model: {error.strerror}")
    print(f"reference U-Net: {args.in_ch} bands -> {args.classes} classes, base {args.base}, depth {args.depth}, "
          f"seed {args.seed}: {graph.parameters / 1e6:.2f} M parameters; {graph.flops_per_tile / 1e9:.3f} GFLOP "
          f"per {args.tile}x{args.tile} tile ({graph.flops_per_tile} FLOPs); wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
