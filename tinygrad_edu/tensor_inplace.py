"""PyTorch's in-place Tensor methods beyond add_/mul_/fill_ (masked_fill_, index_add_, scatter_reduce_, squeeze_,
exp_, ge_, ...) and the logical/bitwise ops: each a composition of differentiable ops, run through Tensor._inplace
(returns self, bumps the version counter, refuses a leaf that requires grad outside no_grad)."""
from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from . import tensor as _tensor
from .autograd import Function
from .grad_mode import is_grad_enabled, no_grad
from .errors import DtypeError, IndexRangeError, ShapeError
from .tensor_utility import _dim, _index_array, named, tensor_arg, truth


def _T():
    return _tensor.Tensor


def _ops():
    return _tensor.ops


# ---- index_add / index_copy / index_fill --------------------------------------------------------------------
def _index_key(self, op: str, dim: int, index: Any, source: Any = None, mismatch: type = ShapeError,
               long: bool = False, negative: bool = False) -> tuple:
    """The key `[:, …, index]` along dim, index a vector in range, source (if given) of self's dtype and of
    self's shape with len(index) along dim."""
    d = _dim(self, dim, op)
    idx = _index_array(index, op, long, IndexRangeError if op == "index_fill" else DtypeError)
    if idx.ndim > 1:
        raise IndexRangeError(f"{op}: index should have dimension 1 or 0, got shape {idx.shape}")
    idx = idx.reshape(-1)
    n = self.shape[d] if self.ndim else 1
    low = -n if negative else 0
    if idx.size and (idx.min() < low or idx.max() >= n):
        bad = int(idx.min()) if idx.min() < low else int(idx.max())
        raise IndexRangeError(f"{op}: index {bad} is out of range for dimension {d} with size {n}")
    if source is not None:
        want = self.shape[:d] + (idx.size,) + self.shape[d + 1:] if self.ndim else (idx.size,) * min(idx.size, 1)
        if source.shape != want and not (self.ndim == 0 and source.numel() == idx.size == 1):
            raise mismatch(f"{op}: source of shape {source.shape} should have shape {want} (self {self.shape} "
                             f"with {idx.size} entries along dim {d})")
        if source.dtype != self.dtype and object not in (source.dtype, self.dtype):
            raise DtypeError(f"{op}: self ({self.dtype}) and source ({source.dtype}) must have the same dtype")
    return (slice(None),) * d + (idx % n,)


def _flat(self):
    return self if self.ndim else _ops().reshape(self, 1)


def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
    """self with alpha·source's slices added at `index` along dim (repeats add up); δ_source = δ[index]."""
    from .ops.movement import IndexAdd

    src = tensor_arg(source, "index_add")
    key = _index_key(self, "index_add", dim, index, src)
    x, part = _flat(self), src if alpha == 1 else src * alpha
    out = x + IndexAdd.apply(_ops().reshape(part, x[key].shape), shape=x.shape, key=key)
    return out if self.ndim else _ops().reshape(out, ())


def index_copy(self, dim: int, index: Any, source: Any) -> Any:
    """self with source's slices written at `index` along dim; the written entries take δ from source."""
    from .ops.movement import IndexPut

    src = tensor_arg(source, "index_copy")
    key = _index_key(self, "index_copy", dim, index, src, IndexRangeError, long=True)  # PyTorch: IndexError
    x = _flat(self)
    written = np.zeros(x.shape, dtype=bool)
    written[key] = True
    placed = IndexPut.apply(_ops().reshape(src, x[key].shape), shape=x.shape, key=key)
    out = _ops().where(_T()._make(written, False), placed, x)
    return out if self.ndim else _ops().reshape(out, ())


def index_fill(self, dim: int, index: Any, value: Any) -> Any:
    """self with value at every entry of the slices `index` along dim."""
    key = _index_key(self, "index_fill", dim, index, long=True, negative=True)
    written = np.zeros(_flat(self).shape, dtype=bool)
    written[key] = True
    return _ops().masked_fill(self, written.reshape(self.shape), value)


