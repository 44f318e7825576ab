"""Activations with random draws, from the seeded generator (tg.manual_seed): rrelu (leaky ReLU whose negative
slopes are drawn from U(lower, upper) while training, their mean (lower + upper)/2 in evaluation) and
gumbel_softmax (softmax((logits + Gumbel noise)/τ), with the straight-through one-hot for hard=True)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import composite
from ..creation import generator
from ..errors import IndexRangeError, ShapeError
from .activation import _floating
from .args import flag, integer, number
from ..tensor import Tensor
from .compare import where
from .elementwise import LeakyRelu
from .softmax import softmax


def _bounds(op: str, lower: Any, upper: Any) -> tuple[float, float]:
    lower, upper = number(op, "lower", lower), number(op, "upper", upper)
    for name, value in (("lower", lower), ("upper", upper)):
        if not math.isfinite(value):
            raise ShapeError(f"{op}: {name} bound must be finite, got {value}")
    if lower > upper:
        raise ShapeError(f"{op}: Lower bound should be less than or equal to the upper bound (lower {lower}, "
                         f"upper {upper})")
    return float(lower), float(upper)


@composite("rrelu", "f'(u) = 1 if u > 0 else a (a ~ U(lower, upper) while training, (lower + upper)/2 otherwise)",
           r"\delta_u = \delta \odot \begin{cases}1 & u > 0\\ a & u \le 0\end{cases}")
def rrelu(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Any:
    """x for x > 0, a·x otherwise: a drawn per entry from U(lower, upper) while training, else the fixed mean slope
    (lower + upper)/2 (PyTorch's RReLU). `inplace` as F.relu's (rrelu_ changes the tensor)."""
    op = "rrelu"
    lower, upper = _bounds(op, lower, upper)
    training = flag(op, "training", training)
    x = _floating(input, op)
    if not training:
        return LeakyRelu.apply(x, negative_slope=(lower + upper) / 2)
    if x.dtype == object:
        raise TypeError("rrelu: training=True draws random slopes; it needs a numeric (float) input, not SymPy")
    if x.dtype == np.float16:
        raise TypeError("rrelu: training=True is not implemented for float16 input (as PyTorch's "
                        "\"rrelu_with_noise_out_cpu\" for 'Half'); convert it with .float() first")
    slopes = generator().uniform(lower, upper, x.shape).astype(x.dtype)
    return where(x.data > 0, x, x * Tensor(slopes))


def _gumbel_noise(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """−log E with E ~ Exp(1) (PyTorch's Gumbel(0, 1) draw), from the seeded generator."""
    return -np.log(generator().exponential(1.0, shape)).astype(dtype)


@composite("gumbel_softmax", "y = softmax((u + g)/τ) (g Gumbel noise); hard: y_hard − sg(y) + y, so δ_u is that of y",
           r"y = \mathrm{softmax}((u + g)/\tau),\ \delta_u = \delta_y\,\partial y/\partial u")
def gumbel_softmax(logits: Any, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Any:
    """A differentiable sample from the categorical distribution softmax(logits): softmax((logits + g)/τ) with g
    Gumbel(0, 1) noise; hard=True returns the one-hot of its argmax with the soft sample's gradient (straight
    through), as PyTorch. `eps` is accepted and unused, as in PyTorch."""
    op = "gumbel_softmax"
    x = _floating(logits, op)
    number(op, "tau", tau)
    hard = flag(op, "hard", hard)
    dim = integer(op, "dim", dim)
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise IndexRangeError(f"{op}: dim {dim} is out of range for logits of shape {x.shape} (rule: "
                              f"−{max(x.ndim, 1)} ≤ dim < {max(x.ndim, 1)})")
    if x.dtype == object:
        raise TypeError("gumbel_softmax: draws Gumbel noise; it needs a numeric (float) input, not SymPy")
    noise = Tensor(_gumbel_noise(x.shape, x.dtype))
    y_soft = softmax((x + noise) / tau, dim)
    if not hard:
        return y_soft
    axis = dim % x.ndim if x.ndim else 0
    winner = np.expand_dims(np.argmax(y_soft.data, axis=axis), axis) if x.ndim else np.zeros((), np.int64)
    y_hard = np.zeros(x.shape, dtype=x.dtype)
    if x.ndim:
        np.put_along_axis(y_hard, winner, 1, axis=axis)
    else:
        y_hard[()] = 1
    return Tensor(y_hard) - y_soft.detach() + y_soft


__all__ = ["rrelu", "gumbel_softmax"]
