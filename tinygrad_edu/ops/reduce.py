"""Reductions over dimensions, with PyTorch's signatures and dtypes: sum (δ copied back to every summed entry),
mean (δ/n), prod (δ·Π of the others), amax/amin and max()/min() (δ split evenly among ties), max(dim)/min(dim)
((values, indices); δ to the selected index only), argmax/argmin, var/std, norm, logsumexp, cumsum, any/all."""
from __future__ import annotations

import builtins
import math
import warnings
from collections import namedtuple
from typing import Any, Optional, Sequence, Union

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, is_grad_enabled
from ..errors import ShapeError
from .args import dtype as _dtype_arg, flag, number, tensor_arg
from .compare import DtypeError, Where, decided, maximum, minimum, relation
from .movement import Cat, GetItem, broadcast_to, reshape

Dims = Optional[Union[int, Sequence[int]]]

#: the named tuples PyTorch returns (torch.return_types.max / .min): fields `values` and `indices` (int64)
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


def _axes(dim: Dims, ndim: int, op: str) -> Optional[tuple[int, ...]]:
    """Normalised, sorted reduction axes; None (and an empty tuple, as PyTorch) means every axis."""
    if dim is None:
        return None
    if not isinstance(dim, (int, np.integer, tuple, list)) or isinstance(dim, (bool, np.bool_)):
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {dim!r} ({type(dim).__name__})")
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    if not dims:
        return None
    out = []
    bound = builtins.max(ndim, 1)
    for d in dims:
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise TypeError(f"{op}: dimensions must be ints, got {d!r}")
        if not -bound <= d < bound:
            raise IndexError(f"{op}: dimension {d} is out of range for a tensor with {ndim} dimensions")
        out.append(int(d) % bound)
    if len(set(out)) != len(out):
        raise ShapeError(f"{op}: dimension {dim} names the same dimension twice")
    return tuple(sorted(out)) if ndim else None


