"""Normalising and comparing vectors (PyTorch's normalize, cosine_similarity, pairwise_distance): compositions of
the p-norm (reduce.norm, whose gradient is 0 where the norm is 0, as PyTorch's) and elementwise ops. The ε
guards are PyTorch's: normalize divides by max(‖x‖, ε) (clamp: no gradient through the norm below ε);
cosine_similarity divides by the clamped norms with the norm's own gradient (PyTorch clamps in place under
no_grad); pairwise_distance is ‖x₁ − x₂ + ε‖_p."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ShapeError
from .args import flag, integer, number, tensor_arg
from .compare import DtypeError
from .movement import _normalize_dim, broadcast_to
from .reduce import norm


def _dim(op: str, dim: Any, ndim: int) -> int:
    integer(op, "dim", dim)
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but "
                         f"got {dim})")
    return _normalize_dim(dim, ndim, op)


def _eps(op: str, eps: Any) -> float:
    number(op, "eps", eps)
    if not eps >= 0:
        raise ShapeError(f"{op}: eps must be non-negative, got: {eps}")
    return eps


def _pair(op: str, x1: Any, x2: Any, floating: bool) -> tuple:
    """x1, x2 broadcast to one shape (integers made float32 where PyTorch computes in floats)."""
    a, b = tensor_arg(x1, op), tensor_arg(x2, op)
    for t in (a, b):
        if t.dtype == bool or (floating and t.dtype.kind in "iu"):
            raise DtypeError(f"{op}: expected floating point inputs, got dtypes {a.dtype} and {b.dtype}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"{op}: x1 {a.shape} and x2 {b.shape} do not broadcast to one shape (sizes must match or "
                         "be 1 in every dimension, from the right)") from None
    a, b = (t if t.dtype.kind in "fcO" else t.float() for t in (a, b))
    return (a if a.shape == shape else broadcast_to(a, shape)), (b if b.shape == shape else broadcast_to(b, shape))


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Optional[Any] = None) -> Any:
    """x / max(‖x‖_p, ε) along dim: unit vectors (rows of a (N, D) batch by default)."""
    op = "normalize"
    x = tensor_arg(input, op)
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")
    if x.dtype.kind in "biu":
        raise DtypeError(f"{op}: expected a floating point input, got {x.dtype} (shape {x.shape})")
    d = _dim(op, dim, x.ndim)
    if isinstance(p, str) and p != "fro":
        raise ShapeError(f"{op}: order p={p!r} is not supported (a number, or 'fro' for 2)")
    if not isinstance(p, str):
        number(op, "p", p)
    n = norm(x, p, d if x.ndim else None, keepdim=True)
    eps = _eps(op, eps)
    return x / (n if x.is_symbolic else n.clamp_min(eps))  # (a symbolic norm is taken as above ε)


def _clamped_norm(x: Any, dim: int, eps: float) -> Any:
    """‖x‖₂ along dim, raised to ε where smaller, with the gradient of ‖x‖₂ itself (the raise is a constant)."""
    n = norm(x, 2, dim, keepdim=True)
    if x.is_symbolic:
        return n
    with np.errstate(invalid="ignore"):
        lift = (np.maximum(n.data, np.asarray(eps, n.dtype)) - n.data).astype(n.dtype)
    return n if not lift.any() else n + type(n)._make(np.where(np.isnan(lift), 0, lift).astype(n.dtype), False)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Any:
    """Σ (x₁/max(‖x₁‖, ε))·(x₂/max(‖x₂‖, ε)) along dim, after broadcasting x1 and x2: the cosine of the angle."""
    op = "cosine_similarity"
    a, b = _pair(op, x1, x2, floating=True)
    d = _dim(op, dim, a.ndim)
    eps = _eps(op, eps)
    if a.ndim == 0:
        return (a / _clamped_norm(a, None, eps)) * (b / _clamped_norm(b, None, eps))
    return ((a / _clamped_norm(a, d, eps)) * (b / _clamped_norm(b, d, eps))).sum(d)


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Any:
    """‖x₁ − x₂ + ε‖_p along the last dimension (rows of two (N, D) batches give N distances)."""
    op = "pairwise_distance"
    a, b = _pair(op, x1, x2, floating=False)
    number(op, "p", p)
    number(op, "eps", eps)
    keepdim = flag(op, "keepdim", keepdim)
    diff = a - b + eps
    if diff.ndim == 0:
        return norm(diff, p, None, keepdim)
    return norm(diff, p, diff.ndim - 1, keepdim)


__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]
