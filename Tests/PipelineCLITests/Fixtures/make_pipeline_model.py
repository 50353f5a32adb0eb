#!/usr/bin/env python3
"""Writes a small U-Net ONNX model for the pipeline's end-to-end tests.

Usage: make_pipeline_model.py OUT.onnx IN_BANDS TILE [CLASSES] [--normalization MEAN STD]

Built with the inference fixtures' builder (onnx + numpy only), with metadata the pipeline reads:
class_names, input_band_count, tile_size, and with --normalization the same normalization_mean /
normalization_std for every band. Depth 2, two 3x3 convolutions per level: receptive radius 23 px.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "InferenceTests", "Fixtures"))
import onnx  # noqa: E402
from make_fixtures import unet  # noqa: E402

args = sys.argv[1:]
normalization = None
if "--normalization" in args:
    at = args.index("--normalization")
    normalization = (args[at + 1], args[at + 2])
    del args[at:at + 3]
out, bands, tile = args[0], int(args[1]), int(args[2])
classes = int(args[3]) if len(args) > 3 else 2
model, _ = unet("pipeline_unet", in_ch=bands, classes=classes, base=4, depth=2, tile=tile, seed=11)
if normalization:
    for key, value in (("normalization_mean", normalization[0]), ("normalization_std", normalization[1])):
        p = model.metadata_props.add()
        p.key, p.value = key, ",".join([value] * bands)
onnx.save(model, out)
