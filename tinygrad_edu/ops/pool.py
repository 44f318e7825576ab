"""Pooling (lecture F11, F27, F36, F43, F54, F62): max and average over windows, adaptive bins and the
spatial pyramid. Pooling is a linear map u_ij = ⟨W_ij, Z⟩ (F36): W_ij is the 0/1 argmax mask for max
pooling, 1/s² on the window for average pooling; each backward is the transposed map Wᵀ, itself a
Function whose backward is W again, so second derivatives work.

Forward reads windows by reshape when they tile exactly (stride = kernel), else by sliding_window_view
(max) or kh·kw shifted strided slices (sum); backward adds δ back with at most kh·kw strided slice-adds.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np
import sympy

from ..autograd import Function
from .linalg import matmul
from .local import IntPair, crop2d, fold_windows, out_size, pad2d, pair, window_view
from .movement import cat, flatten, getitem, reshape, squeeze, unsqueeze

Size = Union[int, None, tuple[Optional[int], Optional[int]]]


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int],
             fill: Any) -> np.ndarray:
    """(N, C, oh, ow, kh·kw): each output's window of the padded input, in PyTorch's scan order (row by row)."""
    (kh, kw), (sh, sw) = kernel, stride
    xp = pad2d(x, *padding, value=fill)
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    n, c = x.shape[:2]
    if (sh, sw) == (kh, kw):
        tiles = xp[:, :, :oh * kh, :ow * kw].reshape(n, c, oh, kh, ow, kw).transpose(0, 1, 2, 4, 3, 5)
        return tiles.reshape(n, c, oh, ow, kh * kw)
    return window_view(xp, kernel, stride, (oh, ow)).reshape(n, c, oh, ow, kh * kw)


def _window_sum(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
                padding: tuple[int, int]) -> np.ndarray:
    """Σ over each window: a reshape when windows tile, else kh·kw shifted strided slices added up
    (the sliding windows read offset by offset, much faster than summing a sliding_window_view)."""
    (kh, kw), (sh, sw) = kernel, stride
    xp = pad2d(x, *padding)
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    if (sh, sw) == (kh, kw):
        return xp[:, :, :oh * kh, :ow * kw].reshape(x.shape[0], x.shape[1], oh, kh, ow, kw).sum(axis=(3, 5))
    out = None
    for p in range(kh):
        for q in range(kw):
            part = xp[:, :, p:p + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw]
            out = part.copy() if out is None else out + part
    return out


def _max_and_argmax(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
                    padding: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each window's maximum and the offset p·kw + q of its winner (PyTorch's choices: the first of tied
    values, the last NaN), by kh·kw passes of arithmetic over shifted strided slices: masked writes and an
    argmax over a copied window axis are each several times slower."""
    (kh, kw), (sh, sw) = kernel, stride
    xp = pad2d(x, *padding, value=-np.inf)
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    maybe_nan = np.isnan(np.sum(x))
    best = xp[:, :, :sh * (oh - 1) + 1:sh, :sw * (ow - 1) + 1:sw].copy()
    argmax = np.zeros(best.shape, dtype=np.int32)
    for offset in range(1, kh * kw):
        p, q = divmod(offset, kw)
        part = xp[:, :, p:p + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw]
        wins = part > best
        if maybe_nan:
            wins |= np.isnan(part)
            best = np.where(wins, part, best)
        else:
            np.maximum(best, part, out=best)
        argmax += wins * (np.int32(offset) - argmax)
    return best, argmax


def _divide(a: np.ndarray, n: int) -> np.ndarray:
    return a * sympy.Rational(1, n) if a.dtype == object else a / n


def _padded_hw(shape: tuple[int, ...], padding: tuple[int, int]) -> tuple[int, int]:
    return shape[2] + 2 * padding[0], shape[3] + 2 * padding[1]


class MaxPool2d(Function):
    """Max over each window; keeps the winner's offset in the window (the 0/1 mask W_ij of F36).
    With `argmax` given, it gathers at those offsets instead (the same linear map W, used by MaxUnpool2d's backward)."""

    rule_unicode = "u_ij = ⟨W_ij, Z⟩, W_ij = 1 at the window's argmax: δ_Z = Σ_ij δ_ij W_ij (δ routed to the max)"
    rule_latex = (r"u_{ij} = \langle W_{ij}, Z\rangle,\ W_{ij} = \mathbb{1}[\arg\max]:\ "
                  r"\delta_Z = \textstyle\sum_{ij} \delta_{ij} W_{ij}")

    def forward(ctx, x, kernel, stride, padding, argmax=None):
        if argmax is None and x.dtype != object:
            out, argmax = _max_and_argmax(x, kernel, stride, padding)
            ctx.save_for_backward(argmax)
            return out
        if argmax is None:
            fill = sympy.S.NegativeInfinity if x.dtype == object else -np.inf
            windows = _windows(x, kernel, stride, padding, fill)
            try:
                argmax = np.argmax(windows, axis=-1)
            except TypeError as err:
                raise TypeError(f"max_pool2d: cannot decide which symbolic entry of input {x.shape} is largest; "
                                "use exact rational inputs where the winner must be concrete") from err
        else:
            windows = _windows(x, kernel, stride, padding, 0)
        ctx.save_for_backward(argmax)
        return np.take_along_axis(windows, argmax[..., None], axis=-1)[..., 0]

    def backward(ctx, g):
        (argmax,) = ctx.saved
        a = ctx.attrs
        return MaxUnpool2d.apply(g, shape=ctx.inputs[0].shape, kernel=a["kernel"], stride=a["stride"],
                                 padding=a["padding"], argmax=argmax)


