"""Reductions over dimensions: sum (δ copied back to every summed entry), mean (δ/n), and max
(δ routed to the maximal entry, split evenly among ties)."""
from __future__ import annotations

import builtins
from typing import Optional, Sequence, Union

import numpy as np

from .. import backend
from ..autograd import Function
from .movement import broadcast_to, reshape

Dims = Optional[Union[int, Sequence[int]]]


def _axes(dim: Dims, ndim: int, op: str) -> Optional[tuple[int, ...]]:
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    bound = builtins.max(ndim, 1)
    for d in dims:
        if not -bound <= d < bound:
            raise IndexError(f"{op}: dimension {d} is out of range for a tensor with {ndim} dimensions")
        out.append(int(d) % bound)
    return tuple(sorted(set(out))) if ndim else None


def _kept_shape(shape: tuple[int, ...], axes: Optional[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(1 if axes is None or i in axes else s for i, s in enumerate(shape))


class Sum(Function):
    rule_unicode = "∂(Σᵢ xᵢ)/∂xⱼ = 1: δ_x = δ copied along the summed axes"
    rule_latex = r"\delta_{x} = \operatorname{broadcast}(\delta)"

    def forward(ctx, x, axes, keepdims):
        return np.asarray(np.sum(x, axis=axes, keepdims=keepdims))

    def backward(ctx, g):
        (x,) = ctx.inputs
        return broadcast_to(reshape(g, _kept_shape(x.shape, ctx.attrs["axes"])), x.shape)


class Max(Function):
    rule_unicode = "δ goes to the maximal entry (split evenly among ties): δ_x = δ·[x = max]/#ties"
    rule_latex = r"\delta_x = \delta \odot \frac{\mathbb{1}[x = \max x]}{\#\text{ties}}"

    def forward(ctx, x, axes, keepdims):
        if x.size == 0:
            raise ValueError(f"max: tensor of shape {x.shape} is empty")
        return np.asarray(backend.amax(x, axes, keepdims))

    def backward(ctx, g):
        (x,) = ctx.inputs
        kept = _kept_shape(x.shape, ctx.attrs["axes"])
        top = ctx.output.data.reshape(kept)
        mask = type(g)._make(backend.max_mask(x.data, ctx.attrs["axes"], top), False)
        return broadcast_to(reshape(g, kept), x.shape) * mask


def sum(x, dim: Dims = None, keepdim: bool = False):
    return Sum.apply(x, axes=_axes(dim, x.ndim, "sum"), keepdims=keepdim)


def mean(x, dim: Dims = None, keepdim: bool = False):
    axes = _axes(dim, x.ndim, "mean")
    count = int(np.prod([x.shape[a] for a in axes])) if axes is not None else x.numel()
    if count == 0:
        raise ValueError(f"mean: reducing {dim} of shape {x.shape} averages over no entries")
    return sum(x, dim, keepdim) / count


def max(x, dim: Dims = None, keepdim: bool = False):
    return Max.apply(x, axes=_axes(dim, x.ndim, "max"), keepdims=keepdim)
