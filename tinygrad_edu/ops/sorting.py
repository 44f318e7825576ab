"""Sorting along a dimension: sort → (values, indices), argsort, topk → (values, indices). The order is
found on the numbers; the values are one differentiable integer gather (GetItem), so δ goes back to the
entry each value came from. NaN sorts as the largest number and ties keep their order, as PyTorch's CPU sort."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from .args import flag, tensor_arg
from .compare import DtypeError
from .reduce import _dim, pick_along

#: the named tuples PyTorch returns (torch.return_types.sort / .topk): fields `values` and `indices` (int64)
sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


def _first() -> np.ndarray:
    """The only index of a 0-d tensor (a fresh array: index tensors may be changed in place)."""
    return np.zeros((), np.int64)


def _order(op: str, data: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along `axis`; descending sorts the reversed slice ascending and reverses back, so equal
    entries stay in their original order and NaN comes first."""
    try:
        if not descending:
            return np.argsort(data, axis=axis, kind="stable").astype(np.int64)
        backwards = np.flip(np.argsort(np.flip(data, axis), axis=axis, kind="stable"), axis)
        return (data.shape[axis] - 1 - backwards).astype(np.int64)
    except TypeError as err:
        raise TypeError(f"{op}: cannot decide the order of symbolic entries ({err}); use exact numbers") from None


def _top_order(data: np.ndarray, axis: int, k: int, largest: bool) -> np.ndarray:
    """The first k of _order(data, axis, largest) without sorting all n: a partition finds the k-th value, the
    entries before it plus the earliest ones equal to it are chosen, and only those k are sorted."""
    n = data.shape[axis]
    if data.dtype.kind != "f" or k == 0 or 4 * k >= n:
        return np.take(_order("topk", data, axis, largest), np.arange(k), axis=axis)
    rows = np.moveaxis(data, axis, -1).reshape(-1, n)
    position = n - k if largest else k - 1  # ascending partition, NaN last: the k-th value from the chosen end
    kth = np.partition(rows, position, axis=-1)[:, position:position + 1]
    nan, kth_nan = np.isnan(rows), np.isnan(kth)
    with np.errstate(invalid="ignore"):
        better = ((rows > kth) | (nan & ~kth_nan)) if largest else ((rows < kth) | (~nan & kth_nan))
        equal = (rows == kth) | (nan & kth_nan)
    needed = k - better.sum(axis=-1, keepdims=True)
    chosen = better | (equal & (np.cumsum(equal, axis=-1) <= needed))
    index = np.nonzero(chosen)[1].reshape(-1, k)
    index = np.take_along_axis(index, _order("topk", np.take_along_axis(rows, index, -1), 1, largest), -1)
    return np.moveaxis(index.reshape(np.moveaxis(data, axis, -1).shape[:-1] + (k,)), -1, axis)


def sort(input: Any, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """(values, indices) sorted along `dim`; δ of each value goes back to the entry it came from. The sort is
    always stable (PyTorch's `stable=True`, which its CPU sort gives anyway)."""
    x = tensor_arg(input, "sort")
    axis = _dim(dim, x.ndim, "sort")
    descending, _ = flag("sort", "descending", descending), flag("sort", "stable", stable)
    if x.ndim == 0:
        return sort_result(pick_along(x, 0, _first(), False), type(x)._make(_first(), False))
    order = _order("sort", x.data, axis, descending)
    return sort_result(pick_along(x, axis, order, True), type(x)._make(order, False))


def argsort(input: Any, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """The indices that sort `dim` (int64), as sort(...).indices."""
    x = tensor_arg(input, "argsort")
    axis = _dim(dim, x.ndim, "argsort")
    descending, _ = flag("argsort", "descending", descending), flag("argsort", "stable", stable)
    if x.ndim == 0:
        return type(x)._make(_first(), False)
    return type(x)._make(_order("argsort", x.data, axis, descending), False)


def topk(input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The k largest (smallest) entries along `dim` and their indices, largest first; δ goes back to them.
    Always sorted; among equal entries the earlier index comes first."""
    x = tensor_arg(input, "topk")
    axis = _dim(dim, x.ndim, "topk")
    largest, _ = flag("topk", "largest", largest), flag("topk", "sorted", sorted)
    if x.dtype == bool:
        raise DtypeError(f"topk: does not support bool input (shape {x.shape}), as PyTorch; convert first")
    n = x.shape[axis] if x.ndim else 1
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise ArgumentTypeError(f"topk: argument 'k' must be int, not {type(k).__name__} ({k!r})")
    if not 0 <= k <= n:
        raise ShapeError(f"topk: k = {k!r} is out of range for dimension {dim} of size {n} (need 0 ≤ k ≤ {n})")
    if x.ndim == 0:
        return topk_result(pick_along(x, 0, _first(), False), type(x)._make(_first(), False))
    order = _top_order(x.data, axis, k, largest)
    return topk_result(pick_along(x, axis, order, True), type(x)._make(order, False))


__all__ = ["sort", "argsort", "topk", "sort_result", "topk_result"]
