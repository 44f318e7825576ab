"""Grids and index sets under PyTorch's names: meshgrid, cartesian_prod, combinations, broadcast_tensors and
broadcast_shapes (differentiable: reshapes, broadcasts and gathers, so δ sums back over the copies), and the index
tensors tril_indices, triu_indices and unravel_index (int64, no gradient)."""
from __future__ import annotations

import itertools
import math
from typing import Any, Optional

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from .args import check_size, flag, integer, tensor_arg
from .movement import Cat, broadcast_to


def _varargs(tensors: tuple) -> list:
    """*tensors, or one list/tuple of them (torch.meshgrid([a, b]) as torch.meshgrid(a, b))."""
    return list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else list(tensors)


def broadcast_shapes(*shapes: Any) -> tuple:
    """The shape that tensors of these shapes broadcast to (an int counts as a 1-D shape), as a tuple."""
    op = "broadcast_shapes"
    tuples = []
    for s in shapes:
        if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)):
            tuples.append((int(s),))
        elif isinstance(s, (tuple, list)) and all(isinstance(n, (int, np.integer)) for n in s):
            tuples.append(tuple(int(n) for n in s))
        else:  # PyTorch's RuntimeError, and a TypeError: a wrong type
            raise ArgumentTypeError(f"{op}: expected shapes (tuples of ints or ints), got {type(s).__name__} ({s!r})")
    for s in tuples:
        if any(n < 0 for n in s):
            raise ShapeError(f"{op}: Trying to create tensor with negative dimension in shape {s}")
    try:
        return tuple(int(n) for n in np.broadcast_shapes(*tuples))
    except ValueError:
        raise ShapeError(f"{op}: shapes {tuples} cannot be broadcast to one shape (sizes must match or be 1 in "
                         f"every dimension, counted from the right)") from None


def broadcast_tensors(*tensors: Any) -> tuple:
    """Each tensor expanded to the common broadcast shape; δ of each is δ summed over its broadcast copies."""
    op = "broadcast_tensors"
    if not tensors:
        return ()
    ts = [tensor_arg(t, op) for t in tensors]  # each keeps its dtype, as PyTorch
    try:
        shape = tuple(np.broadcast_shapes(*(t.shape for t in ts)))
    except ValueError:
        raise ShapeError(f"{op}: shapes {[t.shape for t in ts]} cannot be broadcast to one shape (sizes must match "
                         f"or be 1 in every dimension, counted from the right)") from None
    return tuple(t if t.shape == shape else broadcast_to(t, shape) for t in ts)


def meshgrid(*tensors: Any, indexing: Optional[str] = None) -> tuple:
    """Coordinate grids of 0-D/1-D inputs: output k varies along axis k ('ij', the default) or with the first two
    axes swapped ('xy', NumPy's Cartesian convention)."""
    op = "meshgrid"
    items = _varargs(tensors)
    if not items:
        raise ShapeError(f"{op}: expects a non-empty TensorList")
    if indexing is None:
        indexing = "ij"
    if not isinstance(indexing, str):
        raise TypeError(f"{op}: argument 'indexing' must be str, not {type(indexing).__name__} ({indexing!r})")
    if indexing not in ("ij", "xy"):
        raise ShapeError(f"{op}: indexing must be one of \"xy\" or \"ij\", but received: {indexing!r}")
    ts = [tensor_arg(t, op) for t in items]
    for k, t in enumerate(ts):
        if t.ndim > 1:
            raise ShapeError(f"{op}: Expected 0D or 1D tensor in the tensor list but got tensor {k} of shape "
                             f"{t.shape}")
    if len({t.dtype for t in ts}) > 1:
        raise ShapeError(f"{op}: expects all tensors to have the same dtype, got {[str(t.dtype) for t in ts]}")
    sizes = [t.numel() for t in ts]
    order = list(range(len(ts)))
    if indexing == "xy" and len(ts) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(sizes[k] for k in order)
    grids = []
    for k, t in enumerate(ts):
        axis = order.index(k)
        view = [1] * len(ts)
        view[axis] = sizes[k]
        grids.append(broadcast_to(t.reshape(*view), shape))
    return tuple(grids)


