"""Softmax, log-softmax and the losses built on them. With one-hot y, cross-entropy's gradient
w.r.t. the logits is softmax(u) − y (lecture F41); log-softmax subtracts the max so ±1e4 is safe."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..autograd import Function


def _stable_shift(x: np.ndarray, dim: int) -> np.ndarray:
    if x.dtype == object:
        return x  # exact arithmetic needs no shift
    return x - np.max(x, axis=dim, keepdims=True)


class Softmax(Function):
    rule_unicode = "y = softmax(u): δ_u = y ⊙ (δ − Σⱼ δⱼ yⱼ)"
    rule_latex = r"\delta_u = y \odot \big(\delta - \textstyle\sum_j \delta_j y_j\big)"

    def forward(ctx, x, dim):
        e = backend.exp(_stable_shift(x, dim))
        return e / np.sum(e, axis=dim, keepdims=True)

    def backward(ctx, g):
        y = ctx.output
        return y * (g - (g * y).sum(ctx.attrs["dim"], keepdim=True))


class LogSoftmax(Function):
    rule_unicode = "y = log softmax(u): δ_u = δ − softmax(u)·Σⱼ δⱼ"
    rule_latex = r"\delta_u = \delta - e^{y} \textstyle\sum_j \delta_j"

    def forward(ctx, x, dim):
        shifted = _stable_shift(x, dim)
        return shifted - backend.log(np.sum(backend.exp(shifted), axis=dim, keepdims=True))

    def backward(ctx, g):
        return g - ctx.output.exp() * g.sum(ctx.attrs["dim"], keepdim=True)


def _dim(x: Any, dim: int, op: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{op}: needs at least one dimension, got a 0-d tensor")
    if not -x.ndim <= dim < x.ndim:
        raise IndexError(f"{op}: dim {dim} is out of range for shape {x.shape}")
    return dim % x.ndim


def softmax(x: Any, dim: int = -1):
    return Softmax.apply(x, dim=_dim(x, dim, "softmax"))


def log_softmax(x: Any, dim: int = -1):
    return LogSoftmax.apply(x, dim=_dim(x, dim, "log_softmax"))


def _reduce(loss: Any, reduction: str, op: str, count: Any = None):
    if reduction == "mean":
        return loss.sum() / count if count is not None else loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def nll_loss(log_probs: Any, target: Any, reduction: str = "mean", ignore_index: int = -100):
    """−log p[target] for (N, C) or (N, C, d₁, …) log-probabilities and integer targets (N) / (N, d₁, …)."""
    target_array = np.asarray(getattr(target, "data", target))
    if target_array.dtype.kind not in "iu":
        raise TypeError(f"nll_loss: target must hold integer class indices, got dtype {target_array.dtype} "
                        f"of shape {target_array.shape} (input {log_probs.shape}); use labels, not one-hot floats")
    if log_probs.ndim < 1:
        raise ValueError(f"nll_loss: input must be (C,), (N, C) or (N, C, d1, ...), got {log_probs.shape}")
    if log_probs.ndim == 1:
        log_probs, target_array = log_probs.unsqueeze(0), target_array.reshape(1)
    n, c = log_probs.shape[:2]
    expected = (n,) + log_probs.shape[2:]
    if target_array.shape != expected:
        raise ValueError(f"nll_loss: target shape {target_array.shape} does not match input {log_probs.shape}; "
                         f"expected {expected} (input (N, C, ...) → target (N, ...))")
    valid = target_array != ignore_index
    bad = valid & ((target_array < 0) | (target_array >= c))
    if bad.any():
        raise IndexError(f"nll_loss: target {target_array[bad][0]} is out of range for {c} classes "
                         f"(input {log_probs.shape})")
    safe = np.where(valid, target_array, 0)
    moved = log_probs.permute(0, *range(2, log_probs.ndim), 1) if log_probs.ndim > 2 else log_probs
    rows = moved.reshape(-1, c)
    picked = rows[np.arange(rows.shape[0]), safe.ravel()].reshape(*expected)
    if not valid.all():
        picked = picked * type(picked)._make(valid.astype(picked.dtype), False)
    return _reduce(-picked, reduction, "nll_loss", count=int(valid.sum()) if reduction == "mean" else None)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean", ignore_index: int = -100):
    """Softmax cross-entropy from raw logits (N, C[, d…]) and integer class targets, as PyTorch."""
    if logits.ndim == 0:
        raise ValueError("cross_entropy: logits must be (C,), (N, C) or (N, C, d1, ...), got a 0-d tensor")
    target_array = np.asarray(getattr(target, "data", target))
    if target_array.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: target must hold integer class indices, got dtype {target_array.dtype} "
                        f"of shape {target_array.shape} (logits {logits.shape})")
    dim = 1 if logits.ndim > 1 else 0
    return nll_loss(log_softmax(logits, dim), target_array, reduction, ignore_index)


def mse_loss(input: Any, target: Any, reduction: str = "mean"):
    """Mean squared error; shapes must match exactly (silent broadcasting here is a classic bug)."""
    target_shape = getattr(target, "shape", np.shape(target))
    if tuple(input.shape) != tuple(target_shape):
        raise ValueError(f"mse_loss: input shape {input.shape} and target shape {tuple(target_shape)} differ; "
                         "they must match (reshape one; broadcasting here is usually a bug)")
    diff = input - target
    return _reduce(diff * diff, reduction, "mse_loss")
