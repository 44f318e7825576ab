"""F.pad with PyTorch's pad tuple (last dimension first: (left, right, top, bottom, …)) and its four modes.
Constant padding concatenates blocks of the value; reflect, replicate and circular gather along index arrays,
so the gradient is the adjoint for free: slices of δ, and δ summed back onto the entries that were copied.
Negative pads crop."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from .activation import number_like
from .args import check_size, number, tensor_arg
from .compare import DtypeError
from .movement import cat

MODES = ("constant", "reflect", "replicate", "circular")


def _pads(pad: Sequence[Any], ndim: int) -> list[int]:
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad: pad must be a tuple of ints (left, right, top, bottom, ...), got {type(pad).__name__}")
    for k, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"pad: pad must be a tuple of ints, got {type(p).__name__} at position {k}")
    if len(pad) % 2:
        raise ShapeError(f"pad: padding length must be divisible by 2, got {len(pad)} ({tuple(pad)})")
    if len(pad) // 2 > ndim:
        raise ShapeError(f"pad: padding length should be at most twice the input's {ndim} dimensions, got "
                         f"{len(pad)} ({tuple(pad)})")
    return [int(p) for p in pad]


def _take(x: Any, dim: int, index: np.ndarray):
    return x[(slice(None),) * dim + (index,)]


def _block(x: Any, dim: int, count: int, value: float):
    """A constant tensor of `value`, x's shape with `count` entries along dim (a non-integer value truncates on
    integer tensors, as PyTorch; 0.5 is exactly 1/2 among SymPy entries)."""
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1:]
    fill = number_like(value, x).data if x.dtype == object else np.asarray(value).astype(x.dtype)
    return type(x)._make(np.array(np.broadcast_to(fill, shape)), False)


def _constant(x: Any, dim: int, left: int, right: int, value: float):
    """Positions −left … n + right − 1 of x along dim, the value outside 0 … n − 1."""
    n = x.shape[dim]
    start, stop = -left, n + right
    before = max(0, min(0, stop) - start)
    inside = (max(start, 0), min(stop, n))
    after = max(0, stop - max(n, start))
    pieces = []
    if before:
        pieces.append(_block(x, dim, before, value))
    if inside[1] > inside[0] or not (before or after):
        pieces.append(x if inside == (0, n) else _take(x, dim, slice(*inside)))
    if after:
        pieces.append(_block(x, dim, after, value))
    return pieces[0] if len(pieces) == 1 else cat(pieces, dim)


def _source(mode: str, n: int, left: int, right: int, dim: int, shape: tuple[int, ...]) -> np.ndarray:
    """The input index each output position reads along one dimension (reflect or replicate)."""
    if n == 0:
        raise ShapeError(f"pad: {mode} padding needs a non-empty dimension {dim}, got input shape {shape}")
    positions = np.arange(-left, n + right)
    if mode == "replicate":
        return np.clip(positions, 0, n - 1)
    if left >= n or right >= n:
        raise ShapeError(f"pad: reflect padding ({left}, {right}) of dimension {dim} must be less than its size {n} "
                         f"(input shape {shape})")
    mirrored = np.abs(positions)
    return np.where(mirrored > n - 1, 2 * (n - 1) - mirrored, mirrored)


def _circular(x: Any, dim: int, left: int, right: int):
    """Crop the negative pads, then wrap: PyTorch's order (a pad may wrap around at most once)."""
    n = x.shape[dim]
    kept = (max(-left, 0), n - max(-right, 0))
    if kept != (0, n):
        if kept[1] < kept[0]:
            raise ShapeError(f"pad: cropping ({left}, {right}) removes more than the {n} entries of dimension {dim}")
        x = _take(x, dim, slice(*kept))
    n, left, right = x.shape[dim], max(left, 0), max(right, 0)
    if left > n or right > n:
        raise ShapeError(f"pad: circular padding ({left}, {right}) of dimension {dim} wraps around more than once "
                         f"(size {n}); each pad may be at most the size")
    if left == right == 0:
        return x
    return _take(x, dim, np.arange(-left, n + right) % n)


@composite("pad", "δ_x = δ summed back onto the entries each output position copied (the padding gets none)",
           r"\delta_x[i] = \textstyle\sum_{o:\ \mathrm{src}(o) = i} \delta[o]")
def pad(input: Any, pad: Sequence[int], mode: str = "constant", value: Optional[float] = None):
    """Pad (or, with negative entries, crop) the last len(pad)/2 dimensions, last dimension first as PyTorch:
    pad = (left, right, top, bottom, front, back). value (default 0) is for mode='constant' only."""
    x = tensor_arg(input, "pad")
    pads = _pads(pad, x.ndim)
    if mode not in MODES:
        error = ShapeError if isinstance(mode, str) else ArgumentTypeError
        raise error(f"pad: unrecognised padding mode {mode!r}; use one of {', '.join(repr(m) for m in MODES)}")
    if mode != "constant" and value is not None:
        raise ShapeError(f"pad: padding mode {mode!r} doesn't take a value argument (only 'constant' does)")
    if value is not None:
        number("pad", "value", value)
    if x.dtype == bool and mode in ("reflect", "replicate"):
        raise DtypeError(f"pad: {mode} padding is not implemented for bool input, as in PyTorch")
    size = list(x.shape)
    for k in range(len(pads) // 2):
        size[x.ndim - 1 - k] += pads[2 * k] + pads[2 * k + 1]
    if min(size, default=0) >= 0:
        check_size("pad", tuple(size), x.dtype)
    out = x
    for k in range(len(pads) // 2):
        dim, left, right = x.ndim - 1 - k, pads[2 * k], pads[2 * k + 1]
        if left == right == 0:
            continue
        if out.shape[dim] + left + right < 0:
            raise ShapeError(f"pad: padding ({left}, {right}) leaves a negative size {out.shape[dim] + left + right} "
                             f"for dimension {dim} of size {out.shape[dim]}")
        if mode == "constant":
            out = _constant(out, dim, left, right, 0 if value is None else value)
        elif mode == "circular":
            out = _circular(out, dim, left, right)
        else:
            out = _take(out, dim, _source(mode, out.shape[dim], left, right, dim, x.shape))
    return out
