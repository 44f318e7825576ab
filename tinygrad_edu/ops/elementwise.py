"""Elementwise ops and their local derivatives: arithmetic (broadcasting), exp/log/sqrt/abs and
the activations f(u) of the lecture (sigmoid, tanh, ReLU, leaky ReLU). δ is the incoming gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..backend import quiet_off, quiet_on
from ..autograd import Function
from ..errors import DtypeError
from .compare import where


def _broadcast_error(name: str, a: np.ndarray, b: np.ndarray) -> ValueError:
    return ValueError(f"{name}: shapes {a.shape} and {b.shape} do not broadcast (NumPy rule: trailing "
                      "dimensions must be equal or 1)")


def _promoted(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a and b (of different dtypes) in their common dtype by PyTorch's rule (backend.result_dtype, the one place
    it is decided): int64 with float32 is float32 (NumPy: float64), a dimensioned float32 with a 0-d float64 stays
    float32. SymPy (object) operands are left to NumPy, which mixes them with numbers exactly."""
    if a.dtype == object or b.dtype == object:
        return a, b
    common = backend.result_dtype(a, b)
    return (a if a.dtype == common else a.astype(common)), (b if b.dtype == common else b.astype(common))


def _broadcasting(name: str, fn: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """fn(a, b) for every binary elementwise forward (and so every backward built from them), silent about ∞ and
    NaN as PyTorch is (0·∞, ∞ − ∞, x/0 are values, not warnings; backend.quiet_on costs ~0.1 µs)."""
    if a.dtype is not b.dtype:
        a, b = _promoted(a, b)
    token = quiet_on()
    try:
        return fn(a, b)
    except ValueError as err:
        if "broadcast" in str(err):
            raise _broadcast_error(name, a, b) from None
        raise
    finally:
        quiet_off(token)


class Add(Function):
    rule_unicode = "∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1: δ_a = δ, δ_b = δ (summed over broadcast axes)"
    rule_latex = r"\delta_a = \delta,\quad \delta_b = \delta"

    def forward(ctx, a, b):
        return _broadcasting("add", np.add, a, b)

    def backward(ctx, g):
        return g, g


class Sub(Function):
    rule_unicode = "δ_a = δ, δ_b = −δ"
    rule_latex = r"\delta_a = \delta,\quad \delta_b = -\delta"

    def forward(ctx, a, b):
        return _broadcasting("sub", np.subtract, a, b)

    def backward(ctx, g):
        return g, -g


class Mul(Function):
    rule_unicode = "δ_a = δ·b, δ_b = δ·a"
    rule_latex = r"\delta_a = \delta \odot b,\quad \delta_b = \delta \odot a"

    def forward(ctx, a, b):
        return _broadcasting("mul", np.multiply, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        return (Mul.apply(g, b) if ctx.needs_input_grad[0] else None,
                Mul.apply(g, a) if ctx.needs_input_grad[1] else None)


class Div(Function):
    rule_unicode = "δ_a = δ/b, δ_b = −δ·a/b²"
    rule_latex = r"\delta_a = \delta / b,\quad \delta_b = -\delta\, a / b^2"

    def forward(ctx, a, b):
        out = _broadcasting("div", np.true_divide, a, b)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            return out.astype(backend.DEFAULT_FLOAT)  # true division of integers: float32, as PyTorch
        return out

    def backward(ctx, g):
        a, b = ctx.inputs
        # δ_b as −δ·(a/b)/b, as PyTorch: b·b overflows float32 once |b| > 1.8·10¹⁹ (a hand-written softmax's Σ eᵘ)
        return (g / b if ctx.needs_input_grad[0] else None,
                -g * (a / b) / b if ctx.needs_input_grad[1] else None)


class Neg(Function):
    rule_unicode = "δ_x = −δ"
    rule_latex = r"\delta_x = -\delta"

    def forward(ctx, x):
        if x.dtype == bool:
            raise RuntimeError("neg: negation (the - operator) of a bool tensor is not supported, as in PyTorch; "
                               "use ~ or logical_not to invert a mask")
        return -x

    def backward(ctx, g):
        return -g


class PowConst(Function):
    rule_unicode = "∂xᵖ/∂x = p·xᵖ⁻¹: δ_x = δ·p·xᵖ⁻¹"
    rule_latex = r"\delta_x = \delta\, p\, x^{p-1}"

    def forward(ctx, x, exponent):
        if x.dtype == object:
            return x ** backend.scalar_like(exponent, x)[()]
        p = backend.scalar_like(exponent, x)  # the result's dtype by PyTorch's rule: int ** 0.5 is float32
        if p.dtype != x.dtype:
            x = x.astype(p.dtype)
        token = quiet_on()  # (−1)^0.5 = NaN, 0^−1 = ∞, overflow to ∞: values, as in PyTorch
        try:
            out = np.power(x, p)
        finally:
            quiet_off(token)
        return out if out.dtype == p.dtype else out.astype(p.dtype)  # NumPy's bool ** bool is int8; PyTorch's bool

    def backward(ctx, g):
        (x,) = ctx.inputs
        p = ctx.attrs["exponent"]
        if p == 0:  # x⁰ = 1 is constant: δ_x = 0 everywhere, also at x = 0 (PyTorch's value, not 0·∞)
            return type(g)._make(backend.zeros(x.shape, g.data), False)
        return g * p * x ** (p - 1)


class Pow(Function):
    rule_unicode = "δ_a = δ·b·aᵇ⁻¹, δ_b = δ·aᵇ·ln a"
    rule_latex = r"\delta_a = \delta\, b\, a^{b-1},\quad \delta_b = \delta\, a^b \ln a"

    def forward(ctx, a, b):
        return _broadcasting("pow", np.power, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        numeric = a.dtype != object and b.dtype != object
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = g * b * a ** (b - 1)
            if numeric:  # where b = 0, aᵇ is constant: δ_a = 0 (also at a = 0, as PyTorch)
                grad_a = where(type(g)(np.broadcast_to(b.data == 0, grad_a.shape)), 0.0, grad_a)
        if ctx.needs_input_grad[1]:
            grad_b = g * ctx.output * a.log()
            if numeric:  # 0ᵇ is 0 (b > 0) or 1 (b = 0) around b ≥ 0: δ_b = 0 there, as PyTorch
                flat = (a.data == 0) & (b.data >= 0)
                grad_b = where(type(g)(np.broadcast_to(flat, grad_b.shape)), 0.0, grad_b)
        return grad_a, grad_b


class Exp(Function):
    rule_unicode = "∂eˣ/∂x = eˣ: δ_x = δ·y"
    rule_latex = r"\delta_x = \delta \odot e^{x}"

    def forward(ctx, x):
        return backend.exp(x)

    def backward(ctx, g):
        return g * ctx.output


class Log(Function):
    rule_unicode = "∂ln x/∂x = 1/x: δ_x = δ/x"
    rule_latex = r"\delta_x = \delta / x"

    def forward(ctx, x):
        return backend.log(x)

    def backward(ctx, g):
        return g / ctx.inputs[0]


class Sqrt(Function):
    rule_unicode = "∂√x/∂x = 1/(2√x): δ_x = δ/(2y)"
    rule_latex = r"\delta_x = \frac{\delta}{2\sqrt{x}}"

    def forward(ctx, x):
        return backend.sqrt(x)

    def backward(ctx, g):
        return g / (ctx.output * 2)


class Abs(Function):
    rule_unicode = "δ_x = δ·sign(x)"
    rule_latex = r"\delta_x = \delta\, \operatorname{sign}(x)"

    def forward(ctx, x):
        if x.dtype == bool:
            raise TypeError(f"abs: not defined for dtype bool (shape {x.shape}), as in PyTorch")
        return backend.abs_(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        if x.dtype == object or g.dtype == object:
            return g * Sign.apply(x)
        with np.errstate(invalid="ignore"):  # PyTorch's sgn: 0 at NaN (sign is flat, so its gradient is 0 too)
            return g * type(g)._make(np.nan_to_num(np.sign(x.data), nan=0.0).astype(x.dtype), False)


class Sign(Function):
    rule_unicode = "sign is piecewise constant: δ_x = 0"
    rule_latex = r"\delta_x = 0"

    def forward(ctx, x):
        return backend.sign(x)

    def backward(ctx, g):
        return g * 0


class Tanh(Function):
    rule_unicode = "f'(u) = 1 − tanh²(u): δ_u = δ·(1 − y²)"
    rule_latex = r"\delta_u = \delta \odot (1 - \tanh^2 u)"

    def forward(ctx, x):
        return backend.tanh(x)

    def backward(ctx, g):
        y = ctx.output
        return g * (1 - y * y)


class Sigmoid(Function):
    """σ'(u) = y(1 − y) from the output y, as PyTorch: binary_cross_entropy's δ/(p(1 − p)) divides by the same
    rounded p, so sigmoid → BCELoss gives σ(u) − t (an exact σ(u)σ(−u) gave 0.257 for 0.3 at u = 15 in float32)."""

    rule_unicode = "f'(u) = σ(u)(1 − σ(u)): δ_u = δ·y·(1 − y)"
    rule_latex = r"\delta_u = \delta \odot y\,(1 - y),\quad y = \sigma(u)"

    def forward(ctx, x):
        return backend.sigmoid(x)

    def backward(ctx, g):
        y = ctx.output
        return g * (y * (1 - y))


class Relu(Function):
    rule_unicode = "f'(u) = 1 if u > 0 else 0: δ_u = δ·[u > 0]"
    rule_latex = r"\delta_u = \delta \odot \mathbb{1}[u > 0]"

    def forward(ctx, x):
        if x.dtype == bool:
            raise DtypeError(f"relu: Boolean inputs not supported (shape {x.shape}), as in PyTorch")
        return backend.relu(x)

    def backward(ctx, g):
        x = ctx.inputs[0]
        if x.dtype == object or g.dtype == object:
            return g * Step.apply(x)
        # δ passes unless u ≤ 0 (so at NaN, as PyTorch); a finite δ is multiplied by that mask (one pass), an
        # infinite or NaN one selected, so that ∞·0 never becomes NaN where PyTorch gives 0
        with np.errstate(invalid="ignore"):
            passes = ~(x.data <= 0)
        if np.isfinite(g.data).all():
            return g * type(g)._make(passes.astype(g.dtype), False)
        return where(type(g)(passes), g, 0.0)


class Step(Function):
    """The Heaviside step [x > 0], relu's derivative; flat, so its own gradient is 0."""

    rule_unicode = "[x > 0] is piecewise constant: δ_x = 0"
    rule_latex = r"\delta_x = 0"

    def forward(ctx, x):
        return backend.step(x)

    def backward(ctx, g):
        return g * 0


class LeakyRelu(Function):
    rule_unicode = "f'(u) = 1 if u > 0 else a: δ_u = δ·(1 if u > 0 else a)"
    rule_latex = r"\delta_u = \delta \odot \begin{cases}1 & u > 0\\ a & u \le 0\end{cases}"

    def forward(ctx, x, negative_slope):
        if x.dtype.kind in "biu":
            raise TypeError(f"leaky_relu: not defined for dtype {x.dtype} (shape {x.shape}), as in PyTorch: the slope "
                            f"{negative_slope} would truncate to an integer; cast first, e.g. x.float()")
        return backend.leaky_relu(x, negative_slope)

    def backward(ctx, g):
        (x,) = ctx.inputs
        slope = backend.where_positive(x.data, ctx.attrs["negative_slope"])
        return g * type(g)._make(slope, False)


class Cast(Function):
    rule_unicode = "a change of dtype: δ_x = δ (cast back)"
    rule_latex = r"\delta_x = \delta"

    def forward(ctx, x, dtype):
        return backend.quietly(x.astype, dtype)  # 1e10 → float16 is ∞, NaN → int is some integer: silently, as PyTorch

    def backward(ctx, g):
        return g.to(ctx.inputs[0].dtype)
