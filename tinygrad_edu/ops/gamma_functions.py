"""The gamma family and the modified Bessel functions I₀, I₁ (torch.lgamma, digamma, polygamma, mvlgamma, i0 and
torch.special's i0e, i1, i1e, zeta): one Function each, numbers from numeric_gamma.py (vectorised NumPy), SymPy's
loggamma/digamma/polygamma/besseli/zeta on symbols; integers promote to float32, as PyTorch. Each backward is the
next function of the family (δ·ψ(x) for lnΓ, δ·ψ⁽ⁿ⁺¹⁾(x) for ψ⁽ⁿ⁾, δ·I₁ for I₀, ...), so higher derivatives come
free."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend, numeric_gamma
from ..autograd import Function
from ..errors import ArgumentTypeError, DtypeError, ShapeError
from ..lazy_sympy import sympy
from .activation import number_like
from .args import check_size, tensor_arg
from .compare import Where


def _symbolic(name: str, *leading: Any, scaled: bool = False):
    """SymPy's function `name` applied as name(*leading, e), times e^(−|e|) when scaled."""
    def apply(e: Any) -> Any:
        value = getattr(sympy, name)(*leading, e)
        return sympy.exp(-sympy.Abs(e)) * value if scaled else value
    return apply


_lgamma = backend._floating(numeric_gamma.lgamma, _symbolic("loggamma"))
_digamma = backend._floating(numeric_gamma.digamma, _symbolic("digamma"))
_i0 = backend._floating(numeric_gamma.i0, _symbolic("besseli", 0))
_i0e = backend._floating(numeric_gamma.i0e, _symbolic("besseli", 0, scaled=True))
_i1 = backend._floating(numeric_gamma.i1, _symbolic("besseli", 1))
_i1e = backend._floating(numeric_gamma.i1e, _symbolic("besseli", 1, scaled=True))


def _polygamma(n: int):
    return backend._floating(lambda a: numeric_gamma.polygamma(n, a), _symbolic("polygamma", n))


class Lgamma(Function):
    rule_unicode = "∂lnΓ(x)/∂x = ψ(x): δ_x = δ·ψ(x)"
    rule_latex = r"\delta_x = \delta \odot \psi(x)"

    def forward(ctx, x):
        return _lgamma(x)

    def backward(ctx, g):
        return g * Digamma.apply(ctx.inputs[0])


class Digamma(Function):
    rule_unicode = "∂ψ(x)/∂x = ψ⁽¹⁾(x): δ_x = δ·ψ⁽¹⁾(x)"
    rule_latex = r"\delta_x = \delta \odot \psi^{(1)}(x)"

    def forward(ctx, x):
        return _digamma(x)

    def backward(ctx, g):
        return g * Polygamma.apply(ctx.inputs[0], n=1)


class Polygamma(Function):
    rule_unicode = "∂ψ⁽ⁿ⁾(x)/∂x = ψ⁽ⁿ⁺¹⁾(x): δ_x = δ·ψ⁽ⁿ⁺¹⁾(x)"
    rule_latex = r"\delta_x = \delta \odot \psi^{(n+1)}(x)"

    def forward(ctx, x, n):
        return _polygamma(n)(x)

    def backward(ctx, g):
        return g * Polygamma.apply(ctx.inputs[0], n=ctx.attrs["n"] + 1)


def _safe_at_zero(x):
    """(x == 0 as a condition, x with its zeros made 1): for I₁(x)/x, whose limit at 0 is 1/2."""
    zero = type(x)._make(np.asarray(x.data == 0), False)
    return zero, Where.apply(zero, number_like(1, x), x)


class I0(Function):
    rule_unicode = "∂I₀(x)/∂x = I₁(x): δ_x = δ·I₁(x)"
    rule_latex = r"\delta_x = \delta \odot I_1(x)"

    def forward(ctx, x):
        return _i0(x)

    def backward(ctx, g):
        return g * I1.apply(ctx.inputs[0])


