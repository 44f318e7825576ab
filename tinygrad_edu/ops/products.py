"""Products under PyTorch's names: tensordot (contract chosen dimensions: a permute and reshape of each operand
then one matrix product), chain_matmul (a left-to-right chain of mm) and vander (the powers of x as running
products, so δ is exact where x = 0)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from .args import check_size, flag, integer, same_dtype, tensor_arg
from .einsum import mm
from .linalg import operands, product
from .linalg_extra import cumprod
from .movement import Cat


def _contracted_dims(op: str, dims: Any, a: Any, b: Any) -> tuple:
    """dims as two lists of axes: an int n (the last n of a with the first n of b), a pair of lists, or a tensor
    (0-D: n; (2, k): the pair)."""
    from ..tensor import Tensor

    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            if dims.ndim == 0 or dims.shape[0] != 2:
                raise ShapeError(f"{op}: a dims tensor must have shape (2, k), got {dims.shape}")
            return [int(v) for v in dims.data[0].reshape(-1)], [int(v) for v in dims.data[1].reshape(-1)]
        dims = int(dims.item())
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2 or not all(isinstance(d, (list, tuple)) for d in dims):
            raise TypeError(f"{op}: dims must be an int, a pair of lists of dimensions or a tensor, got {dims!r}")
        return [integer(op, "dims", d) for d in dims[0]], [integer(op, "dims", d) for d in dims[1]]
    if isinstance(dims, (bool, np.bool_)) or not isinstance(dims, (int, np.integer)):  # PyTorch's RuntimeError
        raise ArgumentTypeError(f"{op}: tensordot expects dims to be int or a pair of lists of ints, but got "
                                f"dims={dims!r}")
    n = int(dims)
    if n < 0:
        raise ShapeError(f"{op}: tensordot expects dims >= 0, but got dims={n}")
    if n > min(a.ndim, b.ndim):
        raise ShapeError(f"{op}: tensordot expects dims < ndim_a or ndim_b, but got dims={n} (a {a.shape}, "
                         f"b {b.shape})")
    return list(range(a.ndim - n, a.ndim)), list(range(n))


def _axis(op: str, d: int, ndim: int, name: str) -> int:
    if not -max(ndim, 1) <= d < max(ndim, 1) or ndim == 0:
        raise IndexError(f"{op}: dimension {d} of {name} is out of range for a tensor with {ndim} dimensions")
    return d % ndim


def tensordot(a: Any, b: Any, dims: Any = 2, out: Optional[Any] = None) -> Any:
    """Σ over the paired axes of a[…, i, …]·b[…, i, …]: the free axes of a, then those of b."""
    op = "tensordot"
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")
    a, b = operands(op, tensor_arg(a, op), tensor_arg(b, op), ("a", "b"))
    dims_a, dims_b = _contracted_dims(op, dims, a, b)
    if len(dims_a) != len(dims_b):
        raise ShapeError(f"{op}: both dimension lists should have same length, got {dims_a} and {dims_b}")
    dims_a = [_axis(op, d, a.ndim, "a") for d in dims_a]
    dims_b = [_axis(op, d, b.ndim, "b") for d in dims_b]
    if len(set(dims_a)) < len(dims_a) or len(set(dims_b)) < len(dims_b):
        raise ShapeError(f"{op}: a dimension appears twice in dims ({dims_a}, {dims_b})")
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise ShapeError(f"{op}: contracted dimensions need to match, but first has size {a.shape[da]} in dim "
                             f"{da} and second has size {b.shape[db]} in dim {db} (a {a.shape}, b {b.shape})")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = int(np.prod([a.shape[d] for d in dims_a], dtype=np.int64))
    left = a.permute(*free_a, *dims_a).reshape(-1, k)
    right = b.permute(*dims_b, *free_b).reshape(k, -1)
    return product(op, left, right).reshape(*(a.shape[d] for d in free_a), *(b.shape[d] for d in free_b))


def chain_matmul(*matrices: Any, out: Optional[Any] = None) -> Any:
    """M₁ M₂ … Mₙ of 2-D tensors (multiplied left to right; one matrix is returned as a copy)."""
    op = "chain_matmul"
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")
    if not matrices:
        raise ShapeError(f"{op}: Expected one or more matrices")
    ms = [tensor_arg(m, op) for m in matrices]
    for k, m in enumerate(ms):
        if m.ndim != 2:
            raise ShapeError(f"{op}: Expected all tensors to be 2-D, but tensor {k} has shape {m.shape}")
    for a, b in zip(ms, ms[1:]):
        if a.shape[1] != b.shape[0]:
            raise ShapeError(f"{op}: matrices {[t.shape for t in ms]} cannot be multiplied in a chain "
                             f"({a.shape[1]} ≠ {b.shape[0]})")
    same_dtype(op, **{f"matrix {k}": m.data for k, m in enumerate(ms)})
    if len(ms) == 1:
        return ms[0].clone()
    return multiplied_in_order(ms)


def _chain_order(p: list) -> dict:
    """PyTorch's multiplication order (linalg.multi_dot): the cheapest parenthesisation by the classic dynamic
    programme (the first cheapest split on ties), three matrices by its direct comparison."""
    n = len(p) - 1
    if n == 3:
        left_first = p[0] * p[2] * (p[1] + p[3]) <= p[1] * p[3] * (p[0] + p[2])
        return {(0, 2): 1 if left_first else 0, (1, 2): 1, (0, 1): 0}
    cost, split = {(i, i): 0 for i in range(n)}, {}
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                q = cost[i, k] + cost[k + 1, j] + p[i] * p[k + 1] * p[j + 1]
                if best is None or q < best:
                    best, split[i, j] = q, k
            cost[i, j] = best
    return split


def multiplied_in_order(ms: list) -> Any:
    """The product of the 2-D matrices ms in PyTorch's cheapest order (chain_matmul, linalg.multi_dot)."""
    split = _chain_order([m.shape[0] for m in ms] + [ms[-1].shape[1]])

    def product(i: int, j: int) -> Any:
        return ms[i] if i == j else mm(product(i, split[i, j]), product(split[i, j] + 1, j))
    return product(0, len(ms) - 1)


def vander(x: Any, N: Optional[int] = None, increasing: bool = False) -> Any:
    """The Vandermonde matrix of a 1-D x: column j is x^(N−1−j) (x^j when increasing); integers give int64."""
    op = "vander"
    x = tensor_arg(x, op)
    increasing = flag(op, "increasing", increasing)
    if x.ndim != 1:
        raise ShapeError(f"{op}: x must be a one-dimensional tensor, got shape {x.shape}")
    n = x.shape[0] if N is None else integer(op, "N", N)
    if n < 0:
        raise ShapeError(f"{op}: N must be non-negative, got {n}")
    check_size(op, (x.shape[0], n), x.dtype)
    dt = np.dtype(np.int64) if x.dtype.kind in "biu" else x.dtype
    shape = (x.shape[0], min(n, 1))
    ones = x._lift(np.ones(shape, dt) if dt != object else np.full(shape, 1, object))
    if n <= 1:  # x⁰ alone: constant, off the graph (as PyTorch)
        return ones
    column = x.reshape(-1, 1)
    powers = cumprod(Cat.apply(ones, *([column if column.dtype == dt else column.to(dt)] * (n - 1)), dim=1), 1)
    return powers if increasing else powers.flip(1)


__all__ = ["tensordot", "chain_matmul", "vander"]
