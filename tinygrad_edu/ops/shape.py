"""Shape ops as PyTorch names them, each a composition of the movement primitives (indexing and its adjoints,
reshape, permute, broadcast, cat) and `where`, so every gradient follows from those rules: flip, roll,
repeat, expand, chunk, split, narrow, gather, scatter, scatter_add, index_select, masked_fill, tril/triu,
movedim, clone, casts, and `x[key] = v` (setitem / index_put)."""
from __future__ import annotations

import weakref
from typing import Any, Optional, Sequence, Union

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, is_grad_enabled
from ..errors import IndexRangeError, ShapeError
from .args import check_size, flag, integer, integers, number, tensor_arg
from .compare import DtypeError, Where
from .movement import (IndexAdd, IndexPut, _normalize_dim, _shape_args, _torch_key, broadcast_to, cat, getitem,
                       permute, reshape, transpose)

Dims = Union[int, Sequence[int]]


class Clone(Function):
    """A copy with its own memory (the graph sees the identity)."""

    rule_unicode = "y = x (a copy): δ_x = δ"
    rule_latex = r"\delta_x = \delta"

    def forward(ctx, x):
        return x.copy()

    def backward(ctx, g):
        return g


def _index(index: Any, op: str) -> np.ndarray:
    """The integer array behind an index tensor (int64 or int32, as PyTorch accepts)."""
    data = tensor_arg(index, op).data
    if data.dtype.kind not in "iu":
        raise DtypeError(f"{op}: expected an integer (int64) index tensor, got dtype {data.dtype}")
    return data


def _dim_list(dims: Any, ndim: int, op: str) -> list[int]:
    dims = list(integers(op, "dims", dims))
    out = [_normalize_dim(d, ndim, op) for d in dims]
    for d in out:
        if out.count(d) > 1:
            raise ShapeError(f"{op}: dim {d} appears multiple times in the list of dims {tuple(dims)}")
    return out


def clone(input: Any):
    """A copy of input that shares no memory with it (differentiable: δ passes unchanged)."""
    return Clone.apply(tensor_arg(input, "clone"))


def contiguous(input: Any, memory_format: Any = None):
    """input itself when its memory is in row-major order, else a row-major copy (δ passes unchanged), as PyTorch:
    the copy's stride() is contiguous and changing it leaves input."""
    x = tensor_arg(input, "contiguous")
    return x if x.data.flags.c_contiguous else Clone.apply(x)


def cast(input: Any, dtype: Any):
    """input converted to dtype; an integer or bool result leaves the graph, as in PyTorch."""
    x = tensor_arg(input, "cast")
    target = np.dtype(dtype)
    if target == x.dtype:
        return x
    return x.to(target) if target.kind in "fcO" else x.detach().to(target)


def flip(input: Any, dims: Dims):
    """input reversed along each of dims (a copy, as PyTorch): a negative-step slice, δ flipped back."""
    x = tensor_arg(input, "flip")
    chosen = _dim_list(dims, x.ndim, "flip")
    key = tuple(slice(None, None, -1) if d in chosen else slice(None) for d in range(x.ndim))
    return clone(getitem(x, key)) if chosen else clone(x)


def narrow(input: Any, dim: int, start: int, length: int):
    """input[..., start:start + length, ...] along dim (a view); start may count from the end."""
    x = tensor_arg(input, "narrow")
    if x.ndim == 0:
        raise IndexRangeError(f"narrow: cannot be applied to a 0-dim tensor (dimension {dim} is out of range for "
                              "a tensor with 0 dimensions)")
    d = _normalize_dim(dim, x.ndim, "narrow")
    n = x.shape[d]
    start, length = integer("narrow", "start", start), integer("narrow", "length", length)
    if not -n <= start <= n:
        raise IndexError(f"narrow: start {start} is out of range [-{n}, {n}] for dimension {d} of shape {x.shape}")
    start = start + n if start < 0 else start
    if length < 0 or start + length > n:
        raise ShapeError(f"narrow: start ({start}) + length ({length}) exceeds dimension size ({n}) of dimension "
                         f"{d} (shape {x.shape})")
    return getitem(x, (slice(None),) * d + (slice(start, start + length),))


