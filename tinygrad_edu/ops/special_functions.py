"""torch.special's functions of the normal distribution and of entropy: ndtr, ndtri, log_ndtr, entr, xlog1py.
ndtr and xlog1py are compositions (erfc, log1p); ndtri, log_ndtr and entr are Functions whose numbers keep full
precision in the tails (vectorised NumPy on numeric_erf.py) and whose backwards are differentiable ops."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend
from ..autograd import Function
from ..lazy_sympy import sympy
from ..numeric_erf import erfc as _erfc, erfinv as _erfinv
from .activation import Log1p, number_like
from .args import tensor_arg
from .compare import Where, _promoted
from .elementwise import Exp, Log
from .error_functions import erfc

_LN_2PI_HALF = 0.5 * math.log(2 * math.pi)


def _log_ndtr_numeric(x: np.ndarray) -> np.ndarray:
    """ln Φ(x): ln(erfc(−x/√2)/2) for x ≤ 0 (down to −38, where erfc underflows), ln(1 − erfc(x/√2)/2) by log1p for
    x > 0, and the asymptotic series −x²/2 − ln(−x) − ½ln 2π + ln(1 − 1/x² + 3/x⁴ − 15/x⁶ + …) below −20."""
    a = np.asarray(x, dtype=np.float64)
    out = np.empty(a.shape)
    with np.errstate(all="ignore"):
        middle = (a > -20) & (a <= 0)
        out[middle] = np.log(0.5 * _erfc(-a[middle] / math.sqrt(2)))
        right = a > 0
        out[right] = np.log1p(-0.5 * _erfc(a[right] / math.sqrt(2)))
        left = a <= -20
        v = a[left]
        inverse_square = 1 / (v * v)
        series, term = np.zeros_like(v), np.ones_like(v)
        for k in range(1, 12):
            term = term * -(2 * k - 1) * inverse_square
            series = series + term
        out[left] = -0.5 * v * v - np.log(-v) - _LN_2PI_HALF + np.log1p(series)
        out[np.isnan(a)] = np.nan
    return out


def _ndtri_numeric(p: np.ndarray) -> np.ndarray:
    """Φ⁻¹(p): √2·erfinv(2p − 1) on [1/4, 3/4] (2p − 1 is exact there); below, Newton's method on ln Φ(x) = ln p
    (full relative precision down to the smallest doubles) from √2·erfinv(2p − 1), or below 10⁻¹⁰ the tail's
    asymptotic first guess √(t − ln t − ln 2π), t = −2 ln p; above,
    −Φ⁻¹(1 − p) (1 − p is exact). ±∞ at 0 and 1, NaN outside [0, 1]."""
    a = np.asarray(p, dtype=np.float64)
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        central = (a >= 0.25) & (a <= 0.75)
        out[central] = math.sqrt(2) * _erfinv(2 * a[central] - 1)
        lower, upper = (a > 0) & (a < 0.25), (a > 0.75) & (a < 1)
        tail = np.concatenate([a[lower], 1 - a[upper]])
        log_p = np.log(tail)
        t = -2 * log_p
        x = np.where(tail > 1e-10, math.sqrt(2) * _erfinv(2 * tail - 1),
                     -np.sqrt(np.maximum(t - np.log(t) - math.log(2 * math.pi), 0)))
        for _ in range(8):  # ln Φ is nearly linear here: quadratic convergence from a close start
            log_cdf = _log_ndtr_numeric(x)
            x = x - (log_cdf - log_p) * np.exp(log_cdf + 0.5 * x * x + _LN_2PI_HALF)
        out[lower] = x[:lower.sum()]
        out[upper] = -x[lower.sum():]
        out[a == 0] = -np.inf
        out[a == 1] = np.inf
    return out


def _in_dtype(numeric):
    def apply(a: np.ndarray) -> np.ndarray:
        return numeric(a).astype(a.dtype, copy=False)
    return apply


_log_ndtr = backend._floating(_in_dtype(_log_ndtr_numeric),
                              lambda e: sympy.log((1 + sympy.erf(e / sympy.sqrt(2))) / 2))
_ndtri = backend._floating(_in_dtype(_ndtri_numeric), lambda e: sympy.sqrt(2) * sympy.erfinv(2 * e - 1))


def _entr_numeric(a: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.where(a > 0, -a * np.log(np.where(a > 0, a, 1)), np.where(a == 0, 0, -np.inf))
    return np.where(np.isnan(a), np.nan, out).astype(a.dtype, copy=False)


_entr = backend._floating(_entr_numeric, lambda e: -e * sympy.log(e))


def _root_2pi(like):
    return number_like(sympy.sqrt(2 * sympy.pi) if like.dtype == object else math.sqrt(2 * math.pi), like)


class LogNdtr(Function):
    rule_unicode = "∂lnΦ(x)/∂x = φ(x)/Φ(x) = e^(−x²/2 − lnΦ(x))/√(2π): δ_x = δ·e^(−x²/2 − y)/√(2π)"
    rule_latex = r"\delta_x = \delta \odot \frac{e^{-x^2/2 - y}}{\sqrt{2\pi}},\quad y = \ln\Phi(x)"

    def forward(ctx, x):
        return _log_ndtr(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        return g * Exp.apply(-(x * x) / 2 - ctx.output) / _root_2pi(g)


class Ndtri(Function):
    rule_unicode = "∂Φ⁻¹(p)/∂p = 1/φ(y) = √(2π)·e^(y²/2), y = Φ⁻¹(p): δ_p = δ·√(2π)·e^(y²/2)"
    rule_latex = r"\delta_p = \delta \odot \sqrt{2\pi}\, e^{y^2/2},\quad y = \Phi^{-1}(p)"

    def forward(ctx, p):
        return _ndtri(p)

    def backward(ctx, g):
        y = ctx.output
        return g * _root_2pi(g) * Exp.apply(y * y / 2)


class Entr(Function):
    rule_unicode = "∂(−x·ln x)/∂x = −(ln x + 1): δ_x = −δ·(ln x + 1) (∞ at 0, NaN below, as PyTorch)"
    rule_latex = r"\delta_x = -\delta \odot (\ln x + 1)"

    def forward(ctx, x):
        return _entr(x)

    def backward(ctx, g):
        return -(g * (Log.apply(ctx.inputs[0]) + 1))


def ndtr(input: Any):
    """Φ(x) = ½·erfc(−x/√2), the standard normal distribution function (Cephes' formula, as PyTorch)."""
    from .math_extra import _float

    x = _float(tensor_arg(input, "ndtr"))
    root_half = number_like(sympy.sqrt(2) / 2 if x.dtype == object else math.sqrt(0.5), x)
    return erfc(-(x * root_half)) / 2


def ndtri(input: Any):
    """Φ⁻¹(p), the standard normal quantile function: ±∞ at 0 and 1, NaN outside [0, 1]; accurate in both tails
    (Newton's method on ln Φ)."""
    return Ndtri.apply(tensor_arg(input, "ndtri"))


def log_ndtr(input: Any):
    """ln Φ(x), finite far into the left tail (−5·10⁹ at x = −10⁵, where Φ underflows)."""
    return LogNdtr.apply(tensor_arg(input, "log_ndtr"))


def entr(input: Any):
    """The elementwise entropy −x·ln x (0 at 0, −∞ for x < 0), as torch.special.entr."""
    return Entr.apply(tensor_arg(input, "entr"))


def xlog1py(input: Any, other: Any):
    """x·ln(1 + y), 0 where x = 0 (unless y is NaN), as torch.special.xlog1py (integers give float32)."""
    from .math_extra import _float, _pair

    x, y = _promoted(*(_float(t) for t in _pair("xlog1py", input, other)))
    if x.dtype == object:
        return x * Log1p.apply(y)
    zero_x = (x.data == 0) & ((y.data <= -1) | np.isinf(y.data))
    if zero_x.any():  # 0·ln 0 and 0·ln ∞ are 0: y made 0 there (δ_x = 0 there, as PyTorch)
        y = Where.apply(type(y)._make(np.broadcast_to(zero_x, np.broadcast_shapes(x.shape, y.shape)), False),
                        number_like(0, y), y)
    return x * Log1p.apply(y)


__all__ = ["LogNdtr", "Ndtri", "Entr", "ndtr", "ndtri", "log_ndtr", "entr", "xlog1py"]
