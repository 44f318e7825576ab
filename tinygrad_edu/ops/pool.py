"""Window pooling (lecture F11, F27, F36, F43, F54): max and average over kh×kw windows with PyTorch's
stride, padding, dilation and ceil_mode, and max pooling's flat indices. Pooling is a linear map
u_ij = ⟨W_ij, Z⟩ (F36): W_ij is the 0/1 argmax mask for max pooling, 1/|P_ij| on the window for average
pooling; each backward is the transposed map Wᵀ, itself a Function whose backward is W again, so second
derivatives work.

Forward and backward read and write the windows offset by offset: kh·kw strided slices of the padded input
(max), kh + kw for the separable window sum (average), never a loop over batch items or pixels.
"""
from __future__ import annotations

import functools
from typing import Any, Optional

import numpy as np
from ..lazy_sympy import sympy

from ..autograd import Function
from ..errors import ShapeError
from ..tensor import Tensor
from .local import window_view
from .movement import squeeze, unsqueeze
from .args import check_size, flag
from .pool_shapes import (Axis, WindowArgs, as_input, check_dtype, check_input, window_args,
                          window_axes)

Axes = tuple[Axis, Axis]


def _pad(x: np.ndarray, axes: Axes, fill: Any) -> np.ndarray:
    """x with its last two axes padded by p before and pad_after (padding and ceil_mode overhang) after."""
    (h, w) = axes
    if not (h.p or h.pad_after or w.p or w.pad_after):
        return x
    out = np.full(x.shape[:-2] + (h.p + h.n + h.pad_after, w.p + w.n + w.pad_after), fill, dtype=x.dtype)
    out[..., h.p:h.p + h.n, w.p:w.p + w.n] = x
    return out


def _crop(x: np.ndarray, axes: Axes) -> np.ndarray:
    h, w = axes
    return x[..., h.p:h.p + h.n, w.p:w.p + w.n]


def _tap(a: np.ndarray, axis: Axis, t: int, dim: int) -> np.ndarray:
    """The entries that kernel tap t reads for every window along `dim` (−2 or −1) of a padded array."""
    start = t * axis.d
    key = (slice(start, start + axis.s * (axis.out - 1) + 1, axis.s),) + (slice(None),) * (-1 - dim)
    return a[(Ellipsis,) + key]


def _taps(a: np.ndarray, axes: Axes, p: int, q: int) -> np.ndarray:
    """The entries that kernel tap (p, q) reads for every window of a padded (…, H, W) array."""
    h, w = axes
    return a[..., p * h.d:p * h.d + h.s * (h.out - 1) + 1:h.s, q * w.d:q * w.d + w.s * (w.out - 1) + 1:w.s]


def _lowest(dtype: np.dtype) -> Any:
    """The padding of max pooling: −∞ (SymPy's −oo on object arrays, the smallest integer for integers)."""
    if dtype == object:
        return sympy.S.NegativeInfinity
    return np.iinfo(dtype).min if dtype.kind in "iu" else -np.inf


def _padded(axes: Axes) -> bool:
    return any(a.p or a.pad_after for a in axes)


def _maybe_nan(x: np.ndarray) -> bool:
    """Whether x holds a NaN (np.max propagates NaN: one cheap pass, no inf − inf warnings)."""
    return x.dtype.kind == "f" and x.size > 0 and bool(np.isnan(x.max()))


