"""1-D window pooling as PyTorch's max_pool1d / avg_pool1d: the 2-D ops on an inserted axis of height 1
(a 1×k kernel), with the arguments and errors of the 1-D ops. Indices are positions along L."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .movement import squeeze, unsqueeze
from .pool import avg_pool, checked, max_pool
from .args import flag
from .pool_shapes import window_args


def _as_1d(t: Tensor, batched: bool) -> Tensor:
    out = squeeze(t, 2)
    return out if batched else squeeze(out, 0)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over windows of length k of an (N, C, L) or (C, L) input; return_indices gives positions along L."""
    op = "max_pool1d"
    args = window_args(op, 1, kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = flag(op, "return_indices", return_indices)
    x, batched, axes = checked(op, input, 1, args, integers=True)
    result = max_pool(unsqueeze(x if batched else unsqueeze(x, 0), 2), axes, return_indices)
    if return_indices:
        return _as_1d(result[0], batched), _as_1d(result[1], batched)
    return _as_1d(result, batched)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Any:
    """Mean over windows of length k of an (N, C, L) or (C, L) input, with avg_pool2d's divisor rules."""
    op = "avg_pool1d"
    args = window_args(op, 1, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = flag(op, "count_include_pad", count_include_pad)
    x, batched, axes = checked(op, input, 1, args, integers=True)
    return _as_1d(avg_pool(unsqueeze(x if batched else unsqueeze(x, 0), 2), axes, count_include_pad, None), batched)