class MaxUnpool2d(Function):
    """Wᵀ of max pooling: each δ_ij goes to its window's argmax, zeros elsewhere (overlaps add)."""

    rule_unicode = "a linear map Wᵀ: δ_g = W δ = δ gathered at the same argmax"
    rule_latex = r"\delta_g = W\delta \quad (\text{gather at the same } \arg\max)"

    def forward(ctx, g, shape, kernel, stride, padding, argmax):
        zero = sympy.Integer(0) if g.dtype == object else 0
        (kh, kw), (sh, sw) = kernel, stride
        oh, ow = g.shape[2:]
        out = np.full(g.shape[:2] + _padded_hw(shape, padding), zero, dtype=g.dtype)
        for p in range(kh):
            for q in range(kw):
                hit = argmax == p * kw + q
                routed = np.where(hit, g, zero) if g.dtype == object else g * hit
                out[:, :, p:p + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw] += routed
        return crop2d(out, *padding)

    def backward(ctx, g):
        a = ctx.attrs
        return MaxPool2d.apply(g, kernel=a["kernel"], stride=a["stride"], padding=a["padding"], argmax=a["argmax"])


class AvgPool2d(Function):
    """Mean over each window, zero padding counted (PyTorch's count_include_pad=True)."""

    rule_unicode = "u_ij = (1/s²) Σ_{window} z: δ_Z = Σ_ij δ_ij/s² on window P_ij (W_ij = 1/s² there)"
    rule_latex = (r"u_{ij} = \tfrac{1}{s^2}\textstyle\sum_{P_{ij}} z:\ "
                  r"\delta_Z = \sum_{ij} \tfrac{\delta_{ij}}{s^2}\,\mathbb{1}_{P_{ij}}")

    def forward(ctx, x, kernel, stride, padding):
        return _divide(_window_sum(x, kernel, stride, padding), kernel[0] * kernel[1])

    def backward(ctx, g):
        return AvgUnpool2d.apply(g, shape=ctx.inputs[0].shape, **ctx.attrs)


class AvgUnpool2d(Function):
    """Wᵀ of average pooling: δ_ij/s² spread over its window (overlaps add)."""

    rule_unicode = "a linear map Wᵀ: δ_g = W δ = average pooling of δ"
    rule_latex = r"\delta_g = W\delta = \operatorname{avg\_pool}(\delta)"

    def forward(ctx, g, shape, kernel, stride, padding):
        spread = _divide(g, kernel[0] * kernel[1])[..., None, None]
        cols = np.broadcast_to(spread, g.shape + kernel)
        return crop2d(fold_windows(cols, _padded_hw(shape, padding), stride), *padding)

    def backward(ctx, g):
        return AvgPool2d.apply(g, **{k: v for k, v in ctx.attrs.items() if k != "shape"})


def _batched(op: str, x: Any) -> tuple[Any, bool]:
    """A 4-D view of an NCHW or CHW input, and whether a batch axis was added."""
    if x.ndim == 4:
        return x, False
    if x.ndim == 3:
        return unsqueeze(x, 0), True
    raise ValueError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {x.shape}")


def _pool_args(op: str, x: Any, kernel_size: IntPair, stride: Optional[IntPair], padding: IntPair) -> dict:
    k = pair(kernel_size, op, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else pair(stride, op, "stride")
    p = pair(padding, op, "padding")
    if min(k) < 1:
        raise ValueError(f"{op}: kernel_size must be positive, got {k}")
    if min(s) < 1:
        raise ValueError(f"{op}: stride must be positive, got {s}")
    if min(p) < 0 or p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{op}: padding {p} must be between 0 and half the kernel size {k} "
                         f"(pad ≤ kernel/2, as PyTorch)")
    h, w = x.shape[-2:]
    out_size(op, "height", h, k[0], s[0], p[0])
    out_size(op, "width", w, k[1], s[1], p[1])
    return dict(kernel=k, stride=s, padding=p)


def _pooled(op: str, fn: type, input: Any, kernel_size: IntPair, stride: Optional[IntPair], padding: IntPair) -> Any:
    x, added = _batched(op, input)
    out = fn.apply(x, **_pool_args(op, x, kernel_size, stride, padding))
    return squeeze(out, 0) if added else out


def max_pool2d(input: Any, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0) -> Any:
    """Max over kh×kw windows (F11, F54), padding with −∞; δ goes to the first maximum in window order (PyTorch)."""
    return _pooled("max_pool2d", MaxPool2d, input, kernel_size, stride, padding)


