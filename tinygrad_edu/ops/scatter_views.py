"""The out-of-place writes into a view (torch.select_scatter, slice_scatter, diagonal_scatter), masked_scatter, put
and index_reduce: each a copy of input with src written at the positions the view (or mask, or index) names. One
composition serves them: the flat positions of the view's entries, then index_put (δ_input = δ with those entries
zeroed, δ_src = δ read at them)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import DtypeError, IndexRangeError, ShapeError
from ..tensor_utility import named
from .args import flag, integer, tensor_arg


def _tensor():
    from ..tensor import Tensor

    return Tensor


def _dim(op: str, x: Any, dim: Any) -> int:
    n = max(x.ndim, 1)
    d = integer(op, "dim", dim)
    if not -n <= d < n:
        raise IndexRangeError(f"{op}: dim {d} is out of range for a tensor of {x.ndim} dimensions "
                              f"(expected in [{-n}, {n - 1}])")
    return d % n


def _written_at(op: str, x: Any, src: Any, positions: np.ndarray, what: str):
    """x with src's entries written at the flat `positions` (of src's shape); src cast to x's dtype."""
    from . import index_put, reshape

    if src.requires_grad and x.dtype.kind not in "fcO":
        raise DtypeError(f"{op}: src requires grad but the result has dtype {x.dtype}, which carries no gradient "
                         "(PyTorch: autograd does not support that dtype); detach src or cast input to float")
    if src.shape != positions.shape:
        raise ShapeError(f"{op}: expected src to have a size equal to the {what} of self: src size {src.shape}, "
                         f"{what} size {positions.shape}")
    flat = reshape(x, -1)
    index = _tensor()(positions.reshape(-1).astype(np.int64))
    return reshape(index_put(flat, (index,), reshape(src.to(x.dtype), -1)), x.shape)


def _same_dtype(op: str, x: Any, source: Any) -> None:
    if x.dtype != source.dtype and object not in (x.dtype, source.dtype):
        raise DtypeError(f"{op}: expected self and source to have the same dtype, got {x.dtype} and {source.dtype}")


def _places(x: Any) -> np.ndarray:
    return np.arange(x.numel(), dtype=np.int64).reshape(x.shape)


def select_scatter(input: Any, src: Any, dim: int, index: int):
    """A copy of input with input.select(dim, index) replaced by src."""
    x, s = tensor_arg(input, "select_scatter"), tensor_arg(src, "select_scatter")
    d = _dim("select_scatter", x, dim)
    i = integer("select_scatter", "index", index)
    n = x.shape[d] if x.ndim else 1
    if not -n <= i < n:
        raise IndexRangeError(f"select_scatter: index {i} is out of range for dimension {d} with size {n}")
    return _written_at("select_scatter", x, s, _places(x)[(slice(None),) * d + (i,)], "selected slice")


def slice_scatter(input: Any, src: Any, dim: int = 0, start: Optional[int] = None, end: Optional[int] = None,
                  step: int = 1):
    """A copy of input with input[..., start:end:step, ...] (along dim) replaced by src."""
    x, s = tensor_arg(input, "slice_scatter"), tensor_arg(src, "slice_scatter")
    d = _dim("slice_scatter", x, dim)
    if integer("slice_scatter", "step", step) <= 0:
        raise ShapeError(f"slice_scatter: slice step must be positive, got {step}")
    return _written_at("slice_scatter", x, s, _places(x)[(slice(None),) * d + (slice(start, end, step),)], "slice")


def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """A copy of input with input.diagonal(offset, dim1, dim2) replaced by src."""
    x, s = tensor_arg(input, "diagonal_scatter"), tensor_arg(src, "diagonal_scatter")
    if x.ndim < 2:
        raise ShapeError(f"diagonal_scatter: input must have at least 2 dimensions, got shape {x.shape}")
    d1, d2 = _dim("diagonal_scatter", x, dim1), _dim("diagonal_scatter", x, dim2)
    if d1 == d2:
        raise ShapeError(f"diagonal_scatter: diagonal dimensions cannot be identical ({dim1}, {dim2})")
    k = integer("diagonal_scatter", "offset", offset)
    k = max(-x.shape[d1], min(k, x.shape[d2]))  # beyond the matrix the diagonal is empty (NumPy would overflow)
    places = np.diagonal(_places(x), k, d1, d2)
    return _written_at("diagonal_scatter", x, s, places, "diagonal")


