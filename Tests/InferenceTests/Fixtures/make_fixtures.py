#!/usr/bin/env python3
"""Builds the small ONNX models the Swift inference tests compare against onnxruntime.

Usage: make_fixtures.py OUT_DIR

Writes, per model: NAME.onnx, NAME.input.bin and NAME.output.bin (float32, little-endian, NCHW),
and OUT_DIR/manifest.json listing {name, model, input_shape, output_shape}. Needs onnx, numpy
and onnxruntime (no torch). Models are tiny on purpose: the Swift tests run in debug builds.

Variants: U-Nets with ConvTranspose or Resize upsampling (nearest as PyTorch exports it,
bilinear with align_corners / half_pixel / pytorch_half_pixel, scales or sizes), unfused
BatchNorm, several depths and widths, opsets 11, 13 and 17, initializers as raw_data or typed
float_data, external data; and an op-coverage model (strided/dilated/depthwise convs, pooling,
Pad, Clip, Tanh, LeakyRelu, arithmetic with broadcast constants, Constant, Dropout, Identity,
GlobalAveragePool, Softmax).
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

# Tiles per fixture input; "sizes" Resize inputs carry it, as PyTorch exports fixed sizes.
BATCH = 2


class Builder:
    def __init__(self, seed, typed_fields=False):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.typed_fields = typed_fields
        self.uid = 0

    def name(self, prefix):
        self.uid += 1
        return "%s_%d" % (prefix, self.uid)

    def init(self, name, array, dtype=np.float32):
        array = np.ascontiguousarray(array, dtype=dtype)
        if self.typed_fields and dtype == np.float32:
            # float_data instead of raw_data
            self.inits.append(helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten().tolist()))
        else:
            self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, prefix=None, **attrs):
        n = self.name(prefix or op.lower())
        out = n + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=n, **attrs))
        return out

    def conv(self, x, cin, cout, k=3, pad=1, bias=False, stride=1, dilation=1, group=1, pads=None):
        n = self.name("conv")
        w = self.rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(2.0 / (cin // group * k * k))
        ins = [x, self.init(n + "_W", w)]
        if bias:
            ins.append(self.init(n + "_B", 0.1 * self.rng.standard_normal(cout)))
        out = n + "_out"
        self.nodes.append(helper.make_node("Conv", ins, [out], name=n, kernel_shape=[k, k],
                                           pads=pads or [pad] * 4, strides=[stride] * 2,
                                           dilations=[dilation] * 2, group=group))
        return out

    def bn(self, x, c):
        n = self.name("bn")
        r = self.rng
        ins = [x, self.init(n + "_scale", 1 + 0.1 * r.standard_normal(c)), self.init(n + "_B", 0.1 * r.standard_normal(c)),
               self.init(n + "_mean", 0.1 * r.standard_normal(c)), self.init(n + "_var", 1 + 0.2 * np.abs(r.standard_normal(c)))]
        out = n + "_out"
        self.nodes.append(helper.make_node("BatchNormalization", ins, [out], name=n, epsilon=1e-5))
        return out

    def act(self, x, kind):
        if kind == "relu":
            return self.node("Relu", [x])
        if kind == "leaky":
            return self.node("LeakyRelu", [x], alpha=0.1)
        if kind == "relu6":
            lo = self.init(self.name("clip_min"), np.array(0, np.float32))
            hi = self.init(self.name("clip_max"), np.array(6, np.float32))
            return self.node("Clip", [x, lo, hi])
        raise ValueError(kind)

    def block(self, x, cin, cout, act):
        for c_in in (cin, cout):
            x = self.act(self.bn(self.conv(x, c_in, cout), cout), act)
        return x

    def up(self, x, cin, cout, mode, opset):
        if mode == "convT":
            n = self.name("up")
            w = self.rng.standard_normal((cin, cout, 2, 2)) * np.sqrt(2.0 / cin)
            ins = [x, self.init(n + "_W", w), self.init(n + "_B", 0.1 * self.rng.standard_normal(cout))]
            out = n + "_out"
            self.nodes.append(helper.make_node("ConvTranspose", ins, [out], name=n, kernel_shape=[2, 2], strides=[2, 2]))
            return out
        # Resize (then a 1x1 conv to change channels), the way PyTorch exports nn.Upsample.
        interp, transform, by = mode
        roi = self.init(self.name("roi"), np.array([], np.float32))
        attrs = {"mode": interp, "coordinate_transformation_mode": transform}
        if interp == "nearest":
            attrs["nearest_mode"] = "floor"
        if by == "scales":
            scales = self.init(self.name("scales"), np.array([1, 1, 2, 2], np.float32))
            r = self.node("Resize", [x, roi, scales], **attrs)
        else:
            self.size_for_resize[0] *= 2
            s = self.size_for_resize[0]
            sizes = self.init(self.name("sizes"), np.array([BATCH, cin, s, s], np.int64), dtype=np.int64)
            empty = self.init(self.name("scales"), np.array([], np.float32))
            r = self.node("Resize", [x, roi, empty, sizes], **attrs)
        return self.conv(r, cin, cout, k=1, pad=0, bias=True)


def unet(name, in_ch=3, classes=2, base=4, depth=2, tile=16, up="convT", act="relu", opset=17, seed=1,
         typed_fields=False):
    b = Builder(seed, typed_fields)
    b.size_for_resize = [tile // 2 ** depth]
    ch = [base * 2 ** l for l in range(depth + 1)]
    x, skips, cin = "input", [], in_ch
    for l in range(depth):
        x = b.block(x, cin, ch[l], act)
        skips.append(x)
        x = b.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
        cin = ch[l]
    x = b.block(x, cin, ch[depth], act)
    for l in reversed(range(depth)):
        u = b.up(x, ch[l + 1], ch[l], up, opset)
        x = b.node("Concat", [skips[l], u], axis=1)
        x = b.block(x, 2 * ch[l], ch[l], act)
    logits = b.conv(x, ch[0], classes, k=1, pad=0, bias=True)
    b.nodes.append(helper.make_node("Sigmoid", [logits], ["output"], name="sigmoid"))
    return finish(b, name, in_ch, classes, tile, tile, opset,
                  {"class_names": ",".join("class%d" % i for i in range(classes)), "input_band_count": str(in_ch),
                   "tile_size": str(tile)})


def coverage(name, opset):
    """Every other op, with broadcast constants, odd sizes and asymmetric pads."""
    b = Builder(7)
    c = 4
    x = b.conv("input", 3, c, k=3, pads=[1, 0, 2, 1], bias=True)            # asymmetric pads
    x = b.node("Tanh", [x])
    x = b.conv(x, c, c, k=3, pad=2, dilation=2)                               # dilated
    x = b.node("LeakyRelu", [x], alpha=0.2)
    x = b.conv(x, c, 2 * c, k=3, pad=1, group=c, bias=True)                   # depthwise, multiplier 2
    x = b.conv(x, 2 * c, c, k=3, pad=1, stride=2)                             # strided
    x = b.act(x, "relu6")
    pads = b.init(b.name("pads"), np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), dtype=np.int64)
    x = b.node("Pad", [x, pads], mode="reflect")
    x = b.node("AveragePool", [x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=1)
    y = b.node("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    y = b.node("Resize", [y, b.init(b.name("roi"), np.array([], np.float32)),
                          b.init(b.name("scales"), np.array([1, 1, 2, 2], np.float32))],
               mode="linear", coordinate_transformation_mode="half_pixel")
    x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    # x is 10 x 9, y is 10 x 10 (ceil_mode pooling of the odd width, then x2): widen x by edge padding.
    ps = b.init(b.name("pads"), np.array([0, 0, 0, 0, 0, 0, 0, 1], np.int64), dtype=np.int64)
    x = b.node("Pad", [x, ps], mode="edge")
    scale = b.init(b.name("scale"), np.array([0.5, 2, -1, 1.5], np.float32).reshape(c, 1, 1))
    x = b.node("Mul", [x, scale])
    constant = b.node("Constant", [], value=numpy_helper.from_array(np.array([0.25, -0.5, 1, 0], np.float32).reshape(1, c, 1, 1), "k"))
    x = b.node("Add", [x, constant])
    x = b.node("Dropout", [x])
    x = b.node("Identity", [x])
    gap = b.node("GlobalAveragePool", [x])
    x = b.node("Sub", [x, gap])
    two = b.init(b.name("two"), np.array(2, np.float32))
    x = b.node("Div", [x, two])
    x = b.node("Concat", [x, y], axis=-3)
    x = b.conv(x, 2 * c, 3, k=1, pad=0, bias=True)
    b.nodes.append(helper.make_node("Softmax", [x], ["output"], name="softmax", axis=1))
    return finish(b, name, 3, 3, 13, 13, opset, {})


def finish(b, name, in_ch, out_ch, h, w, opset, meta):
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", in_ch, h, w])
    out = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", out_ch, "H", "W"])
    graph = helper.make_graph(b.nodes, name, [inp], [out], initializer=b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_fixtures.py")
    model.ir_version = 8
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model)
    return model, (in_ch, h, w)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    models = [
        ("unet_convT_o17", unet("unet_convT_o17")),
        ("unet_convT_o11_typed", unet("unet_convT_o11_typed", opset=11, typed_fields=True, seed=2)),
        ("unet_nearest_o11", unet("unet_nearest_o11", up=("nearest", "asymmetric", "scales"), opset=11, seed=3)),
        ("unet_bilinear_align_o13", unet("unet_bilinear_align_o13", up=("linear", "align_corners", "sizes"), opset=13,
                                         act="leaky", seed=4)),
        ("unet_bilinear_half_o17_d3", unet("unet_bilinear_half_o17_d3", up=("linear", "half_pixel", "scales"), depth=3,
                                           base=6, tile=24, classes=3, in_ch=5, act="relu6", seed=5)),
        ("unet_bilinear_pytorch_o17", unet("unet_bilinear_pytorch_o17", up=("linear", "pytorch_half_pixel", "sizes"),
                                           base=8, in_ch=4, seed=6)),
        ("coverage_o13", coverage("coverage_o13", 13)),
        ("coverage_o17", coverage("coverage_o17", 17)),
    ]
    rng = np.random.default_rng(42)
    manifest = []
    for name, (model, (c, h, w)) in models:
        path = os.path.join(out_dir, name + ".onnx")
        onnx.save(model, path)
        if name == "unet_convT_o17":
            # Also an external-data copy: weights in a side file next to the model.
            external = onnx.ModelProto()
            external.CopyFrom(model)
            onnx.save_model(external, os.path.join(out_dir, name + "_external.onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=True, location=name + "_external.weights", size_threshold=0)
        x = rng.standard_normal((BATCH, c, h, w)).astype(np.float32)
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        y = sess.run(None, {"input": x})[0].astype(np.float32)
        x.tofile(os.path.join(out_dir, name + ".input.bin"))
        y.tofile(os.path.join(out_dir, name + ".output.bin"))
        manifest.append({"name": name, "model": name + ".onnx", "input_shape": list(x.shape), "output_shape": list(y.shape)})
        if name == "unet_convT_o17":
            manifest.append({"name": name + "_external", "model": name + "_external.onnx", "input_shape": list(x.shape),
                             "output_shape": list(y.shape), "input": name + ".input.bin", "output": name + ".output.bin"})
    # Models the importer must reject with one clear error (no onnxruntime outputs needed).
    b = Builder(9)
    x = b.conv("input", 3, 4, bias=True)
    b.nodes.append(helper.make_node("Erf", [x], ["output"], name="erf_node"))
    onnx.save(finish(b, "unsupported_op", 3, 4, 8, 8, 17, {})[0], os.path.join(out_dir, "unsupported_op.onnx"))
    b = Builder(9)
    roi = b.init("roi", np.array([], np.float32))
    scales = b.init("scales", np.array([1, 1, 2, 2], np.float32))
    b.nodes.append(helper.make_node("Resize", ["input", roi, scales], ["output"], name="cubic_up", mode="cubic"))
    onnx.save(finish(b, "unsupported_attr", 3, 3, 8, 8, 17, {})[0], os.path.join(out_dir, "unsupported_attr.onnx"))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote %d fixtures to %s" % (len(manifest), out_dir))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixtures.py OUT_DIR")
    main(sys.argv[1])
