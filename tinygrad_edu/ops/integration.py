"""Numerical integration by the trapezoid rule under PyTorch's names: trapezoid / trapz (∫ y dx ≈ Σ Δxᵢ·(yᵢ +
yᵢ₊₁)/2 along dim) and cumulative_trapezoid (the running sums). Slices, products and sums only, so δ flows to y and
to the sample points x."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ShapeError
from .args import integer, number, tensor_arg
from .compare import DtypeError
from .movement import _normalize_dim


def _along(t: Any, d: int, start: Optional[int], stop: Optional[int]) -> Any:
    return t[(slice(None),) * d + (slice(start, stop),)]


def _samples(op: str, y: Any, x: Any, dx: Any, dim: Any) -> tuple:
    """y as a Tensor, dim normalised, and the spacing: a Tensor Δx (from x) or a number (dx, 1 by default)."""
    from ..tensor import Tensor

    y = tensor_arg(y, op)
    integer(op, "dim", dim)
    if y.ndim == 0:
        raise IndexError(f"{op}: dimension {dim} is out of range for a 0-dimensional y (y needs a dimension to "
                         "integrate along)")
    d = _normalize_dim(dim, y.ndim, op)
    if y.dtype == bool:
        raise DtypeError(f"{op}: received a bool input for `y`, but bool is not supported")
    if x is not None and dx is not None:
        raise TypeError(f"{op}: give the sample points x or the spacing dx, not both")
    if x is None:
        return y, d, 1 if dx is None else number(op, "dx", dx)
    if not isinstance(x, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: x must be a Tensor of sample points, not {type(x).__name__} (a constant spacing "
                        "is passed as dx=)")
    x = tensor_arg(x, op)
    if x.dtype == bool:
        raise DtypeError(f"{op}: received a bool input for `x`, but bool is not supported")
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise ShapeError(f"{op}: There must be one `x` value for each sample point: x has {x.shape[0]} values, "
                             f"y has {y.shape[d]} samples along dimension {d} (y {y.shape})")
        x = x.reshape(*(x.shape[0] if k == d else 1 for k in range(y.ndim)))
    elif x.ndim < y.ndim:
        x = x.reshape(*(1,) * (y.ndim - x.ndim), *x.shape)
    elif x.ndim > y.ndim:
        raise ShapeError(f"{op}: x {x.shape} has more dimensions than y {y.shape}")
    try:
        np.broadcast_shapes(_along(x, d, 1, None).shape, _along(y, d, 1, None).shape)
    except ValueError:
        raise ShapeError(f"{op}: x {x.shape} and y {y.shape} do not broadcast (sizes must match or be 1 in every "
                         f"dimension, counted from the right)") from None
    return y, d, _along(x, d, 1, None) - _along(x, d, None, -1)


def trapezoid(y: Any, x: Optional[Any] = None, *, dx: Optional[float] = None, dim: int = -1) -> Any:
    """∫ y along dim by the trapezoid rule: Σ Δxᵢ (yᵢ + yᵢ₊₁)/2 with Δx from the sample points x (1-D, or
    broadcasting with y) or the constant spacing dx (1 by default)."""
    return _trapezoid("trapezoid", y, x, dx, dim)


def trapz(y: Any, x: Optional[Any] = None, *, dx: Optional[float] = None, dim: int = -1) -> Any:
    """trapezoid under its older name."""
    return _trapezoid("trapz", y, x, dx, dim)


def _trapezoid(op: str, y: Any, x: Any, dx: Any, dim: Any) -> Any:
    y, d, step = _samples(op, y, x, dx, dim)
    if y.shape[d] == 0:
        return y._lift(np.zeros(y.shape[:d] + y.shape[d + 1:], y.dtype))
    if isinstance(step, (int, float, np.number)):
        ends = _along(y, d, 0, 1).sum(d) + _along(y, d, -1, None).sum(d)
        return (y.sum(d) - ends * 0.5) * step
    return (step * (_along(y, d, 1, None) + _along(y, d, None, -1))).sum(d) / 2.0


def cumulative_trapezoid(y: Any, x: Optional[Any] = None, *, dx: Optional[float] = None, dim: int = -1) -> Any:
    """The running trapezoid integrals along dim: entry k is the integral from sample 0 to sample k + 1 (one
    entry fewer than y along dim)."""
    op = "cumulative_trapezoid"
    y, d, step = _samples(op, y, x, dx, dim)
    pairs = _along(y, d, 1, None) + _along(y, d, None, -1)
    if isinstance(step, (int, float, np.number)):
        return (pairs * (step / 2.0)).cumsum(d)
    return (step * pairs).cumsum(d) / 2.0


__all__ = ["trapezoid", "trapz", "cumulative_trapezoid"]
