"""erfc and erfinv (torch.erfc, torch.erfinv, torch.special.*), one Function each: numbers from numeric_erf.py
(erfc exact in the tail, where 1 − erf(x) is 0), SymPy's erfc/erfinv on symbols; integers promote to float32, as
PyTorch. Their backwards are written with differentiable ops, so higher derivatives come free."""
from __future__ import annotations

import math
from typing import Any

from .. import backend
from ..autograd import Function
from ..numeric_erf import erfc as _erfc_numeric, erfinv as _erfinv_numeric
from .activation import number_like
from .args import tensor_arg
from .elementwise import Exp

_erfc = backend._floating(_erfc_numeric, backend._sympy_function("erfc"))
_erfinv = backend._floating(_erfinv_numeric, backend._sympy_function("erfinv"))


def _root_pi(like):
    """√π as a constant of like's kind (SymPy's exact sqrt(pi) on symbols)."""
    from ..lazy_sympy import sympy

    return number_like(sympy.sqrt(sympy.pi) if like.dtype == object else math.sqrt(math.pi), like)


class Erfc(Function):
    rule_unicode = "∂erfc(x)/∂x = −(2/√π)·e^(−x²): δ_x = −δ·(2/√π)·e^(−x²)"
    rule_latex = r"\delta_x = -\delta \odot \tfrac{2}{\sqrt{\pi}}\, e^{-x^2}"

    def forward(ctx, x):
        return _erfc(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        return -(g * (2 / _root_pi(g)) * Exp.apply(-(x * x)))


class Erfinv(Function):
    rule_unicode = "∂erf⁻¹(x)/∂x = (√π/2)·e^(y²), y = erf⁻¹(x): δ_x = δ·(√π/2)·e^(y²)"
    rule_latex = r"\delta_x = \delta \odot \tfrac{\sqrt{\pi}}{2}\, e^{y^2},\quad y = \operatorname{erf}^{-1}(x)"

    def forward(ctx, x):
        return _erfinv(x)

    def backward(ctx, g):
        y = ctx.output
        return g * (_root_pi(g) / 2) * Exp.apply(y * y)


def erfc(input: Any):
    """The complementary error function 1 − erf(x) = (2/√π)∫ₓ^∞ e^(−t²) dt, with full relative precision for large
    x (erfc(10) ≈ 2.09·10⁻⁴⁵ in float64)."""
    return Erfc.apply(tensor_arg(input, "erfc"))


def erfinv(input: Any):
    """The inverse error function on [−1, 1]: ±1 → ±∞, |x| > 1 → NaN, as PyTorch."""
    return Erfinv.apply(tensor_arg(input, "erfinv"))


__all__ = ["Erfc", "Erfinv", "erfc", "erfinv"]