def cartesian_prod(*tensors: Any) -> Any:
    """Every tuple (a_i, b_j, …) of the 1-D inputs' entries, in row-major order, as rows of a (Π n_k, k) tensor
    (one input: that vector itself)."""
    op = "cartesian_prod"
    ts = [tensor_arg(t, op) for t in tensors]
    if not ts:
        raise ShapeError(f"{op}: expects a non-empty TensorList")
    for k, t in enumerate(ts):
        if t.ndim != 1:
            raise ShapeError(f"{op}: Expect a 1D vector, but got shape {t.shape} for input {k}")
    if len({t.dtype for t in ts}) > 1:
        raise ShapeError(f"{op}: expects all tensors to have the same dtype, got {[str(t.dtype) for t in ts]}")
    if len(ts) == 1:
        return ts[0].reshape(-1)
    grids = meshgrid(*ts, indexing="ij")
    return Cat.apply(*(g.reshape(-1, 1) for g in grids), dim=1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Any:
    """The r-length combinations of a 1-D tensor's entries (as itertools.combinations, or with replacement), as
    rows of a (C, r) tensor gathered from the input, so δ of an entry sums over the rows that hold it."""
    op = "combinations"
    x = tensor_arg(input, op)
    r = integer(op, "r", r)
    flag(op, "with_replacement", with_replacement)
    if x.ndim != 1:
        raise ShapeError(f"{op}: Expect a 1D vector, but got shape {x.shape}")
    if r < 0:
        raise ShapeError(f"{op}: Expect a non-negative number, but got {r}")
    if r == 0:
        return x[np.zeros(0, np.int64)]
    n = x.shape[0]
    count = math.comb(n + r - 1, r) if with_replacement else math.comb(n, r)
    if count == 0:  # r > n: no combinations (itertools would hold r indices first)
        return x[np.zeros((0, r), np.int64)]
    check_size(op, (count, r), np.int64)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.fromiter(itertools.chain.from_iterable(pick(range(x.shape[0]), r)), np.int64).reshape(-1, r)
    return x[index]


def _triangle_indices(op: str, row: Any, col: Any, offset: Any, dtype: Any, lower: bool) -> Any:
    from ..tensor import Tensor
    from .args import dtype as dtype_arg

    row, col, offset = (integer(op, n, v) for n, v in (("row", row), ("col", col), ("offset", offset)))
    dt = dtype_arg(op, dtype) or np.dtype(np.int64)
    if dt.kind not in "iu":
        raise ShapeError(f"{op}: dtype must be an integer dtype (the entries are indices), got {dt}")
    for name, n in (("row", row), ("col", col)):
        if n < 0:
            raise ShapeError(f"{op}: {name} must be non-negative, got {n}")
    check_size(op, (2, row, col), dt)  # NumPy builds a row × col mask first
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return Tensor(np.stack([rows, cols]).astype(dt).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Any:
    """The (2, K) int64 coordinates of the lower triangle (j ≤ i + offset) of a row × col matrix, row by row."""
    from ..device import check_device

    check_device("tril_indices", device)
    return _triangle_indices("tril_indices", row, col, offset, dtype, True)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Any:
    """The (2, K) int64 coordinates of the upper triangle (j ≥ i + offset) of a row × col matrix, row by row."""
    from ..device import check_device

    check_device("triu_indices", device)
    return _triangle_indices("triu_indices", row, col, offset, dtype, False)


def unravel_index(indices: Any, shape: Any) -> tuple:
    """Flat (row-major) indices as a tuple of coordinate tensors, one per dimension of shape; as PyTorch, an index
    outside the shape wraps around (floor division and modulo), with no error."""
    from ..tensor import Tensor
    from .args import integers

    op = "unravel_index"
    idx = tensor_arg(indices, op)
    if idx.dtype.kind not in "iu" or idx.dtype == bool:
        raise TypeError(f"{op}: expected 'indices' to be integer dtype, but got {idx.dtype}")
    if not isinstance(shape, (int, np.integer, tuple, list)) or isinstance(shape, (bool, np.bool_)):
        raise TypeError(f"{op}: argument 'shape' must be an int or a sequence of ints, not {type(shape).__name__}")
    dims = integers(op, "shape", shape)
    if any(n < 0 for n in dims):
        raise ShapeError(f"{op}: 'shape' cannot have negative values, but got {dims}")
    if 0 in dims and idx.numel():
        raise ShapeError(f"{op}: 'shape' cannot have a zero entry when indices are given, got {dims}")
    flat = idx.data.astype(np.int64)
    out, stride = [], 1
    for n in reversed(dims):
        out.append(np.floor_divide(flat, stride) % max(n, 1))
        stride *= n
    return tuple(Tensor(c) for c in reversed(out))


__all__ = ["broadcast_shapes", "broadcast_tensors", "meshgrid", "cartesian_prod", "combinations", "tril_indices",
           "triu_indices", "unravel_index"]
