"""lgamma, digamma, polygamma, the Hurwitz zeta function and the modified Bessel functions I₀, I₁ in vectorised NumPy
(NumPy has none of them; no SciPy). Each is computed in float64 and rounded to the input's float dtype:
- lgamma: the Taylor series of lnΓ(2 + z) in z (coefficients (−1)ᵏ(ζ(k) − 1)/k) on [1.5, 2.5], reached by
  lnΓ(x) = lnΓ(x + 1) − ln x below and by the recurrence downwards up to 10; Stirling's series with 8 Bernoulli terms
  from 10 on; reflection lnΓ(x) = ln(π/|sin πx|) − lnΓ(1 − x) for x ≤ −0.5.
- digamma: the Taylor series of ψ(2 + z) (the derivative of lnΓ's) on [1.5, 2.5), reached by the recurrence
  ψ(x) = ψ(x + 1) − 1/x below and downwards up to 10 (terms of one sign), the asymptotic series with 8 Bernoulli
  terms from 10 on; the Taylor series about the positive root x₀ = 1.46163… near it (relative precision there,
  unlike PyTorch's Cephes); reflection ψ(x) = ψ(1 − x) − π/tan(πx) for x < 0.
- polygamma(n ≥ 1): (−1)ⁿ⁺¹·n!·ζ(n + 1, x), the Hurwitz zeta by Euler–Maclaurin summation (direct sum up to
  q ≥ 10 + s, then 12 Bernoulli terms), as Cephes (which stops the direct sum at 9); reflection for x < 0.
- I₀, I₁ (and e^(−|x|)-scaled forms): the power series Σ (x²/4)ᵏ/(k!(k + ν)!) (positive terms, no cancellation) for
  |x| < 20, the Hankel asymptotic series beyond.
Measured against mpmath in tests/test_numeric_gamma.py."""
from __future__ import annotations

import functools
import math

import numpy as np

#: lnΓ(2 + z) = Σₖ cₖ zᵏ (k ≥ 1): c₁ = 1 − γ, cₖ = (−1)ᵏ(ζ(k) − 1)/k (mpmath, 40 digits); 31 terms leave < 10⁻¹⁷
#: for |z| ≤ 1/2.
_LGAMMA_AT_2 = np.array([
    0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
    0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
    9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
    4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07, -4.492469198764566e-07,
    2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08, -2.2711094608943164e-08,
    1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09, -1.1921401405860912e-09,
    5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10, -6.4229645638381e-11,
    3.1044247747322276e-11, -1.5021384080754142e-11])

#: B₂, B₄, …, B₃₀ (Bernoulli numbers)
_BERNOULLI = np.array([
    0.16666666666666666, -0.03333333333333333, 0.023809523809523808, -0.03333333333333333, 0.07575757575757576,
    -0.2531135531135531, 1.1666666666666667, -7.092156862745098, 54.971177944862156, -529.1242424242424,
    6192.123188405797, -86580.25311355312, 1425517.1666666667, -27298231.067816094, 601580873.9006424])

#: the positive root of ψ as a double-double (x₀ = hi + lo), and ψ⁽ᵏ⁾(x₀)/k! for k = 1…25 (mpmath, 50 digits)
_PSI_ROOT_HI, _PSI_ROOT_LO = 1.4616321449683622, 9.549995429965697e-17
_PSI_AT_ROOT = np.array([
    0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652, 0.10782405069126237,
    -0.07219956125645471, 0.04880428816414311, -0.03316112647484736, 0.022597648232218104, -0.01542476590494896,
    0.010538791616612175, -0.007204534386356869, 0.004926781395729853, -0.003369801655439328, 0.002305126326734928,
    -0.0015769367714301972, 0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602,
    -0.0003454680251063077, 0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741,
    -7.569179582195066e-05, 5.178575795222081e-05])

_HALF_LN_2PI = 0.5 * math.log(2 * math.pi)