def _dim(dim: Any, ndim: int, op: str) -> int:
    """One dimension (PyTorch's `int dim`), normalised."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be a single int, got {dim!r}"
                        + ("; for several dimensions use amax/amin" if op in ("max", "min") else ""))
    bound = builtins.max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimensions")
    return int(dim) % bound


def _kept_shape(shape: tuple[int, ...], axes: Optional[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(1 if axes is None or i in axes else s for i, s in enumerate(shape))


def _count(shape: tuple[int, ...], axes: Optional[tuple[int, ...]]) -> int:
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


def _integral(a: np.ndarray) -> bool:
    return a.dtype.kind in "biu"


def _accumulator(a: np.ndarray) -> Optional[type]:
    """Integer and bool sums, products and cumsums are int64, as PyTorch."""
    return np.int64 if _integral(a) else None


def _cast(x, op: str, dtype: Any):
    """x in the dtype= of a reduction; an integer or bool dtype cannot carry the gradient of an input that
    requires one (PyTorch: "Autograd not support dtype")."""
    dtype = _dtype_arg(op, dtype)
    if dtype is None or dtype == x.dtype:
        return x
    if dtype.kind not in "fcO" and x.requires_grad and is_grad_enabled():
        raise DtypeError(f"{op}: dtype={dtype} cannot carry the gradient of an input that requires grad; use a "
                         "floating dtype, or detach() the input")
    return x.to(dtype)


def _in_dtype(out, x, dtype: Any):
    """A sum's, product's or cumsum's result in an explicit integer or bool dtype= (x is already in it): the int64
    accumulator of integers is the dtype only when none is given, as PyTorch (sum(dtype=int32) is int32)."""
    return out if dtype is None or out.dtype == x.dtype else out.to(x.dtype)


def _floating(x: Any, op: str, dtype: Any = None):
    """The input as a Tensor, cast to `dtype` when given; integers without a dtype are an error (as PyTorch)."""
    x = tensor_arg(x, op)
    if dtype is not None:
        if _dtype_arg(op, dtype).kind not in "fcO":
            raise DtypeError(f"{op}: dtype must be a floating point dtype (the output of an average is), got "
                             f"{np.dtype(dtype)}")
        return _cast(x, op, dtype)
    if _integral(x.data):
        raise DtypeError(f"{op}: input dtype must be floating point, got {x.dtype} (shape {x.shape}); pass "
                         f"dtype=tg.float32 or convert with .float() first")
    return x


class Sum(Function):
    rule_unicode = "∂(Σᵢ xᵢ)/∂xⱼ = 1: δ_x = δ copied along the summed axes"
    rule_latex = r"\delta_{x} = \operatorname{broadcast}(\delta)"

    def forward(ctx, x, axes, keepdims):
        return np.asarray(backend.quietly(np.sum, x, axis=axes, keepdims=keepdims, dtype=_accumulator(x)))

    def backward(ctx, g):
        (x,) = ctx.inputs
        return broadcast_to(reshape(g, _kept_shape(x.shape, ctx.attrs["axes"])), x.shape)


class Max(Function):
    rule_unicode = "δ goes to the maximal entry (split evenly among ties): δ_x = δ·[x = max]/#ties"
    rule_latex = r"\delta_x = \delta \odot \frac{\mathbb{1}[x = \max x]}{\#\text{ties}}"

    def forward(ctx, x, axes, keepdims, route_nan):
        if x.dtype == object:
            return np.asarray(backend.amax(x, axes, keepdims))
        return np.asarray(np.max(x, axis=axes, keepdims=keepdims))

    def backward(ctx, g):
        (x,) = ctx.inputs
        axes = ctx.attrs["axes"]
        kept = _kept_shape(x.shape, axes)
        mask = _tie_split(ctx.name.lower(), x.data, ctx.output.data.reshape(kept), axes, ctx.attrs["route_nan"])
        return broadcast_to(reshape(g, kept), x.shape) * type(g)._make(mask, False)


class Min(Max):
    rule_unicode = "δ goes to the minimal entry (split evenly among ties): δ_x = δ·[x = min]/#ties"
    rule_latex = r"\delta_x = \delta \odot \frac{\mathbb{1}[x = \min x]}{\#\text{ties}}"

    def forward(ctx, x, axes, keepdims, route_nan):
        if x.dtype == object:
            return np.asarray(-backend.amax(-x, axes, keepdims))
        return np.asarray(np.min(x, axis=axes, keepdims=keepdims))


def _tie_split(op: str, x: np.ndarray, top: np.ndarray, axes: Optional[tuple[int, ...]],
               route_nan: bool) -> np.ndarray:
    """1/#ties where x attains its extreme over `axes`, else 0. A NaN extreme routes δ to the NaN entries
    (max()/min(), `route_nan`) or makes the slice's δ NaN (amax/amin), each as PyTorch."""
    if x.dtype == object:
        hit = np.vectorize(lambda a, m: _decided_equal(op, a, m), otypes=[bool])(x, top)
        counts = hit.sum(axis=axes, keepdims=True)
        return np.vectorize(lambda h, c: sympy.Rational(int(h), int(c)), otypes=[object])(hit, counts)
    hit = x == top
    if route_nan:
        hit |= np.isnan(x) & np.isnan(top)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (hit / hit.sum(axis=axes, keepdims=True)).astype(x.dtype)


def _superlative(op: str) -> str:
    return "largest" if "max" in op else "smallest"


def _decided_equal(op: str, x: Any, m: Any) -> bool:
    decided = sympy.Eq(x, m)
    if decided not in (sympy.true, sympy.false):
        raise TypeError(f"{op}: cannot decide which symbolic entry is {_superlative(op)} ({x} vs {m}); use exact "
                        "rational inputs where the winner must be concrete and keep δ symbolic")
    return bool(decided)


class Prod(Function):
    rule_unicode = "∂(Πⱼ xⱼ)/∂xᵢ = Π_{j≠i} xⱼ: δ_x = δ·(product of the other entries)"
    rule_latex = r"\delta_{x_i} = \delta \prod_{j \ne i} x_j"

    def forward(ctx, x, axis, keepdims):
        return np.asarray(backend.quietly(np.prod, x, axis=axis, keepdims=keepdims, dtype=_accumulator(x)))

    def backward(ctx, g):
        (x,) = ctx.inputs
        axis = ctx.attrs["axis"]
        kept = _kept_shape(x.shape, None if axis is None else (axis,))
        if not x.is_symbolic and not (x.data == 0).any():  # PyTorch's fast path: Π_{j≠i} x_j = (Π x)/x_i
            return broadcast_to(reshape(g, kept), x.shape) * (reshape(ctx.output, kept) / x)
        others = reshape(_product_of_others(reshape(x, -1), 0), x.shape) if axis is None else \
            _product_of_others(x, axis)
        return broadcast_to(reshape(g, kept), x.shape) * others


