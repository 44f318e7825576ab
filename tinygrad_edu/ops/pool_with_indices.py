"""PyTorch's *_with_indices pooling names (max_pool1d/2d/3d_with_indices, adaptive_max_pool1d/2d/3d_with_indices):
the max pools with return_indices=True, always returning (values, indices); plus max_unpool1d (the 2-D unpooling on
an inserted width-1 axis) and lp_pool3d ((Σ xᵖ)^(1/p) over kd×kh×kw windows, a composition of avg_pool3d)."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .. import backend
from ..errors import ArgumentTypeError, DtypeError, IndexRangeError, ShapeError
from ..tensor import Tensor
from .movement import squeeze, unsqueeze
from .normalization import _constant
from .pool import max_pool2d
from .pool1d import max_pool1d
from .pool3d import _prepared, divisors3, gather3, max_pool3d, window_sums3, winners3
from .pool3d_adaptive import adaptive_max_pool3d
from .pool_adaptive import adaptive_max_pool1d, adaptive_max_pool2d
from .pool_shapes import as_input, check_dtype, check_input, window_args
from .args import check_size
from .pool_unpool import MaxUnpool2d, unpool_size


def max_pool1d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of max_pool1d; indices are positions along L (return_indices is ignored, as PyTorch)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of max_pool2d; indices are flat positions h·W + w in each input plane."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of max_pool3d; indices are flat positions d·H·W + h·W + w in each input volume."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input: Any, output_size: Any, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of adaptive_max_pool1d."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Any, output_size: Any, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of adaptive_max_pool2d."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Any, output_size: Any, return_indices: bool = False) -> tuple[Any, Any]:
    """(values, indices) of adaptive_max_pool3d."""
    return adaptive_max_pool3d(input, output_size, True)


def max_unpool1d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Any:
    """The partial inverse of max_pool1d (PyTorch's max_unpool1d): input[n, c, i] is written at position
    indices[n, c, i] of a zero row of length (L − 1)·stride − 2·padding + kernel (or output_size)."""
    op = "max_unpool1d"
    if isinstance(stride, (tuple, list)) and len(stride) == 0:  # PyTorch indexes stride[0]: IndexError
        raise ShapeError(f"{op}: stride must be an int or a 1-tuple, got ()")
    args = window_args(op, 1, kernel_size, stride, padding, half_kernel_padding=False, exact=True)
    x, idx = as_input(op, input), as_input(op, indices, "indices")
    batched = check_input(op, x, 1)
    check_dtype(op, x, integers=False)  # PyTorch: "max_unpool2d" not implemented for 'Long'
    if idx.dtype != np.int64:
        raise DtypeError(f"{op}: indices must be int64 (as returned by max_pool1d(..., return_indices=True)), got "
                         f"{idx.dtype}")
    if idx.shape != x.shape:
        raise ShapeError(f"{op}: indices shape {tuple(idx.shape)} must equal the input shape {tuple(x.shape)}")
    (length,) = unpool_size(op, x, args.kernel, args.stride, args.padding, output_size)
    check_size(op, x.shape[:-1] + (length,), x.dtype)
    if idx.data.size and (idx.data.min() < 0 or idx.data.max() >= length):
        bad = int(idx.data.min()) if idx.data.min() < 0 else int(idx.data.max())
        raise IndexRangeError(f"{op}: index {bad} is out of range for an output of length {length} "
                              "(rule: 0 ≤ index < L_out)")
    xb, ib = (x, idx.data) if batched else (unsqueeze(x, 0), idx.data[None])
    out = MaxUnpool2d.apply(unsqueeze(xb, 3), indices=ib[..., None], size=(length, 1))
    out = squeeze(out, 3)
    return out if batched else squeeze(out, 0)


def lp_pool3d(input: Any, norm_type: float, kernel_size: Any, stride: Optional[Any] = None,
              ceil_mode: bool = False) -> Any:
    """(Σ xᵖ)^(1/p) over kd×kh×kw windows of an (N, C, D, H, W) or (C, D, H, W) input, as torch's lp_pool3d:
    avg_pool3d(xᵖ)·kd·kh·kw then the p-th root (p = ∞: max of |x|)."""
    op = "lp_pool3d"
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.integer, np.floating)):
        raise ArgumentTypeError(f"{op}: argument 'norm_type' must be a number, not {type(norm_type).__name__} "
                                f"({norm_type!r})")
    if math.isnan(norm_type) or norm_type == 0:
        raise ShapeError(f"{op}: norm_type p must be a non-zero number (the p-th root of Σ xᵖ), got {norm_type!r}")
    x, batched, axes = _prepared(op, input, kernel_size, stride, 0, 1, ceil_mode, integers=False)
    if x.dtype == np.float16:
        raise TypeError(f"{op}: input of dtype float16 is not supported (as PyTorch: \"avg_pool3d\" is not "
                        "implemented for 'Half' on the CPU); convert it with .float() first")
    if math.isinf(norm_type):
        magnitude = x.abs() if norm_type > 0 else -x.abs()
        out = gather3(magnitude, winners3(magnitude.data, axes, op))
        out = out if norm_type > 0 else -out
    else:
        powered = x ** _constant(norm_type, x.data)
        pooled = window_sums3(powered, axes) / Tensor(divisors3(axes, True, None, powered.data))
        sign = type(x)._make(backend.sign(pooled.data), False)
        window = math.prod(a.k for a in axes)
        out = (sign * pooled.abs().relu() * window) ** _constant(1.0 / norm_type, x.data)
    return out if batched else squeeze(out, 0)


__all__ = ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
           "max_unpool1d", "lp_pool3d"]