def split(tensor: Any, split_size_or_sections: Union[int, Sequence[int]], dim: int = 0) -> tuple:
    """Pieces of split_size along dim (the last may be smaller), or pieces of the given sizes; views."""
    x = tensor_arg(tensor, "split")
    if x.ndim == 0:
        raise ShapeError("split: expects at least a 1-dimensional tensor, got a 0-d tensor")
    d = _normalize_dim(dim, x.ndim, "split")
    n = x.shape[d]
    sections = integers("split", "split_size_or_sections", split_size_or_sections)
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = sections[0]
        if size < 0 or (size == 0 and n != 0):
            raise ShapeError(f"split: split_size must be positive (0 only for an empty dimension), got {size} "
                             f"for dimension {d} of size {n}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if n else [0]
    else:
        sizes = list(sections)
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ShapeError(f"split: split sizes {sizes} must be non-negative and sum exactly to {n}, the size "
                             f"of dimension {d} (shape {x.shape})")
    starts = np.cumsum([0] + sizes[:-1])
    return tuple(narrow(x, d, int(s), k) for s, k in zip(starts, sizes))


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    """input in `chunks` pieces along dim of ⌈n/chunks⌉ entries each (possibly fewer pieces), as PyTorch."""
    x = tensor_arg(input, "chunk")
    if x.ndim == 0:
        raise ShapeError("chunk: expects at least a 1-dimensional tensor, got a 0-d tensor")
    if integer("chunk", "chunks", chunks) <= 0:
        raise ShapeError(f"chunk: chunks must be greater than 0, got {chunks}")
    d = _normalize_dim(dim, x.ndim, "chunk")
    n = x.shape[d]
    if n == 0:
        return tuple(narrow(x, d, 0, 0) for _ in range(int(chunks)))
    return split(x, -(-n // int(chunks)), d)


def roll(input: Any, shifts: Dims, dims: Optional[Dims] = None):
    """Entries shifted cyclically by shifts along dims (flattened first when dims is None): two slices cat'ed."""
    x = tensor_arg(input, "roll")
    shift_list = list(integers("roll", "shifts", shifts))
    if dims is None or x.ndim == 0:
        if len(shift_list) != 1:
            raise ShapeError(f"roll: without dims, shifts must be one number, got {tuple(shift_list)}")
        if x.ndim == 0 and dims is not None:
            raise IndexError(f"roll: dims {dims!r} given for a 0-d tensor, which has no dimensions")
        return reshape(roll(reshape(x, -1), shift_list[0], 0), x.shape)
    dim_list = list(integers("roll", "dims", dims))
    if len(shift_list) != len(dim_list):
        raise ShapeError(f"roll: shifts and dims must align, got {len(shift_list)} shifts and {len(dim_list)} dims")
    out = x
    for s, dim in zip(shift_list, dim_list):
        d = _normalize_dim(dim, x.ndim, "roll")
        n = x.shape[d]
        s = s % n if n else 0
        if s:
            out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d)
    return clone(out) if out is x else out


def expand(input: Any, *sizes: Any):
    """input broadcast to sizes (−1 keeps a dimension; new dimensions go in front), a read-only view."""
    x = tensor_arg(input, "expand")
    sizes = _shape_args(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the "
                         f"number of dimensions of the tensor of shape {x.shape}")
    target = []
    for i, s in enumerate(sizes):
        have = x.shape[i - lead] if i >= lead else None
        if s == -1:
            if have is None:
                raise ShapeError(f"expand: the size −1 is not allowed in a leading, new dimension {i} "
                                 f"(sizes {sizes}, tensor of shape {x.shape})")
            s = have
        if have is not None and have != 1 and have != s:
            raise ShapeError(f"expand: the expanded size ({s}) must match the existing size ({have}) at "
                             f"non-singleton dimension {i}; target sizes {sizes}, tensor of shape {x.shape}")
        if s < 0:
            raise ShapeError(f"expand: sizes must be non-negative or −1, got {sizes}")
        target.append(s)
    return broadcast_to(x, tuple(target))


def repeat(input: Any, *sizes: Any):
    """input tiled sizes[i] times along each dimension (a copy): reshape, broadcast, reshape; δ summed back."""
    x = tensor_arg(input, "repeat")
    reps = _shape_args(sizes)
    if len(reps) < x.ndim:
        raise ShapeError(f"repeat: the number of repeats ({len(reps)}) can not be smaller than the number of "
                         f"dimensions of the tensor of shape {x.shape}")
    if any(r < 0 for r in reps):
        raise ShapeError(f"repeat: repeats must be non-negative, got {reps}")
    shape = (1,) * (len(reps) - x.ndim) + x.shape
    paired = tuple(v for s in shape for v in (1, s))
    tiled = broadcast_to(reshape(x, paired), tuple(v for r, s in zip(reps, shape) for v in (r, s)))
    out = reshape(tiled, tuple(r * s for r, s in zip(reps, shape)))
    return clone(out) if all(r == 1 for r in reps) else out


def _along(index: np.ndarray, dim: int) -> tuple[np.ndarray, ...]:
    """The full integer key that reads input[..., index[i, j, k], ...] at dim for every position (i, j, k)."""
    key = []
    for d, n in enumerate(index.shape):
        if d == dim:
            key.append(index.astype(np.int64, copy=False))
        else:
            key.append(np.arange(n).reshape((1,) * d + (n,) + (1,) * (index.ndim - d - 1)))
    return tuple(key)


def _check_index(op: str, x_shape: tuple[int, ...], d: int, index: np.ndarray,
                 src_shape: Optional[tuple[int, ...]] = None) -> None:
    if index.ndim != len(x_shape) and not (index.ndim <= 1 and len(x_shape) <= 1):
        raise ShapeError(f"{op}: the index tensor must have the same number of dimensions as the input, got "
                         f"index {index.shape} and input {x_shape}")
    if src_shape is not None and len(src_shape) != index.ndim and index.size:
        raise ShapeError(f"{op}: the index tensor must have the same number of dimensions as src, got index "
                         f"{index.shape} and src {src_shape}")
    check_size(op, index.shape, np.int64)
    for k, n in enumerate(index.shape):
        if (k != d and n > x_shape[k]) or (src_shape is not None and n > src_shape[k]):
            other = f" and src {src_shape}" if src_shape is not None else ""
            raise ShapeError(f"{op}: index {index.shape} must be no larger than the input {x_shape} apart from "
                             f"dimension {d}{other} (dimension {k})")
    if index.size:
        low, high = int(index.min()), int(index.max())
        if low < 0 or high >= x_shape[d]:
            raise IndexRangeError(f"{op}: index {low if low < 0 else high} is out of bounds for dimension {d} "
                                  f"with size {x_shape[d]} (input {x_shape})")


def gather(input: Any, dim: int, index: Any):
    """out[i][j][k] = input[index[i][j][k]][j][k] (dim=0): one integer getitem, so δ scatter-adds back."""
    x = tensor_arg(input, "gather")
    idx = _index(index, "gather")
    if x.ndim == 0:
        return gather(reshape(x, 1), 0, idx.reshape(-1)).reshape(idx.shape)
    d = _normalize_dim(dim, x.ndim, "gather")
    _check_index("gather", x.shape, d, idx)
    return getitem(x, _along(idx, d))


def _scatter_parts(op: str, x, dim: int, index: Any, src: Any):
    idx = _index(index, op)
    d = _normalize_dim(dim, x.ndim, op)
    src_shape = src.shape if src is not None else None
    _check_index(op, x.shape, d, idx, src_shape)
    key = _along(idx, d)
    if src is not None and src.dtype != x.dtype:
        raise DtypeError(f"{op}: expected src of the input's dtype {x.dtype}, got {src.dtype}")
    part = None
    if src is not None:
        part = src if src.shape == idx.shape else getitem(src, tuple(slice(0, n) for n in idx.shape))
    return key, part


def scatter(input: Any, dim: int, index: Any, src: Any = None, value: Any = None):
    """A copy of input with src[i][j][k] written to out[index[i][j][k]][j][k] (dim=0), or `value` there.
    δ_input = δ with the written entries zeroed; δ_src = δ gathered at index (as PyTorch)."""
    x = tensor_arg(input, "scatter")
    if src is None and value is None:
        raise TypeError("scatter: give src (a tensor) or value (a number)")
    if src is not None and not isinstance(src, (np.ndarray, type(x))):
        src, value = None, src
    if src is None:
        number("scatter", "value", value)
    if x.ndim == 0:
        raise ShapeError("scatter: the input must have at least one dimension (got a 0-d tensor)")
    source = None if src is None else tensor_arg(src, "scatter")
    key, part = _scatter_parts("scatter", x, dim, index, source)
    written = np.zeros(x.shape, dtype=bool)
    written[key] = True
    mask = type(x)._make(written, False)
    if part is None:
        return Where.apply(mask, _scalar(value, x), x)
    return Where.apply(mask, IndexPut.apply(part, shape=x.shape, key=key), x)


def scatter_add(input: Any, dim: int, index: Any, src: Any):
    """input plus src[i][j][k] added at out[index[i][j][k]][j][k] (dim=0), repeats adding up;
    δ_input = δ, δ_src = δ gathered at index."""
    x = tensor_arg(input, "scatter_add")
    key, part = _scatter_parts("scatter_add", x, dim, index, tensor_arg(src, "scatter_add"))
    return x + IndexAdd.apply(part, shape=x.shape, key=key)


def index_select(input: Any, dim: int, index: Any):
    """The entries at index (a vector) along dim, in that order, repeats allowed; δ scatter-adds back."""
    x = tensor_arg(input, "index_select")
    idx = _index(index, "index_select")
    if idx.ndim > 1:
        raise IndexError(f"index_select: the index must be a vector (or a scalar), got shape {idx.shape}")
    d = _normalize_dim(dim, x.ndim, "index_select")
    n = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise IndexRangeError(f"index_select: index {bad} is out of range for dimension {d} with size {n} "
                         f"(input {x.shape})")
    if x.ndim == 0:
        if idx.size != 1:
            raise ShapeError(f"index_select: index to a 0-dimensional input can have only 1 value, got {idx.size} "
                             "value(s) (as PyTorch)")
        return reshape(getitem(reshape(x, 1), idx.reshape(-1).astype(np.int64)), ())  # 0-d, as PyTorch
    return getitem(x, (slice(None),) * d + (idx.reshape(-1).astype(np.int64),))


def _scalar(value: Any, like):
    """A fill value as a 0-d tensor of `like`'s dtype (a 0-d Tensor passes, keeping its gradient)."""
    from ..tensor import Tensor

    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill: the value must be a number or a 0-dimensional tensor, got shape "
                             f"{value.shape}")
        return value if like.dtype in (value.dtype, object) else value.to(like.dtype)
    data = backend.scalar_like(value, like.data)
    return Tensor._make(data if like.dtype == object else data.astype(like.dtype), False)


def masked_fill(input: Any, mask: Any, value: Any):
    """value where mask (bool, broadcast) holds, else input: a `where`, so ±∞ in replaced entries stay out."""
    x = tensor_arg(input, "masked_fill")
    m = tensor_arg(mask, "masked_fill")
    if m.dtype != bool:
        raise DtypeError(f"masked_fill: only boolean masks are supported, got a mask of dtype {m.dtype}")
    if not isinstance(value, type(x)):
        number("masked_fill", "value", value)
    try:
        if np.broadcast_shapes(m.shape, x.shape) != x.shape:
            raise ValueError
    except ValueError:
        raise ShapeError(f"masked_fill: the mask of shape {m.shape} must broadcast to the input's shape "
                         f"{x.shape}") from None
    return Where.apply(m, _scalar(value, x), x)


def _triangle(op: str, input: Any, diagonal: int, lower: bool):
    x = tensor_arg(input, op)
    if x.ndim < 2:
        raise ShapeError(f"{op}: the input must have at least 2 dimensions, got shape {x.shape}")
    h, w = x.shape[-2:]
    diagonal = integer(op, "diagonal", diagonal)
    keep = np.tri(h, w, diagonal, dtype=bool)
    if not lower:
        keep = ~np.tri(h, w, diagonal - 1, dtype=bool)
    return Where.apply(type(x)._make(keep, False), x, _scalar(0, x))


def tril(input: Any, diagonal: int = 0):
    """The lower triangle (entries with j − i ≤ diagonal) of the last two dimensions, zeros above."""
    return _triangle("tril", input, diagonal, True)


def triu(input: Any, diagonal: int = 0):
    """The upper triangle (entries with j − i ≥ diagonal) of the last two dimensions, zeros below."""
    return _triangle("triu", input, diagonal, False)


def movedim(input: Any, source: Dims, destination: Dims):
    """input with dimensions source moved to positions destination, the others keeping their order."""
    x = tensor_arg(input, "movedim")
    src = _dim_list(source, x.ndim, "movedim")
    dst = _dim_list(destination, x.ndim, "movedim")
    if len(src) != len(dst):
        raise ShapeError(f"movedim: source {tuple(src)} and destination {tuple(dst)} must have the same number "
                         "of elements")
    order: list[Optional[int]] = [None] * x.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(x.ndim) if d not in src)
    return permute(x, *[o if o is not None else next(rest) for o in order])