def _product_of_others(x, axis: int):
    """Π_{j≠i} x_j along `axis` as (product before i)·(product after i): exact where entries are 0, unlike
    (Π x)/xᵢ, and built from differentiable ops so second derivatives work."""
    flip = (slice(None),) * axis + (slice(None, None, -1),)
    return _exclusive_cumprod(x, axis) * GetItem.apply(_exclusive_cumprod(GetItem.apply(x, key=flip), axis), key=flip)


def _exclusive_cumprod(x, axis: int):
    """y_i = Π_{j<i} x_j by Hillis–Steele doubling: log₂ n rounds of y ← y·(y shifted by k, ones shifted in)."""
    n = x.shape[axis]

    def shifted(t, k: int):
        ones = type(x)._make(backend.ones(x.shape[:axis] + (k,) + x.shape[axis + 1:], x.data), False)
        return Cat.apply(ones, GetItem.apply(t, key=(slice(None),) * axis + (slice(0, n - k),)), dim=axis)

    y, k = shifted(x, 1), 1
    while k < n:
        y = y * shifted(y, k)
        k *= 2
    return y


class CumSum(Function):
    rule_unicode = "yᵢ = Σ_{j≤i} xⱼ: δ_xⱼ = Σ_{i≥j} δᵢ (a reversed cumulative sum of δ)"
    rule_latex = r"\delta_{x_j} = \sum_{i \ge j} \delta_i"

    def forward(ctx, x, axis):
        return backend.quietly(np.cumsum, x, axis=axis, dtype=_accumulator(x))

    def backward(ctx, g):
        axis = ctx.attrs["axis"]
        flip = (slice(None),) * axis + (slice(None, None, -1),)
        return GetItem.apply(CumSum.apply(GetItem.apply(g, key=flip), axis=axis), key=flip)


def sum(input: Any, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None):
    """Σ over `dim` (one, several, or all dims). Integer and bool inputs sum to int64, as PyTorch."""
    x = _cast(tensor_arg(input, "sum"), "sum", dtype)
    return _in_dtype(Sum.apply(x, axes=_axes(dim, x.ndim, "sum"), keepdims=flag("sum", "keepdim", keepdim)), x, dtype)


def mean(input: Any, dim: Dims = None, keepdim: bool = False, *, dtype: Any = None):
    """Σ/n over `dim`; integer inputs need dtype= (PyTorch refuses to guess the output dtype)."""
    x = _floating(input, "mean", dtype)
    axes = _axes(dim, x.ndim, "mean")
    keepdim = flag("mean", "keepdim", keepdim)
    count = _count(x.shape, axes)
    if count == 0:
        raise ShapeError(f"mean: reducing {dim} of shape {x.shape} averages over no entries")
    return Sum.apply(x, axes=axes, keepdims=keepdim) / count  # sum(x, dim, keepdim) without checking again


def prod(input: Any, dim: Optional[int] = None, keepdim: bool = False, *, dtype: Any = None):
    """Π over one dim (or all); δ_xᵢ = δ·Π_{j≠i} xⱼ, exact where entries are 0. Integers give int64."""
    x = _cast(tensor_arg(input, "prod"), "prod", dtype)
    keepdim = flag("prod", "keepdim", keepdim)
    axis = None if dim is None else _dim(dim, x.ndim, "prod")
    if axis is not None and x.ndim == 0:
        axis = None
    return _in_dtype(Prod.apply(x, axis=axis, keepdims=keepdim), x, dtype)


def cumsum(input: Any, dim: int, *, dtype: Any = None):
    """Running sums along `dim`; integer and bool inputs give int64, as PyTorch."""
    if dtype is not None and _dtype_arg("cumsum", dtype) == bool:
        raise DtypeError("cumsum: dtype=bool is not a dtype to sum in; pass tg.int64 or a float dtype")
    x = _cast(tensor_arg(input, "cumsum"), "cumsum", dtype)
    axis = _dim(dim, x.ndim, "cumsum")
    if x.ndim == 0:
        return _in_dtype(reshape(CumSum.apply(reshape(x, 1), axis=0), ()), x, dtype)
    return _in_dtype(CumSum.apply(x, axis=axis), x, dtype)


def _extreme(op: str, fn: type, input: Any, dim: Dims, keepdim: bool, route_nan: bool):
    x = tensor_arg(input, op)
    axes = _axes(dim, x.ndim, op)
    keepdim = flag(op, "keepdim", keepdim)
    if x.numel() == 0:
        if axes is None:
            raise ShapeError(f"{op}: tensor of shape {x.shape} is empty; name the reduction dim with dim=")
        empty = [a for a in axes if x.shape[a] == 0]
        if empty:
            raise IndexError(f"{op}: reduction dim {empty[0]} of shape {x.shape} has size 0")
    return fn.apply(x, axes=axes, keepdims=keepdim, route_nan=route_nan)