# ---- scatter_reduce ------------------------------------------------------------------------------------------
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(self, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
    """src's entries reduced ('sum', 'prod', 'mean', 'amax', 'amin') into self at index along dim, self's own
    value taking part if include_self. Gradients as PyTorch's, including its amax/amin rule (ScatterReduce)."""
    from .ops.movement import IndexAdd
    from .ops.shape import _scatter_parts

    if not isinstance(reduce, str):
        raise TypeError(f"scatter_reduce: argument 'reduce' must be str, not {type(reduce).__name__}")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # PyTorch still accepts the old names
    if reduce not in _REDUCES:
        raise ShapeError(f"scatter_reduce: reduce argument must be one of {_REDUCES}, got {reduce!r}")
    s = tensor_arg(src, "scatter_reduce")
    if self.ndim == 0:
        raise ShapeError("scatter_reduce: the input must have at least one dimension (got a 0-d tensor)")
    key, part = _scatter_parts("scatter_reduce", self, dim, index, s)
    T, ops = _T(), _ops()
    written = np.zeros(self.shape, dtype=bool)
    written[key] = True
    hits = np.zeros(self.shape, dtype=np.int64)
    np.add.at(hits, key, 1)
    mask = T._make(written, False)
    base = self if include_self else ops.masked_fill(self, mask, 0)
    if reduce in ("sum", "mean"):
        total = base + IndexAdd.apply(part, shape=self.shape, key=key)
        if reduce == "sum":
            return total
        count = hits + (1 if include_self else 0) * written + (~written)
        if self.dtype.kind in "iu":
            return T(np.floor_divide(total.data, np.maximum(count, 1)).astype(self.dtype))
        return ops.where(mask, total / T(np.maximum(count, 1).astype(self.dtype)), self)
    return ScatterReduce.apply(self, part, key=key, reduce=reduce, include_self=bool(include_self), written=written)


def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None) -> Any:
    """scatter, with PyTorch's older `reduce='add'|'multiply'` (scatter_reduce's sum/prod including self)."""
    if reduce is None:
        return _ops().scatter(self, dim, index, src, value)
    if reduce not in ("add", "multiply"):
        raise ShapeError(f"scatter: reduce argument must be either add or multiply, got {reduce!r}")
    if src is not None and not isinstance(src, (_T(), np.ndarray)):
        src, value = None, src
    if src is None:
        src = _T()(np.full(np.shape(_index_array(index, "scatter")), value, dtype=self.dtype))
    return scatter_reduce(self, dim, index, src, "sum" if reduce == "add" else "prod")


