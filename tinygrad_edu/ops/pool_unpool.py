"""Max unpooling as PyTorch's max_unpool2d: the partial inverse of max pooling, which writes each value at the
flat index max_pool2d(..., return_indices=True) gave it; its backward gathers δ at the same indices."""
from __future__ import annotations

from typing import Any

import numpy as np
from ..lazy_sympy import sympy

from ..autograd import Function
from ..errors import DtypeError, IndexRangeError, ShapeError
from ..tensor import Tensor
from .movement import getitem, reshape, squeeze, unsqueeze
from .args import check_size
from .pool_shapes import as_input, check_dtype, check_input, int_tuple, window_args


class MaxUnpool2d(Function):
    """PyTorch's max_unpool2d: each input entry written at its flat index h·W + w of a zero (H, W) plane."""

    rule_unicode = "y[idx] = x, zeros elsewhere: δ_x = δ_y[idx] (δ gathered at the indices)"
    rule_latex = r"y_{\mathrm{idx}} = x:\ \delta_x = \delta_y[\mathrm{idx}]"

    def forward(ctx, x, indices, size):
        n, c = x.shape[:2]
        zero = sympy.Integer(0) if x.dtype == object else 0
        out = np.full((n, c, size[0] * size[1]), zero, dtype=x.dtype)
        cells = x.shape[2] * x.shape[3]
        np.put_along_axis(out, indices.reshape(n, c, cells), x.reshape(n, c, cells), axis=-1)
        return out.reshape(n, c, *size)

    def backward(ctx, g):
        n, c, h, w = g.shape
        idx = ctx.attrs["indices"].reshape(n, c, ctx.inputs[0].shape[2] * ctx.inputs[0].shape[3])
        key = (np.arange(n)[:, None, None], np.arange(c)[None, :, None], idx)
        return reshape(getitem(reshape(g, n, c, h * w), key), ctx.inputs[0].shape)


def unpool_size(op: str, x: Any, kernel: tuple[int, ...], stride: tuple[int, ...], padding: tuple[int, ...],
                output_size: Any) -> tuple[int, ...]:
    """(H − 1)·stride − 2·padding + kernel per axis, or output_size (spatial sizes, or with N, C in front)
    within ± stride of it, as PyTorch."""
    dims = len(kernel)
    spatial = x.shape[-dims:]
    default = tuple((spatial[i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(dims))
    if output_size is None:
        size = default
    else:
        given = tuple(output_size)
        if len(given) == dims + 2:
            given = given[2:]
        if len(given) != dims:
            raise ShapeError(f"{op}: output_size must hold {dims} or {dims + 2} sizes, got {tuple(output_size)!r}")
        size = int_tuple(op, "output_size", given, dims)
        for i in range(dims):
            lo, hi = default[i] - stride[i], default[i] + stride[i]
            if not lo < size[i] < hi:
                raise ShapeError(f"{op}: output_size {size} is invalid: dimension {i} must be between {lo} and {hi} "
                                 f"(exclusive; rule: (in − 1)·stride − 2·padding + kernel ± stride)")
    if min(size) < 1:
        raise ShapeError(f"{op}: output size {size} = (input − 1)·stride − 2·padding + kernel is not positive "
                         f"(input {tuple(spatial)}, kernel {kernel}, stride {stride}, padding {padding})")
    return size


def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Any:
    """The partial inverse of max_pool2d (PyTorch's max_unpool2d): input[n, c, i, j] is written at the flat
    index indices[n, c, i, j] of an (H_out, W_out) zero plane; repeated indices keep one value."""
    op = "max_unpool2d"
    args = window_args(op, 2, kernel_size, stride, padding, half_kernel_padding=False, exact=True)
    x, idx = as_input(op, input), as_input(op, indices, "indices")
    batched = check_input(op, x, 2)
    check_dtype(op, x, integers=True)
    if idx.dtype != np.int64:
        raise DtypeError(f"{op}: indices must be int64 (as returned by max_pool2d(..., return_indices=True)), "
                        f"got {idx.dtype}")
    if idx.shape != x.shape:
        raise ShapeError(f"{op}: indices shape {tuple(idx.shape)} must equal the input shape {tuple(x.shape)}")
    size = unpool_size(op, x, args.kernel, args.stride, args.padding, output_size)
    check_size(op, x.shape[:-2] + tuple(size), x.dtype)
    plane = size[0] * size[1]
    if idx.data.size and (idx.data.min() < 0 or idx.data.max() >= plane):
        bad = int(idx.data.min()) if idx.data.min() < 0 else int(idx.data.max())
        raise IndexRangeError(f"{op}: index {bad} is out of range for an output plane of {size[0]}×{size[1]} = {plane} "
                         "entries (rule: 0 ≤ index < H_out·W_out)")
    xb, ib = (x, idx.data) if batched else (unsqueeze(x, 0), idx.data[None])
    out = MaxUnpool2d.apply(xb, indices=ib, size=size)
    return out if batched else squeeze(out, 0)

