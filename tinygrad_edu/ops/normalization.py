"""Dropout (lecture F15), local response normalisation (F17) and batch normalisation, with PyTorch's
definitions. LRN and batch norm are compositions of differentiable ops, so their gradients (and second
derivatives) come from the engine; dropout is one Function with a constant mask.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import sympy

from .. import backend
from ..autograd import Function
from .movement import IndexAdd, getitem, reshape


def _constant(value: float, like: np.ndarray) -> Any:
    """A hyper-parameter as an exact SymPy number on symbolic tensors (1e-4 → 1/10000), else the float."""
    return sympy.nsimplify(value, rational=True) if like.dtype == object else float(value)


class Dropout(Function):
    """Inverted dropout: y = x ⊙ m/(1−p) with a fixed 0/1 keep-mask m, so E[y] = x (F15)."""

    rule_unicode = "y = x ⊙ m/(1−p), m ∈ {0,1} fixed: δ_x = δ ⊙ m/(1−p)"
    rule_latex = r"\delta_x = \delta \odot \frac{m}{1-p}"

    def forward(ctx, x, scale):
        return x * scale

    def backward(ctx, g):
        return g * type(g)._make(ctx.attrs["scale"], False)


def dropout(input: Any, p: float = 0.5, training: bool = True) -> Any:
    """Zero each entry with probability p and scale the kept ones by 1/(1−p) in training; identity at eval (F15)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability has to be between 0 and 1, but got p = {p} (input {input.shape})")
    if not training or p == 0.0:
        return input
    from ..creation import generator  # late: creation imports tensor, which imports ops

    keep = generator().random(input.shape) >= p
    if p == 1.0:
        scale = backend.zeros(input.shape, input.data)
    elif input.dtype == object:
        scale = np.where(keep, 1 / (1 - sympy.nsimplify(p, rational=True)), sympy.Integer(0)).astype(object)
    else:
        scale = (keep / (1.0 - p)).astype(input.dtype)
    return Dropout.apply(input, scale=scale)


def local_response_norm(input: Any, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Any:
    """b_c = a_c / (k + (α/n) Σ_{c'} a_{c'}²)^β over channels c' = c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ (F17),
    exactly PyTorch's local_response_norm (α divided by n, channel axis 1, zero channels outside the range).

    Vectorised over channels: the squares are zero-padded along the channel axis and summed over `size`
    shifted slices (one per window offset, not one per channel).
    """
    op = "local_response_norm"
    if input.ndim < 3:
        raise ValueError(f"{op}: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input or more, got shape {input.shape}")
    if int(size) != size or size < 1:
        raise ValueError(f"{op}: size must be a positive integer (the channel window n), got {size}")
    size = int(size)
    channels = input.shape[1]
    before, after = size // 2, (size - 1) // 2
    squares = input * input
    padded_shape = (input.shape[0], channels + before + after) + input.shape[2:]
    padded = IndexAdd.apply(squares, shape=padded_shape, key=(slice(None), slice(before, before + channels)))
    window = getitem(padded, (slice(None), slice(0, channels)))
    for offset in range(1, size):
        window = window + getitem(padded, (slice(None), slice(offset, offset + channels)))
    scale = _constant(alpha, input.data) / size
    return input / (window * scale + _constant(k, input.data)) ** _constant(beta, input.data)


def _channel_shape(x: Any) -> tuple[int, ...]:
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _check_channels(op: str, name: str, t: Optional[Any], channels: int, input_shape: tuple[int, ...]) -> None:
    if t is not None and tuple(t.shape) != (channels,):
        raise ValueError(f"{op}: {name} has shape {tuple(t.shape)} but input {input_shape} has {channels} channels "
                         f"(dim 1); expected ({channels},)")


def batch_norm(input: Any, running_mean: Optional[Any], running_var: Optional[Any], weight: Optional[Any] = None,
               bias: Optional[Any] = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Any:
    """y = (x − μ)/√(σ² + ε)·γ + β per channel, as PyTorch: in training μ, σ² are the batch's (biased σ²)
    over (N, H, W), or (N,) for 2-D input, and the running stats are updated in place (unbiased σ²);
    in eval the running stats are used."""
    op = "batch_norm"
    if input.ndim < 2:
        raise ValueError(f"{op}: expected a 2-D (N, C) or 3-D/4-D (N, C, …) input, got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        _check_channels(op, name, t, channels, input.shape)
    axes = (0,) + tuple(range(2, input.ndim))
    shape = _channel_shape(input)
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(f"{op}: expected more than 1 value per channel when training, got input {input.shape}")
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        _update_running(running_mean, running_var, mean, var, momentum, count)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(f"{op}: running_mean and running_var are required when training=False")
        centred = input - reshape(running_mean, shape)
        var = reshape(running_var, shape)
    out = centred / (var + _constant(eps, input.data)).sqrt()
    if weight is not None:
        out = out * reshape(weight, shape)
    if bias is not None:
        out = out + reshape(bias, shape)
    return out


def _update_running(running_mean: Optional[Any], running_var: Optional[Any], mean: Any, var: Any, momentum: float,
                    count: int) -> None:
    """r ← (1 − m)·r + m·batch statistic, in place, outside the graph; the variance made unbiased (n/(n−1))."""
    if running_mean is not None:
        running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * mean.data.reshape(-1)
    if running_var is not None:
        unbiased = var.data.reshape(-1) * (count / (count - 1))
        running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
