"""`tinygrad-edu export`: a zoo model (optionally with trained weights) written as ONNX, as safetensors weights,
or both, e.g. `tinygrad-edu export --model lenet5 --weights trained.npz --onnx lenet5.onnx`."""
from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

ZOO_INPUTS = {"lenet5": (1, 1, 32, 32), "digits-cnn": (1, 1, 8, 8), "alexnet-small": (1, 3, 32, 32),
              "resnet-block": (1, 8, 16, 16), "inception-block": (1, 8, 16, 16), "separable-block": (1, 8, 16, 16)}


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(n) for n in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--input-shape wants sizes like 1,1,28,28, got {text!r}") from None
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"--input-shape sizes must be ≥ 1, got {text!r}")
    return shape


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `export` subcommand."""
    p = subparsers.add_parser("export", help="write a zoo model as ONNX (for ONNX Runtime, Netron, PyTorch) and/or "
                                             "its weights as safetensors")
    p.add_argument("--model", required=True, choices=sorted(ZOO_INPUTS), help="the zoo model to export")
    p.add_argument("--weights", metavar="PATH", help="trained weights to load first (.npz or .safetensors)")
    p.add_argument("--input-shape", type=_shape, metavar="N,C,H,W",
                   help="the example input's shape (default: batch 1 at the model's lecture size; 1,1,28,28 for "
                        "LeNet-5 on MNIST)")
    p.add_argument("--onnx", metavar="PATH", help="write the ONNX graph here")
    p.add_argument("--safetensors", metavar="PATH", help="write the weights here as .safetensors")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Build, load, export; 2 on bad options, 1 when a needed package is missing."""
    from ..nn.models import build

    if not args.onnx and not args.safetensors:
        print("tinygrad-edu export: say what to write: --onnx PATH and/or --safetensors PATH", file=sys.stderr)
        return 2
    shape = args.input_shape or ZOO_INPUTS[args.model]
    options = {"input_size": shape[-1]} if args.model == "lenet5" and shape[-1] == 28 else {}
    if args.model in ("lenet5", "alexnet-small") and len(shape) == 4:
        options["in_channels"] = shape[1]
    try:
        model = build(args.model, **options)
        if args.weights:
            model.load(args.weights)
        model.eval()
        if args.onnx:
            from ..onnx import OPSET, export

            start = time.perf_counter()
            export(model, np.random.default_rng(0).standard_normal(shape).astype(np.float32), args.onnx)
            print(f"ONNX (opset {OPSET}) written to {args.onnx} in {time.perf_counter() - start:.2f} s; view it "
                  f"with Netron: pip install netron && netron {args.onnx} (or open https://netron.app)")
        if args.safetensors:
            written = model.save(args.safetensors)
            print(f"weights written to {written}")
    except ImportError as err:
        print(f"tinygrad-edu export: {err}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as err:
        print(f"tinygrad-edu export: {err}", file=sys.stderr)
        return 2
    return 0
