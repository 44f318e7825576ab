"""Adaptive pooling (lecture F62): average or max over PyTorch's bins [⌊i·n/o⌋, ⌈(i+1)·n/o⌉) to a fixed
output size, and the spatial pyramid built on it. Bins that tile use the window pools; unequal bins are
gathered (a bin's short rows point at an appended zero, or repeat their last entry for max), so an
entry only ever meets the bins that hold it: an inf or NaN stays inside its own bins, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from ..lazy_sympy import sympy

from ..autograd import composite
from ..tensor import Tensor
from .movement import cat, flatten, getitem, reshape, squeeze, unsqueeze
from .pool import AvgPool2d, MaxPool2d, _maybe_nan, divisors, flat_indices, winners
from .args import check_size, flag
from .pool_shapes import (Axis, as_input, bin_rows, bins, check_dtype, check_input, output_sizes,
                          pyramid_levels)


def _as_tensor(x: Any, op: str) -> Tensor:
    return as_input(op, x)


def _tiles(h: int, w: int, oh: int, ow: int) -> tuple[Axis, Axis]:
    kh, kw = h // oh, w // ow
    return Axis(h, kh, kh, 0, 1, oh), Axis(w, kw, kw, 0, 1, ow)


def _bin_mean(x: Tensor, dim: int, out: int) -> Tensor:
    """The mean over adaptive bins along `dim`: gather each bin's entries (short bins padded with an appended
    zero), sum them, divide by the bin's size. No entry is weighted by a zero, so inf and NaN stay in their bins."""
    n = x.shape[dim]
    if n == out:
        return x
    zero = np.zeros(x.shape[:dim] + (1,) + x.shape[dim + 1:], dtype=x.dtype)
    if x.dtype == object:
        zero = np.full(zero.shape, sympy.Integer(0), dtype=object)
    gathered = getitem(cat([x, Tensor(zero)], dim), (slice(None),) * dim + (bin_rows(n, out, pad=n),))
    start, end = bins(n, out)
    size = (end - start).reshape((out,) + (1,) * (x.ndim - dim - 1))
    if x.dtype == object:
        size = np.vectorize(sympy.Integer, otypes=[object])(size)
    return gathered.sum(dim + 1) / Tensor(size.astype(x.dtype))


def _adaptive_avg(x: Tensor, oh: int, ow: int) -> Tensor:
    """Adaptive average pooling of an (N, C, H, W) tensor."""
    h, w = x.shape[2:]
    if h % oh == 0 and w % ow == 0:
        axes = _tiles(h, w, oh, ow)
        return AvgPool2d.apply(x, axes=axes, divisor=divisors(axes, True, None, x.data))
    return _bin_mean(_bin_mean(x, 2, oh), 3, ow)


@composite("adaptive_avg_pool2d", "u_ij = mean of x over its bin R_ij (F27, F62): δ_x = Σ over the bins R_ij "
           "holding x of δ_ij/|R_ij|", r"\delta_x = \sum_{(i,j):\,x \in R_{ij}} \delta_{ij}/|R_{ij}|")
def adaptive_avg_pool2d(input: Any, output_size: Any) -> Any:
    """Average over PyTorch's adaptive bins to a fixed out_h×out_w (1: global average pooling, F62);
    None in output_size keeps that input size. Floating-point or SymPy input (PyTorch refuses integers)."""
    op = "adaptive_avg_pool2d"
    x = _as_tensor(input, op)
    batched = check_input(op, x, 2)
    check_dtype(op, x, integers=False)
    oh, ow = output_sizes(op, output_size, x.shape[-2:])
    check_size(op, x.shape[:-2] + (oh, ow), x.dtype)
    out = _adaptive_avg(x if batched else unsqueeze(x, 0), oh, ow)
    return out if batched else squeeze(out, 0)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Any:
    """Average over adaptive bins of an (N, C, L) or (C, L) input to length output_size (the 2-D op on an
    inserted axis of length 1)."""
    op = "adaptive_avg_pool1d"
    x = _as_tensor(input, op)
    batched = check_input(op, x, 1)
    check_dtype(op, x, integers=False)
    (size,) = output_sizes(op, output_size, x.shape[-1:], allow_none=False)
    check_size(op, x.shape[:-1] + (size,), x.dtype)
    x4 = unsqueeze(x if batched else unsqueeze(x, 0), 2)
    out = squeeze(_adaptive_avg(x4, 1, size), 2)
    return out if batched else squeeze(out, 0)


def _first_max(flat: np.ndarray, op: str) -> np.ndarray:
    """The argmax over the last axis with PyTorch's choices: the first of tied maxima, the last NaN."""
    if flat.dtype == object:
        try:
            return np.argmax(flat, axis=-1)
        except TypeError as err:
            raise TypeError(f"{op}: cannot decide which symbolic entry is largest; use exact rational inputs") from err
    best, arg = flat[..., 0].copy(), np.zeros(flat.shape[:-1], dtype=np.int64)
    maybe_nan = _maybe_nan(flat)
    for t in range(1, flat.shape[-1]):
        part = flat[..., t]
        wins = (part > best) | np.isnan(part) if maybe_nan else part > best
        best = np.where(wins, part, best)
        arg[wins] = t
    return arg


