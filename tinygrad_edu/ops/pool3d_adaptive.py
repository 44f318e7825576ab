"""3-D adaptive pooling and max unpooling (PyTorch's adaptive_avg_pool3d, adaptive_max_pool3d, max_unpool3d).
Bins per axis are PyTorch's [⌊i·n/o⌋, ⌈(i+1)·n/o⌉); the average is the 2-D op's per-axis bin mean applied along
depth, height and width in turn (each entry meets only the bins holding it, so inf and NaN stay there); the max
finds each bin's winner on numbers and gathers it, so δ reaches that one entry, as PyTorch."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DtypeError, IndexRangeError, ShapeError
from ..tensor import Tensor
from .args import check_size, flag
from .movement import IndexPut, reshape, squeeze, unsqueeze
from .pool3d import check_input3, gather3
from .pool_adaptive import _bin_mean, _first_max
from .pool_shapes import as_input, bin_rows, check_dtype, output_sizes, window_args
from .pool_unpool import unpool_size


def _adaptive_input(op: str, input: Any, output_size: Any) -> tuple[Tensor, bool, tuple[int, int, int]]:
    x = as_input(op, input)
    batched = check_input3(op, x)
    check_dtype(op, x, integers=False)  # PyTorch: "adaptive_*_pool3d_cpu" not implemented for integers
    sizes = output_sizes(op, output_size, x.shape[-3:])
    check_size(op, x.shape[:-3] + sizes, np.int64)
    return (x if batched else unsqueeze(x, 0)), batched, sizes  # type: ignore[return-value]


def adaptive_avg_pool3d(input: Any, output_size: Any) -> Any:
    """Average over PyTorch's adaptive bins to a fixed od×oh×ow (1: global average pooling); None in output_size
    keeps that input size. Floating-point or SymPy input."""
    x, batched, (od, oh, ow) = _adaptive_input("adaptive_avg_pool3d", input, output_size)
    out = _bin_mean(_bin_mean(_bin_mean(x, 2, od), 3, oh), 4, ow)
    return out if batched else squeeze(out, 0)


def adaptive_max_pool3d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """Max over PyTorch's adaptive bins to a fixed od×oh×ow; δ goes to each bin's first maximum (the last NaN).
    return_indices=True also gives the winners' flat indices d·H·W + h·W + w, as max_pool3d."""
    op = "adaptive_max_pool3d"
    return_indices = flag(op, "return_indices", return_indices)
    x, batched, (od, oh, ow) = _adaptive_input(op, input, output_size)
    n, c, d, h, w = x.shape
    # every bin's entries (short bins repeat their last index, which never changes the first maximum)
    rd, rh, rw = bin_rows(d, od), bin_rows(h, oh), bin_rows(w, ow)
    pos = ((rd[:, None, None, :, None, None] * h + rh[None, :, None, None, :, None]) * w
           + rw[None, None, :, None, None, :]).reshape(od, oh, ow, -1)
    cells = x.data.reshape(n, c, d * h * w)[:, :, pos]
    best = _first_max(cells, op)
    index = np.take_along_axis(np.broadcast_to(pos, (n, c) + pos.shape), best[..., None], axis=-1)[..., 0]
    out = gather3(x, index)
    if not batched:
        out, index = squeeze(out, 0), index[0]
    return (out, Tensor(index)) if return_indices else out


def max_unpool3d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Any:
    """The partial inverse of max_pool3d (PyTorch's max_unpool3d): input[n, c, t, i, j] written at the flat index
    indices[n, c, t, i, j] of a zero (D_out, H_out, W_out) volume; its gradient gathers δ at the same indices."""
    op = "max_unpool3d"
    args = window_args(op, 3, kernel_size, stride, padding, half_kernel_padding=False, exact=True)
    x, idx = as_input(op, input), as_input(op, indices, "indices")
    batched = check_input3(op, x)
    check_dtype(op, x, integers=False)  # PyTorch: "max_unpool3d" not implemented for 'Long'
    if idx.dtype != np.int64:
        raise DtypeError(f"{op}: indices must be int64 (as returned by max_pool3d(..., return_indices=True)), got "
                         f"{idx.dtype}")
    if idx.shape != x.shape:
        raise ShapeError(f"{op}: indices shape {tuple(idx.shape)} must equal the input shape {tuple(x.shape)}")
    size = unpool_size(op, x, args.kernel, args.stride, args.padding, output_size)
    check_size(op, x.shape[:-3] + tuple(size), x.dtype)
    volume = size[0] * size[1] * size[2]
    if idx.data.size and (idx.data.min() < 0 or idx.data.max() >= volume):
        bad = int(idx.data.min()) if idx.data.min() < 0 else int(idx.data.max())
        raise IndexRangeError(f"{op}: index {bad} is out of range for an output volume of {size[0]}×{size[1]}×"
                              f"{size[2]} = {volume} entries (rule: 0 ≤ index < D_out·H_out·W_out)")
    xb, ib = (x, idx.data) if batched else (unsqueeze(x, 0), idx.data[None])
    n, c = xb.shape[:2]
    cells = int(np.prod(xb.shape[2:]))
    key = (np.arange(n)[:, None, None], np.arange(c)[None, :, None], ib.reshape(n, c, cells))
    out = IndexPut.apply(reshape(xb, (n, c, cells)), shape=(n, c, volume), key=key)
    out = reshape(out, (n, c) + tuple(size))
    return out if batched else squeeze(out, 0)