def _max_and_argmax(x: np.ndarray, axes: Axes) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum and the offset p·kw + q of its winner (PyTorch's choices: the first of tied
    values, the last NaN), by kh·kw passes of arithmetic over shifted strided slices: masked writes and an
    argmax over a copied window axis are each several times slower. Offsets only grow, so the winner so far is
    max(winner, offset · [tap beats the best so far]), in int8 while kh·kw fits. np.maximum passes NaN on: a NaN
    in the maxima means a window holds one, and only then are the winners redone NaN-aware. LeNet's 2×2 pools
    (ms): 0.45 → 0.36 and 0.21 → 0.18."""
    kh, kw = axes[0].k, axes[1].k
    xp = _pad(x, axes, _lowest(x.dtype))
    if kh * kw == 1:
        best = _taps(xp, axes, 0, 0).copy()
        return best, np.zeros(best.shape, np.int32)
    first, second = _taps(xp, axes, 0, 0), _taps(xp, axes, *divmod(1, kw))
    index = np.int8 if kh * kw <= 127 else np.int32
    wins = np.greater(second, first)
    best = np.maximum(first, second)
    argmax = wins.astype(index)
    term = np.empty(best.shape, dtype=index)
    for offset in range(2, kh * kw):
        part = _taps(xp, axes, *divmod(offset, kw))
        np.greater(part, best, out=wins)
        np.maximum(best, part, out=best)
        np.multiply(wins, index(offset), out=term)
        np.maximum(argmax, term, out=argmax)
    if x.dtype.kind == "f" and np.isnan(best).any():
        return _max_and_argmax_nan(xp, axes)
    return best, argmax.astype(np.int32, copy=False)


def _max_and_argmax_nan(xp: np.ndarray, axes: Axes) -> tuple[np.ndarray, np.ndarray]:
    """_max_and_argmax of a padded input holding NaNs: a NaN beats everything, a later NaN an earlier one."""
    kw = axes[1].k
    best = _taps(xp, axes, 0, 0).copy()
    argmax = np.zeros(best.shape, dtype=np.int32)
    for offset in range(1, axes[0].k * kw):
        part = _taps(xp, axes, *divmod(offset, kw))
        wins = (part > best) | np.isnan(part)
        best = np.where(wins, part, best)
        argmax += wins * (np.int32(offset) - argmax)
    return best, argmax


def _symbolic_argmax(x: np.ndarray, axes: Axes) -> np.ndarray:
    """The winners' offsets on SymPy values (exact comparisons; the first maximum in window order)."""
    (h, w), (n, c) = axes, x.shape[:2]
    windows = window_view(_pad(x, axes, _lowest(x.dtype)), (h.k, w.k), (h.s, w.s), (h.out, w.out), (h.d, w.d))
    try:
        return np.argmax(windows.reshape(n, c, h.out, w.out, h.k * w.k), axis=-1)
    except TypeError as err:
        raise TypeError(f"max_pool2d: cannot decide which symbolic entry of input {x.shape} is largest; "
                        "use exact rational inputs where the winner must be concrete") from err


