"""Ops that move entries without changing them: reshape, permute, broadcast and its adjoint sum_to,
indexing and its adjoint (scatter-add), concatenation. Each backward is the inverse movement."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import backend
from ..autograd import Function


def _normalize_dim(dim: int, ndim: int, op: str) -> int:
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % max(ndim, 1)


def _shape_args(shape: Sequence[Any]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


class Reshape(Function):
    rule_unicode = "δ_x = reshape(δ, shape of x)"
    rule_latex = r"\delta_x = \operatorname{reshape}(\delta, \operatorname{shape}(x))"

    def forward(ctx, x, shape):
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot view shape {x.shape} ({x.size} entries) as {shape}") from None

    def backward(ctx, g):
        return reshape(g, ctx.inputs[0].shape)


class Permute(Function):
    rule_unicode = "δ_x = permute(δ, inverse permutation)"
    rule_latex = r"\delta_x = \operatorname{permute}(\delta, \pi^{-1})"

    def forward(ctx, x, dims):
        return np.transpose(x, dims)

    def backward(ctx, g):
        return permute(g, *np.argsort(ctx.attrs["dims"]))


class BroadcastTo(Function):
    rule_unicode = "copies of x: δ_x = Σ of δ over the copied axes"
    rule_latex = r"\delta_x = \textstyle\sum_{\text{broadcast axes}} \delta"

    def forward(ctx, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"expand: shape {x.shape} cannot broadcast to {shape}") from None

    def backward(ctx, g):
        return sum_to(g, ctx.inputs[0].shape)


class SumTo(Function):
    """Sum over the axes broadcasting added: the adjoint of BroadcastTo."""

    rule_unicode = "δ_x = broadcast of δ back to the shape of x"
    rule_latex = r"\delta_x = \operatorname{broadcast}(\delta)"

    def forward(ctx, x, shape):
        lead = x.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
        out = x.sum(axis=axes, keepdims=True) if axes else x
        return out.reshape(shape)

    def backward(ctx, g):
        return broadcast_to(g, ctx.inputs[0].shape)


class GetItem(Function):
    rule_unicode = "δ_x = δ placed at the indexed entries, 0 elsewhere (repeats add)"
    rule_latex = r"\delta_x[\text{key}] \mathrel{+}= \delta"

    def forward(ctx, x, key):
        try:
            return np.asarray(x[key])
        except IndexError as err:
            raise IndexError(f"getitem: {err} (tensor of shape {x.shape})") from None

    def backward(ctx, g):
        return IndexAdd.apply(g, shape=ctx.inputs[0].shape, key=ctx.attrs["key"])


class IndexAdd(Function):
    """zeros(shape) with g added at `key`: the adjoint of indexing."""

    rule_unicode = "δ_g = δ[key]"
    rule_latex = r"\delta_g = \delta[\text{key}]"

    def forward(ctx, g, shape, key):
        if _is_basic(key):
            out = backend.zeros(shape, g)
            out[key] = g
            return out
        positions = np.arange(int(np.prod(shape))).reshape(shape)[key]
        return backend.scatter_add(shape, positions, np.broadcast_to(g, positions.shape))

    def backward(ctx, g):
        return GetItem.apply(g, key=ctx.attrs["key"])


def _is_basic(key: Any) -> bool:
    """Basic indexing (ints, slices, None, Ellipsis) never repeats an entry, so assignment is its adjoint."""
    keys = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, np.integer, slice)) for k in keys)


class Cat(Function):
    rule_unicode = "δ_k = the slice of δ that input k filled"
    rule_latex = r"\delta_k = \delta[\ldots, o_k : o_k + n_k, \ldots]"

    def forward(ctx, *xs, dim):
        try:
            return np.concatenate(xs, axis=dim)
        except ValueError:
            raise ValueError(f"cat: shapes {[x.shape for x in xs]} differ outside dimension {dim}") from None

    def backward(ctx, g):
        dim = ctx.attrs["dim"]
        grads, start = [], 0
        for x in ctx.inputs:
            key = (slice(None),) * dim + (slice(start, start + x.shape[dim]),)
            grads.append(g[key])
            start += x.shape[dim]
        return tuple(grads)


def reshape(x, *shape: Any):
    shape = _shape_args(shape)
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape=shape)


def permute(x, *dims: Any):
    dims = _shape_args(dims)
    if sorted(d % max(x.ndim, 1) for d in dims) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not a permutation of the {x.ndim} dimensions of shape {x.shape}")
    dims = tuple(d % x.ndim for d in dims)
    if dims == tuple(range(x.ndim)):
        return x
    return Permute.apply(x, dims=dims)


def transpose(x, dim0: int, dim1: int):
    dims = list(range(x.ndim))
    d0, d1 = _normalize_dim(dim0, x.ndim, "transpose"), _normalize_dim(dim1, x.ndim, "transpose")
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return permute(x, *dims)


def broadcast_to(x, *shape: Any):
    shape = _shape_args(shape)
    if shape == x.shape:
        return x
    return BroadcastTo.apply(x, shape=shape)


def sum_to(x, shape: tuple[int, ...]):
    if tuple(shape) == x.shape:
        return x
    return SumTo.apply(x, shape=tuple(shape))


def flatten(x, start_dim: int = 0, end_dim: int = -1):
    if x.ndim == 0:
        return reshape(x, 1)
    s, e = _normalize_dim(start_dim, x.ndim, "flatten"), _normalize_dim(end_dim, x.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {x.shape}")
    shape = x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:]
    return reshape(x, shape)


def unsqueeze(x, dim: int):
    d = _normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def squeeze(x, dim: Optional[int] = None):
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    d = _normalize_dim(dim, x.ndim, "squeeze")
    if x.shape[d] != 1:
        return x
    return reshape(x, x.shape[:d] + x.shape[d + 1:])


def getitem(x, key: Any):
    key = _unwrap_key(key)
    return GetItem.apply(x, key=key)


def _unwrap_key(key: Any) -> Any:
    from ..tensor import Tensor

    if isinstance(key, tuple):
        return tuple(_unwrap_key(k) for k in key)
    if isinstance(key, Tensor):
        key = key.data
    if isinstance(key, list):
        key = np.asarray(key)
    if isinstance(key, np.ndarray) and key.dtype.kind == "f":
        raise IndexError(f"getitem: index arrays must hold integers or booleans, got {key.dtype}")
    return key


def cat(tensors: Sequence[Any], dim: int = 0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    d = _normalize_dim(dim, tensors[0].ndim, "cat")
    for t in tensors:
        if t.ndim != tensors[0].ndim:
            raise ValueError(f"cat: tensors have different numbers of dimensions: {[t.shape for t in tensors]}")
    return Cat.apply(*tensors, dim=d)


def stack(tensors: Sequence[Any], dim: int = 0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {[t.shape for t in tensors]}")
    d = _normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([unsqueeze(t, d) for t in tensors], d)
