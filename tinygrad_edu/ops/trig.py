"""Trigonometric and hyperbolic functions with their derivatives (torch.sin, torch.atan2, ...): one Function per
primitive (NumPy's on numbers, SymPy's on symbols; integers promote to float32, as PyTorch), and sinc, deg2rad,
rad2deg as compositions of them."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend
from ..autograd import Function
from .activation import number_like
from .args import tensor_arg
from .compare import Where, _promoted
from .elementwise import Sqrt, _broadcasting

_sin = backend._floating(np.sin, backend._sympy_function("sin"))
_cos = backend._floating(np.cos, backend._sympy_function("cos"))
_tan = backend._floating(np.tan, backend._sympy_function("tan"))
_asin = backend._floating(np.arcsin, backend._sympy_function("asin"))
_acos = backend._floating(np.arccos, backend._sympy_function("acos"))
_atan = backend._floating(np.arctan, backend._sympy_function("atan"))
_sinh = backend._floating(np.sinh, backend._sympy_function("sinh"))
_cosh = backend._floating(np.cosh, backend._sympy_function("cosh"))
_asinh = backend._floating(np.arcsinh, backend._sympy_function("asinh"))
_acosh = backend._floating(np.arccosh, backend._sympy_function("acosh"))
_atanh = backend._floating(np.arctanh, backend._sympy_function("atanh"))


class Sin(Function):
    rule_unicode = "∂sin x/∂x = cos x: δ_x = δ·cos x"
    rule_latex = r"\delta_x = \delta \odot \cos x"

    def forward(ctx, x):
        return _sin(x)

    def backward(ctx, g):
        return g * Cos.apply(ctx.inputs[0])


class Cos(Function):
    rule_unicode = "∂cos x/∂x = −sin x: δ_x = −δ·sin x"
    rule_latex = r"\delta_x = -\delta \odot \sin x"

    def forward(ctx, x):
        return _cos(x)

    def backward(ctx, g):
        return -(g * Sin.apply(ctx.inputs[0]))


class Tan(Function):
    rule_unicode = "∂tan x/∂x = 1 + tan² x: δ_x = δ·(1 + y²)"
    rule_latex = r"\delta_x = \delta \odot (1 + \tan^2 x)"

    def forward(ctx, x):
        return _tan(x)

    def backward(ctx, g):
        y = ctx.output
        return g * (1 + y * y)


class Asin(Function):
    rule_unicode = "∂asin x/∂x = 1/√(1 − x²): δ_x = δ/√(1 − x²)"
    rule_latex = r"\delta_x = \frac{\delta}{\sqrt{1 - x^2}}"

    def forward(ctx, x):
        return _asin(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return g / Sqrt.apply(1 - x * x)


class Acos(Function):
    rule_unicode = "∂acos x/∂x = −1/√(1 − x²): δ_x = −δ/√(1 − x²)"
    rule_latex = r"\delta_x = -\frac{\delta}{\sqrt{1 - x^2}}"

    def forward(ctx, x):
        return _acos(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return -g / Sqrt.apply(1 - x * x)


class Atan(Function):
    rule_unicode = "∂atan x/∂x = 1/(1 + x²): δ_x = δ/(1 + x²)"
    rule_latex = r"\delta_x = \frac{\delta}{1 + x^2}"

    def forward(ctx, x):
        return _atan(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return g / (x * x + 1)


class Sinh(Function):
    rule_unicode = "∂sinh x/∂x = cosh x: δ_x = δ·cosh x"
    rule_latex = r"\delta_x = \delta \odot \cosh x"

    def forward(ctx, x):
        return _sinh(x)

    def backward(ctx, g):
        return g * Cosh.apply(ctx.inputs[0])


class Cosh(Function):
    rule_unicode = "∂cosh x/∂x = sinh x: δ_x = δ·sinh x"
    rule_latex = r"\delta_x = \delta \odot \sinh x"

    def forward(ctx, x):
        return _cosh(x)

    def backward(ctx, g):
        return g * Sinh.apply(ctx.inputs[0])


class Asinh(Function):
    rule_unicode = "∂asinh x/∂x = 1/√(x² + 1): δ_x = δ/√(x² + 1)"
    rule_latex = r"\delta_x = \frac{\delta}{\sqrt{x^2 + 1}}"

    def forward(ctx, x):
        return _asinh(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return g / Sqrt.apply(x * x + 1)


class Acosh(Function):
    rule_unicode = "∂acosh x/∂x = 1/√(x² − 1): δ_x = δ/√(x² − 1)"
    rule_latex = r"\delta_x = \frac{\delta}{\sqrt{x^2 - 1}}"

    def forward(ctx, x):
        return _acosh(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return g / Sqrt.apply(x * x - 1)


class Atanh(Function):
    rule_unicode = "∂atanh x/∂x = 1/(1 − x²): δ_x = δ/(1 − x²)"
    rule_latex = r"\delta_x = \frac{\delta}{1 - x^2}"

    def forward(ctx, x):
        return _atanh(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        return g / (1 - x * x)


def _atan2_symbolic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from ..lazy_sympy import sympy

    return np.vectorize(lambda p, q: sympy.atan2(p, q), otypes=[object])(a, b)


class Atan2(Function):
    rule_unicode = "θ = atan2(a, b): δ_a = δ·b/(a² + b²), δ_b = −δ·a/(a² + b²)"
    rule_latex = r"\delta_a = \delta\, \frac{b}{a^2 + b^2},\quad \delta_b = -\delta\, \frac{a}{a^2 + b^2}"

    def forward(ctx, a, b):
        if a.dtype == object or b.dtype == object:
            return _atan2_symbolic(a, b)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            a, b = a.astype(backend.DEFAULT_FLOAT), b.astype(backend.DEFAULT_FLOAT)
        return _broadcasting("atan2", np.arctan2, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        r2 = a * a + b * b
        return (g * b / r2 if ctx.needs_input_grad[0] else None,
                -g * a / r2 if ctx.needs_input_grad[1] else None)


def _unary(fn: type, op: str):
    def apply(input: Any):
        return fn.apply(tensor_arg(input, op))

    apply.__name__ = apply.__qualname__ = op
    return apply


sin = _unary(Sin, "sin")
sin.__doc__ = "sin x (radians)."
cos = _unary(Cos, "cos")
cos.__doc__ = "cos x (radians)."
tan = _unary(Tan, "tan")
tan.__doc__ = "tan x (radians)."
asin = arcsin = _unary(Asin, "asin")
asin.__doc__ = "The inverse sine, in [−π/2, π/2] (NaN outside [−1, 1])."
acos = arccos = _unary(Acos, "acos")
acos.__doc__ = "The inverse cosine, in [0, π] (NaN outside [−1, 1])."
atan = arctan = _unary(Atan, "atan")
atan.__doc__ = "The inverse tangent, in (−π/2, π/2)."
sinh = _unary(Sinh, "sinh")
sinh.__doc__ = "(eˣ − e⁻ˣ)/2."
cosh = _unary(Cosh, "cosh")
cosh.__doc__ = "(eˣ + e⁻ˣ)/2."
asinh = arcsinh = _unary(Asinh, "asinh")
asinh.__doc__ = "The inverse hyperbolic sine."
acosh = arccosh = _unary(Acosh, "acosh")
acosh.__doc__ = "The inverse hyperbolic cosine (NaN below 1)."
atanh = arctanh = _unary(Atanh, "atanh")
atanh.__doc__ = "The inverse hyperbolic tangent (±∞ at ±1, NaN outside [−1, 1])."


def atan2(input: Any, other: Any):
    """The angle of the point (other, input) in (−π, π], quadrant-aware (integers give float32)."""
    a = tensor_arg(input, "atan2")
    b = tensor_arg(other, "atan2")
    from .math_extra import broadcastable

    broadcastable("atan2", a, b)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        a, b = a.to(backend.DEFAULT_FLOAT), b.to(backend.DEFAULT_FLOAT)
    return Atan2.apply(*_promoted(a, b))


arctan2 = atan2


def _pi(like):
    from ..lazy_sympy import sympy

    return number_like(sympy.pi if like.dtype == object else math.pi, like)


def _floating(x):
    return x.to(backend.DEFAULT_FLOAT) if x.dtype.kind in "biu" else x


def deg2rad(input: Any):
    """Degrees to radians: x·π/180."""
    x = _floating(tensor_arg(input, "deg2rad"))
    return x * (_pi(x) / 180)


def rad2deg(input: Any):
    """Radians to degrees: x·180/π."""
    x = _floating(tensor_arg(input, "rad2deg"))
    return x * (180 / _pi(x))


def sinc(input: Any):
    """The normalised sinc sin(πx)/(πx), 1 at x = 0 (δ 0 there, as PyTorch)."""
    x = _floating(tensor_arg(input, "sinc"))
    if x.dtype == object:
        return Sin.apply(x * _pi(x)) / (x * _pi(x))
    at_zero = type(x)._make(x.data == 0, False)
    safe = Where.apply(at_zero, number_like(1, x), x)
    px = safe * _pi(x)
    return Where.apply(at_zero, number_like(1, x), Sin.apply(px) / px)


__all__ = ["Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Atan2", "sin",
           "cos", "tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "asinh", "arcsinh",
           "acosh", "arccosh", "atanh", "arctanh", "atan2", "arctan2", "deg2rad", "rad2deg", "sinc"]
