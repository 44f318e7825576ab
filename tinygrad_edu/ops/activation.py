"""Activations beyond the lecture's four, with PyTorch's names and arguments. Each is a composition of
differentiable ops, so its derivative comes free; the primitives are log1p, expm1 (exact in the tails) and erf.
Branches are chosen with `where` on inputs made safe for the branch (expm1 never sees a large x), so no
∞·0 = NaN reaches a gradient, and a gradient at a kink is the one PyTorch gives."""
from __future__ import annotations

from typing import Any

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, composite
from ..errors import ArgumentTypeError, ShapeError
from .args import number, tensor_arg
from .compare import DtypeError, Where, relation
from .elementwise import Exp, Sigmoid, Tanh

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class Log1p(Function):
    rule_unicode = "∂ln(1 + x)/∂x = 1/(1 + x): δ_x = δ/(1 + x)"
    rule_latex = r"\delta_x = \frac{\delta}{1 + x}"

    def forward(ctx, x):
        return backend.log1p(x)

    def backward(ctx, g):
        return g / (ctx.inputs[0] + 1)


class Expm1(Function):
    rule_unicode = "∂(eˣ − 1)/∂x = eˣ: δ_x = δ·eˣ"
    rule_latex = r"\delta_x = \delta \odot e^{x}"

    def forward(ctx, x):
        return backend.expm1(x)

    def backward(ctx, g):
        return g * Exp.apply(ctx.inputs[0])