class ScatterReduce(Function):
    """scatter_reduce with reduce 'prod', 'amax' or 'amin': the values exactly as the reduction gives them (one ufunc.at
    on arrays), the local derivatives fixed at recording. prod: the product of the other factors at an entry's place.
    amax/amin: PyTorch 2.13's rule to the bit (its scatter_reduce_backward), with N = [x = y] + Σ_{k→i} [src_k = y_i]:
    δ_src[k] = [src_k = y_i]·δ_i/N_i and δ_x = [x = y]·δ/N, then δ_x = 0 wherever something was written unless
    include_self. Two consequences we match although they look like PyTorch bugs: with include_self=False, an x whose
    value equals the result still counts in N, so the src entries get δ/N each and together less than δ (δ·(N − 1)/N;
    the rest is dropped); and a NaN x gets δ_x = 0·δ/0 = NaN even where nothing was written (y = x there). A NaN result
    passes NaN to every entry that takes part, an infinite δ gives 0·∞ = NaN to the entries that do not win."""

    rule_unicode = ("y = scatter_reduce(x, src): δ_src[k] = δ[index[k]]·∂y/∂src[k], δ_x = δ·∂y/∂x where written, "
                    "else δ (prod: the other factors' product; amax/amin: [entry = y]/N, N the entries equal to y, "
                    "x counted even if not include_self, as PyTorch)")
    rule_latex = (r"\delta_{src,k} = \delta_{\mathrm{index}(k)}\,\partial y/\partial src_k,\quad "
                  r"\delta_x = \delta \odot \partial y/\partial x")

    def forward(ctx, x, src, key, reduce, include_self, written):
        result = x.copy()
        own = written & include_self
        if not include_self:
            result[written] = _identity(reduce, x.dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce].at(result, key, src)
        if reduce == "prod" and x.dtype.kind in "fO":
            src_w, self_w = _others(x, src, key, own)
            if x.dtype.kind == "f":  # a NaN product (0·∞) passes NaN back to its factors, as PyTorch
                nan = np.isnan(result) & written
                src_w[nan[key]], self_w[nan & own] = np.nan, np.nan
            ctx.saved = ("prod", src_w, self_w)
            return result
        if x.dtype.kind != "f":  # integers (no gradient) and SymPy values (compared by value only, no ties)
            ctx.saved = (None, None, None)
            return result
        self_is = (x == result).astype(x.dtype)
        src_is = (src == result[key]).astype(x.dtype)
        count = self_is.copy()
        np.add.at(count, key, src_is)
        ctx.saved = (count, src_is, self_is)
        return result

    def backward(ctx, g):
        first, src_w, self_w = ctx.saved
        if src_w is None:
            return None, None
        T, ops = _T(), _ops()
        a = ctx.attrs
        if isinstance(first, str):  # prod
            return ops.where(T(a["written"]), g * T(self_w), g), ops.getitem(g, a["key"]) * T(src_w)
        shared = g / T(first)  # PyTorch's δ/N, then masks multiplied in (so 0·∞ and 0·(δ/0) give NaN, as there)
        g_x = shared * T(self_w)
        if not a["include_self"]:  # then zeroed where written (PyTorch's scatter of 0), NaN or not
            g_x = ops.masked_fill(g_x, a["written"], 0)
        return g_x, ops.getitem(shared, a["key"]) * T(src_w)