def avg_pool2d(input: Any, kernel_size: IntPair, stride: Optional[IntPair] = None, padding: IntPair = 0) -> Any:
    """Mean over kh×kw windows (F27, F62), zero padding counted in the divisor kh·kw (count_include_pad=True)."""
    return _pooled("avg_pool2d", AvgPool2d, input, kernel_size, stride, padding)


def _output_hw(op: str, x: Any, output_size: Size) -> tuple[int, int]:
    sizes = (output_size, output_size) if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
    hw = tuple(x.shape[2 + i] if s is None else int(s) for i, s in enumerate(sizes))
    if min(hw) < 1:
        raise ValueError(f"{op}: output_size {hw} must be positive")
    return hw


def _bins(n: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive bins along one axis: start ⌊i·n/out⌋, end ⌈(i+1)·n/out⌉."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def _bin_average_matrix(n: int, out: int, like: np.ndarray) -> np.ndarray:
    """(out, n) with 1/|bin| on each bin: adaptive average pooling along one axis as a matrix (F36's linear map)."""
    start, end = _bins(n, out)
    cols = np.arange(n)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    if like.dtype == object:
        weights = np.array([[sympy.Rational(int(b), int(e - s)) for b in row] for row, s, e in zip(inside, start, end)],
                           dtype=object)
        return weights.reshape(out, n)
    return (inside / (end - start)[:, None]).astype(like.dtype)


def adaptive_avg_pool2d(input: Any, output_size: Size) -> Any:
    """Average over PyTorch's adaptive bins to a fixed out_h×out_w (1: global average pooling, F62)."""
    op = "adaptive_avg_pool2d"
    x, added = _batched(op, input)
    oh, ow = _output_hw(op, x, output_size)
    h, w = x.shape[2:]
    if h % oh == 0 and w % ow == 0:
        out = AvgPool2d.apply(x, kernel=(h // oh, w // ow), stride=(h // oh, w // ow), padding=(0, 0))
    else:
        # Bins of unequal size: the separable linear map P_h · x · P_wᵀ, two matmuls, no loop over bins.
        ph = type(x)._make(_bin_average_matrix(h, oh, x.data), False)
        pw = type(x)._make(_bin_average_matrix(w, ow, x.data).T.copy(), False)
        out = matmul(matmul(ph, x), pw)
    return squeeze(out, 0) if added else out


def _bin_rows(n: int, out: int) -> np.ndarray:
    """(out, K) indices of each adaptive bin, the last index repeated to the longest bin's length K."""
    start, end = _bins(n, out)
    k = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(k), end[:, None] - 1)


def adaptive_max_pool2d(input: Any, output_size: Size) -> Any:
    """Max over PyTorch's adaptive bins to a fixed out_h×out_w; δ goes to the first maximum of each bin."""
    op = "adaptive_max_pool2d"
    x, added = _batched(op, input)
    oh, ow = _output_hw(op, x, output_size)
    n, c, h, w = x.shape
    if h % oh == 0 and w % ow == 0:
        out = MaxPool2d.apply(x, kernel=(h // oh, w // ow), stride=(h // oh, w // ow), padding=(0, 0))
    else:
        # Unequal bins: gather every bin (padded by repeating its last index, which never changes the first
        # maximum), pick the argmax, then one differentiable integer gather of the winners.
        rows, cols = _bin_rows(h, oh), _bin_rows(w, ow)
        bins = x.data[:, :, rows[:, :, None, None], cols[None, None, :, :]].transpose(0, 1, 2, 4, 3, 5)
        flat = bins.reshape(n, c, oh, ow, -1)
        try:
            best = np.argmax(flat, axis=-1)
        except TypeError as err:
            raise TypeError(f"{op}: cannot decide which symbolic entry of input {x.shape} is largest; "
                            "use exact rational inputs") from err
        pos = (rows[:, None, :, None] * w + cols[None, :, None, :]).reshape(oh, ow, -1)
        winners = np.take_along_axis(np.broadcast_to(pos, (n, c) + pos.shape), best[..., None], axis=-1)
        key = (np.arange(n)[:, None, None], np.arange(c)[None, :, None], winners.reshape(n, c, oh * ow))
        out = reshape(getitem(reshape(x, n, c, h * w), key), n, c, oh, ow)
    return squeeze(out, 0) if added else out


def spatial_pyramid_pool2d(input: Any, levels: Sequence[int] = (1, 2, 4), mode: str = "max") -> Any:
    """Pool each level's n×n grid of adaptive bins and concatenate, flattened (He et al. 2014, lecture F62):
    (N, C, H, W) → (N, C·Σn²), the same length for any H, W."""
    op = "spatial_pyramid_pool2d"
    pools = {"max": adaptive_max_pool2d, "avg": adaptive_avg_pool2d}
    if mode not in pools:
        raise ValueError(f"{op}: mode must be 'max' or 'avg', got {mode!r}")
    if not levels or any(int(n) < 1 for n in levels):
        raise ValueError(f"{op}: levels must be positive grid sizes, got {tuple(levels)}")
    x, added = _batched(op, input)
    out = cat([flatten(pools[mode](x, int(n)), 1) for n in levels], 1)
    return squeeze(out, 0) if added else out
