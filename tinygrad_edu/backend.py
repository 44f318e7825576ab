"""The two kinds of numbers behind a Tensor: NumPy floats for training, object arrays of SymPy
expressions for exact checks. Every elementwise primitive dispatches here on the array's dtype."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import sympy

DEFAULT_FLOAT = np.dtype(np.float32)


def is_symbolic(a: np.ndarray) -> bool:
    return a.dtype == object


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Turn user data into the array a Tensor holds: NumPy arrays keep their dtype, Python numbers
    and lists become float32, SymPy expressions become object arrays."""
    if isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (np.generic,)):
        arr = np.asarray(data)
    elif isinstance(data, sympy.Basic):
        arr = np.empty((), dtype=object)
        arr[()] = data
    else:
        arr = np.asarray(data)
        if arr.dtype == object or _holds_sympy(data):
            arr = _object_array(data)
        elif dtype is None and arr.dtype.kind in "biuf":
            arr = arr.astype(DEFAULT_FLOAT)
    if dtype is not None:
        dtype = np.dtype(dtype)
        if arr.dtype != dtype:
            arr = arr.astype(dtype)
    return arr


def _holds_sympy(data: Any) -> bool:
    if isinstance(data, sympy.Basic):
        return True
    if isinstance(data, (list, tuple)) and data:
        return _holds_sympy(data[0])
    return False


def _object_array(data: Any) -> np.ndarray:
    arr = np.array(data, dtype=object)
    return np.vectorize(sympy.sympify, otypes=[object])(arr) if arr.size else arr


def scalar_like(value: Any, like: np.ndarray) -> np.ndarray:
    """A Python number as a 0-d array of `like`'s kind, so `x64 + 1.0` stays float64 (the one
    place where a constant's dtype is decided)."""
    if isinstance(value, sympy.Basic) or like.dtype == object:
        out = np.empty((), dtype=object)
        out[()] = sympy.sympify(value)
        return out
    if like.dtype.kind == "f":
        return np.asarray(value, dtype=like.dtype)
    if isinstance(value, float) or like.dtype.kind == "b":
        return np.asarray(value, dtype=DEFAULT_FLOAT)
    return np.asarray(value, dtype=like.dtype)


def _elementwise(numeric: Callable, symbolic: Callable) -> Callable[[np.ndarray], np.ndarray]:
    vectorised = np.vectorize(symbolic, otypes=[object])

    def apply(a: np.ndarray) -> np.ndarray:
        if a.dtype == object:
            return vectorised(a) if a.ndim else _object_scalar(symbolic(a[()]))
        return numeric(a)

    return apply


def _object_scalar(value: Any) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def _sigmoid_numeric(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _sigmoid_symbolic(e: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-e))


exp = _elementwise(np.exp, sympy.exp)
log = _elementwise(np.log, sympy.log)
sqrt = _elementwise(np.sqrt, sympy.sqrt)
tanh = _elementwise(np.tanh, sympy.tanh)
sigmoid = _elementwise(_sigmoid_numeric, _sigmoid_symbolic)
relu = _elementwise(lambda a: np.maximum(a, 0), lambda e: sympy.Max(e, 0))
sign = _elementwise(np.sign, sympy.sign)
abs_ = _elementwise(np.abs, sympy.Abs)
step = _elementwise(lambda a: (a > 0).astype(a.dtype), lambda e: sympy.Heaviside(e, 0))
"""The derivative of relu: 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""


def where_positive(a: np.ndarray, negative_slope: float) -> np.ndarray:
    """leaky_relu's derivative: 1 where x > 0, else the slope."""
    if a.dtype == object:
        slope = sympy.nsimplify(negative_slope)
        return np.vectorize(lambda e: sympy.Piecewise((1, e > 0), (slope, True)), otypes=[object])(a)
    return np.where(a > 0, np.ones((), a.dtype), np.asarray(negative_slope, a.dtype))


def leaky_relu(a: np.ndarray, negative_slope: float) -> np.ndarray:
    if a.dtype == object:
        slope = sympy.nsimplify(negative_slope)
        return np.vectorize(lambda e: sympy.Piecewise((e, e > 0), (slope * e, True)), otypes=[object])(a)
    return np.where(a > 0, a, a * np.asarray(negative_slope, a.dtype))


def max_mask(a: np.ndarray, axis: tuple[int, ...] | None, out: np.ndarray) -> np.ndarray:
    """1/(number of ties) where `a` attains its maximum over `axis`, else 0: the routing of max's gradient.
    `out` is the max with kept dims. Symbolic inputs must be comparable (exact numbers)."""
    if a.dtype == object:
        hit = np.vectorize(_decided_equal, otypes=[bool])(a, out)
        counts = hit.sum(axis=axis, keepdims=True)
        return np.vectorize(lambda h, c: sympy.Rational(int(h), int(c)), otypes=[object])(hit, counts)
    hit = (a == out).astype(a.dtype)
    return hit / hit.sum(axis=axis, keepdims=True)


def _decided_equal(x: Any, m: Any) -> bool:
    decided = sympy.Eq(x, m)
    if decided not in (sympy.true, sympy.false):
        raise TypeError(f"max: cannot decide which symbolic entry is largest ({x} vs {m}); use exact rational "
                        "inputs where the winner must be concrete and keep δ symbolic")
    return bool(decided)


def amax(a: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    if a.dtype == object:
        if a.size == 0:
            raise ValueError("max: empty tensor has no maximum")
        try:
            return _reduce_object(a, axis, keepdims, lambda v: sympy.Max(*v))
        except TypeError as err:
            raise TypeError("max: cannot decide which symbolic entry is largest") from err
    return np.max(a, axis=axis, keepdims=keepdims)


def _reduce_object(a: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool, fn: Callable) -> np.ndarray:
    axes = tuple(range(a.ndim)) if axis is None else axis
    kept = [d for d in range(a.ndim) if d not in axes]
    moved = np.transpose(a, kept + list(axes)).reshape([a.shape[d] for d in kept] + [-1])
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.empty(flat.shape[0], dtype=object)
    for i, row in enumerate(flat):
        out[i] = fn(list(row))
    out = out.reshape([a.shape[d] for d in kept])
    if keepdims:
        out = out.reshape([1 if d in axes else a.shape[d] for d in range(a.ndim)])
    return out


def scatter_add(shape: tuple[int, ...], positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """out.flat[positions] += values, repeated positions summing: the adjoint of integer indexing."""
    size = int(np.prod(shape))
    if values.dtype == object:
        out = np.full(size, sympy.Integer(0), dtype=object)
        for p, v in zip(positions.ravel(), values.ravel()):
            out[p] += v
        return out.reshape(shape)
    summed = np.bincount(positions.ravel(), weights=values.ravel(), minlength=size)
    return summed.astype(values.dtype, copy=False).reshape(shape)


def zeros(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
    if like.dtype == object:
        return np.full(shape, sympy.Integer(0), dtype=object)
    return np.zeros(shape, dtype=like.dtype)


def ones(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
    if like.dtype == object:
        return np.full(shape, sympy.Integer(1), dtype=object)
    return np.ones(shape, dtype=like.dtype)
