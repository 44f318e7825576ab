"""Alpha dropout (Klambauer et al. 2017, for SELU networks; PyTorch's alpha_dropout and feature_alpha_dropout):
dropped entries are set to SELU's negative saturation −λα and the result is mapped by the affine a·x + b chosen
so that inputs of mean 0 and variance 1 keep them. PyTorch's kernel: with keep-mask m and α′ = λα,
a = 1/√((α′²p + 1)(1 − p)), y = x·(m·a) + (m − 1)·α′a + α′ap; identity in eval."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..errors import ShapeError
from .args import check_view, flag, number, tensor_arg
from .compare import DtypeError
from .normalization import Dropout

ALPHA = 1.7580993408473766  # λα of SELU: the value a dropped unit takes before the affine map


def alpha_transform(input: Any, keep: np.ndarray, p: float) -> Any:
    """The deterministic part of alpha dropout given the keep-mask (broadcast against the input): x·(m·a) + b
    with PyTorch's a and b; δ_x = δ·m·a."""
    a = 1.0 / np.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    dtype = input.dtype if input.dtype != object else np.float64
    scale = (keep * a).astype(dtype)
    shift = ((keep - 1.0) * (ALPHA * a) + ALPHA * a * p).astype(dtype)
    if input.dtype == object:
        scale, shift = scale.astype(object), shift.astype(object)
    return Dropout.apply(input, scale=scale) + type(input)._make(shift, False)


def _alpha_dropout(op: str, input: Any, p: Any, training: Any, feature: bool) -> Any:
    x = tensor_arg(input, op)
    number(op, "p", p)
    training = flag(op, "training", training)
    if not 0.0 <= p <= 1.0:
        raise ShapeError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or x.numel() == 0:
        return x
    if x.dtype.kind in "biu":
        raise DtypeError(f"{op}: training dropout needs a floating input, got dtype {x.dtype}; cast first, "
                         "e.g. x.float()")
    if feature and x.ndim < 2:
        raise ShapeError(f"{op}: Feature dropout requires at least 2 dimensions in the input, got shape {x.shape}")
    if p == 1:
        return Dropout.apply(x, scale=backend.zeros((), x.data))  # PyTorch: input · 0 (NaN where input is ±∞)
    from ..creation import generator  # late: creation imports tensor, which imports ops

    shape = x.shape[:2] + (1,) * (x.ndim - 2) if feature else x.shape
    return alpha_transform(x, generator().random(shape) >= p, float(p))


def alpha_dropout(input: Any, p: float = 0.5, training: bool = False, inplace: bool = False) -> Any:
    """Each entry dropped with probability p to SELU's saturation, then a·x + b keeps mean 0 and variance 1;
    identity unless training (note PyTorch's default training=False here). `inplace` is accepted; the result is new."""
    return _alpha_dropout("alpha_dropout", check_view("alpha_dropout", input), p, training, feature=False)


def feature_alpha_dropout(input: Any, p: float = 0.5, training: bool = False, inplace: bool = False) -> Any:
    """alpha_dropout of whole channels: one keep-mask entry per (sample, channel) of an (N, C, *) input."""
    return _alpha_dropout("feature_alpha_dropout", check_view("feature_alpha_dropout", input), p, training,
                          feature=True)


__all__ = ["alpha_dropout", "feature_alpha_dropout", "alpha_transform"]
