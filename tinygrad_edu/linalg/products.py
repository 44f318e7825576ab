"""torch.linalg's product and view helpers: matmul, multi_dot (the cheapest parenthesisation), vecdot, cross
(dim=-1 by default) and diagonal (the last two dims by default), compositions of differentiable ops."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import ShapeError
from ..ops import linalg_extra
from ..ops.args import integer
from ..ops.linalg import matmul, operands
from ..ops.products import multiplied_in_order
from ..ops.reduce import _dim
from .checks import floating


def multi_dot(tensors: Sequence[Any]) -> Any:
    """A₁A₂⋯Aₖ in the order of fewest multiplications (dynamic programming over the shapes); the first may
    be a 1-D row vector and the last a 1-D column vector, as torch.linalg.multi_dot."""
    op = "linalg.multi_dot"
    ts = [floating(op, t, allow_object=True) for t in tensors]
    if len(ts) < 2:
        raise ShapeError(f"{op}: expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].ndim == 1, ts[-1].ndim == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.ndim != 2:
            raise ShapeError(f"{op}: tensor {i} must be 2D but got {t.ndim}D (shape {tuple(t.shape)})")
    for i in range(len(ts) - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise ShapeError(f"{op}: tensors {i} and {i + 1} with shapes {tuple(ts[i].shape)} and "
                             f"{tuple(ts[i + 1].shape)} cannot be multiplied")
    out = multiplied_in_order(ts)
    if first_vec:
        out = out.squeeze(0)
    if last_vec:
        out = out.squeeze(-1)
    return out


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Any:
    """Σ xᵢyᵢ along dim, broadcast (x conjugated for complex tensors; real here)."""
    a, b = operands("linalg.vecdot", x, y, ("x", "y"))
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"linalg.vecdot: shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast") from None
    return (a * b).sum(_dim(dim, len(shape), "linalg.vecdot"))


def cross(input: Any, other: Any, *, dim: int = -1) -> Any:
    """The 3-vector cross product along dim (default the last, unlike torch.cross), broadcast (same ranks)."""
    return linalg_extra.cross(input, other, dim=integer("linalg.cross", "dim", dim))


def diagonal(A: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """The diagonal `offset` of the planes (dim1, dim2), by default the last two (torch.linalg.diagonal)."""
    return linalg_extra.diagonal(A, offset, dim1, dim2)


__all__ = ["matmul", "multi_dot", "vecdot", "cross", "diagonal"]