def _inside(argmax: np.ndarray, axes: Axes) -> np.ndarray:
    """Winners that fell on padding (their window holds only −∞) moved to the window's first input entry,
    where PyTorch's index points, so that δ and the indices never leave the input."""
    (h, w) = axes
    rows = h.starts()[:, None] + (argmax // w.k) * h.d
    cols = w.starts()[None, :] + (argmax % w.k) * w.d
    outside = (rows < 0) | (rows >= h.n) | (cols < 0) | (cols >= w.n)
    if not outside.any():
        return argmax
    first = h.first_inside()[:, None] * w.k + w.first_inside()[None, :]
    return np.where(outside, np.broadcast_to(first, argmax.shape), argmax).astype(argmax.dtype)


def flat_indices(argmax: np.ndarray, axes: Axes) -> np.ndarray:
    """PyTorch's return_indices: the winner's position h·W + w in its (H, W) input plane, int64."""
    (h, w) = axes
    rows = h.starts()[:, None] + (argmax // w.k).astype(np.int64) * h.d
    cols = w.starts()[None, :] + (argmax % w.k).astype(np.int64) * w.d
    return rows * w.n + cols


def _plane_gather(x: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """x[n, c, indices[n, c, …]] over flattened (H·W) planes."""
    n, c = x.shape[:2]
    flat = indices.reshape(n, c, int(np.prod(indices.shape[2:])))
    return np.take_along_axis(x.reshape(n, c, x.shape[2] * x.shape[3]), flat, axis=-1).reshape(indices.shape)


def winners(x: np.ndarray, axes: Axes) -> tuple[Optional[np.ndarray], np.ndarray]:
    """Each window's maximum (None on SymPy values, read off by the caller) and its winner's offset."""
    out, argmax = (None, _symbolic_argmax(x, axes)) if x.dtype == object else _max_and_argmax(x, axes)
    if _padded(axes) and (out is None or np.any(out == _lowest(x.dtype))):
        argmax = _inside(argmax, axes)
    return out, argmax


def _disjoint(axes: Axes) -> bool:
    """Whether no two windows share an entry: along each axis a window spans d(k − 1) + 1 ≤ s entries."""
    return all(a.d * (a.k - 1) + 1 <= a.s for a in axes)


def _tiled(axes: Axes) -> bool:
    """Whether the windows cover the padded input exactly, each entry once (k = s, d = 1, out·s entries)."""
    return all(a.d == 1 and a.k == a.s and a.out * a.s == a.p + a.n + a.pad_after for a in axes)


class MaxPool2d(Function):
    """Max over each window; keeps the winner's offset in the window (the 0/1 mask W_ij of F36).
    With `argmax` given it gathers at those winners instead (the same linear map W, for second derivatives)."""

    rule_unicode = "u_ij = ⟨W_ij, Z⟩, W_ij = 1 at the window's argmax: δ_Z = Σ_ij δ_ij W_ij (δ routed to the max)"
    rule_latex = (r"u_{ij} = \langle W_{ij}, Z\rangle,\ W_{ij} = \mathbb{1}[\arg\max]:\ "
                  r"\delta_Z = \textstyle\sum_{ij} \delta_{ij} W_{ij}")

    def forward(ctx, x, axes, argmax=None):
        out = None
        if argmax is None:
            out, argmax = winners(x, axes)
        ctx.save_for_backward(argmax)
        return _plane_gather(x, flat_indices(argmax, axes)) if out is None else out

    def backward(ctx, g):
        (argmax,) = ctx.saved
        return MaxPool2dBackward.apply(g, axes=ctx.attrs["axes"], argmax=argmax)


class MaxPool2dBackward(Function):
    """Wᵀ of max pooling: each δ_ij goes to its window's argmax, zeros elsewhere (overlaps add)."""

    rule_unicode = "a linear map Wᵀ: δ_g = W δ = δ gathered at the same argmax"
    rule_latex = r"\delta_g = W\delta \quad (\text{gather at the same } \arg\max)"

    def forward(ctx, g, axes, argmax):
        (h, w) = axes
        zero = sympy.Integer(0) if g.dtype == object else 0
        shape = g.shape[:2] + (h.p + h.n + h.pad_after, w.p + w.n + w.pad_after)
        # g·mask is the fast routing; it would turn an infinite δ into NaN on the window's other entries.
        multiply = g.dtype != object and bool(np.isfinite(g).all())
        # Each entry in at most one window: each tap's δ·mask written once, not added into zeros (LeNet's 2×2
        # pools 0.52 → 0.24 and 0.30 → 0.12 ms).
        if multiply and _disjoint(axes):
            out = np.empty(shape, g.dtype) if _tiled(axes) else np.zeros(shape, g.dtype)
            hit = np.empty(argmax.shape, dtype=bool)
            for offset in range(h.k * w.k):
                np.equal(argmax, offset, out=hit)
                np.multiply(g, hit, out=_taps(out, axes, *divmod(offset, w.k)))
            return _crop(out, axes)
        out = np.full(shape, zero, dtype=g.dtype)
        for offset in range(h.k * w.k):
            hit = argmax == offset
            _taps(out, axes, *divmod(offset, w.k))[...] += g * hit if multiply else np.where(hit, g, zero)
        return _crop(out, axes)

    def backward(ctx, g):
        return MaxPool2d.apply(g, axes=ctx.attrs["axes"], argmax=ctx.attrs["argmax"])


def _window_sum(x: np.ndarray, axes: Axes) -> np.ndarray:
    """Σ over each zero-padded window, separably: kh row slices added, then kw column slices (the fastest
    NumPy form measured, also for windows that tile; entries outside a window never enter its sum)."""
    xp = _pad(x, axes, sympy.Integer(0) if x.dtype == object else 0)
    with np.errstate(invalid="ignore"):  # inf − inf in one window is NaN there, as in PyTorch
        rows = _tap(xp, axes[0], 0, -2).copy()
        for p in range(1, axes[0].k):
            rows += _tap(xp, axes[0], p, -2)
        out = _tap(rows, axes[1], 0, -1).copy()
        for q in range(1, axes[1].k):
            out += _tap(rows, axes[1], q, -1)
    return out


def _divide(a: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """a / divisor as PyTorch: exact rationals on SymPy values, truncation toward zero on integers."""
    if a.dtype.kind in "iu":
        q = a // divisor
        return (q + ((a % divisor != 0) & ((a < 0) != (divisor < 0)))).astype(a.dtype)
    return a / divisor


def divisors(axes: Axes, count_include_pad: bool, divisor_override: Optional[int], like: np.ndarray) -> np.ndarray:
    """(oh, ow) divisors of average pooling, PyTorch's rules: the window clipped at the padded border
    (never ceil_mode's overhang), also at the input unless count_include_pad, or divisor_override."""
    h, w = axes
    if divisor_override is not None:
        d = np.full((h.out, w.out), divisor_override, dtype=np.int64)
    else:
        d = h.counts(count_include_pad)[:, None] * w.counts(count_include_pad)[None, :]
    if like.dtype == object:
        return np.vectorize(sympy.Integer, otypes=[object])(d)
    return d if like.dtype.kind in "iu" else d.astype(like.dtype)


class AvgPool2d(Function):
    """Mean over each window: Σ_window z / |P_ij| with PyTorch's divisor (see `divisors`)."""

    rule_unicode = "u_ij = (1/|P_ij|) Σ_{P_ij} z: δ_Z = Σ_ij δ_ij/|P_ij| on window P_ij (W_ij = 1/|P_ij| there)"
    rule_latex = (r"u_{ij} = \tfrac{1}{|P_{ij}|}\textstyle\sum_{P_{ij}} z:\ "
                  r"\delta_Z = \sum_{ij} \tfrac{\delta_{ij}}{|P_{ij}|}\,\mathbb{1}_{P_{ij}}")

    def forward(ctx, x, axes, divisor):
        if x.dtype.kind in "iu":
            return _divide(_window_sum(x.astype(np.int64), axes), divisor).astype(x.dtype)
        return _divide(_window_sum(x, axes), divisor)

    def backward(ctx, g):
        return AvgPool2dBackward.apply(g, **ctx.attrs)


class AvgPool2dBackward(Function):
    """Wᵀ of average pooling: δ_ij/|P_ij| spread over its window (overlaps add)."""

    rule_unicode = "a linear map Wᵀ: δ_g = W δ = average pooling of δ"
    rule_latex = r"\delta_g = W\delta = \operatorname{avg\_pool}(\delta)"

    def forward(ctx, g, axes, divisor):
        (h, w) = axes
        spread = _divide(g, divisor)
        out = np.full(g.shape[:2] + (h.p + h.n + h.pad_after, w.p + w.n + w.pad_after),
                      sympy.Integer(0) if g.dtype == object else 0, dtype=g.dtype)
        for p in range(h.k):
            for q in range(w.k):
                _taps(out, axes, p, q)[...] += spread
        return _crop(out, axes)

    def backward(ctx, g):
        return AvgPool2d.apply(g, **ctx.attrs)


class _Meta:
    """An input's shape and dtype, all that the input checks read (a cache key cannot hold the tensor)."""

    def __init__(self, shape: tuple, dtype: np.dtype) -> None:
        self.shape, self.dtype, self.ndim = shape, dtype, len(shape)


@functools.lru_cache(maxsize=512)
def _window_plan(op: str, shape: tuple, dtype: np.dtype, dims: int, args: WindowArgs,
                 integers: bool) -> tuple[bool, tuple[Axis, ...]]:
    """The input checks and window axes per (shape, dtype, arguments): the same work on every training step
    (errors are raised, never cached)."""
    meta = _Meta(shape, dtype)
    batched = check_input(op, meta, dims)
    check_dtype(op, meta, integers=integers)
    return batched, window_axes(op, shape[-dims:], args)


def _plain(value: Any) -> bool:
    """An int, None or a tuple of ints, as plain Python values: a safe cache key (True == 1 and 1.0 == 1 would
    share a cache entry with 1 and skip their TypeError)."""
    kind = type(value)
    return kind is int or value is None or (kind is tuple and all(type(v) is int for v in value))


@functools.lru_cache(maxsize=512)
def _cached_window_args(op: str, dims: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                        ceil_mode: bool) -> WindowArgs:
    return window_args(op, dims, kernel_size, stride, padding, dilation, ceil_mode)


def cached_window_args(op: str, dims: int, kernel_size: Any, stride: Any = None, padding: Any = 0,
                       dilation: Any = 1, ceil_mode: bool = False) -> WindowArgs:
    """window_args, cached when every argument is a plain int, None or tuple of ints and ceil_mode a bool."""
    if (type(ceil_mode) is bool and _plain(kernel_size) and _plain(stride) and _plain(padding)
            and _plain(dilation)):
        return _cached_window_args(op, dims, kernel_size, stride, padding, dilation, ceil_mode)
    return window_args(op, dims, kernel_size, stride, padding, dilation, ceil_mode)


def checked(op: str, input: Any, dims: int, args: WindowArgs, integers: bool) -> tuple[Tensor, bool, Axes]:
    """The input as a Tensor, whether it is batched, and its two window axes (a 1-D op's height is a trivial
    axis), every rule checked before any work is done."""
    x = input if isinstance(input, Tensor) else as_input(op, input)
    batched, axes = _window_plan(op, tuple(x.shape), x.dtype, dims, args, integers)
    lead = x.shape[:-dims]
    check_size(op, lead + tuple(a.out for a in axes), x.dtype)  # the output, and the padded input
    check_size(op, lead + tuple(a.n + a.p + a.pad_after for a in axes), x.dtype)
    return x, batched, (Axis(1),) + axes if dims == 1 else axes


def max_pool(x: Tensor, axes: Axes, return_indices: bool) -> Any:
    """Max pooling of a checked (N, C, H, W) tensor and its flat indices; shared with the 1-D ops."""
    if not return_indices:
        return MaxPool2d.apply(x, axes=axes)
    argmax = winners(x.data, axes)[1]
    return MaxPool2d.apply(x, axes=axes, argmax=argmax), Tensor(flat_indices(argmax, axes))


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over kh×kw windows (F11, F54), padding with −∞; δ goes to the first maximum in window order, the
    last NaN (as PyTorch). return_indices=True also gives each winner's flat index h·W + w in its plane."""
    op = "max_pool2d"
    args = cached_window_args(op, 2, kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = flag(op, "return_indices", return_indices)
    x, batched, axes = checked(op, input, 2, args, integers=True)
    result = max_pool(x if batched else unsqueeze(x, 0), axes, return_indices)
    if batched:
        return result
    return tuple(squeeze(r, 0) for r in result) if return_indices else squeeze(result, 0)


def avg_pool(x: Tensor, axes: Axes, count_include_pad: bool, divisor_override: Optional[int]) -> Tensor:
    """Average pooling of a checked (N, C, H, W) tensor; shared with the 1-D ops."""
    return AvgPool2d.apply(x, axes=axes, divisor=divisors(axes, count_include_pad, divisor_override, x.data))


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: Optional[int] = None) -> Any:
    """Mean over kh×kw windows (F27, F62) with PyTorch's divisor: kh·kw with the zero padding counted
    (count_include_pad) but not ceil_mode's overhang, the input entries only, or divisor_override."""
    op = "avg_pool2d"
    args = cached_window_args(op, 2, kernel_size, stride, padding, 1, ceil_mode)
    check_divisor(op, divisor_override)
    count_include_pad = flag(op, "count_include_pad", count_include_pad)
    x, batched, axes = checked(op, input, 2, args, integers=True)
    out = avg_pool(x if batched else unsqueeze(x, 0), axes, count_include_pad, divisor_override)
    return out if batched else squeeze(out, 0)


def check_divisor(op: str, divisor_override: Any) -> None:
    """divisor_override: None or a non-zero int (PyTorch's rules)."""
    if divisor_override is None:
        return
    if not isinstance(divisor_override, (int, np.integer)) or isinstance(divisor_override, bool):
        raise TypeError(f"{op}: divisor_override must be an int or None, got {divisor_override!r}")
    if divisor_override == 0:
        raise ShapeError(f"{op}: divisor_override must not be zero (it divides every window sum)")
