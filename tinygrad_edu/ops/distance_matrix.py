"""Distance matrices under PyTorch's names: cdist (every row of x1 against every row of x2, with batch dimensions)
and pdist (every pair of rows of one matrix, the upper triangle flattened). Both are the p-norm of row
differences (reduce.norm), whose gradient is 0 where a distance is 0, as PyTorch's: coincident points give a
finite δ."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from .args import check_size, number, tensor_arg
from .compare import DtypeError
from .movement import Cat, broadcast_to
from .reduce import norm

_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _order(op: str, p: Any) -> float:
    number(op, "p", p)
    if not p >= 0:
        raise ShapeError(f"{op} only supports non-negative p values, got p={p}")
    return p


def _floating(op: str, name: str, x: Any) -> Any:
    if x.dtype.kind not in "fO":
        raise DtypeError(f"{op} only supports floating-point dtypes, {name} got: {x.dtype}")
    return x


def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Any:
    """‖x1[…, i, :] − x2[…, j, :]‖_p for every i, j: (B…, P, M) and (B…, R, M) give (B…, P, R), the batch
    dimensions broadcast. For p = 2 with more than 25 points in a set (or compute_mode='use_mm_for_euclid_dist'),
    PyTorch's matrix-product form, as PyTorch; otherwise the differences themselves."""
    op = "cdist"
    a, b = (tensor_arg(t, op) for t in (x1, x2))
    for name, t in (("X1", a), ("X2", b)):
        if t.ndim < 2:
            raise ShapeError(f"{op} only supports at least 2D tensors, {name} got: {t.ndim}D (shape {t.shape})")
        _floating(op, name, t)
    if a.dtype != b.dtype and object not in (a.dtype, b.dtype):
        raise DtypeError(f"{op}: X1 and X2 must have the same dtype, got {a.dtype} and {b.dtype}")
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"{op}: X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: "
                         f"{b.shape[-1]} (shapes {a.shape} and {b.shape})")
    p = _order(op, p)
    if compute_mode not in _COMPUTE_MODES:
        raise ShapeError(f"{op}: {compute_mode!r} is not a valid value for compute_mode (one of {_COMPUTE_MODES})")
    try:
        batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise ShapeError(f"{op}: the batch dimensions of X1 {a.shape} and X2 {b.shape} do not broadcast") from None
    (rows, m), cols = a.shape[-2:], b.shape[-2]
    if a.shape[:-2] != batch:
        a = broadcast_to(a, batch + (rows, m))
    if b.shape[:-2] != batch:
        b = broadcast_to(b, batch + (cols, m))
    mode = _COMPUTE_MODES.index(compute_mode)
    if p == 2 and m and not a.is_symbolic and (mode == 1 or (mode == 0 and (rows > 25 or cols > 25))):
        check_size(op, batch + (rows, cols), a.dtype)
        return _euclidean_by_products(a, b)
    check_size(op, batch + (rows, cols, m), a.dtype)
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)  # (B…, P, R, M)
    if m == 0:
        return diff.sum(-1)
    return norm(diff, p, -1)


def _euclidean_by_products(a: Any, b: Any) -> Any:
    """PyTorch's matrix-product form of the p = 2 distances, which it uses (and so this) when either set has more
    than 25 points: ‖x₁‖² − 2 x₁·x₂ + ‖x₂‖² as one product [−2x₁, ‖x₁‖², 1]·[x₂, 1, ‖x₂‖²]ᵀ, then √ of its positive
    part. No (P, R, M) tensor of differences is formed; where the square is ≤ 0 (coincident points, up to
    rounding) the distance is 0 with δ 0, as PyTorch's clamp gives."""
    from .compare import Where

    an, bn = (a * a).sum(-1, keepdim=True), (b * b).sum(-1, keepdim=True)
    left = Cat.apply(a * -2, an, an._lift(np.ones(an.shape, an.dtype)), dim=an.ndim - 1)
    right = Cat.apply(b, bn._lift(np.ones(bn.shape, bn.dtype)), bn, dim=bn.ndim - 1)
    square = left @ right.transpose(-1, -2)
    positive = square._lift(~(square.data <= 0))  # (NaN stays NaN, as PyTorch's clamp)
    root = Where.apply(positive, square, square._lift(np.ones((), square.dtype))).sqrt()
    return Where.apply(positive, root, square._lift(np.zeros((), square.dtype)))


def pdist(input: Any, p: float = 2) -> Any:
    """‖xᵢ − xⱼ‖_p for every pair of rows i < j of an (N, M) input, in row-major order: N(N − 1)/2 distances."""
    op = "pdist"
    x = tensor_arg(input, op)
    if x.ndim != 2:
        raise ShapeError(f"{op} only supports 2D tensors, got: {x.ndim}D (shape {x.shape})")
    _floating(op, "input", x)
    if x.dtype == np.float16:
        raise DtypeError(f"{op}: float16 is not supported (as PyTorch's CPU kernel); convert with .float() first")
    p = _order(op, p)
    i, j = np.triu_indices(x.shape[0], 1)
    check_size(op, (len(i), x.shape[1]), x.dtype)
    diff = x[i.astype(np.int64)] - x[j.astype(np.int64)]
    if x.shape[1] == 0:
        return diff.sum(-1)
    return norm(diff, p, -1)


__all__ = ["cdist", "pdist"]
