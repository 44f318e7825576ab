"""Softmax, log-softmax and softmin along one dimension, with PyTorch's signatures, implicit-dim rule and
numbers (the max is subtracted first, so ±1e4 is safe), and the input checks the losses share (ops/loss.py)."""
from __future__ import annotations

import sys
import warnings
from typing import Any, Optional

import numpy as np

from .. import backend
from ..autograd import Function, is_engine_file
from .args import dtype as _dtype_arg, integer, tensor_arg
from .compare import DtypeError


def _stable_shift(x: np.ndarray, dim: int) -> np.ndarray:
    if x.dtype == object:
        return x  # exact arithmetic needs no shift
    return x - np.max(x, axis=dim, keepdims=True)


class Softmax(Function):
    rule_unicode = "y = softmax(u): δ_u = y ⊙ (δ − Σⱼ δⱼ yⱼ)"
    rule_latex = r"\delta_u = y \odot \big(\delta - \textstyle\sum_j \delta_j y_j\big)"

    def forward(ctx, x, dim):
        with np.errstate(all="ignore"):  # a row holding ∞ (∞ − ∞) or NaN gives NaN silently, as in PyTorch
            e = backend.exp(_stable_shift(x, dim))
            return e / np.sum(e, axis=dim, keepdims=True)

    def backward(ctx, g):
        y = ctx.output
        return y * (g - (g * y).sum(ctx.attrs["dim"], keepdim=True))


class LogSoftmax(Function):
    rule_unicode = "y = log softmax(u): δ_u = δ − softmax(u)·Σⱼ δⱼ"
    rule_latex = r"\delta_u = \delta - e^{y} \textstyle\sum_j \delta_j"

    def forward(ctx, x, dim):
        with np.errstate(all="ignore"):  # a row holding ∞ (∞ − ∞) or NaN gives NaN silently, as in PyTorch
            shifted = _stable_shift(x, dim)
            return shifted - backend.log(np.sum(backend.exp(shifted), axis=dim, keepdims=True))

    def backward(ctx, g):
        return g - ctx.output.exp() * g.sum(ctx.attrs["dim"], keepdim=True)


def warn_user(message: str) -> None:
    """A UserWarning pointing at the user's line: the first frame outside the library (through modules and
    compositions alike; PyTorch counts frames by hand with _stacklevel)."""
    frame, level = sys._getframe(1), 2  # stacklevel 1 is this function, 2 its caller
    while frame is not None and is_engine_file(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _implicit_dim(op: str, ndim: int) -> int:
    """PyTorch's choice when dim is omitted (_get_softmax_dim), with its deprecation warning."""
    warn_user(f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X as an "
              "argument.")
    return 0 if ndim in (0, 1, 3) else 1


def _dim(x: Any, dim: int, op: str) -> int:
    dim = integer(op, "dim", dim)
    bound = max(x.ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(f"{op}: dim {dim} is out of range for shape {x.shape}")
    return dim % bound


def _floating(op: str, x: Any, name: str = "input") -> None:
    """Losses and softmax compute in floating point (PyTorch: not implemented for 'Long' / 'Bool')."""
    if x.dtype != object and x.dtype.kind != "f":
        raise DtypeError(f"{op}: {name} must be floating point, got dtype {x.dtype} (shape {tuple(x.shape)}); "
                         "convert with .float() first")


def _softmax_family(fn: type, op: str, input: Any, dim: Optional[int], dtype: Any):
    x = tensor_arg(input, op)
    dtype = _dtype_arg(op, dtype)
    if dtype is not None:
        x = x.to(dtype)
    _floating(op, x)
    if dim is None:
        dim = _implicit_dim(op, x.ndim)
    d = _dim(x, dim, op)
    if x.ndim == 0:
        return fn.apply(x.reshape(1), dim=0).reshape(())
    return fn.apply(x, dim=d)


def softmax(input: Any, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None):
    """e^u / Σ e^u along dim. Without dim, PyTorch's implicit choice (0 for 0-, 1- and 3-d input, else 1) and
    its warning (at the caller's line; _stacklevel is accepted for PyTorch's signature); never silently the
    last axis."""
    return _softmax_family(Softmax, "softmax", input, dim, dtype)


def log_softmax(input: Any, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None):
    """u − log Σ e^u along dim (implicit dim as softmax)."""
    return _softmax_family(LogSoftmax, "log_softmax", input, dim, dtype)


def softmin(input: Any, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None):
    """softmax(−u) along dim (implicit dim as softmax)."""
    x = tensor_arg(input, "softmin")
    dtype = _dtype_arg("softmin", dtype)
    x = x.to(dtype) if dtype is not None else x
    _floating("softmin", x)
    return _softmax_family(Softmax, "softmin", -x, dim, None)
