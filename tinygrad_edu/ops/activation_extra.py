"""More activations with PyTorch's names and arguments: PReLU, the hard (piecewise-linear) sigmoid and swish of
MobileNetV3, the shrinkage functions, softsign, tanhshrink, threshold and GLU. Each is a composition of `where`,
hardtanh, tanh and sigmoid (activation.py's style), so derivatives, second derivatives and SymPy values come
free; where a kink has a one-sided choice, the composition makes PyTorch's."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import composite
from ..errors import IndexRangeError, ShapeError
from .activation import _cond, _floating, _hardtanh, number_like
from .args import integer, number, tensor_arg
from .compare import DtypeError, Where
from .elementwise import Sigmoid, Tanh
from .movement import _normalize_dim, getitem, reshape


@composite("prelu", "f'(u) = 1 for u > 0, a otherwise: δ_u = δ·f'(u), ∂E/∂a = Σ_{u ≤ 0} δ·u",
           r"\delta_u = \delta \odot \begin{cases}1 & u > 0\\ a & u \le 0\end{cases},\ "
           r"\partial E/\partial a = \textstyle\sum_{u \le 0} \delta\, u")
def prelu(input: Any, weight: Any) -> Any:
    """x for x > 0, a·x otherwise, with a learned slope a per channel (dim 1) or one shared slope (weight of
    one element), as torch.nn.functional.prelu."""
    op = "prelu"
    x, a = _floating(input, op), tensor_arg(weight, op)
    if a.dtype != x.dtype and object not in (a.dtype, x.dtype):
        raise DtypeError(f"{op}: type promoting not supported, got input {x.dtype} and weight {a.dtype}")
    if a.ndim > 1:
        raise ShapeError(f"{op}: expected `weight` to be a scalar or 1D tensor, but got ndim = {a.ndim} "
                         f"(shape {a.shape})")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if a.numel() != 1 and a.numel() != channels:
        raise ShapeError(f"{op}: mismatch of parameter numbers and input channel size: found {a.numel()} "
                         f"parameters and channel size {channels} (input {x.shape}, weight {a.shape})")
    shared = a.numel() == 1  # one slope for every entry, else one per channel (dim 1)
    slope = reshape(a, (1,) * x.ndim if shared else (1, channels) + (1,) * (x.ndim - 2))
    positive = _cond("gt", x, 0)  # the slope multiplies only the non-positive part: no ∞·0 in a gradient
    return Where.apply(positive, x, slope * Where.apply(positive, number_like(0, x), x))


@composite("hardsigmoid", "f'(u) = 1/6 for −3 < u < 3, else 0: δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \tfrac{1}{6}\mathbb{1}[-3 < u < 3]")
def hardsigmoid(input: Any, inplace: bool = False) -> Any:
    """relu6(x + 3)/6: 0 below −3, 1 above 3, linear between (a cheap σ). `inplace` is accepted."""
    x = _floating(input, "hardsigmoid")
    return _hardtanh("hardsigmoid", x + number_like(3, x), 0.0, 6.0) / number_like(6, x)


@composite("hardswish", "f'(u) = 0 for u ≤ −3, u/3 + 1/2 for −3 < u < 3, 1 for u ≥ 3: δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \begin{cases}0 & u \le -3\\ u/3 + 1/2 & -3 < u < 3\\ 1 & u \ge 3\end{cases}")
def hardswish(input: Any, inplace: bool = False) -> Any:
    """x·relu6(x + 3)/6 (MobileNetV3's cheap swish). `inplace` is accepted; the result is a new tensor."""
    x = _floating(input, "hardswish")
    return x * _hardtanh("hardswish", x + number_like(3, x), 0.0, 6.0) / number_like(6, x)


def _not_bool(input: Any, op: str) -> Any:
    x = tensor_arg(input, op)
    if x.dtype == bool:
        raise DtypeError(f"{op}: Bool inputs not supported (shape {x.shape}), as in PyTorch (|x| and x − … of a bool)")
    return x


def _lambd(op: str, lambd: Any, x: Any, low: float) -> None:
    """λ a number, not NaN, in [low, the dtype's largest finite value] (PyTorch's range check for softshrink)."""
    number(op, "lambd", lambd)
    top = float("inf") if x.dtype == object else float(np.finfo(x.dtype).max)
    if not low <= lambd <= top:
        raise ShapeError(f"{op}: lambda must be in range [{low:g}, {top:g}] for input dtype {x.dtype}, but found "
                         f"{lambd} (the dead zone is [−λ, λ])")


@composite("softsign", "f'(u) = 1/(1 + |u|)²: δ_u = δ/(1 + |u|)²", r"\delta_u = \frac{\delta}{(1 + |u|)^2}")
def softsign(input: Any) -> Any:
    """x/(1 + |x|): a sigmoid-shaped curve with polynomial tails."""
    x = _not_bool(input, "softsign")
    return x / (x.abs() + 1)


@composite("tanhshrink", "f'(u) = 1 − (1 − tanh² u) = tanh² u: δ_u = δ·tanh² u", r"\delta_u = \delta \odot \tanh^2 u")
def tanhshrink(input: Any) -> Any:
    """x − tanh(x)."""
    x = _not_bool(input, "tanhshrink")
    return x - Tanh.apply(x)


@composite("softshrink", "f'(u) = 1 for |u| > λ, 0 for |u| ≤ λ: δ_u = δ·[|u| > λ]",
           r"\delta_u = \delta \odot \mathbb{1}[|u| > \lambda]")
def softshrink(input: Any, lambd: float = 0.5) -> Any:
    """x − λ above λ, x + λ below −λ, 0 in between (λ ≥ 0): the proximal map of λ|x|."""
    op = "softshrink"
    x = _floating(input, op)
    _lambd(op, lambd, x, 0.0)
    shifted = Where.apply(_cond("gt", x, 0), x - number_like(lambd, x), x + number_like(lambd, x))
    return Where.apply(_cond("le", x.abs(), lambd), number_like(0, x), shifted)


@composite("hardshrink", "f'(u) = 1 for |u| > λ, 0 for |u| ≤ λ: δ_u = δ·[|u| > λ]",
           r"\delta_u = \delta \odot \mathbb{1}[|u| > \lambda]")
def hardshrink(input: Any, lambd: float = 0.5) -> Any:
    """x where |x| > λ, 0 elsewhere."""
    op = "hardshrink"
    x = _floating(input, op)
    _lambd(op, lambd, x, -float("inf"))
    return Where.apply(_cond("le", x.abs(), lambd), number_like(0, x), x)


@composite("threshold", "f'(u) = 1 for u > threshold, 0 otherwise: δ_u = δ·[u > threshold]",
           r"\delta_u = \delta \odot \mathbb{1}[u > \theta]")
def threshold(input: Any, threshold: float, value: float, inplace: bool = False) -> Any:
    """x where x > threshold, else value (relu is threshold(x, 0, 0)). `inplace` is accepted."""
    op = "threshold"
    x = tensor_arg(input, op)
    number(op, "threshold", threshold)
    number(op, "value", value)
    if x.dtype == bool:
        raise DtypeError(f"{op}: Bool inputs not supported (shape {x.shape}), as in PyTorch")
    return Where.apply(_cond("le", x, threshold), number_like(value, x), x)


@composite("glu", "y = a ⊙ σ(b) with (a, b) the halves along dim: δ_a = δ ⊙ σ(b), δ_b = δ ⊙ a ⊙ σ(b)(1 − σ(b))",
           r"\delta_a = \delta \odot \sigma(b),\ \delta_b = \delta \odot a \odot \sigma(b)(1 - \sigma(b))")
def glu(input: Any, dim: int = -1) -> Any:
    """The gated linear unit: the input split in halves a, b along dim, a·σ(b)."""
    op = "glu"
    x = _floating(input, op)
    if x.ndim == 0:
        raise ShapeError(f"{op}: does not support scalars because halving size must be even (input shape ())")
    integer(op, "dim", dim)
    if not -x.ndim <= dim < x.ndim:
        raise IndexRangeError(f"{op}: dimension {dim} is out of range for a tensor with {x.ndim} dimensions")
    d = _normalize_dim(dim, x.ndim, op)
    n = x.shape[d]
    if n % 2:
        raise ShapeError(f"{op}: halving dimension must be even, but dimension {d} is size {n} (input {x.shape})")
    before = (slice(None),) * d
    first, second = getitem(x, before + (slice(0, n // 2),)), getitem(x, before + (slice(n // 2, n),))
    return first * Sigmoid.apply(second)


__all__ = ["prelu", "hardsigmoid", "hardswish", "softsign", "tanhshrink", "softshrink", "hardshrink", "threshold",
           "glu"]
