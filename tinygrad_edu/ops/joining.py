"""Joining tensors under PyTorch's names (hstack, vstack, dstack, column_stack, row_stack, concat, concatenate,
block_diag) and raising ranks (atleast_1d/2d/3d): each is reshapes followed by one concatenation, so the gradient
of a piece is the slice of δ it filled."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import ShapeError
from .args import integer, tensor_arg
from .movement import Cat, _normalize_dim, _tensor_list


def _join(op: str, tensors: list, dim: int) -> Any:
    """Concatenate along dim, the shapes checked first so a mismatch names this op."""
    shapes = [t.shape for t in tensors]
    if any(t.ndim != tensors[0].ndim for t in tensors):
        raise ShapeError(f"{op}: tensors must have the same number of dimensions, got shapes {shapes}")
    for axis in range(tensors[0].ndim):
        if axis != dim and len({s[axis] for s in shapes}) > 1:
            raise ShapeError(f"{op}: sizes of tensors must match except in dimension {dim}, but they differ in "
                             f"dimension {axis} (shapes {shapes})")
    return Cat.apply(*tensors, dim=dim)


def _atleast(x: Any, rank: int) -> Any:
    """x reshaped as torch.atleast_{rank}d: () → (1,…), (n,) → (1, n) / (1, n, 1), (m, n) → (m, n, 1)."""
    if x.ndim >= rank:
        return x
    if rank == 3 and x.ndim == 2:
        return x.reshape(*x.shape, 1)
    if rank == 3 and x.ndim == 1:
        return x.reshape(1, x.shape[0], 1)
    return x.reshape(*(1,) * (rank - x.ndim), *x.shape)


def _atleast_each(op: str, tensors: tuple, rank: int) -> Any:
    single = len(tensors) == 1 and not isinstance(tensors[0], (list, tuple))
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    if not items:
        return ()
    out = tuple(_atleast(tensor_arg(t, op), rank) for t in items)  # each keeps its dtype
    return out[0] if single else out


def atleast_1d(*tensors: Any) -> Any:
    """Each input with at least one dimension: one tensor gives a tensor, several (or a list) a tuple."""
    return _atleast_each("atleast_1d", tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Each input with at least two dimensions ((n,) becomes (1, n))."""
    return _atleast_each("atleast_2d", tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Each input with at least three dimensions ((n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _atleast_each("atleast_3d", tensors, 3)


def hstack(tensors: Sequence[Any], *, out: Any = None) -> Any:
    """Concatenate horizontally: along dim 0 for 1-D tensors, along dim 1 otherwise (0-D tensors count as 1-D)."""
    _no_out("hstack", out)
    ts = [_atleast(t, 1) for t in _tensor_list(tensors, "hstack")]
    return _join("hstack", ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any], *, out: Any = None) -> Any:
    """Concatenate vertically (along dim 0) after atleast_2d: rows of vectors become a matrix."""
    _no_out("vstack", out)
    return _join("vstack", [_atleast(t, 2) for t in _tensor_list(tensors, "vstack")], 0)


def row_stack(tensors: Sequence[Any], *, out: Any = None) -> Any:
    """vstack under its older name."""
    _no_out("row_stack", out)
    return _join("row_stack", [_atleast(t, 2) for t in _tensor_list(tensors, "row_stack")], 0)


def dstack(tensors: Sequence[Any], *, out: Any = None) -> Any:
    """Concatenate depth-wise (along dim 2) after atleast_3d."""
    _no_out("dstack", out)
    return _join("dstack", [_atleast(t, 3) for t in _tensor_list(tensors, "dstack")], 2)


def column_stack(tensors: Sequence[Any], *, out: Any = None) -> Any:
    """Vectors (and 0-D tensors) as columns (n, 1), then hstack: the columns of a matrix side by side."""
    _no_out("column_stack", out)
    ts = [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in _tensor_list(tensors, "column_stack")]
    return _join("column_stack", ts, 1)


def concat(tensors: Sequence[Any], dim: int = 0, *, out: Any = None) -> Any:
    """torch.cat under its alias."""
    return _concatenated("concat", tensors, dim, out)


def concatenate(tensors: Sequence[Any], axis: int = 0, out: Any = None) -> Any:
    """torch.cat under NumPy's name and argument (axis)."""
    return _concatenated("concatenate", tensors, axis, out)


def _concatenated(op: str, tensors: Sequence[Any], dim: int, out: Any) -> Any:
    _no_out(op, out)
    ts = _tensor_list(tensors, op)
    integer(op, "dim", dim)
    return _join(op, ts, _normalize_dim(dim, ts[0].ndim, op))


def block_diag(*tensors: Any) -> Any:
    """The inputs (0-, 1- or 2-D, taken as matrices) on the diagonal of one matrix, zeros elsewhere: each block row
    is [0, block, 0] concatenated, and the rows are stacked, so δ of a block is its window of δ."""
    op = "block_diag"
    if not tensors:
        from ..creation import zeros

        return zeros(1, 0)
    blocks = _tensor_list(list(tensors), op)
    for k, b in enumerate(blocks):
        if b.ndim > 2:
            raise ShapeError(f"{op}: Input tensors must have 2 or fewer dimensions. Input {k} has {b.ndim} "
                             f"dimensions (shape {b.shape})")
    blocks = [_atleast(b, 2) for b in blocks]
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        pieces = [b._lift(np.zeros((r, n), b.dtype)) if n else None for n in (left, width - left - c)]
        rows.append(Cat.apply(*[p for p in (pieces[0], b, pieces[1]) if p is not None], dim=1))
        left += c
    return Cat.apply(*rows, dim=0)


def _no_out(op: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")


__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack", "column_stack",
           "concat", "concatenate", "block_diag"]