def amax(input: Any, dim: Dims = (), keepdim: bool = False):
    """Max over one or several dims (all by default); δ split evenly among ties."""
    return _extreme("amax", Max, input, dim, keepdim, False)


def amin(input: Any, dim: Dims = (), keepdim: bool = False):
    """Min over one or several dims (all by default); δ split evenly among ties."""
    return _extreme("amin", Min, input, dim, keepdim, False)


def max(input: Any, dim: Any = None, keepdim: bool = False):
    """As torch.max: max(t) is a 0-d tensor (δ split among ties); max(t, dim) is (values, indices) with the
    first maximal index and δ to that index only; max(a, b) of two tensors is the elementwise maximum."""
    return _max_or_min("max", input, dim, keepdim)


def min(input: Any, dim: Any = None, keepdim: bool = False):
    """As torch.min: min(t), min(t, dim) → (values, indices), min(a, b) elementwise."""
    return _max_or_min("min", input, dim, keepdim)


def _max_or_min(op: str, input: Any, dim: Any, keepdim: bool):
    if dim is None:
        return _extreme(op, Max if op == "max" else Min, input, None, keepdim, True)
    if not isinstance(dim, (int, np.integer)) and hasattr(dim, "shape"):
        return (maximum if op == "max" else minimum)(input, dim)
    x = tensor_arg(input, op)
    axis = _dim(dim, x.ndim, op)
    keepdim = flag(op, "keepdim", keepdim)
    index = _arg_extreme(op, x, axis, keepdim)
    result = max_result if op == "max" else min_result
    return result(pick_along(x, axis, index, keepdim), type(x)._make(index, False))


def _arg_extreme(op: str, x, axis: Optional[int], keepdim: bool) -> np.ndarray:
    """First index of the max (min) along `axis`, int64; NaN counts as the extreme, as PyTorch."""
    data = x.data
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if axis is not None and data.shape[axis] == 0 or axis is None and data.size == 0:
        raise IndexError(f"{op}: cannot reduce over an empty dimension of shape {data.shape}")
    find = np.argmax if op in ("max", "argmax") else np.argmin
    try:  # NumPy, like PyTorch, takes the first NaN as the extreme of a slice that has one
        return np.asarray(find(data, axis=axis, keepdims=keepdim), dtype=np.int64)
    except TypeError as err:
        raise TypeError(f"{op}: cannot decide which symbolic entry is {_superlative(op)} ({err}); use exact "
                        "numbers") from None


def pick_along(x, axis: int, index: np.ndarray, keepdim: bool):
    """x's entries at `index` along `axis` (see _gather_key), one differentiable GetItem: δ goes back to them."""
    if x.ndim == 0:
        return reshape(GetItem.apply(x, key=(None,)), ())
    if keepdim or x.ndim > 1 or not x.is_symbolic:
        return GetItem.apply(x, key=_gather_key(x.shape, axis, index, keepdim))
    # a 0-d pick from an object array keeps the dim first (NumPy would hand back a bare SymPy number)
    return reshape(GetItem.apply(x, key=_gather_key(x.shape, axis, np.expand_dims(index, axis), True)), ())


def _gather_key(shape: tuple[int, ...], axis: int, index: np.ndarray, keepdim: bool) -> tuple[np.ndarray, ...]:
    """The integer-array key that picks x[..., index, ...] along `axis` (a differentiable GetItem):
    `index` has x's shape with `axis` resized (keepdim) or removed."""
    key = []
    for j, n in enumerate(shape):
        if j == axis:
            key.append(index)
            continue
        pos = j if keepdim or j < axis else j - 1
        key.append(np.arange(n).reshape([n if i == pos else 1 for i in range(index.ndim)]))
    return tuple(key)


def argmax(input: Any, dim: Optional[int] = None, keepdim: bool = False):
    """Index of the first maximum along `dim` (of the flattened tensor when dim is None), int64."""
    return _arg("argmax", input, dim, keepdim)


def argmin(input: Any, dim: Optional[int] = None, keepdim: bool = False):
    """Index of the first minimum along `dim` (of the flattened tensor when dim is None), int64."""
    return _arg("argmin", input, dim, keepdim)