def swapaxes(input: Any, axis0: int, axis1: int):
    """transpose(input, axis0, axis1) under NumPy's name."""
    return transpose(tensor_arg(input, "swapaxes"), axis0, axis1)


def swapdims(input: Any, dim0: int, dim1: int):
    """transpose(input, dim0, dim1) under PyTorch's other name (its arguments named as transpose's)."""
    return transpose(tensor_arg(input, "swapdims"), dim0, dim1)


def t(input: Any):
    """The transpose of a matrix; vectors and scalars come back as they are."""
    x = tensor_arg(input, "t")
    if x.ndim > 2:
        raise ShapeError(f"t: expects a tensor with <= 2 dimensions, got shape {x.shape}; use transpose(d0, d1)")
    return transpose(x, 0, 1) if x.ndim == 2 else x


def index_put(input: Any, indices: Any, values: Any, accumulate: bool = False):
    """A copy of input with input[indices] = values (broadcast), or += with accumulate (repeats add).
    The differentiable form of `x[key] = v`: δ_input is δ with the written entries zeroed (kept with
    accumulate), δ_values is δ read at the written entries (summed over broadcasting)."""
    from ..tensor import Tensor

    x = tensor_arg(input, "index_put")
    flag("index_put", "accumulate", accumulate)
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put: indices must be a tuple of index tensors, got {type(indices).__name__}")
    if not isinstance(values, (Tensor, np.ndarray)):
        raise TypeError(f"index_put: values must be a tensor, got {type(values).__name__}")
    v = values if isinstance(values, Tensor) else Tensor(values)
    if x.dtype != object and v.dtype != object and v.dtype != x.dtype:
        raise DtypeError(f"index_put: values must have the input's dtype {x.dtype}, got {v.dtype}")
    try:
        return _put(x, tuple(indices), v, accumulate, strict=True)
    except IndexError as err:
        raise IndexRangeError(f"index_put: {str(err).removeprefix('getitem: ')}") from None