class Erf(Function):
    rule_unicode = "∂erf(x)/∂x = (2/√π)·e^(−x²): δ_x = δ·(2/√π)·e^(−x²)"
    rule_latex = r"\delta_x = \delta \odot \tfrac{2}{\sqrt{\pi}}\, e^{-x^2}"

    def forward(ctx, x):
        return backend.erf(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        two_over_root_pi = 2 / type(g)._make(backend.pi(g.data), False).sqrt()
        return g * two_over_root_pi * Exp.apply(-(x * x))


def log1p(input: Any):
    """ln(1 + x), exact for tiny x (where ln of 1 + x would round 1 + x to 1)."""
    return Log1p.apply(input)


def expm1(input: Any):
    """eˣ − 1, exact for tiny x."""
    return Expm1.apply(input)


def erf(input: Any):
    """The error function (2/√π)∫₀ˣ e^(−t²) dt (integers promote to float32, as PyTorch); SymPy's erf on symbols."""
    return Erf.apply(tensor_arg(input, "erf"))


def _floating(x: Any, op: str):
    """The input as a Tensor; integer and bool tensors are refused as PyTorch refuses them for this op."""
    t = tensor_arg(x, op)
    if t.dtype.kind in "biu":
        raise DtypeError(f"{op}: not defined for dtype {t.dtype} (shape {t.shape}), as in PyTorch; cast first, "
                         "e.g. x.float()")
    return t


def number_like(value: Any, like):
    """A number as a 0-d constant tensor of `like`'s kind; exact (0.5 → 1/2) for SymPy tensors (shared by
    the losses)."""
    if like.data.dtype == object:
        return type(like)._make(backend.scalar_like(sympy.nsimplify(value), like.data), False)
    if like.data.dtype.kind in "iu":
        return type(like)._make(np.asarray(value).astype(like.data.dtype), False)
    return type(like)._make(backend.scalar_like(value, like.data), False)


def _cond(name: str, x, value: Any):
    """x `name` value as a condition for Where (SymPy relations stay undecided, giving Piecewise)."""
    return type(x)._make(relation(name, x.data, number_like(value, x).data), False)


def _scaled(x, factor: float):
    return x if factor == 1 else x * number_like(factor, x)


def _divided(x, divisor: float):
    return x if divisor == 1 else x / number_like(divisor, x)


@composite("elu", "f'(u) = 1 if u > 0 else α·eᵘ: δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \begin{cases}1 & u > 0\\ \alpha e^{u} & u \le 0\end{cases}")
def elu(input: Any, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, α(eˣ − 1) otherwise (δ at 0 is α, as PyTorch). `inplace` is accepted; the input is kept."""
    return _elu(_floating(input, "elu"), number("elu", "alpha", alpha))


def _elu(x, alpha: float):
    # the exponential branch is taken where x ≤ 0 (so NaN goes the identity way, δ = 1, as PyTorch)
    bent = _cond("le", x, 0)
    return Where.apply(bent, _scaled(Expm1.apply(Where.apply(bent, x, number_like(0, x))), alpha), x)


@composite("celu", "f'(u) = 1 if u > 0 else e^(u/α): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \begin{cases}1 & u > 0\\ e^{u/\alpha} & u \le 0\end{cases}")
def celu(input: Any, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, α(e^(x/α) − 1) otherwise."""
    if number("celu", "alpha", alpha) == 0:
        raise ShapeError("celu: alpha must not be 0 (x/α in e^(x/α) − 1)")
    x = _floating(input, "celu")
    bent = _cond("le", x, 0)
    inner = _scaled(Where.apply(bent, x, number_like(0, x)), 1 / alpha)
    return Where.apply(bent, _scaled(Expm1.apply(inner), alpha), x)


@composite("selu", "f'(u) = scale·(1 if u > 0 else α·eᵘ): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \lambda \begin{cases}1 & u > 0\\ \alpha e^{u} & u \le 0\end{cases}")
def selu(input: Any, inplace: bool = False):
    """scale·elu(x, α) with PyTorch's self-normalising constants α ≈ 1.6733, scale ≈ 1.0507."""
    return _scaled(_elu(_floating(input, "selu"), SELU_ALPHA), SELU_SCALE)


@composite("gelu", "f'(u) = Φ(u) + u·φ(u) (approximate='tanh': the derivative of its tanh formula): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot (\Phi(u) + u\,\varphi(u))")
def gelu(input: Any, approximate: str = "none"):
    """x·Φ(x) = x·(1 + erf(x/√2))/2, or with approximate='tanh' x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2."""
    x = _floating(input, "gelu")
    if approximate == "none":
        root_half = type(x)._make(backend.sqrt(backend.scalar_like(2, x.data)), False) / 2
        return x * (Erf.apply(x * root_half) + 1) / 2
    if approximate == "tanh":
        two = type(x)._make(backend.scalar_like(2, x.data), False)
        beta = (two / type(x)._make(backend.pi(x.data), False)).sqrt()
        inner = beta * (x + number_like(0.044715, x) * (x * x * x))
        return x * (Tanh.apply(inner) + 1) / 2
    error = ShapeError if isinstance(approximate, str) else ArgumentTypeError
    raise error(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


@composite("silu", "f'(u) = σ(u)(1 + u(1 − σ(u))): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \sigma(u)\,(1 + u\,(1 - \sigma(u)))")
def silu(input: Any, inplace: bool = False):
    """x·σ(x) (also called swish)."""
    x = _floating(input, "silu")
    return x * Sigmoid.apply(x)


@composite("softplus", "f'(u) = σ(βu) (1 where βu > threshold): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot \sigma(\beta u)")
def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0):
    """ln(1 + e^(βx))/β, and x itself where βx > threshold (as PyTorch). SymPy inputs get the exact formula."""
    number("softplus", "beta", beta)
    number("softplus", "threshold", threshold)
    return _softplus(_floating(input, "softplus"), beta, threshold)


class Softplus(Function):
    """ln(1 + e^(βx))/β (x where βx > threshold) on numbers, with PyTorch's derivative σ(βx) (1 in the linear
    part): the composition's β·σ(βx)/β is NaN for β = 0 or ±∞, PyTorch's is not."""

    rule_unicode = "f'(u) = σ(βu) (1 where βu > threshold): δ_u = δ·f'(u)"
    rule_latex = r"\delta_u = \delta \odot \sigma(\beta u)"

    def forward(ctx, x, beta, threshold):
        with np.errstate(all="ignore"):
            scaled = x * np.asarray(beta, x.dtype)
            linear = scaled > threshold
            soft = np.log1p(np.exp(np.where(linear, 0, scaled))) / np.asarray(beta, x.dtype)
            return np.where(linear, x, soft).astype(x.dtype)

    def backward(ctx, g):
        (x,) = ctx.inputs
        beta, threshold = ctx.attrs["beta"], ctx.attrs["threshold"]
        with np.errstate(all="ignore"):  # βu and e^(−βu) overflow to ∞ silently, as in PyTorch
            scaled = x.data * np.asarray(beta, x.dtype)
            fixed = None if beta not in (0, np.inf, -np.inf) else \
                (1 / (1 + np.exp(-np.nan_to_num(scaled, nan=0.0)))).astype(x.dtype)
        linear = type(g)._make(scaled > threshold, False)
        slope = Sigmoid.apply(x * number_like(beta, x)) if fixed is None else type(g)._make(fixed, False)
        return g * Where.apply(linear, number_like(1, x), slope)


def _softplus(x, beta: float, threshold: float):
    scaled = _scaled(x, beta)
    if x.is_symbolic:
        return _divided(Log1p.apply(Exp.apply(scaled)), beta)
    return Softplus.apply(x, beta=float(beta), threshold=float(threshold))


@composite("logsigmoid", "f'(u) = 1 − σ(u) = σ(−u): δ_u = δ·σ(−u)",
           r"\delta_u = \delta \odot \sigma(-u)")
def logsigmoid(input: Any):
    """ln σ(x) = min(x, 0) − ln(1 + e^(−|x|)): finite for every finite x (−100 at x = −100), δ = σ(−x)."""
    return _logsigmoid(_floating(input, "logsigmoid"))


def _logsigmoid(x):
    if x.is_symbolic:
        return -Log1p.apply(Exp.apply(-x))
    negative = _cond("lt", x, 0)
    return Where.apply(negative, x, number_like(0, x)) - Log1p.apply(Exp.apply(Where.apply(negative, x, -x)))


@composite("mish", "f'(u) = tanh(s) + u·σ(u)·(1 − tanh² s), s = softplus(u): δ_u = δ·f'(u)",
           r"\delta_u = \delta \odot (\tanh s + u\,\sigma(u)\,(1 - \tanh^2 s))")
def mish(input: Any, inplace: bool = False):
    """x·tanh(softplus(x))."""
    x = _floating(input, "mish")
    return x * Tanh.apply(_softplus(x, 1.0, 20.0))


@composite("hardtanh", "f'(u) = 1 strictly inside (min_val, max_val), else 0: δ_u = δ·[min < u < max]",
           r"\delta_u = \delta \odot \mathbb{1}[u_{\min} < u < u_{\max}]")
def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """x clipped to [min_val, max_val]; δ passes strictly inside (0 at the bounds, as PyTorch)."""
    number("hardtanh", "min_val", min_val)
    number("hardtanh", "max_val", max_val)
    return _hardtanh("hardtanh", tensor_arg(input, "hardtanh"), min_val, max_val)


def _hardtanh(op: str, x, min_val: float, max_val: float):
    if x.dtype == bool:
        raise DtypeError(f"{op}: Bool inputs not supported (shape {x.shape}), as in PyTorch")
    if min_val > max_val:
        raise ShapeError(f"{op}: min_val {min_val} must not exceed max_val {max_val}")
    if x.is_symbolic:
        upper = Where.apply(_cond("ge", x, max_val), number_like(max_val, x), x)
        return Where.apply(_cond("le", x, min_val), number_like(min_val, x), upper)
    # PyTorch's values (NaN bounds and NaN entries give NaN) and its backward δ·¬(x ≤ min ∨ x ≥ max)
    with np.errstate(invalid="ignore"):
        clipped = np.minimum(np.maximum(x.data, np.asarray(min_val, x.dtype)), np.asarray(max_val, x.dtype))
        passes = ~((x.data <= min_val) | (x.data >= max_val))
        offset = np.where(passes, clipped - x.data, 0).astype(x.dtype)  # 0 inside, NaN where a value is NaN
    return Where.apply(type(x)._make(passes, False), x + type(x)._make(offset, False),
                       type(x)._make(clipped.astype(x.dtype), False))


@composite("relu6", "f'(u) = 1 for 0 < u < 6, else 0: δ_u = δ·[0 < u < 6]",
           r"\delta_u = \delta \odot \mathbb{1}[0 < u < 6]")
def relu6(input: Any, inplace: bool = False):
    """min(max(x, 0), 6) = hardtanh(x, 0, 6)."""
    return _hardtanh("relu6", tensor_arg(input, "relu6"), 0.0, 6.0)


__all__ = ["Log1p", "Expm1", "Erf", "log1p", "expm1", "erf", "elu", "celu", "selu", "gelu", "silu", "softplus",
           "logsigmoid", "mish", "hardtanh", "relu6"]
