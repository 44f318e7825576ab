"""Embedding lookup, as torch.nn.functional.embedding: y[n] = W[idx[n]], a row of the weight per index.
Its gradient scatters δ back onto the rows, repeated indices adding up, the padding row getting none.

Two Functions, each the other's adjoint (so second derivatives work): Gather picks rows, ScatterRows adds
rows back. One gather/scatter over the N looked-up rows, never a pass over the whole vocabulary."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function
from ..errors import DtypeError, ShapeError
from ..memory import check_allocation


class Gather(Function):
    """y[n] = W[idx[n]] (rows of W picked by an integer array)."""

    rule_unicode = "y_n = W_{idx_n}: δ_W[i] = Σ_{n: idx_n = i} s_n·δ_n (s_n = 0 at padding_idx)"
    rule_latex = r"\delta_{W_i} = \sum_{n:\,\mathrm{idx}_n = i} s_n\,\delta_n"

    def forward(ctx, weight, indices, row_scale):
        return np.take(weight, indices, axis=0)

    def backward(ctx, g):
        weight = ctx.inputs[0]
        return ScatterRows.apply(g, indices=ctx.attrs["indices"], rows=weight.shape[0],
                                 row_scale=ctx.attrs["row_scale"])


class ScatterRows(Function):
    """zeros(rows, D) with s_n·g[n] added to row idx[n]: the adjoint of Gather."""

    rule_unicode = "δ_g[n] = s_n·δ[idx_n]"
    rule_latex = r"\delta_{g_n} = s_n\,\delta_{\mathrm{idx}_n}"

    def forward(ctx, g, indices, rows, row_scale):
        values = g.reshape(-1, g.shape[-1])
        if row_scale is not None:
            values = values * row_scale.reshape(-1, 1)
        width = g.shape[-1]
        positions = indices.reshape(-1, 1) * width + np.arange(width)  # flat (row, column) of each value
        return backend.scatter_add((rows, width), positions, values)

    def backward(ctx, gg):
        out = Gather.apply(gg, indices=ctx.attrs["indices"], row_scale=None)
        row_scale = ctx.attrs["row_scale"]
        if row_scale is None:
            return out
        return out * type(gg)._make(row_scale[..., None], False)


def _indices(op: str, input: Any) -> np.ndarray:
    from ..tensor import Tensor

    if not isinstance(input, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: input (the indices) must be a Tensor (or a NumPy array), got {type(input).__name__}")
    data = input.data if isinstance(input, Tensor) else input
    if data.dtype.kind not in "iu":
        raise DtypeError(f"{op}: indices must be integers (int64 or int32), got dtype {data.dtype} of shape "
                        f"{data.shape}")
    return data


def _renorm_(op: str, weight: Any, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and outside the graph, each looked-up row whose p-norm exceeds max_norm (PyTorch's
    embedding_renorm_: w ← w·max_norm/(‖w‖ + 1e-7))."""
    if weight.dtype == object:
        raise TypeError(f"{op}: max_norm needs numeric weights, got symbolic (object) weights")
    array = weight if isinstance(weight, np.ndarray) else weight.data
    rows = np.unique(indices)
    norms = np.linalg.norm(array[rows].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(array.dtype)
        array[rows[over]] *= scale[:, None]
        bump = getattr(weight, "_bump_version", None)
        if bump is not None:
            bump()


def embedding(input: Any, weight: Any, padding_idx: Optional[int] = None, max_norm: Optional[float] = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Any:
    """The rows of `weight` (num_embeddings, embedding_dim) at the integer `input` indices: output shape
    input.shape + (embedding_dim,). padding_idx's row gets no gradient; max_norm renormalises the rows used
    in place; scale_grad_by_freq divides each row's gradient by its index's count in this input."""
    from ..tensor import Tensor

    op = "embedding"
    indices = _indices(op, input)
    if not isinstance(weight, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: weight must be a Tensor (or a NumPy array), got {type(weight).__name__}")
    if padding_idx is not None and (isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer))):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if weight.ndim != 2:
        raise ShapeError(f"{op}: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
    rows = weight.shape[0]
    check_allocation(op, indices.shape + (weight.shape[1],), weight.dtype)
    if indices.size:
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= rows:
            bad = low if low < 0 else high
            raise IndexError(f"{op}: index {bad} is out of range for {rows} embeddings (valid 0 … {rows - 1}); "
                             f"input shape {indices.shape}")
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise IndexError(f"{op}: padding_idx {padding_idx} must be within num_embeddings {rows} "
                             f"(−{rows} … {rows - 1})")
        padding_idx = padding_idx % rows
    if sparse:
        raise ShapeError(f"{op}: sparse gradients are not available (dense NumPy engine); use sparse=False")
    if max_norm is not None:
        _renorm_(op, weight, indices, float(max_norm), float(norm_type))
    return Gather.apply(weight, indices=indices, row_scale=_row_scale(indices, weight.dtype, padding_idx,
                                                                       scale_grad_by_freq))


def _row_scale(indices: np.ndarray, dtype: np.dtype, padding_idx: Optional[int],
               scale_grad_by_freq: bool) -> Optional[np.ndarray]:
    """s_n, the factor on looked-up row n's gradient: 0 at padding_idx, 1/count(idx_n) with scale_grad_by_freq
    (exact rationals on symbolic weights); None when every s_n is 1."""
    if padding_idx is None and not scale_grad_by_freq:
        return None
    counts = np.ones(indices.shape, dtype=np.int64)
    if scale_grad_by_freq:
        _, inverse, per_index = np.unique(indices, return_inverse=True, return_counts=True)
        counts = per_index[inverse.reshape(indices.shape)]
    if dtype == object:
        scale = np.array([sympy.Rational(1, int(c)) for c in counts.reshape(-1)], dtype=object).reshape(indices.shape)
    else:
        scale = np.array(1 / counts, dtype=dtype)
    if padding_idx is not None:
        scale[indices == padding_idx] = 0
    return scale