def _others(x: np.ndarray, src: np.ndarray, key: tuple, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each src entry and each x entry in `own`, the product of the other factors at its place."""
    zeros = (own & (x == 0)).astype(np.int64)
    np.add.at(zeros, key, src == 0)
    nonzero = np.where(own & (x != 0), x, 1).astype(x.dtype)
    np.multiply.at(nonzero, key, np.where(src == 0, 1, src).astype(x.dtype))

    def others(v: np.ndarray, z: np.ndarray, p: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(v == 0, np.where(z == 1, p, 0), np.where(z == 0, p / np.where(v == 0, 1, v), 0))
    return (others(src, zeros[key], nonzero[key]).astype(x.dtype),
            np.where(own, others(x, zeros, nonzero), 0).astype(x.dtype))


def _identity(reduce: str, dtype: np.dtype) -> Any:
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


# ---- logical and bitwise -------------------------------------------------------------------------------------
def _logical(fn: Callable, op: str) -> Callable:
    def method(self, other: Any) -> Any:
        return _T()(fn(truth(self), truth(tensor_arg(other, op))))

    method.__name__ = op
    method.__doc__ = f"Elementwise {op.split('_')[1]} of the truth values (nonzero), a bool tensor, broadcast."
    return method


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(self) -> Any:
    return _T()(~truth(self))


def _integral(x: Any, op: str) -> np.ndarray:
    data = x.data if isinstance(x, _T()) else np.asarray(x)
    if data.dtype.kind not in "iub":
        raise DtypeError(f"{op}: only integer and bool tensors are supported, got dtype {data.dtype}")
    return data


def _bitwise(fn: Callable, op: str) -> Callable:
    def method(self, other: Any) -> Any:
        a = _integral(self, op)
        if isinstance(other, (bool, int, np.integer, np.bool_)):  # a number takes the tensor's dtype, as PyTorch
            kind = np.dtype(np.int64) if a.dtype == bool and not isinstance(other, (bool, np.bool_)) else a.dtype
            return _T()(fn(a.astype(kind), np.asarray(other).astype(kind)))
        b = _integral(tensor_arg(other, op), op)
        return _T()(fn(a, b))

    method.__name__ = op
    method.__doc__ = f"Elementwise {op} of integer or bool tensors (bool stays bool), broadcast."
    return method


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


def bitwise_not(self) -> Any:
    return _T()(np.invert(_integral(self, "bitwise_not")))


# ---- in-place forms ----------------------------------------------------------------------------------------
def inplace(name: str, fn: Callable) -> Callable:
    """The in-place method `name_` of a value op fn(t, *args): self replaced by fn(self, *args)."""
    def method(self, *args: Any, **kwargs: Any) -> Any:
        return self._inplace(name + "_", lambda t: fn(t, *args, **kwargs))

    method.__name__ = name + "_"
    method.__doc__ = f"In-place {name}: self's values become {name}(self, ...); returns self."
    return method


def cast_inplace(name: str, fn: Callable) -> Callable:
    """The in-place method of an op whose result (bool, no gradient) is cast to self's dtype, as PyTorch's ge_."""
    def method(self, *args: Any, **kwargs: Any) -> Any:
        return self._inplace(name + "_", lambda t: self._replaced_by(t, fn(t, *args, **kwargs)))

    method.__name__ = name + "_"
    method.__doc__ = f"In-place {name}: self's values become {name}(self, ...) in self's dtype; returns self."
    return method


def unary_inplace(*names: str) -> tuple:
    """The in-place forms of the unary methods `names` (exp_ for exp, ...)."""
    return tuple(inplace(n, lambda t, n=n: getattr(t, n)()) for n in names)


def compare_inplace(*names: str) -> tuple:
    """The in-place forms of methods with a bool or integer result (ge_, logical_and_, ...), cast to self's dtype."""
    return tuple(cast_inplace(n, lambda t, *args, n=n: getattr(t, n)(*args)) for n in names)


def squeeze_(self, dim: Any = None) -> Any:
    return self._inplace("squeeze_", lambda t: _ops().squeeze(t, dim), reshapes=True)


def unsqueeze_(self, dim: int) -> Any:
    return self._inplace("unsqueeze_", lambda t: _ops().unsqueeze(t, dim), reshapes=True)


def t_(self) -> Any:
    return self._inplace("t_", lambda t: _ops().t(t), reshapes=True)


def transpose_(self, dim0: int, dim1: int) -> Any:
    return self._inplace("transpose_", lambda t: _ops().transpose(t, dim0, dim1), reshapes=True)


# ---- the in-place mechanism (Tensor._inplace) -------------------------------------------------------------------
def replace_in_place(self, op: str, compute: Callable, reshapes: bool = False) -> Any:
    """self's values replaced by compute(self), as PyTorch's in-place ops: a leaf that requires grad refuses
    (outside no_grad); a graph tensor's memory is written and its node replaced (a view of another graph tensor
    writes through to it and re-records it: inplace_on_view); a tensor outside the graph joins it when an operand
    requires grad. With `reshapes` (squeeze_, t_, ...) the result's shape becomes self's."""
    recording = is_grad_enabled() and self.requires_grad
    if recording and self._ctx is None:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad (shape {self.shape}) is being used in an "
                           "in-place operation; do it under tg.no_grad() or on a copy (x = x + ...)")
    if not recording:
        _outside_the_graph(self, op, compute, reshapes)
    else:
        base = None if reshapes else view_base(self)
        if base is not None:
            return inplace_on_view(self, op, compute, base)
        _in_the_graph(self, op, compute, reshapes)
    self._bump_version()
    return self


