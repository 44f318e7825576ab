"""F.embedding_bag as PyTorch's: the embedding rows of each bag of indices reduced to one row by sum, mean or max
without materialising (B, L, D) first. Bags are the rows of a 2-D input, or the slices input[offsets[i]:
offsets[i + 1]] of a 1-D input. A composition: a row gather (embedding), optional per-sample weights, then an
index_add per bag (sum/mean) or a gather of each bag's per-column argmax (max); empty bags give zeros."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import DtypeError, IndexRangeError, ShapeError
from .args import check_size, integer, tensor_arg
from ..tensor import Tensor
from .embedding import _indices, embedding

MODES = ("sum", "mean", "max")


def _bags(op: str, indices: np.ndarray, offsets: Any, include_last_offset: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """Flat indices, each entry's bag number, and the number of bags."""
    if indices.ndim == 2:
        if offsets is not None:
            raise ShapeError(f"{op}: if input is 2-D (B, L), then offsets has to be None, as input is treated as a "
                             f"mini-batch of fixed length sequences; got input {indices.shape} and offsets")
        count, length = indices.shape
        return indices.reshape(-1), np.repeat(np.arange(count), length), count
    if indices.ndim != 1:
        raise ShapeError(f"{op}: input has to be 1-D (with offsets) or 2-D (B, L), got shape {indices.shape}")
    if offsets is None:
        raise ShapeError(f"{op}: offsets has to be a 1-D tensor of bag starts when input is 1-D (shape "
                         f"{indices.shape}), but got None")
    if not isinstance(offsets, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: offsets must be a Tensor (or a NumPy array) of bag starts, got "
                        f"{type(offsets).__name__}")
    offsets = offsets.data if isinstance(offsets, Tensor) else offsets
    starts = _indices(op, offsets)
    if starts.ndim != 1:
        raise ShapeError(f"{op}: offsets has to be a 1-D tensor, got shape {starts.shape}")
    starts = starts.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise ShapeError(f"{op}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                         f"from position 0; got offsets[0] = {starts[0]}")
    if np.any(np.diff(starts) < 0) or (starts.size and starts[-1] > indices.size):
        raise ShapeError(f"{op}: offsets must be non-decreasing and at most the input length {indices.size}, "
                         f"got {starts.tolist()}")
    if include_last_offset:
        if starts.size == 0:
            raise ShapeError(f"{op}: include_last_offset needs at least one offset")
        # bag i is input[offsets[i]:offsets[i + 1]], the last one ending at the last offset as documented (and as
        # PyTorch's float32 sum/mean kernel; its float64 and max kernels run on to the end of the input)
        starts, count = starts[:-1], starts.size - 1
        indices = indices[:int(offsets[-1])]
    else:
        count = starts.size
    bag = np.searchsorted(starts, np.arange(indices.size), side="right") - 1
    return indices, bag, count


def embedding_bag(input: Any, weight: Any, offsets: Any = None, max_norm: Optional[float] = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Any = None, include_last_offset: bool = False,
                  padding_idx: Optional[int] = None) -> Any:
    """(B, D): each bag's embedding rows reduced by `mode` ('sum', 'mean', 'max'); per_sample_weights (input's
    shape, mode 'sum' only) scale the rows first; padding_idx entries are left out (and not counted by 'mean')."""
    op = "embedding_bag"
    if mode not in MODES:
        raise ShapeError(f"{op}: mode has to be one of sum, mean or max, got {mode!r}")
    indices = _indices(op, input)
    weight = tensor_arg(weight, op)
    if weight.ndim != 2:
        raise ShapeError(f"{op}: weight has to be a 2-D tensor (num_embeddings, embedding_dim), got {weight.shape}")
    if per_sample_weights is not None:
        per_sample_weights = tensor_arg(per_sample_weights, op)
        if mode != "sum":
            raise ShapeError(f"{op}: per_sample_weights was not None. per_sample_weights is only supported for "
                             f"mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.")
        if per_sample_weights.shape != indices.shape:
            raise ShapeError(f"{op}: per_sample_weights (shape {per_sample_weights.shape}) must have the same shape "
                             f"as input (shape {indices.shape})")
        if per_sample_weights.dtype != weight.dtype:
            raise DtypeError(f"{op}: per_sample_weights ({per_sample_weights.dtype}) must have the dtype of weight "
                             f"({weight.dtype})")
    rows, width = weight.shape
    check_size(op, indices.shape + (width,), weight.dtype)  # the looked-up rows, before any index is read
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = int(indices.min()) if indices.min() < 0 else int(indices.max())
        raise IndexRangeError(f"{op}: index {bad} is out of range for {rows} embeddings (valid 0 … {rows - 1})")
    flat, bag, count = _bags(op, indices, offsets, include_last_offset)
    keep = np.ones(flat.shape, dtype=bool)
    if padding_idx is not None:
        padding_idx = integer(op, "padding_idx", padding_idx)
        if not -rows <= padding_idx < rows:
            raise IndexRangeError(f"{op}: padding_idx {padding_idx} must be within num_embeddings {rows}")
        keep = flat != padding_idx % rows
    flat, bag = flat[keep], bag[keep]
    looked_up = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    if per_sample_weights is not None:
        looked_up = looked_up * per_sample_weights.reshape(-1)[np.flatnonzero(keep)].unsqueeze(1)
    zeros = Tensor(np.zeros((count, width), dtype=weight.dtype))
    sizes = np.bincount(bag, minlength=count)
    if mode != "max":
        out = zeros.index_add(0, Tensor(bag.astype(np.int64)), looked_up)
        if mode == "mean":
            out = out / Tensor(np.maximum(sizes, 1).astype(weight.dtype)[:, None])
        return out
    return _bag_max(looked_up, bag, sizes, count, zeros)


def _bag_max(rows: Any, bag: np.ndarray, sizes: np.ndarray, count: int, zeros: Any) -> Any:
    """Each bag's column-wise maximum, as a gather of the winning rows (δ to the first maximum); empty bags 0."""
    from .compare import where

    if rows.shape[0] == 0:
        return zeros + rows.sum(0)  # all bags empty: zeros, still on the weight's graph
    data = rows.data
    filled = np.flatnonzero(sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[filled]
    best = np.maximum.reduceat(data, starts, axis=0)  # (filled bags, D)
    full = np.zeros((count,) + data.shape[1:], dtype=data.dtype)
    full[filled] = best
    position = np.where(data == full[bag], np.arange(data.shape[0])[:, None], data.shape[0])
    first = np.minimum.reduceat(position, starts, axis=0)
    winner = np.zeros((count,) + data.shape[1:], dtype=np.int64)
    winner[filled] = np.minimum(first, data.shape[0] - 1)
    picked = rows[winner, np.arange(data.shape[1])[None, :]]
    return where((sizes > 0)[:, None], picked, zeros)


__all__ = ["embedding_bag"]
