"""PyTorch's utility Tensor methods (new_*, type, stride, tile, unbind, tensor_split, unfold, unique, ...), as
compositions of the differentiable ops; index and count results are plain int64 Tensors. Tensor binds them as
methods (the "utility methods" block of tensor.py); `tg.<name>` function forms live here too."""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional, Sequence

import numpy as np

from . import tensor as _tensor
from .errors import DtypeError, IndexRangeError, ShapeError

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
               "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
               "bool": "BoolTensor", "object": "SymbolicTensor"}
_TYPE_DTYPES = {f"torch.{v}": np.dtype(k) for k, v in _TYPE_NAMES.items()}


def _T():
    return _tensor.Tensor


# the argument checks of ops/args.py, imported on call: tensor.py imports this module before ops can be imported
def integer(op: str, name: str, value: Any) -> int:
    from .ops.args import integer as check

    return check(op, name, value)


def integers(op: str, name: str, value: Any) -> tuple[int, ...]:
    from .ops.args import integers as check

    return check(op, name, value)


def tensor_arg(x: Any, op: str) -> Any:
    from .ops.args import tensor_arg as check

    return check(x, op)


def _ops():
    return _tensor.ops


def _sizes(size: tuple, op: str) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return integers(op, "size", list(size))


def _dim(self, dim: int, op: str) -> int:
    n = max(self.ndim, 1)
    d = integer(op, "dim", dim)
    if not -n <= d < n:
        raise IndexRangeError(f"{op}: dim {d} is out of range for a tensor of {self.ndim} dimensions "
                              f"(expected in [{-n}, {n - 1}])")
    return d % n


def named(fn: Callable) -> Callable:
    """fn with every error naming it: an inner op's message gets fn's name in front, NumPy's ValueError becomes
    ShapeError, a bare IndexError IndexRangeError and a MemoryError AllocationError (the classes PyTorch code
    catches stay catchable)."""
    from .memory import AllocationError

    op = fn.__name__

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError, IndexError, MemoryError, RuntimeError) as err:
            message = str(err)
            if message.startswith(f"{op}:"):
                raise
            kind = err.__class__  # (`type` is Tensor.type in this module)
            if kind.__module__ != __name__.rsplit(".", 1)[0] + ".errors":
                kind = (AllocationError if isinstance(err, MemoryError) else
                        IndexRangeError if isinstance(err, IndexError) else
                        ShapeError if isinstance(err, ValueError) else kind)
                if kind is err.__class__ and kind.__module__ != "builtins":
                    kind = RuntimeError
            raise kind(f"{op}: {message or kind.__name__}") from None
    return checked


def _index_array(index: Any, op: str, long: bool = False, error: type = DtypeError) -> np.ndarray:
    """The integers of an index tensor (or ndarray; int64 only if `long`, as some PyTorch ops insist)."""
    data = tensor_arg(index, op).data
    if data.dtype.kind not in "iu" or (long and data.dtype != np.int64):
        raise error(f"{op}: expected an int64 index tensor, got dtype {data.dtype}")
    return data.astype(np.int64)


# ---- construction from a tensor ------------------------------------------------------------------------------
def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Any:
    """A tensor of `size` filled with fill_value, of self's dtype unless dtype is given (as PyTorch)."""
    from .creation import full

    return full(_sizes((size,), "new_full"), fill_value, dtype=self.dtype if dtype is None else dtype,
                requires_grad=requires_grad)


def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
    return new_full(self, _sizes(size, "new_zeros"), 0, dtype=dtype, requires_grad=requires_grad)


def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
    return new_full(self, _sizes(size, "new_ones"), 1, dtype=dtype, requires_grad=requires_grad)


def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
    """Uninitialised in PyTorch; zeros here (the same shape and dtype, and repeatable)."""
    return new_full(self, _sizes(size, "new_empty"), 0, dtype=dtype, requires_grad=requires_grad)


def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
    """A new leaf copy of data with self's dtype unless dtype is given (as PyTorch's new_tensor)."""
    from . import tensor as make

    return make(data, dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)


def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
    """No argument: PyTorch's type string ('torch.FloatTensor', ...); a dtype or such a string: a cast."""
    if dtype is None:
        return "torch." + _TYPE_NAMES.get(self.dtype.name, self.dtype.name)
    if isinstance(dtype, str):
        if dtype not in _TYPE_DTYPES:
            raise ValueError(f"type: invalid type {dtype!r} (expected one of {sorted(_TYPE_DTYPES)})")
        dtype = _TYPE_DTYPES[dtype]
    return self.to(dtype)