def _put(x, indices: Any, values: Any, accumulate: bool, strict: bool = False):
    """index_put's work; `x[key] = v` (setitem) comes here directly with any key and a number or tensor, and
    may drop leading size-1 dimensions of the value (index_put, `strict`, may not, as PyTorch's)."""
    from ..tensor import Tensor

    v = values if isinstance(values, Tensor) else Tensor(np.asarray(values, dtype=x.dtype)
                                                           if x.dtype != object else values)
    pre, post = _torch_key(indices, x.shape)
    written = np.zeros(x.shape, dtype=bool)
    target = written if pre is None else written[pre]
    selected = target[post].shape
    try:
        full = np.broadcast_shapes(v.shape, selected)
        extra = len(full) - len(selected)
        fits = full[extra:] == selected and all(s == 1 for s in full[:extra]) and not (strict and extra)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"index_put: values of shape {v.shape} cannot be broadcast to the indexed shape {selected} "
                         f"(tensor of shape {x.shape})")
    if x.dtype != object and v.dtype != x.dtype:
        v = v.to(x.dtype)
    while v.ndim > len(selected) and v.shape[0] == 1:
        v = reshape(v, v.shape[1:])
    v = broadcast_to(v, selected)
    if accumulate:
        return x + IndexAdd.apply(v, shape=x.shape, key=post, pre=pre)
    target[post] = True
    return Where.apply(type(x)._make(written, False), IndexPut.apply(v, shape=x.shape, key=post, pre=pre), x)