def _adaptive_max(op: str, x: Tensor, oh: int, ow: int) -> tuple[Tensor, np.ndarray]:
    """Adaptive max pooling of an (N, C, H, W) tensor and the winners' flat indices h·W + w."""
    n, c, h, w = x.shape
    if h % oh == 0 and w % ow == 0:
        axes = _tiles(h, w, oh, ow)
        argmax = winners(x.data, axes)[1]
        return MaxPool2d.apply(x, axes=axes, argmax=argmax), flat_indices(argmax, axes)
    # Unequal bins: gather every bin (padded by repeating its last index, which never changes the winner),
    # pick the winner, then one differentiable integer gather of the winners.
    rows, cols = bin_rows(h, oh), bin_rows(w, ow)
    binned = x.data[:, :, rows[:, :, None, None], cols[None, None, :, :]].transpose(0, 1, 2, 4, 3, 5)
    cells = rows.shape[1] * cols.shape[1]
    best = _first_max(binned.reshape(n, c, oh, ow, cells), op)
    pos = (rows[:, None, :, None] * w + cols[None, :, None, :]).reshape(oh, ow, cells)
    index = np.take_along_axis(np.broadcast_to(pos, (n, c) + pos.shape), best[..., None], axis=-1)[..., 0]
    key = (np.arange(n)[:, None, None], np.arange(c)[None, :, None], index.reshape(n, c, oh * ow))
    return reshape(getitem(reshape(x, n, c, h * w), key), n, c, oh, ow), index


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max over PyTorch's adaptive bins to a fixed out_h×out_w; δ goes to the first maximum of each bin (the
    last NaN). return_indices=True also gives the winners' flat indices h·W + w, as max_pool2d."""
    op = "adaptive_max_pool2d"
    x = _as_tensor(input, op)
    return_indices = flag(op, "return_indices", return_indices)
    batched = check_input(op, x, 2)
    check_dtype(op, x, integers=True)  # exact on integers (PyTorch's kernel is not implemented for them)
    oh, ow = output_sizes(op, output_size, x.shape[-2:])
    check_size(op, x.shape[:-2] + (oh, ow), np.int64)
    out, index = _adaptive_max(op, x if batched else unsqueeze(x, 0), oh, ow)
    if not batched:
        out, index = squeeze(out, 0), index[0]
    return (out, Tensor(index)) if return_indices else out


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max over adaptive bins of an (N, C, L) or (C, L) input to length output_size (the 2-D op on an inserted
    axis of length 1); return_indices=True also gives the winners' positions along L."""
    op = "adaptive_max_pool1d"
    x = _as_tensor(input, op)
    return_indices = flag(op, "return_indices", return_indices)
    batched = check_input(op, x, 1)
    check_dtype(op, x, integers=True)
    (size,) = output_sizes(op, output_size, x.shape[-1:], allow_none=False)
    check_size(op, x.shape[:-1] + (size,), np.int64)
    out, index = _adaptive_max(op, unsqueeze(x if batched else unsqueeze(x, 0), 2), 1, size)
    out, index = squeeze(out, 2), index[:, :, 0]
    if not batched:
        out, index = squeeze(out, 0), index[0]
    return (out, Tensor(index)) if return_indices else out


@composite("spatial_pyramid_pool2d", "each level l pools an l×l grid of bins, the results concatenated (F62): each "
           "level hands its part of δ back by its pool's rule (max: to the bin's argmax, avg: δ/|R| over the bin), "
           "and the levels' gradients add", r"\delta_x = \sum_{l} \mathrm{pool}_l^\top(\delta_l)")
def spatial_pyramid_pool2d(input: Any, levels: Sequence[int] = (1, 2, 4), mode: str = "max") -> Any:
    """Pool each level's n×n grid of adaptive bins and concatenate, flattened (He et al. 2014, lecture F62):
    (N, C, H, W) → (N, C·Σn²), the same length for any H, W."""
    op = "spatial_pyramid_pool2d"
    if mode not in ("max", "avg"):
        raise ValueError(f"{op}: mode must be 'max' or 'avg', got {mode!r}")
    grid = pyramid_levels(op, levels)
    x = _as_tensor(input, op)
    batched = check_input(op, x, 2)
    check_dtype(op, x, integers=mode == "max")
    check_size(op, x.shape[:-2] + (sum(n * n for n in grid),), np.int64)
    xb = x if batched else unsqueeze(x, 0)
    pooled = [_adaptive_max(op, xb, n, n)[0] if mode == "max" else _adaptive_avg(xb, n, n) for n in grid]
    out = cat([flatten(p, 1) for p in pooled], 1)
    return out if batched else squeeze(out, 0)