def element_size(self) -> int:
    return int(self.dtype.itemsize)


def nbytes(self) -> int:
    return int(self.numel() * self.dtype.itemsize)


def stride(self, dim: Optional[int] = None) -> Any:
    """Steps in elements between neighbours along each dim (0 along a broadcast dim), as PyTorch."""
    steps = tuple(s // self.dtype.itemsize for s in self.data.strides)
    if dim is None:
        return steps
    if self.ndim == 0:
        raise IndexRangeError("stride: a 0-d tensor has no dimensions")
    return steps[_dim(self, dim, "stride")]


# ---- views, splits and rearrangements -----------------------------------------------------------------------
def ravel(self) -> Any:
    return _ops().reshape(self, -1)


def broadcast_to(self, *shape: Any) -> Any:
    return _ops().expand(self, *shape)


def tile(self, *dims: Any) -> Any:
    """repeat with dims padded by leading 1s to the tensor's rank (as torch.tile)."""
    reps = _sizes(dims, "tile")
    reps = (1,) * (self.ndim - len(reps)) + reps
    return _ops().repeat(self, *reps)


def select(self, dim: int, index: int) -> Any:
    """The slice at `index` along dim, that dim removed (a view in PyTorch; δ goes back to that slice)."""
    if self.ndim == 0:
        raise IndexRangeError("select: cannot be applied to a 0-dim tensor")
    d = _dim(self, dim, "select")
    i, n = integer("select", "index", index), self.shape[d]
    if not -n <= i < n:
        raise IndexRangeError(f"select: index {i} is out of range for dimension {d} with size {n}")
    return _ops().getitem(self, (slice(None),) * d + (i % n,))


def unbind(self, dim: int = 0) -> tuple:
    d = _dim(self, dim, "unbind")
    return tuple(select(self, d, i) for i in range(self.shape[d]))


def unflatten(self, dim: int, sizes: Sequence[int]) -> Any:
    """dim split into `sizes` (one may be -1), as torch.unflatten."""
    d = _dim(self, dim, "unflatten")
    sizes = integers("unflatten", "sizes", sizes)
    known = int(np.prod([s for s in sizes if s != -1]))
    if sizes.count(-1) > 1 or (-1 not in sizes and known != self.shape[d]) or (
            -1 in sizes and (known == 0 or self.shape[d] % known)):
        raise ShapeError(f"unflatten: provided sizes {sizes} don't multiply up to the size of dim {d} "
                         f"({self.shape[d]}) in the input tensor of shape {self.shape}")
    return _ops().reshape(self, self.shape[:d] + tuple(sizes) + self.shape[d + 1:])


def moveaxis(self, source: Any, destination: Any) -> Any:
    return _ops().movedim(self, source, destination)


def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    sizes = integers("split_with_sizes", "split_sizes", split_sizes)
    d = _dim(self, dim, "split_with_sizes")
    if sum(sizes) != self.shape[d] or any(s < 0 for s in sizes):
        raise ShapeError(f"split_with_sizes: expects split_sizes {sizes} to sum exactly to {self.shape[d]} "
                         f"(input tensor's size at dimension {d}), but got sum {sum(sizes)}")
    return _ops().split(self, list(sizes), d)


def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
    """n nearly equal parts (the first size % n one longer), or the parts between the given indices."""
    if self.ndim == 0:
        raise ShapeError("tensor_split: expected at least a 1-dimensional tensor")
    d = _dim(self, dim, "tensor_split")
    n = self.shape[d]
    if isinstance(indices_or_sections, _T()):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        k = int(indices_or_sections)
        if k <= 0:
            raise ShapeError(f"tensor_split: number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.cumsum([0] + sizes)
    else:
        idx = list(integers("tensor_split", "indices", indices_or_sections))
        bounds = [0] + idx + [n]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        lo, hi = (min(max(int(b) + (n if b < 0 else 0), 0), n) for b in (lo, hi))
        out.append(_ops().getitem(self, (slice(None),) * d + (slice(lo, max(lo, hi)),)))
    return tuple(out)


def _split_along(self, sections: Any, dim: int, op: str, need: int) -> tuple:
    if self.ndim < need:
        raise ShapeError(f"{op}: requires a tensor with at least {need} dimension(s), but got a tensor with "
                         f"{self.ndim} dimensions")
    if isinstance(sections, (int, np.integer)) and (sections == 0 or self.shape[dim] % int(sections)):
        raise ShapeError(f"{op}: size {self.shape[dim]} of dimension {dim} is not divisible by the split_size "
                         f"{sections}")
    return tensor_split(self, sections, dim)


def hsplit(self, sections: Any) -> tuple:
    return _split_along(self, sections, 1 if self.ndim >= 2 else 0, "hsplit", 1)


def vsplit(self, sections: Any) -> tuple:
    return _split_along(self, sections, 0, "vsplit", 2)


def dsplit(self, sections: Any) -> tuple:
    return _split_along(self, sections, 2, "dsplit", 3)


def unfold(self, dimension: int, size: int, step: int) -> Any:
    """Every window of `size` along dimension, `step` apart, as a new last dim (PyTorch's Tensor.unfold)."""
    d = _dim(self, dimension, "unfold")
    size, step = integer("unfold", "size", size), integer("unfold", "step", step)
    n = self.shape[d] if self.ndim else 1
    if step <= 0 or size < 0 or size > n:
        raise ShapeError(f"unfold: need 0 ≤ size ({size}) ≤ {n} (the size of dim {d}) and step ({step}) > 0")
    x = self if self.ndim else _ops().reshape(self, 1)
    count = (n - size) // step + 1
    windows = np.arange(count)[:, None] * step + np.arange(size)[None, :]
    gathered = _ops().getitem(x, (slice(None),) * d + (windows,))
    if self.ndim and gathered.size and gathered.dtype != object:
        # the windows are a view of x's memory, as PyTorch's (x.unfold(0, 2, 2).zero_() changes x, x.add_(1) shows
        # in them; in place on such a view of a graph tensor re-records it, on overlapping windows it refuses:
        # tensor_inplace.py); the nodes stay the gather
        strides = x.data.strides
        gathered.data = np.lib.stride_tricks.as_strided(
            x.data, gathered.shape, strides[:d] + (strides[d] * step, strides[d]) + strides[d + 1:],
            writeable=x.data.flags.writeable)
    out = _ops().movedim(gathered, d + 1, -1)
    return out if self.ndim else _ops().reshape(out, (size,))


def repeat_interleave(self, repeats: Any, dim: Optional[int] = None, *, output_size: Optional[int] = None) -> Any:
    """Each entry repeated `repeats` times (an int, or one count per entry) along dim (flattened if None)."""
    x = _ops().reshape(self, -1) if dim is None else self
    d = 0 if dim is None else _dim(self, dim, "repeat_interleave")
    n = x.shape[d] if x.ndim else 1
    counts = np.array(integer("repeat_interleave", "repeats", repeats)) if isinstance(repeats, (int, np.integer)) \
        else _index_array(repeats, "repeat_interleave")
    if counts.ndim > 1 or (counts.ndim == 1 and counts.size not in (1, n)):
        raise ShapeError(f"repeat_interleave: repeats must have the same size as input along dim {d} ({n}), got "
                         f"shape {counts.shape}")
    if (counts < 0).any():
        raise ShapeError("repeat_interleave: repeats can not be negative")
    return _ops().index_select(x, d, np.repeat(np.arange(n), np.broadcast_to(counts.reshape(-1), (n,))))


def rot90(self, k: int = 1, dims: Sequence[int] = (0, 1)) -> Any:
    """Rotation by k·90° from the first towards the second of dims (as torch.rot90)."""
    dims = integers("rot90", "dims", dims)
    if len(dims) != 2 or self.ndim < 2:
        raise ShapeError(f"rot90: expected total rotation dims == 2 and total dims >= 2, but got dims {dims} "
                         f"for a tensor of {self.ndim} dims")
    d0, d1 = (_dim(self, d, "rot90") for d in dims)
    if d0 == d1:
        raise ShapeError(f"rot90: expected the rotation dims to differ, got {dims}")
    k = integer("rot90", "k", k) % 4
    ops = _ops()
    if k == 1:
        return ops.transpose(ops.flip(self, (d1,)), d0, d1)
    if k == 2:
        return ops.flip(self, (d0, d1))
    if k == 3:
        return ops.transpose(ops.flip(self, (d0,)), d0, d1)
    return ops.clone(self)


def fliplr(self) -> Any:
    if self.ndim < 2:
        raise ShapeError(f"fliplr: input must be >= 2-d, got shape {self.shape}")
    return _ops().flip(self, (1,))


def flipud(self) -> Any:
    if self.ndim < 1:
        raise ShapeError("flipud: input must be >= 1-d, got a 0-d tensor")
    return _ops().flip(self, (0,))


def take(self, index: Any) -> Any:
    """input.flatten()[index] (negative indices count from the end), in index's shape."""
    idx = _index_array(index, "take", long=True)
    n = self.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.min()) if idx.min() < -n else int(idx.max())
        raise IndexRangeError(f"take: index {bad} is out of range for a tensor of {n} elements")
    return _ops().getitem(_ops().reshape(self, -1), (idx % max(n, 1),))


def take_along_dim(self, indices: Any, dim: Optional[int] = None) -> Any:
    """gather along dim after broadcasting self and indices in the other dims (flattened if dim is None)."""
    idx = _index_array(indices, "take_along_dim", long=True)
    if dim is None:
        return take(self, idx.reshape(-1))
    d = _dim(self, dim, "take_along_dim")
    if idx.ndim != self.ndim:
        raise ShapeError(f"take_along_dim: input and indices should have the same number of dimensions, but got "
                         f"{self.ndim} and {idx.ndim}")
    try:
        common = list(np.broadcast_shapes(self.shape[:d] + (1,) + self.shape[d + 1:],
                                          idx.shape[:d] + (1,) + idx.shape[d + 1:]))
    except ValueError:
        raise ShapeError(f"take_along_dim: shapes {self.shape} and {idx.shape} do not broadcast outside dim {d}") \
            from None
    x = _ops().expand(self, tuple(common[:d] + [self.shape[d]] + common[d + 1:]))
    return _ops().gather(x, d, np.broadcast_to(idx, tuple(common[:d] + [idx.shape[d]] + common[d + 1:])))


# ---- selections and counts (int64 results) -----------------------------------------------------------------
def truth(x: Any) -> np.ndarray:
    """The truth values (nonzero) of a tensor or array as a bool array (SymPy entries by their own bool)."""
    data = x.data if isinstance(x, _T()) else np.asarray(x)
    return data.astype(bool) if data.dtype != object else np.vectorize(bool, otypes=[bool])(data)


def argwhere(self) -> Any:
    return _T()(np.argwhere(truth(self)).astype(np.int64))


def nonzero(self, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero entries: an (n, ndim) int64 tensor, or one 1-d tensor per dim (as_tuple)."""
    if not as_tuple:
        return argwhere(self)
    return tuple(_T()(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(truth(self))))


def masked_select(self, mask: Any) -> Any:
    """The entries where mask (bool, broadcast with self) holds, as a 1-d tensor; δ goes back to them."""
    m = tensor_arg(mask, "masked_select")
    if m.dtype != bool:
        raise DtypeError(f"masked_select: expected a boolean mask, got dtype {m.dtype}")
    try:
        shape = np.broadcast_shapes(self.shape, m.shape)
    except ValueError:
        raise ShapeError(f"masked_select: the mask of shape {m.shape} does not broadcast with the input's shape "
                         f"{self.shape}") from None
    x = self if self.shape == shape else _ops().expand(self, shape)
    return _ops().getitem(_ops().reshape(x, -1), (np.flatnonzero(np.broadcast_to(m.data, shape)),))


def _unique_result(values: np.ndarray, inverse: np.ndarray, counts: np.ndarray, return_inverse: bool,
                   return_counts: bool, inverse_shape: tuple) -> Any:
    out = [_T()(values)]
    if return_inverse:
        out.append(_T()(inverse.reshape(inverse_shape).astype(np.int64)))
    if return_counts:
        out.append(_T()(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: Optional[int] = None) -> Any:
    """The distinct values (sorted), with optional inverse indices and counts; along dim: distinct slices."""
    if dim is None:
        values, inverse, counts = np.unique(self.data.reshape(-1), return_inverse=True, return_counts=True)
        return _unique_result(values, inverse, counts, return_inverse, return_counts, self.shape)
    d = _dim(self, dim, "unique")
    values, inverse, counts = np.unique(self.data, return_inverse=True, return_counts=True, axis=d)
    return _unique_result(values, inverse, counts, return_inverse, return_counts, (self.shape[d],))


def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                       dim: Optional[int] = None) -> Any:
    """Each run of equal consecutive values (or slices along dim) kept once, as torch.unique_consecutive."""
    d = None if dim is None else _dim(self, dim, "unique_consecutive")
    data = self.data.reshape(-1) if d is None else np.moveaxis(self.data, d, 0)
    if len(data) == 0:
        starts = np.zeros(0, dtype=np.int64)
    else:
        rows = data.reshape(len(data), -1)
        starts = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]).any(axis=1)])
    values = data[starts] if d is None else np.moveaxis(data[starts], 0, d)
    counts = np.diff(np.r_[starts, len(data)])
    inverse = np.repeat(np.arange(len(starts)), counts)
    return _unique_result(values, inverse, counts, return_inverse, return_counts,
                          self.shape if d is None else (self.shape[d],))


def bincount(self, weights: Any = None, minlength: int = 0) -> Any:
    """How often each value 0, 1, ... occurs in a 1-d non-negative integer tensor (summed weights if given)."""
    if self.dtype.kind not in "iu" or self.ndim != 1:
        raise ShapeError(f"bincount: only supports 1-d non-negative integral inputs, got dtype {self.dtype} and "
                         f"shape {self.shape}")
    if self.numel() and self.data.min() < 0:
        raise ShapeError(f"bincount: input must be non-negative, got {int(self.data.min())}")
    minlength = integer("bincount", "minlength", minlength)
    if minlength < 0:
        raise ShapeError(f"bincount: minlength should be >= 0, got {minlength}")
    if weights is None:
        return _T()(np.bincount(self.data, minlength=minlength).astype(np.int64))
    w = tensor_arg(weights, "bincount")
    if w.shape != self.shape:
        raise ShapeError(f"bincount: weights should be 1-d and have the same length as input ({self.shape}), "
                         f"got {w.shape}")
    kind = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    return _T()(np.bincount(self.data, weights=w.data, minlength=minlength).astype(kind))


def histc(self, bins: int = 100, min: Any = 0, max: Any = 0) -> Any:
    """Counts in `bins` equal bins over [min, max] (the data's range if min == max), values outside ignored."""
    if self.dtype.kind != "f":
        raise DtypeError(f"histc: expected a floating tensor, got dtype {self.dtype}")
    bins = integer("histc", "bins", bins)
    if bins <= 0:
        raise ShapeError(f"histc: bins must be > 0, got {bins}")
    from .ops.args import number

    lo, hi = float(number("histc", "min", min)), float(number("histc", "max", max))
    if lo > hi:
        raise ShapeError(f"histc: max must be larger than min, got min {lo} and max {hi}")
    if lo == hi and self.numel():
        lo, hi = float(self.data.min()), float(self.data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(self.data.reshape(-1), bins=bins, range=(lo, hi))
    return _T()(counts.astype(self.dtype))


def sum_to_size(self, *size: Any) -> Any:
    """The sum of self down to `size`, which must expand to self's shape (as PyTorch)."""
    shape = _sizes(size, "sum_to_size")
    try:
        ok = np.broadcast_shapes(shape, self.shape) == self.shape and len(shape) <= self.ndim
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(f"sum_to_size: size {list(shape)} is not expandable to size {list(self.shape)}")
    return _ops().sum_to(self, shape)


def equal(self, other: Any) -> bool:
    """True when other has self's shape and the same values."""
    o = tensor_arg(other, "equal")
    return self.shape == o.shape and bool(np.array_equal(self.data, o.data))


PUBLIC = ("new_full", "new_zeros", "new_ones", "new_empty", "new_tensor", "type", "stride", "ravel", "broadcast_to",
          "tile", "select", "unbind", "unflatten", "moveaxis", "split_with_sizes", "tensor_split", "hsplit", "vsplit",
          "dsplit", "unfold", "repeat_interleave", "rot90", "fliplr", "flipud", "take", "take_along_dim", "argwhere",
          "nonzero", "masked_select", "unique", "unique_consecutive", "bincount", "histc", "sum_to_size", "equal")
for _name in PUBLIC:
    globals()[_name] = named(globals()[_name])
