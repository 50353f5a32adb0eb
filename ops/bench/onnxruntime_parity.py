#!/usr/bin/env python3
"""Full-size parity check between the engine and onnxruntime (issue 4: outputs within 1e-3).

  prepare --model M.onnx --dir D [--tile 256 --bands 20 --seed 7]
      writes D/chip.dat + D/chip.hdr (ENVI, Float32, band-sequential: readable by GDAL and so by
      `pipeline infer`) and onnxruntime's outputs for it, without and with D4 TTA (mean of the 8
      dihedral variants, each mapped back), as D/ort_none.npy and D/ort_d4.npy.
  compare --dir D --engine OUT.dat --tta none|d4
      compares the engine's output (ENVI from `gdal_translate -of ENVI`) with onnxruntime's and
      prints the max abs difference; exits 1 above --tolerance (default 1e-3).
Needs numpy and onnxruntime only.
"""
import argparse
import pathlib
import sys

import numpy as np


def dihedral(x, k):
    """Variant k (0-7) of NCHW x: k % 4 quarter turns, then a horizontal flip when k >= 4."""
    y = np.rot90(x, k % 4, axes=(2, 3))
    return np.flip(y, axis=3) if k >= 4 else y


def undo_dihedral(y, k):
    if k >= 4:
        y = np.flip(y, axis=3)
    return np.rot90(y, -(k % 4), axes=(2, 3))


def prepare(args):
    import onnxruntime as ort
    out = pathlib.Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    chip = rng.uniform(-1, 1, size=(1, args.bands, args.tile, args.tile)).astype(np.float32)
    chip[0].tofile(out / "chip.dat")
    (out / "chip.hdr").write_text(
        "ENVI\nsamples = %d\nlines = %d\nbands = %d\nheader offset = 0\nfile type = ENVI Standard\n"
        "data type = 4\ninterleave = bsq\nbyte order = 0\n" % (args.tile, args.tile, args.bands))
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    plain = session.run(None, {name: chip})[0]
    batch = np.concatenate([np.ascontiguousarray(dihedral(chip, k)) for k in range(8)])
    variants = session.run(None, {name: batch})[0]
    d4 = np.mean([undo_dihedral(variants[k:k + 1], k) for k in range(8)], axis=0)
    np.save(out / "ort_none.npy", plain)
    np.save(out / "ort_d4.npy", d4.astype(np.float32))


def compare(args):
    reference = pathlib.Path(args.dir) / ("ort_%s.npy" % args.tta)
    try:
        expected = np.load(reference)[0]
        actual = np.fromfile(args.engine, dtype=np.float32)
    except OSError as error:
        sys.exit("onnxruntime_parity.py: %s: %s (run 'prepare' first?)" % (error.filename, error.strerror))
    if actual.size != expected.size:
        sys.exit("onnxruntime_parity.py: %s holds %d Float32 values, onnxruntime's output %s has %d"
                 % (args.engine, actual.size, "x".join(map(str, expected.shape)), expected.size))
    actual = actual.reshape(expected.shape)
    diff = float(np.max(np.abs(actual.astype(np.float64) - expected)))
    verdict = "ok" if diff <= args.tolerance else "FAIL"
    print("parity tta=%-4s max |engine - onnxruntime| = %.3g over %d values (tolerance %g): %s"
          % (args.tta, diff, expected.size, args.tolerance, verdict))
    return 0 if diff <= args.tolerance else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--model", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--tile", type=int, default=256)
    p.add_argument("--bands", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    c = sub.add_parser("compare")
    c.add_argument("--dir", required=True)
    c.add_argument("--engine", required=True)
    c.add_argument("--tta", choices=["none", "d4"], default="none")
    c.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