def _arg(op: str, input: Any, dim: Optional[int], keepdim: bool):
    x = tensor_arg(input, op)
    keepdim = flag(op, "keepdim", keepdim)
    if x.dtype == bool:
        raise DtypeError(f"{op}: does not support bool input (shape {x.shape}); convert with .long() first")
    if dim is None:
        index = _arg_extreme(op, reshape(x, -1) if x.ndim else x, 0 if x.ndim else None, False)
        return type(x)._make(index.reshape((1,) * x.ndim) if keepdim else index, False)
    return type(x)._make(_arg_extreme(op, x, _dim(dim, x.ndim, op), keepdim), False)


def var(input: Any, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
        correction: Optional[float] = None):
    """Σ(x − mean)²/(n − correction) over `dim`; correction=1 (Bessel) by default, unbiased=False means 0."""
    return _variance("var", input, dim, unbiased, keepdim, correction)


def std(input: Any, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
        correction: Optional[float] = None):
    """√var; δ is 0 where std is 0 (PyTorch's choice, instead of 0·∞)."""
    return _root(_variance("std", input, dim, unbiased, keepdim, correction), 2)


def _variance(op: str, input: Any, dim: Any, unbiased: Optional[bool], keepdim: bool, correction: Optional[float]):
    if isinstance(dim, bool):  # var(x, False): PyTorch's var(input, unbiased) overload
        dim, unbiased = None, dim
    x = _floating(input, op)
    keepdim = flag(op, "keepdim", keepdim)
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: give unbiased= or correction=, not both")
    if unbiased is not None:
        flag(op, "unbiased", unbiased)
    if correction is not None:
        number(op, "correction", correction)
    c = (1 if unbiased else 0) if unbiased is not None else 1 if correction is None else correction
    axes = _axes(dim, x.ndim, op)
    n = _count(x.shape, axes)
    if n - c <= 0 and not x.is_symbolic:
        warnings.warn(f"{op}: degrees of freedom n − correction = {n} − {c} ≤ 0 for shape {x.shape}; the result "
                      "is NaN or ∞, as PyTorch", RuntimeWarning, stacklevel=3)
    if not x.is_symbolic:
        return Variance.apply(x, axes=axes, keepdims=keepdim, correction=c)
    centred = x - mean(x, dim, keepdim=True)
    return sum(centred * centred, dim, keepdim) / builtins.max(0, n - c)


class Variance(Function):
    """Σ(x − x̄)²/(n − c) on numbers, with PyTorch's backward δ·2(x − x̄)/(n − c): the same gradient as the
    composition where everything is finite, and PyTorch's where an entry is ±∞ or n − c ≤ 0."""

    rule_unicode = "v = Σ(x − x̄)²/(n − c): δ_x = δ·2(x − x̄)/(n − c)"
    rule_latex = r"\delta_x = \delta \cdot \frac{2\,(x - \bar x)}{n - c}"

    def forward(ctx, x, axes, keepdims, correction):
        n = _count(x.shape, axes)
        with np.errstate(all="ignore"):  # (x − x̄)² may overflow to ∞ and n − c be 0: values, as in PyTorch
            centred = x - np.mean(x, axis=axes, keepdims=True)
            total = np.sum(centred * centred, axis=axes, keepdims=keepdims)
            return np.asarray(total / np.asarray(builtins.max(0, n - correction), x.dtype), dtype=x.dtype)

    def backward(ctx, g):
        (x,) = ctx.inputs
        axes, c = ctx.attrs["axes"], ctx.attrs["correction"]
        kept = _kept_shape(x.shape, axes)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.asarray(np.divide(2.0, _count(x.shape, axes) - c), x.dtype)
            centred = x - broadcast_to(reshape(mean(x, None if axes is None else axes, keepdim=True), kept),
                                       x.shape)
            return broadcast_to(reshape(g, kept), x.shape) * centred * type(g)._make(scale, False)


def _root(s, p: float):
    """s^(1/p) (√s for p = 2) whose gradient is 0 where s = 0, PyTorch's norm/std convention, not ∞·0 = NaN."""
    if p == 2:
        return _zero_safe(s, lambda t: t.sqrt())
    return _zero_safe(s, lambda t: t ** (1 / p))


