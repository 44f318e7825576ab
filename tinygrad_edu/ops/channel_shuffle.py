"""ShuffleNet's channel shuffle (Zhang et al. 2018; PyTorch's channel_shuffle): the C = g·k channels of an
(N, C, *) input, read as a g × k grid, are transposed to k × g, so each group of a following grouped
convolution sees channels from every group before it. A reshape–transpose–reshape: its gradient is the
inverse shuffle (g and k swapped)."""
from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from .args import integer, tensor_arg


def channel_shuffle(input: Any, groups: int) -> Any:
    """(N, g·k, *) → the same shape with channel c = i·k + j moved to j·g + i (i < g, j < k)."""
    op = "channel_shuffle"
    x = tensor_arg(input, op)
    groups = integer(op, "groups", groups)
    if groups <= 0:
        raise ShapeError(f"{op}: Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if x.ndim <= 2:
        raise ShapeError(f"{op}: channel_shuffle expects input to have at least 3 dimensions, but got input with "
                         f"sizes {list(x.shape)}")
    n, c, rest = x.shape[0], x.shape[1], x.shape[2:]
    if c % groups:
        raise ShapeError(f"{op}: Number of channels must be divisible by groups. Got {c} channels and {groups} "
                         "groups.")
    return x.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(x.shape)


__all__ = ["channel_shuffle"]
