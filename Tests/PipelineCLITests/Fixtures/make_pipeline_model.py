#!/usr/bin/env python3
"""Writes a small U-Net ONNX model for the pipeline's end-to-end tests.

Usage: make_pipeline_model.py OUT.onnx IN_BANDS TILE [CLASSES]

Built with the inference fixtures' builder (onnx + numpy only), with metadata the pipeline reads:
class_names, input_band_count, tile_size.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "InferenceTests", "Fixtures"))
import onnx  # noqa: E402
from make_fixtures import unet  # noqa: E402

out, bands, tile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
classes = int(sys.argv[4]) if len(sys.argv) > 4 else 2
model, _ = unet("pipeline_unet", in_ch=bands, classes=classes, base=4, depth=2, tile=tile, seed=11)
onnx.save(model, out)