def setitem(x, key: Any, value: Any) -> None:
    """`x[key] = value` in place, with PyTorch's index rules. Outside the graph (no_grad, or nothing requires
    grad) the entries are written directly; otherwise x takes the place of index_put(x, key, value) in the
    graph. A leaf that requires grad refuses outside no_grad, as in PyTorch."""
    from ..tensor import Tensor

    value_grad = isinstance(value, Tensor) and value.requires_grad
    if is_grad_enabled() and x.requires_grad:
        x._inplace("setitem", lambda before: _put(before, key, value, False))
        return
    if is_grad_enabled() and value_grad:
        result = _put(x.detach(), key, value, False)
        x.data, x._ctx, x.requires_grad = result.data, result._ctx, True
        x._ctx._output = weakref.ref(x)
        x._bump_version()
        return
    pre, post = _torch_key(key, x.shape)
    if not x.data.flags.writeable:
        raise RuntimeError(f"setitem: the tensor of shape {x.shape} is an expanded view (several entries share one "
                           "memory location); clone() it before assigning")
    target = x.data if pre is None else x.data[pre]
    data = value.data if isinstance(value, Tensor) else np.asarray(value)
    if x.dtype == object and data.dtype != object:
        data = np.vectorize(sympy.sympify, otypes=[object])(data) if data.size else data.astype(object)
    try:
        target[post] = data
    except ValueError:
        raise ShapeError(f"setitem: a value of shape {data.shape} cannot be broadcast to the indexed entries of "
                         f"shape {target[post].shape} (tensor of shape {x.shape})") from None
    except TypeError as err:
        raise TypeError(f"setitem: cannot store values of dtype {data.dtype} in a tensor of dtype {x.dtype} "
                        f"({err})") from None
    x._bump_version()