def _fitted(op: str, result: Any, target: Any) -> Any:
    """result in target's shape and dtype: an in-place op neither broadcasts its target nor changes its dtype
    (float64 into float32 rounds, as PyTorch; float into int refuses)."""
    if result.shape != target.shape:
        raise RuntimeError(f"{op}: the result has shape {result.shape} but the tensor being changed in "
                           f"place has shape {target.shape}; an in-place op cannot broadcast its target")
    if result.dtype != target.dtype:
        if not np.can_cast(result.dtype, target.dtype, "same_kind"):
            raise RuntimeError(f"{op}: result type {result.dtype} can't be cast to the desired output type "
                               f"{target.dtype} (as PyTorch); cast the tensor first, e.g. x = x.float()")
        result = result.to(target.dtype)
    return result


def _outside_the_graph(self, op: str, compute: Callable, reshapes: bool) -> None:
    """self not recorded: its memory written; it joins the graph when an operand requires grad (z = zeros(2);
    z.add_(s), as PyTorch), unless it is a view, whose owner would change without its gradient."""
    joins = is_grad_enabled() and self.dtype.kind in "fcO"
    if joins:
        result = compute(self.detach())
        joins = result.requires_grad
        if joins and self.data.base is not None:
            raise RuntimeError(
                f"{op}: an operand requires grad, so this tensor (shape {self.shape}) would join the graph, "
                "but its memory belongs to another array (it is a view, e.g. y[0] of a y outside the graph): "
                "that tensor's values would change without its gradient; write into the tensor that owns "
                "the memory (y[0] = s) or clone() first")
        if joins:  # again on a copy of self: the graph must not read self's values after they change
            result = compute(_T()._make(self.data.copy(), False))
    else:
        with no_grad():
            result = compute(self.detach())
    if reshapes:
        self.data = result.data
        return
    result = _fitted(op, result, self)
    if overlaps_itself(self.data):
        raise RuntimeError(f"{op}: unsupported operation: more than one element of the tensor being changed in "
                           f"place (shape {self.shape}, a view such as expand's or unfold's overlapping windows) "
                           "refers to a single memory location, so the change has no one answer; clone() it "
                           "first, or change the tensor the view was taken from")
    if self.data.flags.writeable:
        self.data[...] = result.data
    else:  # read-only: a constant (a shared Python-number array) gets its own
        self.data = np.array(result.data, dtype=self.dtype)
    if joins:
        self._ctx, self.requires_grad = result._ctx, True
        self._ctx._output = weakref.ref(self)


def overlaps_itself(a: np.ndarray) -> bool:
    """Whether two entries of the view `a` share memory (an expand's view, unfold's overlapping windows): the
    strides, sorted, each step past the span of the smaller ones, or else the entries' offsets checked exactly."""
    if a.base is None or a.size < 2:
        return False
    span = a.itemsize
    for n, s in sorted(((n, abs(s)) for n, s in zip(a.shape, a.strides) if n > 1), key=lambda dim: dim[1]):
        if s < span:
            offsets = sum(np.arange(size, dtype=np.int64).reshape((size,) + (1,) * (a.ndim - d - 1)) * stride
                          for d, (size, stride) in enumerate(zip(a.shape, a.strides)))
            return np.unique(offsets).size < a.size
        span += (n - 1) * s
    return False


def _in_the_graph(self, op: str, compute: Callable, reshapes: bool) -> None:
    """self recorded and owning its memory: written there (views of self see it), the old values kept for the old
    node, and self takes the new node's place."""
    writes = not reshapes and self.data.flags.writeable
    before = _T()._make(self.data.copy() if writes else self.data, True)
    before._ctx, before._version = self._ctx, self._version
    self._ctx._output = weakref.ref(before)
    result = compute(before)
    if reshapes:
        self.data, self._ctx = result.data, result._ctx
    else:
        result = _fitted(op, result, self)
        if writes:
            self.data[...] = result.data
        else:
            self.data = result.data
        self._ctx = result._ctx
    self._ctx._output = weakref.ref(self)