def masked_scatter(input: Any, mask: Any, source: Any):
    """A copy of input with source's first k entries (C order) written where mask is True, k the number of True
    entries; input and mask broadcast together (the in-place form keeps self's shape)."""
    x, s = tensor_arg(input, "masked_scatter"), tensor_arg(source, "masked_scatter")
    m = tensor_arg(mask, "masked_scatter")
    if m.dtype != np.bool_:
        raise DtypeError(f"masked_scatter: only boolean masks are supported, got mask of dtype {m.dtype}")
    try:
        shape = np.broadcast_shapes(x.shape, m.shape)
    except ValueError:
        raise ShapeError(f"masked_scatter: mask of shape {m.shape} and input of shape {x.shape} do not "
                         "broadcast") from None
    x, chosen = (x if x.shape == shape else x.expand(*shape)), np.broadcast_to(m.data, shape)
    places = _places(x)[chosen]
    _same_dtype("masked_scatter", x, s)
    if s.numel() < places.size:
        raise ShapeError(f"masked_scatter: number of elements of source ({s.numel()}) < number of ones in mask "
                         f"({places.size})")
    return _written_at("masked_scatter", x, s.reshape(-1)[:places.size], places, "masked part")


def put(input: Any, index: Any, source: Any, accumulate: bool = False):
    """A copy of input with source's entries written (or added, with accumulate) at the flat indices `index`
    (input seen as 1-D, negative indices from the end)."""
    from . import index_put, reshape

    x, s = tensor_arg(input, "put"), tensor_arg(source, "put")
    idx = tensor_arg(index, "put")
    if idx.dtype != np.int64:
        raise DtypeError(f"put: expected an int64 index tensor, got dtype {idx.dtype}")
    _same_dtype("put", x, s)
    accumulate = flag("put", "accumulate", accumulate)
    if idx.numel() != s.numel():
        raise IndexRangeError(f"put: expected source (numel {s.numel()}) and index (numel {idx.numel()}) to have the "
                         "same number of elements")
    n = x.numel()
    flat_index = idx.data.reshape(-1)
    if flat_index.size and (flat_index.min() < -n or flat_index.max() >= n):
        bad = int(flat_index.min()) if flat_index.min() < -n else int(flat_index.max())
        raise IndexRangeError(f"put: index {bad} is out of range for a tensor of {n} elements")
    written = index_put(reshape(x, -1), (_tensor()(flat_index % max(n, 1)),), reshape(s.to(x.dtype), -1),
                        accumulate)
    return reshape(written, x.shape)


def index_reduce(input: Any, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True):
    """source's slices reduced ('prod', 'mean', 'amax', 'amin') into input at `index` along dim: scatter_reduce
    with index repeated across source's other dimensions (its gradients)."""
    from ..tensor_inplace import scatter_reduce

    x, s = tensor_arg(input, "index_reduce"), tensor_arg(source, "index_reduce")
    if not isinstance(reduce, str):
        raise TypeError(f"index_reduce: argument 'reduce' must be str, not {type(reduce).__name__}")
    include_self = flag("index_reduce", "include_self", include_self)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise ShapeError(f"index_reduce: reduce argument must be one of prod, mean, amax, amin, got {reduce!r}")
    d = _dim("index_reduce", x, dim)
    idx = tensor_arg(index, "index_reduce")
    if idx.ndim > 1 or idx.dtype.kind not in "iu":
        raise IndexRangeError(f"index_reduce: index must be a 1-D integer tensor, got shape {idx.shape} of "
                              f"dtype {idx.dtype}")
    if s.ndim != x.ndim or s.shape[d] != idx.numel() or any(
            a != b for k, (a, b) in enumerate(zip(s.shape, x.shape)) if k != d):
        raise ShapeError(f"index_reduce: source of shape {s.shape} should have input's shape {x.shape} with "
                         f"{idx.numel()} entries along dim {d}")
    _same_dtype("index_reduce", x, s)
    spread = np.broadcast_to(idx.data.reshape((-1,) + (1,) * (x.ndim - d - 1)), s.shape).astype(np.int64)
    return scatter_reduce(x, d, _tensor()(np.ascontiguousarray(spread)), s, reduce, include_self=include_self)


def fill_diagonal_(self: Any, fill_value: Any, wrap: bool = False) -> Any:
    """In place: the main diagonal (all indices equal) set to fill_value; a tall matrix restarts the diagonal
    below it every columns+1 rows with wrap (NumPy's fill_diagonal, as PyTorch). Returns self."""
    from . import masked_fill

    if self.ndim < 2:
        raise ShapeError(f"fill_diagonal_: dimensions must larger than 1, got shape {self.shape}")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise ShapeError(f"fill_diagonal_: all dimensions of input must be of equal length, got {self.shape}")
    chosen = np.zeros(self.shape, dtype=bool)
    np.fill_diagonal(chosen, True, wrap=bool(wrap))
    return self._inplace("fill_diagonal_", lambda t: masked_fill(t, chosen, fill_value))


PUBLIC = ("select_scatter", "slice_scatter", "diagonal_scatter", "masked_scatter", "put", "index_reduce")
for _name in PUBLIC:  # errors name the function called (not index_put or scatter_reduce inside)
    globals()[_name] = named(globals()[_name])
