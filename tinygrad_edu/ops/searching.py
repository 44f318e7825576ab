"""Searching sorted sequences and sets under PyTorch's names: searchsorted, bucketize (insertion positions, int64
or int32) and isin (membership, bool). Their results are indices and masks, so no gradient flows; a NaN value goes
after every number, and an unsorted sequence gives what PyTorch's binary search gives (the same search)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ShapeError
from .args import check_size, check_view, flag
from .compare import DtypeError


def _operand(op: str, name: str, x: Any, scalar_ok: bool) -> np.ndarray:
    """A Tensor's or NumPy array's values (a Python number where PyTorch takes a Scalar)."""
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        values = x.data
    elif isinstance(x, (np.ndarray, np.generic)):
        values = np.asarray(x)
    elif scalar_ok and isinstance(x, (bool, int, float)):
        values = np.asarray(x)
    else:
        kind = "a Tensor or a number" if scalar_ok else "a Tensor"
        raise TypeError(f"{op}: argument '{name}' must be {kind}, not {type(x).__name__}")
    check_view(op, values)
    if values.dtype == object:
        raise DtypeError(f"{op}: symbolic (SymPy) values have no order to search; use numbers")
    if values.dtype.kind == "c":
        raise DtypeError(f"{op}: complex values have no order, got {values.dtype}")
    return values


def _positions(seq: np.ndarray, values: np.ndarray, right: bool) -> np.ndarray:
    """For each value, PyTorch's binary search in its row of seq: the first position whose entry is ≥ the value
    (> with right), taking a step right wherever that test fails (so a NaN value goes to the end, and unsorted or
    NaN sequences give PyTorch's positions). All values are searched at once, one halving per step."""
    n = seq.shape[-1]
    rows = seq.reshape(-1, n)
    vals = values.reshape(rows.shape[0] if seq.ndim > 1 else 1, -1)
    lo = np.zeros(vals.shape, np.int64)
    hi = np.full(vals.shape, n, np.int64)
    row = np.arange(vals.shape[0])[:, None]
    with np.errstate(invalid="ignore"):
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = lo + ((hi - lo) >> 1)
            entry = rows[row, np.minimum(mid, n - 1)]
            step_right = ~(entry > vals) if right else ~(entry >= vals)
            lo = np.where(active & step_right, mid + 1, lo)
            hi = np.where(active & ~step_right, mid, hi)
    return lo.reshape(values.shape)


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: Optional[str] = None, out: Optional[Any] = None, sorter: Optional[Any] = None) -> Any:
    """Where each value would be inserted in the (innermost, sorted) sequence to keep it sorted: the first such
    position, or the last with right=True / side='right'. N-D sequences search row by row."""
    from ..tensor import Tensor

    op = "searchsorted"
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")
    seq = _operand(op, "sorted_sequence", sorted_sequence, False)
    values = _operand(op, "input", input, True)
    out_int32, right = flag(op, "out_int32", out_int32), flag(op, "right", right)
    if side is not None:
        if side not in ("left", "right"):
            raise ShapeError(f"{op}: side can only be 'left' or 'right' but got {side!r}")
        if right and side == "left":
            raise ShapeError(f"{op}: side and right can't be set to opposites, got side of left while right was "
                             "True")
        right = side == "right"
    if seq.ndim == 0:
        raise ShapeError(f"{op}: boundaries tensor should have positive dimension, but got 0 dimension")
    if seq.ndim > 1 and (values.ndim == 0 or seq.shape[:-1] != values.shape[:-1]):
        raise ShapeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
                         f"tensor and input value tensor must match, but we got boundaries tensor {seq.shape} and "
                         f"input value tensor {values.shape}")
    if sorter is not None:
        order = _operand(op, "sorter", sorter, False)
        if order.dtype.kind not in "iu":
            raise DtypeError(f"{op}: sorter must be a tensor of long dtype but got {order.dtype}")
        if order.shape != seq.shape:
            raise ShapeError(f"{op}: boundary and sorter must have the same size, but got boundary tensor "
                             f"{seq.shape} and sorter tensor {order.shape}")
        if order.size and (order.min() < 0 or order.max() >= seq.shape[-1]):
            raise IndexError(f"{op}: sorter index out of range (values must be in [0, {seq.shape[-1]}), got "
                             f"{int(order.min())} … {int(order.max())})")
        seq = np.take_along_axis(seq, order.astype(np.int64), axis=-1)
    check_size(op, values.shape, np.int64)
    found = _positions(seq, values, right) if seq.shape[-1] and values.size else np.zeros(values.shape, np.int64)
    return Tensor(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False,
              out: Optional[Any] = None) -> Any:
    """The bucket of each value between sorted 1-D boundaries: i with b[i−1] < x ≤ b[i] (b[i−1] ≤ x < b[i] when
    right=True), as searchsorted(boundaries, input)."""
    op = "bucketize"
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")
    bounds = _operand(op, "boundaries", boundaries, False)
    if bounds.ndim != 1:
        raise ShapeError(f"{op}: boundaries tensor must be 1 dimension, but got dim({bounds.ndim}) (shape "
                         f"{bounds.shape})")
    values = _operand(op, "input", input, True)
    out_int32, right = flag(op, "out_int32", out_int32), flag(op, "right", right)
    from ..tensor import Tensor

    check_size(op, values.shape, np.int64)
    found = _positions(bounds, values, right) if bounds.size and values.size else np.zeros(values.shape, np.int64)
    return Tensor(found.astype(np.int32 if out_int32 else np.int64))


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Any:
    """A bool mask of elements' shape: True where the entry equals some test element (False with invert)."""
    from ..tensor import Tensor

    op = "isin"
    a = _operand(op, "elements", elements, True)
    b = _operand(op, "test_elements", test_elements, True)
    if not isinstance(elements, (Tensor, np.ndarray)) and not isinstance(test_elements, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: at least one of elements and test_elements must be a Tensor")
    assume_unique, invert = flag(op, "assume_unique", assume_unique), flag(op, "invert", invert)
    if a.dtype == bool or b.dtype == bool:
        raise DtypeError(f"{op}: Unsupported input type encountered for isin(): Bool (elements {a.dtype}, "
                         f"test_elements {b.dtype})")
    check_size(op, (a.size + b.size,), np.int64)  # NumPy sorts both together
    return Tensor(np.isin(a, b, invert=invert).reshape(a.shape))


__all__ = ["searchsorted", "bucketize", "isin"]