def _zero_safe(s, power, at_zero: float = 0.0):
    """power(s), taken as `at_zero` (0⁺ for a positive exponent, ∞ for a negative one) with gradient 0 where
    s = 0: the power sees 1 there and a Where puts the value back (selection, so the ∞ slope never reaches δ)."""
    if s.is_symbolic:
        return power(s)
    zero = s.data == 0
    if not zero.any():
        return power(s)
    cond = type(s)._make(zero, False)
    safe = Where.apply(cond, type(s)._make(backend.ones((), s.data), False), s)
    return Where.apply(cond, type(s)._make(np.asarray(at_zero, s.dtype), False), power(safe))


def norm(input: Any, p: Union[str, float, None] = "fro", dim: Dims = None, keepdim: bool = False,
         dtype: Any = None):
    """The vector p-norm over `dim` (all entries by default): 'fro' and 2 are √Σx², ±inf are max/min |x|,
    0 counts non-zeros; δ is 0 where the norm is 0, as PyTorch."""
    x = _floating(input, "norm", dtype)
    _axes(dim, x.ndim, "norm")
    keepdim = flag("norm", "keepdim", keepdim)
    if p is None or p == "fro":
        p = 2
    if isinstance(p, str):
        raise ShapeError(f"norm: p={p!r} is not supported (only 'fro' and numbers; the nuclear norm needs an SVD)")
    number("norm", "p", p)
    if p == 2:
        return _root(sum(x * x, dim, keepdim), 2)
    if p == math.inf:
        return amax(abs(x), () if dim is None else dim, keepdim)
    if p == -math.inf:
        return amin(abs(x), () if dim is None else dim, keepdim)
    if p == 0:  # a count: on the graph, as PyTorch's, with δ 0 (selected, so 0·∞ never happens)
        counted = type(x)._make(_nonzero(x.data, "norm"), False)
        with np.errstate(invalid="ignore"):
            nothing = x * 0
        return sum(Where.apply(counted, type(x)._make(backend.ones((), x.data), False), nothing), dim, keepdim)
    if p == 1:
        return sum(abs(x), dim, keepdim)
    if p < 0:  # |0|^p = ∞ makes the norm 0, with δ 0 there as PyTorch
        return sum(_zero_safe(abs(x), lambda t: t ** p, math.inf), dim, keepdim) ** (1 / p)
    return _root(sum(_zero_safe(abs(x), lambda t: t ** p), dim, keepdim), p)


def logsumexp(input: Any, dim: Dims, keepdim: bool = False):
    """log Σ exp(x) over `dim`, computed as m + log Σ exp(x − m) with m the (constant) max, so ±1e4 is safe."""
    x = tensor_arg(input, "logsumexp")
    _axes(dim, x.ndim, "logsumexp")
    keepdim = flag("logsumexp", "keepdim", keepdim)
    if _integral(x.data):
        x = x.to(backend.DEFAULT_FLOAT)
    if x.is_symbolic:
        return sum(x.exp(), dim, keepdim).log()
    axes = _axes(dim, x.ndim, "logsumexp")
    top = np.max(x.data, axis=axes, keepdims=True) if x.numel() else np.zeros(_kept_shape(x.shape, axes), x.dtype)
    top = np.where(np.isfinite(top), top, 0).astype(x.dtype)
    shift = type(x)._make(top, False)
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = −∞ for a row of −∞ is the answer
        out = sum((x - shift).exp(), dim, keepdim=True).log() + shift
    if keepdim:
        return out
    return reshape(out, tuple(s for i, s in enumerate(x.shape) if axes is not None and i not in axes))


def any(input: Any, dim: Dims = None, keepdim: bool = False):
    """True where some entry along `dim` is non-zero (bool; uint8 stays uint8, as PyTorch)."""
    return _logical("any", np.any, input, dim, keepdim)


def all(input: Any, dim: Dims = None, keepdim: bool = False):
    """True where every entry along `dim` is non-zero (bool; uint8 stays uint8, as PyTorch)."""
    return _logical("all", np.all, input, dim, keepdim)


def _logical(op: str, fn: Any, input: Any, dim: Dims, keepdim: bool):
    x = tensor_arg(input, op)
    keepdim = flag(op, "keepdim", keepdim)
    data = _nonzero(x.data, op) if x.data.dtype == object else x.data
    out = np.asarray(fn(data, axis=_axes(dim, x.ndim, op), keepdims=keepdim))
    return type(x)._make(out.astype(np.uint8) if x.dtype == np.uint8 else out, False)


def _nonzero(data: np.ndarray, op: str) -> np.ndarray:
    """x ≠ 0 as a bool array (SymPy entries must be decidable)."""
    return decided(relation("ne", data, backend.zeros((), data)), op)
