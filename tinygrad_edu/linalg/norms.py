"""Vector and matrix norms as compositions (abs, pow, sum, sqrt, amax/amin, the singular values), so their
gradients come from those ops: vector_norm, matrix_norm ('fro', 'nuc', ±1, ±2, ±inf), norm (torch.linalg.norm's
dispatch on ord and dim) and cond (σ_max/σ_min for p = None or 2, ‖A‖·‖A⁻¹‖ otherwise)."""
from __future__ import annotations

import math
from typing import Any, Union

from ..errors import ShapeError
from ..ops.args import dtype as dtype_arg, flag, number
from ..ops.reduce import amax, amin, norm as _vector_p_norm
from .checks import floating, matrices, square

Ord = Union[int, float, str, None]


def vector_norm(x: Any, ord: Union[int, float] = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Any:
    """(Σ|xᵢ|^ord)^(1/ord) over dim (all entries by default); ord ±inf is max/min |xᵢ|, 0 counts non-zeros."""
    op = "linalg.vector_norm"
    x = floating(op, x, half=True)
    if isinstance(ord, str) or isinstance(ord, bool):
        raise TypeError(f"{op}: argument 'ord' must be a number, not {ord!r}")
    number(op, "ord", ord)
    if isinstance(dim, list):
        dim = tuple(dim)
    if dtype is not None:
        x = x.to(dtype_arg(op, dtype))
    return _vector_p_norm(x, ord, dim, flag(op, "keepdim", keepdim))


def _dims(op: str, A: Any, dim: Any) -> tuple[int, int]:
    if not (isinstance(dim, (tuple, list)) and len(dim) == 2):
        raise ShapeError(f"{op}: dim must be a 2-tuple of ints, got {dim!r}")
    d0, d1 = (int(d) % A.ndim if -A.ndim <= int(d) < A.ndim else None for d in dim)
    if d0 is None or d1 is None:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {A.ndim} dimensions")
    if d0 == d1:
        raise ShapeError(f"{op}: dims must be different, got {dim}")
    return d0, d1


def matrix_norm(A: Any, ord: Ord = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Any:
    """The matrix norm over the two dims: 'fro' √Σa², 'nuc' Σσ, 2/−2 σ_max/σ_min, 1/−1 max/min column
    sum of |a|, inf/−inf max/min row sum of |a|."""
    op = "linalg.matrix_norm"
    A = floating(op, A)
    matrices(op, A)
    keepdim = flag(op, "keepdim", keepdim)
    if dtype is not None:
        A = A.to(dtype_arg(op, dtype))
    d0, d1 = _dims(op, A, dim)
    if ord == "fro":
        return _vector_p_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        from .decompositions import svdvals

        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            out = out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return out
    if ord in (1, -1, math.inf, -math.inf):
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = A.abs().sum(summed, keepdim=True)
        pick = amax if ord in (1, math.inf) else amin
        out = pick(sums, other, True)
        return out if keepdim else out.squeeze((d0, d1))
    raise ShapeError(f"{op}: Order {ord!r} not supported (use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf)")


def norm(input: Any, ord: Ord = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """torch.linalg.norm: dim an int → vector norm; a 2-tuple → matrix norm; dim None → the 2-norm of all
    entries when ord is None, else A must be 1-D (vector norm) or 2-D (matrix norm)."""
    op = "linalg.norm"
    x = floating(op, input, half=True)
    if isinstance(dim, int) or (isinstance(dim, (tuple, list)) and len(dim) == 1):
        return vector_norm(x, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if dim is not None:
        return matrix_norm(x, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(x, 2, None, keepdim, dtype=dtype)
    if x.ndim == 1:
        return vector_norm(x, ord, None, keepdim, dtype=dtype)
    if x.ndim == 2:
        return matrix_norm(x, ord, (-2, -1), keepdim, dtype=dtype)
    raise ShapeError(f"{op}: If dim is not specified but ord is, the input must be 1D or 2D. Got {x.ndim}D "
                     f"(shape {tuple(x.shape)})")


def cond(A: Any, p: Ord = None) -> Any:
    """The condition number ‖A‖_p·‖A⁻¹‖_p; p None or 2 is σ_max/σ_min (any rectangular A), −2 σ_min/σ_max."""
    op = "linalg.cond"
    a = floating(op, A)
    matrices(op, a)
    if 0 in a.shape[-2:]:  # an empty matrix: 0, as PyTorch
        return a.sum((-2, -1)) * 0
    if p is None or p in (2, -2):
        from .decompositions import svdvals

        s = svdvals(a)
        hi, lo = s.amax(-1), s.amin(-1)
        return hi / lo if p != -2 else lo / hi
    square(op, a)
    from .solve import inv

    return matrix_norm(a, p) * matrix_norm(inv(a), p)


__all__ = ["vector_norm", "matrix_norm", "norm", "cond"]
