"""Power-average pooling (PyTorch's lp_pool1d / lp_pool2d): (Σ_window xᵖ)^(1/p), computed as PyTorch defines
it, avg_pool(xᵖ)·|window| then the p-th root (p = ∞ is max pooling of |x|, p = −∞ the min of |x|). p = 1 is sum
pooling, p = 2 the Euclidean norm of each window. A composition of pow, average pooling and relu."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .. import backend
from ..errors import ArgumentTypeError, ShapeError
from .movement import squeeze, unsqueeze
from .normalization import _constant
from .pool import avg_pool, cached_window_args, checked, max_pool
from .pool_shapes import as_input


def _lp_pool(op: str, dims: int, input: Any, norm_type: Any, kernel_size: Any, stride: Any, ceil_mode: bool) -> Any:
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.integer, np.floating)):
        # ArgumentTypeError: a TypeError here, and the ValueError of PyTorch's layers (float(norm_type))
        raise ArgumentTypeError(f"{op}: argument 'norm_type' must be a number, not {type(norm_type).__name__} "
                                f"({norm_type!r})")
    if math.isnan(norm_type) or norm_type == 0:
        raise ShapeError(f"{op}: norm_type p must be a non-zero number (the p-th root of Σ xᵖ), got {norm_type!r}")
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) != dims:
        raise ShapeError(f"{op}: kernel_size must be an int or a {dims}-tuple, got {kernel_size!r}")
    args = cached_window_args(op, dims, kernel_size, stride, 0, 1, ceil_mode)
    x, batched, axes = checked(op, as_input(op, input), dims, args, integers=False)
    x = x if batched else unsqueeze(x, 0)
    if dims == 1:
        x = unsqueeze(x, 2)
    if math.isinf(norm_type):
        out = max_pool(x.abs() if norm_type > 0 else -x.abs(), axes, False)
        out = out if norm_type > 0 else -out
    else:
        pooled = avg_pool(x ** _constant(norm_type, x.data), axes, True, None)
        sign = type(x)._make(backend.sign(pooled.data), False)
        window = math.prod(args.kernel)
        out = (sign * pooled.abs().relu() * window) ** _constant(1.0 / norm_type, x.data)
    out = squeeze(out, 2) if dims == 1 else out
    return out if batched else squeeze(out, 0)


def lp_pool2d(input: Any, norm_type: float, kernel_size: Any, stride: Optional[Any] = None,
              ceil_mode: bool = False) -> Any:
    """(Σ xᵖ)^(1/p) over kh×kw windows of an (N, C, H, W) or (C, H, W) input, as torch's lp_pool2d."""
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool1d(input: Any, norm_type: float, kernel_size: int, stride: Optional[Any] = None,
              ceil_mode: bool = False) -> Any:
    """(Σ xᵖ)^(1/p) over windows of length k of an (N, C, L) or (C, L) input, as torch's lp_pool1d."""
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


__all__ = ["lp_pool1d", "lp_pool2d"]