class I0e(Function):
    rule_unicode = "∂(e^(−|x|)I₀(x))/∂x = e^(−|x|)(I₁(x) − sign(x)·I₀(x)): δ_x = δ·(i1e(x) − sign(x)·i0e(x))"
    rule_latex = r"\delta_x = \delta \odot \big(\mathrm{i1e}(x) - \operatorname{sign}(x)\,\mathrm{i0e}(x)\big)"

    def forward(ctx, x):
        return _i0e(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        return g * (I1e.apply(x) - x.sign() * ctx.output)


class I1(Function):
    rule_unicode = "∂I₁(x)/∂x = I₀(x) − I₁(x)/x (1/2 at 0): δ_x = δ·(I₀(x) − I₁(x)/x)"
    rule_latex = r"\delta_x = \delta \odot \Big(I_0(x) - \frac{I_1(x)}{x}\Big)"

    def forward(ctx, x):
        return _i1(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        if x.dtype == object:
            return g * (I0.apply(x) - ctx.output / x)
        zero, safe = _safe_at_zero(x)
        return g * Where.apply(zero, number_like(0.5, x), I0.apply(x) - ctx.output / safe)


class I1e(Function):
    rule_unicode = ("∂(e^(−|x|)I₁(x))/∂x = i0e(x) − i1e(x)·(sign(x) + 1/x) (1/2 at 0): "
                    "δ_x = δ·(i0e(x) − i1e(x)·(sign(x) + 1/x))")
    rule_latex = (r"\delta_x = \delta \odot \Big(\mathrm{i0e}(x) - \mathrm{i1e}(x)\big(\operatorname{sign}(x)"
                  r" + \tfrac{1}{x}\big)\Big)")

    def forward(ctx, x):
        return _i1e(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        y = ctx.output
        if x.dtype == object:
            return g * (I0e.apply(x) - y * (x.sign() + 1 / x))
        zero, safe = _safe_at_zero(x)
        return g * Where.apply(zero, number_like(0.5, x), I0e.apply(x) - y * (x.sign() + 1 / safe))


class Zeta(Function):
    rule_unicode = "∂ζ(s, q)/∂q = −s·ζ(s + 1, q): δ_q = −δ·s·ζ(s + 1, q), δ_s not available (as PyTorch)"
    rule_latex = r"\delta_q = -\delta \odot s\, \zeta(s + 1, q)"

    def forward(ctx, s, q):
        if s.dtype == object or q.dtype == object:
            s, q = np.broadcast_arrays(s, q)
            return np.vectorize(lambda a, b: sympy.zeta(a, b), otypes=[object])(s, q)
        return numeric_gamma.zeta(s, q)

    def backward(ctx, g):
        s, q = ctx.inputs
        if ctx.needs_input_grad[0]:
            raise RuntimeError("zeta: the derivative with respect to the first argument (s) is not implemented, as "
                               "in PyTorch")
        return None, -(g * s * Zeta.apply(s + 1, q))


def _order(op: str, n: Any) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise ArgumentTypeError(f"{op}: argument 'n' must be int, not {type(n).__name__} ({n!r})")
    if n < 0:
        raise ShapeError(f"{op}: the order n = {n} must be non-negative (ψ⁽ⁿ⁾ is the n-th derivative of digamma)")
    return int(n)


def lgamma(input: Any):
    """ln|Γ(x)| (torch.lgamma): +∞ at 0, −1, −2, …; Taylor series at 2, recurrence and Stirling's series
    (numeric_gamma.py). δ = ψ(x)·δ."""
    return Lgamma.apply(tensor_arg(input, "lgamma"))


def digamma(input: Any):
    """ψ(x) = d lnΓ(x)/dx (torch.digamma): −∞ at +0, NaN at the negative integers, as PyTorch; recurrence to 10 and
    the asymptotic series (numeric_gamma.py)."""
    return Digamma.apply(tensor_arg(input, "digamma"))


def polygamma(n: int, input: Any):
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma (torch.polygamma(n, input)): (−1)ⁿ⁺¹·n!·ζ(n + 1, x) for n ≥ 1, the
    Hurwitz zeta by Euler–Maclaurin summation."""
    n = _order("polygamma", n)
    return Polygamma.apply(tensor_arg(input, "polygamma"), n=n)


def mvlgamma(input: Any, p: int):
    """The multivariate log-gamma ln Γ_p(x) = p(p − 1)/4·ln π + Σ_{j<p} lnΓ(x − j/2) (torch.mvlgamma), a sum of
    lgammas (its δ is Σ_j ψ(x − j/2)·δ)."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)):
        raise ArgumentTypeError(f"mvlgamma: argument 'p' must be int, not {type(p).__name__} ({p!r})")
    if p < 1:
        raise ShapeError(f"mvlgamma: p = {p} must be at least 1 (the dimension of the multivariate gamma)")
    x = tensor_arg(input, "mvlgamma")
    if x.dtype == bool:
        raise DtypeError(f"mvlgamma: the input may not be a bool tensor (shape {x.shape}), as PyTorch")
    if x.dtype.kind in "biu":
        x = x.to(backend.DEFAULT_FLOAT)
    check_size("mvlgamma", x.shape + (int(p),), x.dtype)  # the p shifted copies x − j/2 are made at once
    offsets = np.arange(p) / 2
    if x.dtype == object:
        offsets = np.array([sympy.Rational(j, 2) for j in range(p)], dtype=object)
        constant = number_like(sympy.Rational(p * (p - 1), 4) * sympy.log(sympy.pi), x)
    else:
        offsets = offsets.astype(x.dtype)
        constant = number_like(p * (p - 1) / 4 * math.log(math.pi), x)
    shifted = x.unsqueeze(-1) - type(x)._make(offsets, False)
    return Lgamma.apply(shifted).sum(-1) + constant


def i0(input: Any):
    """I₀(x), the modified Bessel function of the first kind of order 0 (torch.i0): power series below |x| = 20,
    Hankel's asymptotic series above (numeric_gamma.py). δ = I₁(x)·δ."""
    return I0.apply(tensor_arg(input, "i0"))


def i0e(input: Any):
    """e^(−|x|)·I₀(x) (torch.special.i0e), finite where I₀ overflows."""
    return I0e.apply(tensor_arg(input, "i0e"))


def i1(input: Any):
    """I₁(x), the modified Bessel function of the first kind of order 1 (torch.special.i1)."""
    return I1.apply(tensor_arg(input, "i1"))


def i1e(input: Any):
    """e^(−|x|)·I₁(x) (torch.special.i1e)."""
    return I1e.apply(tensor_arg(input, "i1e"))


def zeta(input: Any, other: Any):
    """The Hurwitz zeta function ζ(s, q) = Σₖ (q + k)⁻ˢ (torch.special.zeta(input=s, other=q)); δ_q = −s·ζ(s + 1, q)·δ,
    no δ_s (PyTorch has none)."""
    from .compare import _promoted
    from .math_extra import _float, _pair

    if isinstance(input, (int, float)) and not isinstance(input, bool):  # zeta(2, q): a number first, as PyTorch
        q = _float(tensor_arg(other, "zeta"))
        s = q._lift(float(input))
    else:
        s, q = (_float(t) for t in _pair("zeta", input, other))
    s, q = _promoted(s, q)
    return Zeta.apply(s, q)


def _inplace(name: str, fn):
    def method(self, *args: Any) -> Any:
        return self._inplace(name + "_", lambda t: fn(t, *args))

    method.__name__ = name + "_"
    method.__doc__ = f"In-place {name}: self's values become {name}(self, ...); returns self."
    return method


def _polygamma_method(self, n: int):
    return polygamma(n, self)


#: Tensor methods (bound by tensor.py): x.lgamma(), x.polygamma(n), x.mvlgamma(p), ... and their in-place forms
METHODS = {"lgamma": lgamma, "digamma": digamma, "polygamma": _polygamma_method, "mvlgamma": mvlgamma, "i0": i0,
           "lgamma_": _inplace("lgamma", lgamma), "digamma_": _inplace("digamma", digamma),
           "polygamma_": _inplace("polygamma", _polygamma_method), "mvlgamma_": _inplace("mvlgamma", mvlgamma),
           "i0_": _inplace("i0", i0)}

__all__ = ["Lgamma", "Digamma", "Polygamma", "I0", "I0e", "I1", "I1e", "Zeta", "lgamma", "digamma", "polygamma",
           "mvlgamma", "i0", "i0e", "i1", "i1e", "zeta"]
