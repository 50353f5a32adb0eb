#!/usr/bin/env python3
"""Runs an ONNX model in onnxruntime on raw Float32 input: run_onnxruntime.py MODEL INPUT N C H W OUTPUT."""
import sys
import numpy as np
import onnxruntime as ort

model, source, n, c, h, w, target = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), sys.argv[7]
x = np.fromfile(source, dtype=np.float32).reshape(n, c, h, w)
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
session.run(None, {session.get_inputs()[0].name: x})[0].astype(np.float32).tofile(target)