def _poly(coefficients: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Σₖ cₖ tᵏ (k from 0), by Horner's rule."""
    out = np.full_like(t, coefficients[-1])
    for c in coefficients[-2::-1]:
        out *= t
        out += c
    return out


def _horner(coefficients: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Σₖ cₖ tᵏ⁺¹ (the series start at the first power)."""
    return _poly(coefficients, t) * t


def _as_float64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _back(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The float64 result in the input's float dtype (float64 for integer input: the callers promote first)."""
    dtype = np.asarray(x).dtype
    if dtype.kind != "f":
        return out
    with np.errstate(over="ignore"):  # beyond float32's range: ∞, the value
        return out.astype(dtype, copy=False)


def _sin_pi_abs(x: np.ndarray) -> np.ndarray:
    """|sin πx| with x reduced exactly to [−1/2, 1/2] first (sin of π·x for large x would lose every digit)."""
    return np.abs(np.sin(np.pi * (x - np.round(x))))


def _lgamma_positive(x: np.ndarray) -> np.ndarray:
    """lnΓ(x) for x > −1/2 (x ≠ 0), float64."""
    out = np.empty_like(x)
    small = x < 0.5  # lnΓ(x) = lnΓ(2 + x) − ln(1 + x) − ln|x|
    z = x[small]
    out[small] = _horner(_LGAMMA_AT_2, z) - np.log1p(z) - np.log(np.abs(z))
    near_one = (x >= 0.5) & (x < 1.5)  # lnΓ(x) = lnΓ(2 + (x − 1)) − ln(1 + (x − 1))
    z = x[near_one] - 1
    out[near_one] = _horner(_LGAMMA_AT_2, z) - np.log1p(z)
    middle = (x >= 1.5) & (x < 10)  # lnΓ(x) = lnΓ(x − m) + ln((x − 1)⋯(x − m)), x − m in [1.5, 2.5)
    v = x[middle]
    product = np.ones_like(v)
    for _ in range(8):
        down = v >= 2.5
        v = np.where(down, v - 1, v)
        product = np.where(down, product * v, product)
    out[middle] = _horner(_LGAMMA_AT_2, v - 2) + np.log(product)
    large = x >= 10
    v = x[large]
    inverse_square = 1 / (v * v)
    k = np.arange(1, 9)
    series = _poly(_BERNOULLI[:8] / (2 * k * (2 * k - 1)), inverse_square) / v
    with np.errstate(over="ignore", invalid="ignore"):
        out[large] = (v - 0.5) * (np.log(v) - 1) + (_HALF_LN_2PI - 0.5) + series
    out[np.isposinf(x)] = np.inf
    return out


def lgamma(x: np.ndarray) -> np.ndarray:
    """ln|Γ(x)| of a float array, same dtype: +∞ at 0 and the negative integers and at ±∞, NaN for NaN (PyTorch's
    values)."""
    a = _as_float64(x)
    out = np.full(a.shape, np.inf)
    with np.errstate(all="ignore"):
        right = a > -0.5
        right_finite = right & (a != 0)
        out[right_finite] = _lgamma_positive(a[right_finite])
        left = (a <= -0.5) & np.isfinite(a) & (a != np.floor(a))
        v = a[left]
        out[left] = np.log(np.pi / _sin_pi_abs(v)) - _lgamma_positive(1 - v)
    out[np.isnan(a)] = np.nan
    return _back(out, x)


def _digamma_positive(x: np.ndarray) -> np.ndarray:
    """ψ(x) for x > 0, float64: the Taylor series at 2 (ψ(2 + z) = Σₖ k·cₖ zᵏ⁻¹, the derivative of lnΓ's) on
    [1.5, 2.5), reached by ψ(x) = ψ(x + 1) − 1/x below (terms of one sign: no cancellation, except near the root,
    where the series about the root takes over) and by ψ(x) = ψ(x − 1) + 1/(x − 1) above, up to 10; the asymptotic
    series from 10 on."""
    out = np.empty_like(x)
    derivative = np.arange(1, _LGAMMA_AT_2.size + 1) * _LGAMMA_AT_2
    below = x < 1.5
    v = x[below]
    twice = v < 0.5
    out[below] = _poly(derivative, np.where(twice, v, v - 1)) - 1 / v - np.where(twice, 1 / (v + 1), 0)
    middle = (x >= 1.5) & (x < 10)
    v = x[middle]
    total = np.zeros_like(v)
    for _ in range(8):
        down = v >= 2.5
        v = np.where(down, v - 1, v)
        total = np.where(down, total + 1 / v, total)
    out[middle] = _poly(derivative, v - 2) + total
    large = x >= 10
    v = x[large]
    inverse_square = 1 / (v * v)
    k = np.arange(1, 9)
    out[large] = np.log(v) - 0.5 / v - _horner(_BERNOULLI[:8] / (2 * k), inverse_square)
    near_root = np.abs(x - _PSI_ROOT_HI) < 0.25
    z = (x[near_root] - _PSI_ROOT_HI) - _PSI_ROOT_LO
    out[near_root] = _horner(_PSI_AT_ROOT, z)
    return out


def _cot_pi(d: np.ndarray) -> np.ndarray:
    """cot(πd) for d in [−1/2, 1/2]: 1/tan(πd) up to |d| = 1/4, tan(π(1/2 − |d|))·sign(d) beyond (1/2 − |d| is exact,
    so cot(±π/2) is 0, not 1/tan of π/2 rounded)."""
    m = np.abs(d)
    return np.where(m <= 0.25, 1 / np.tan(np.pi * d), np.sign(d) * np.tan(np.pi * (0.5 - m)))


def digamma(x: np.ndarray) -> np.ndarray:
    """ψ(x) = Γ'(x)/Γ(x) of a float array, same dtype: ψ(±0) = ∓∞, NaN at the negative integers and at −∞, as
    PyTorch."""
    a = _as_float64(x)
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        positive = a > 0
        out[positive] = _digamma_positive(a[positive])
        zero = a == 0
        out[zero] = np.copysign(np.inf, -a[zero])
        left = (a < 0) & np.isfinite(a) & (a != np.floor(a))
        v = a[left]
        out[left] = _digamma_positive(1 - v) - np.pi * _cot_pi(v - np.round(v))
    return _back(out, x)


def hurwitz_zeta(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """ζ(s, q) = Σₖ (q + k)⁻ˢ for s > 1 (float64 arrays, broadcast): Euler–Maclaurin with the sum taken directly
    until q + k ≥ 10 + s and 12 Bernoulli terms (Cephes' zeta stops at 9); +∞ at q = 0, −1, −2, … (a pole), NaN
    for s < 1, +∞ for s = 1; NaN at q = +∞ and +∞ at q = −∞ (PyTorch's values). Negative non-integer q are summed
    term by term up to there, as Cephes (q = −10⁶ takes 10⁶ vectorised steps)."""
    s, q = np.broadcast_arrays(_as_float64(s), _as_float64(q))
    out = np.full(s.shape, np.nan)
    with np.errstate(all="ignore"):
        pole = (q <= 0) & (q == np.floor(q))
        ok = (s > 1) & np.isfinite(q) & ~pole
        sv, qv = s[ok], q[ok]
        total = np.zeros_like(qv)
        # summed directly up to q + k ≥ 10 + s: the Bernoulli terms then fall like ((s + 2j)/(2π(10 + s)))²ʲ
        start = 10 + np.minimum(sv, 500)  # beyond s = 500 the terms past q + 500 are below 10⁻¹⁰⁰ of the sum
        steps = int(np.ceil(max(0.0, (start - qv).max()))) if qv.size else 0
        a = qv.copy()
        for _ in range(steps):
            below = a < start
            total = np.where(below, total + a ** -sv, total)
            a = np.where(below, a + 1, a)
        total += a ** (1 - sv) / (sv - 1) + 0.5 * a ** -sv
        rising = sv.copy()  # s(s + 1)⋯(s + 2j − 2) / (2j)!
        power = a ** (-sv - 1)
        factorial = 2.0
        for j in range(1, 13):
            term = _BERNOULLI[j - 1] / factorial * rising * power
            total += np.where(power == 0, 0.0, term)  # a⁻ˢ underflowed: the term is 0 (not ∞·0)
            rising = rising * (sv + 2 * j - 1) * (sv + 2 * j)
            power = power / (a * a)
            factorial *= (2 * j + 1) * (2 * j + 2)
        out[ok] = total
        out[pole & (s > 1)] = np.inf
        out[(s == 1) & ~np.isnan(q)] = np.inf
    return out


def zeta(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The Hurwitz zeta ζ(s, q) in the dtype NumPy promotes s and q to (float)."""
    out = hurwitz_zeta(s, q)
    dtype = np.result_type(np.asarray(s).dtype, np.asarray(q).dtype)
    return out.astype(dtype, copy=False) if dtype.kind == "f" else out


@functools.lru_cache(maxsize=64)
def _cot_derivative(n: int) -> np.ndarray:
    """The coefficients (lowest power first) of Pₙ with dⁿcot(πx)/dxⁿ = πⁿ·Pₙ(cot πx): P₀(c) = c,
    Pₖ₊₁(c) = −(1 + c²)·Pₖ'(c), in exact integers."""
    p = [0, 1]
    for _ in range(n):
        d = [k * p[k] for k in range(1, len(p))] + [0, 0]
        p = [-(d[k] + (d[k - 2] if k >= 2 else 0)) for k in range(len(d))]
    return np.array([float(c) for c in p])


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma, same dtype: digamma for n = 0, else (−1)ⁿ⁺¹·n!·ζ(n + 1, x) for x > 0
    and the reflection ψ⁽ⁿ⁾(x) = (−1)ⁿψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹·Pₙ(cot πx) (the n-th derivative of ψ(1 − x) − ψ(x) =
    π cot πx) for x < 0; (−1)ⁿ⁺¹·∞ at the poles x = 0, −1, −2, … and at −∞, NaN at +∞ (PyTorch's values for n ≥ 2;
    for n = 1 its trigamma's: 0 at +∞, NaN at −∞)."""
    if n == 0:
        return digamma(x)
    a = _as_float64(x)
    with np.errstate(all="ignore"):
        sign = (-1.0) ** (n + 1) * (math.factorial(n) if n <= 170 else np.inf)  # n! overflows beyond 170
        out = np.asarray(sign * hurwitz_zeta(np.float64(n + 1), np.where(a < 0, np.nan, a)))
        left = (a < 0) & np.isfinite(a) & (a != np.floor(a))
        if n > 170:  # n! is beyond float64: no finite value to reflect
            out[left] = np.nan
        else:
            v = a[left]
            cot = _cot_pi(v - np.round(v))
            mirrored = sign * hurwitz_zeta(np.float64(n + 1), 1 - v)
            out[left] = (-1.0) ** n * mirrored - np.float64(np.pi) ** (n + 1) * _poly(_cot_derivative(n), cot)
        out[(a <= 0) & (a == np.floor(a))] = sign * np.inf  # the poles and −∞
    if n == 1:  # PyTorch's trigamma (its own kernel): 0 at +∞, NaN at −∞
        out = np.where(np.isinf(a), np.where(a > 0, 0.0, np.nan), out)
    return _back(out, x)


# ---- modified Bessel functions of the first kind, orders 0 and 1 -------------------------------------------------

def _bessel_series(nu: int, x: np.ndarray) -> np.ndarray:
    """I_ν(x) = (x/2)^ν Σₖ (x²/4)ᵏ/(k!(k + ν)!) for |x| < 20: 60 terms leave < 10⁻¹⁸ relative at |x| = 20."""
    t = x * x / 4
    out = np.ones_like(x)
    for k in range(60, 0, -1):
        out = 1 + out * t / (k * (k + nu))
    return out * (x / 2) ** nu / math.factorial(nu)


def _bessel_scaled_asymptotic(nu: int, x: np.ndarray) -> np.ndarray:
    """e^(−|x|)·I_ν(|x|) ~ 1/√(2π|x|) · Σₖ (−1)ᵏ aₖ(ν)/|x|ᵏ, aₖ = Π_{j≤k}(4ν² − (2j − 1)²)/(k!·8ᵏ), for |x| ≥ 20
    (the terms fall below 10⁻¹⁷ before they start to grow)."""
    m = np.abs(x)
    total, term = np.ones_like(m), np.ones_like(m)
    for k in range(1, 40):
        term = term * -(4 * nu * nu - (2 * k - 1) ** 2) / (k * 8 * m)
        total = total + term
    return total / np.sqrt(2 * np.pi * m)


def _bessel(nu: int, x: np.ndarray, scaled: bool) -> np.ndarray:
    a = _as_float64(x)
    out = np.empty(a.shape)
    with np.errstate(all="ignore"):
        small = np.abs(a) < 20
        v = a[small]
        out[small] = _bessel_series(nu, v) * (np.exp(-np.abs(v)) if scaled else 1)
        large = ~small & ~np.isnan(a)
        v = a[large]
        value = _bessel_scaled_asymptotic(nu, v)
        if not scaled:  # e^|x| may overflow while the product would not: e^(|x|/2) twice
            half = np.exp(np.abs(v) / 2)
            value = value * half * half
        out[large] = value * (np.sign(v) if nu % 2 else 1)
        # ±∞: 0 (±0 for I₁) scaled, NaN unscaled (PyTorch's values: Cephes' e^∞·0)
        out[np.isinf(a)] = (0.0 * (np.sign(a[np.isinf(a)]) if nu % 2 else 1)) if scaled else np.nan
        out[np.isnan(a)] = np.nan
    return _back(out, x)


def i0(x: np.ndarray) -> np.ndarray:
    """I₀(x), the modified Bessel function of the first kind of order 0."""
    return _bessel(0, x, False)


def i0e(x: np.ndarray) -> np.ndarray:
    """e^(−|x|)·I₀(x), finite for every x."""
    return _bessel(0, x, True)


def i1(x: np.ndarray) -> np.ndarray:
    """I₁(x), the modified Bessel function of the first kind of order 1 (odd)."""
    return _bessel(1, x, False)


def i1e(x: np.ndarray) -> np.ndarray:
    """e^(−|x|)·I₁(x)."""
    return _bessel(1, x, True)
