#!/usr/bin/env python3
"""Writes the reference U-Net as ONNX (onnx + numpy only): a stand-in for a trained model in the
benchmarks, with random He-normal weights.

Usage: make_reference_unet.py OUT.onnx [--bands 20] [--classes 10] [--base 32] [--depth 4] [--tile 256] [--seed 0]

Encoder level l (0..depth-1): two [3x3 conv (pad 1, no bias) -> BatchNorm -> ReLU] with base * 2^l
channels, then MaxPool 2x2; a bottleneck of two more; decoder level l: ConvTranspose 2x2 stride 2,
Concat with the skip, two [3x3 conv -> BatchNorm -> ReLU]; head: 1x1 conv with bias -> Sigmoid.
H and W are symbolic (any multiple of 2^depth); metadata: class_names, input_band_count, tile_size.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.uid = [], [], 0

    def name(self, prefix):
        self.uid += 1
        return "%s_%d" % (prefix, self.uid)

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def node(self, op, inputs, prefix, **attributes):
        n = self.name(prefix)
        self.nodes.append(helper.make_node(op, inputs, [n + "_out"], name=n, **attributes))
        return n + "_out"

    def conv(self, x, cin, cout, k, bias=False):
        n = self.name("conv")
        w = self.rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))
        inputs = [x, self.init(n + "_W", w)] + ([self.init(n + "_B", np.zeros(cout))] if bias else [])
        return self.node("Conv", inputs, "conv", kernel_shape=[k, k], pads=[k // 2] * 4)

    def conv_bn_relu(self, x, cin, cout):
        n, r = self.name("bn"), self.rng
        parameters = [1 + 0.05 * r.standard_normal(cout), 0.01 * r.standard_normal(cout),
                      0.01 * r.standard_normal(cout), 1 + 0.05 * np.abs(r.standard_normal(cout))]
        names = [self.init("%s_%d" % (n, i), p) for i, p in enumerate(parameters)]
        y = self.node("BatchNormalization", [self.conv(x, cin, cout, 3)] + names, "bn", epsilon=1e-5)
        return self.node("Relu", [y], "relu")

    def double(self, x, cin, cout):
        return self.conv_bn_relu(self.conv_bn_relu(x, cin, cout), cout, cout)

    def up(self, x, cin, cout):
        n = self.name("up")
        w = self.rng.standard_normal((cin, cout, 2, 2)) * np.sqrt(2.0 / cin)
        return self.node("ConvTranspose", [x, self.init(n + "_W", w), self.init(n + "_B", np.zeros(cout))], "up",
                         kernel_shape=[2, 2], strides=[2, 2])


def build(bands, classes, base, depth, tile, seed):
    b = Builder(seed)
    channels = [base * 2 ** level for level in range(depth + 1)]
    x, skips, cin = "input", [], bands
    for level in range(depth):
        x = b.double(x, cin, channels[level])
        skips.append(x)
        x = b.node("MaxPool", [x], "pool", kernel_shape=[2, 2], strides=[2, 2])
        cin = channels[level]
    x = b.double(x, cin, channels[depth])
    for level in reversed(range(depth)):
        joined = b.node("Concat", [skips[level], b.up(x, channels[level + 1], channels[level])], "cat", axis=1)
        x = b.double(joined, 2 * channels[level], channels[level])
    b.nodes.append(helper.make_node("Sigmoid", [b.conv(x, channels[0], classes, 1, bias=True)], ["output"], name="sigmoid"))
    graph = helper.make_graph(b.nodes, "reference_unet",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", bands, "H", "W"])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", classes, "H", "W"])],
                              initializer=b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_reference_unet.py")
    model.ir_version = 8
    for key, value in (("class_names", ",".join("class_%d" % (i + 1) for i in range(classes))),
                       ("input_band_count", str(bands)), ("tile_size", str(tile))):
        p = model.metadata_props.add()
        p.key, p.value = key, value
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    for flag, default in (("bands", 20), ("classes", 10), ("base", 32), ("depth", 4), ("tile", 256), ("seed", 0)):
        parser.add_argument("--" + flag, type=int, default=default)
    a = parser.parse_args()
    onnx.save(build(a.bands, a.classes, a.base, a.depth, a.tile, a.seed), a.out)


if __name__ == "__main__":
    main()