# ---- in place on a view of a graph tensor (PyTorch's CopySlices) ---------------------------------------------
def _owner(array: np.ndarray) -> Any:
    """The object whose memory `array` uses: NumPy points a view at the array that owns the memory, as_strided's
    at a wrapper whose own base is that array (followed to the end)."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def view_base(self) -> Any:
    """The graph tensor whose memory self (a tensor recorded in the graph) is a view of, found by walking back
    through the ops whose output shares its input's memory; None when self owns its memory."""
    owner, cur = _owner(self.data), self
    while cur._ctx is not None:
        shared = [t for t in cur._ctx.inputs
                  if isinstance(t, _T()) and t.data.size and _owner(t.data) is owner]
        if not shared:
            break
        cur = shared[0]
    return None if cur is self else cur


def _positions(op: str, view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """The flat (C-order) indices in `base` of view's entries, from their memory addresses; a view of a layout
    this cannot map (base not contiguous, another dtype) or one that repeats an entry (expand) raises."""
    item = base.itemsize
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if (not base.flags.c_contiguous or view.itemsize != item or offset % item
            or any(s % item for s in view.strides)):
        raise RuntimeError(f"{op}: in-place change of a view (shape {view.shape}) of a tensor that requires grad "
                           f"(shape {base.shape}) is not supported here for this memory layout; write "
                           "y = y.clone(); y[...] = ... or use index_put/where instead")
    positions = np.full(view.shape, offset // item, dtype=np.int64)
    for d, (n, s) in enumerate(zip(view.shape, view.strides)):
        positions += (np.arange(n, dtype=np.int64) * (s // item)).reshape((n,) + (1,) * (view.ndim - d - 1))
    if positions.size and (positions.min() < 0 or positions.max() >= base.size):
        raise RuntimeError(f"{op}: the view of shape {view.shape} lies outside its base of shape {base.shape}")
    if np.unique(positions).size != positions.size:
        raise RuntimeError(f"{op}: unsupported operation: more than one element of the written-to tensor (shape "
                           f"{view.shape}) refers to a single memory location; clone() it before the in-place op")
    return positions


def inplace_on_view(self, op: str, compute: Callable, base: Any) -> Any:
    """compute(self) written through to base's memory, as PyTorch: base's node becomes base_before with the
    view's entries replaced (index_put: δ_base_before = δ with those entries zeroed, δ_result = δ at them),
    and self's node becomes the same entries of the new base. A view of a leaf that requires grad refuses."""
    T, ops = _T(), _ops()
    if base._ctx is None:
        raise RuntimeError(f"{op}: a view (shape {self.shape}) of a leaf tensor that requires grad (shape "
                           f"{base.shape}) is being used in an in-place operation; do it under tg.no_grad() or "
                           "on a copy (y = x.clone())")
    positions = _positions(op, self.data, base.data)
    if not base.data.flags.writeable:
        raise RuntimeError(f"{op}: the base tensor (shape {base.shape}) of this view is read-only; clone() it first")
    index = T._make(positions.reshape(-1), False)
    before = T._make(base.data.copy(), True)  # base's values before the change, for the backward of its op
    before._ctx, before._version = base._ctx, base._version
    base._ctx._output = weakref.ref(before)
    result = _fitted(op, compute(ops.reshape(ops.reshape(before, -1)[index], self.shape)), self)
    flat_result = ops.reshape(result, -1)
    new_base = ops.reshape(ops.index_put(ops.reshape(before, -1), (index,), flat_result), base.shape)
    base.data.reshape(-1)[positions.reshape(-1)] = flat_result.data
    base._ctx = new_base._ctx
    base._ctx._output = weakref.ref(base)
    base._bump_version()
    node = ops.reshape(ops.reshape(base, -1)[index], self.shape)
    self._ctx = node._ctx
    self._ctx._output = weakref.ref(self)
    self._bump_version()
    return self


PUBLIC = ("logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor",
          "bitwise_not", "index_add", "index_copy", "index_fill", "scatter_reduce")
for _name in PUBLIC:
    globals()[_name] = named(globals()[_name])
