"""The NumPy erf, erfc and erfinv: the Chebyshev coefficients recomputed with mpmath; erf within 2 ulps, erfc
within 4 ulps (normal results; its tail exact where 1 − erf is 0), erfinv within 2 ulps of mpmath."""
import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_edu.numeric_erf import _ERFCX_NEAR, _ERFCX_PIECES, _TAYLOR, erf, erfc, erfinv


def _chebyshev(low, high, n):
    """Chebyshev coefficients of erfcx(x) = e^{x²} erfc(x) on [low, high] at 40 digits."""
    with mpmath.workdps(40):
        a, b = mpmath.mpf(low), mpmath.mpf(high)
        angles = [mpmath.pi * (j + mpmath.mpf(1) / 2) / n for j in range(n)]
        nodes = [(b - a) / 2 * mpmath.cos(t) + (a + b) / 2 for t in angles]
        values = [mpmath.erfc(x) * mpmath.exp(x * x) for x in nodes]
        coefficients = [2 * sum(v * mpmath.cos(k * t) for v, t in zip(values, angles)) / n for k in range(n)]
        coefficients[0] /= 2
        return [float(c) for c in coefficients]


@pytest.mark.parametrize("piece", range(len(_ERFCX_PIECES) + 1))
def test_the_stored_coefficients_are_the_chebyshev_series_of_erfcx(piece):
    low, high, stored = (_ERFCX_PIECES + (_ERFCX_NEAR,))[piece]
    np.testing.assert_allclose(stored, _chebyshev(low, high, len(stored)), rtol=0, atol=1e-19)
    assert abs(stored[-1]) < 2e-18 * abs(stored[0])


def test_the_taylor_coefficients():
    assert _TAYLOR[0] == 2 / math.sqrt(math.pi) and _TAYLOR[1] == -_TAYLOR[0] / 3


@given(st.floats(-7, 7, allow_nan=False))
def test_erf_is_within_two_ulps_of_mpmath(x):
    with mpmath.workdps(30):
        exact = float(mpmath.erf(x))
    got = float(erf(np.array([x]))[0])
    assert abs(got - exact) <= 2 * np.spacing(abs(exact)) or got == exact


def test_erf_on_a_grid_against_math_erf_and_special_values():
    x = np.linspace(-6.5, 6.5, 20001)
    ulps = np.abs(erf(x) - np.array([math.erf(v) for v in x])) / np.spacing(np.abs(erf(x)) + 1e-300)
    assert ulps.max() <= 2
    out = erf(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300]))
    assert np.isnan(out[0]) and out[1:3].tolist() == [1.0, -1.0] and out[3] == 0 and np.signbit(out[4])
    assert out[5] == 2 / math.sqrt(math.pi) * 1e-300
    assert erf(np.array([0.5], np.float32)).dtype == np.float32


def _ulps(got, exact):
    """|got − exact| in units of the spacing of doubles at exact."""
    return np.abs(got - exact) / np.spacing(np.abs(exact))


@given(st.floats(-8, 27.2, allow_nan=False))
def test_erfc_is_within_four_ulps_of_mpmath(x):
    with mpmath.workdps(30):
        exact = float(mpmath.erfc(x))
    assert _ulps(erfc(np.array([x]))[0], exact) <= 4


def test_erfc_on_a_wide_grid_and_its_tail():
    """2·10⁴ points of [−7, 27]: at most 4 ulps (relative error ≤ 6·10⁻¹⁶) while the result is a normal double; the
    tail is not 1 − erf(x) (which is 0 from x ≈ 6 on)."""
    x = np.concatenate([np.linspace(-7, 27, 20001), np.linspace(0.45, 1.05, 601)])
    with mpmath.workdps(30):
        exact = np.array([float(mpmath.erfc(v)) for v in x])
    normal = exact > np.finfo(np.float64).tiny
    assert _ulps(erfc(x)[normal], exact[normal]).max() <= 4
    assert abs(erfc(np.array([10.0]))[0] / 2.088487583762544757e-45 - 1) < 5e-16
    assert erfc(np.array([26.0]))[0] > 0 and erfc(np.array([27.5]))[0] == 0


def test_erfc_special_values_and_dtype():
    out = erfc(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-300, -6.5]))
    assert np.isnan(out[0]) and out[1:].tolist() == [0.0, 2.0, 1.0, 1.0, 1.0, 2.0]
    assert erfc(np.array([10.0], np.float32)).dtype == np.float32
    assert erfc(np.array([3.0], np.float32))[0] == np.float32(math.erfc(3.0))


@given(st.floats(-1, 1, allow_nan=False))
def test_erfinv_is_within_two_ulps_of_mpmath(y):
    with mpmath.workdps(30):
        exact = float(mpmath.erfinv(y)) if abs(y) < 1 else math.copysign(math.inf, y)
    got = erfinv(np.array([y]))[0]
    assert got == exact or _ulps(got, exact) <= 2


def test_erfinv_near_plus_minus_one_and_tiny():
    """1 − 2⁻ᵏ up to the last double below 1, where erf(x) − y cancels (the steps use erfc there), and tiny y."""
    y = np.concatenate([1 - 2.0 ** -np.arange(1, 54), 10.0 ** -np.arange(1, 300, 7), np.linspace(0, 1, 2001)[1:-1]])
    y = np.concatenate([y, -y])
    with mpmath.workdps(30):
        exact = np.array([float(mpmath.erfinv(v)) for v in y])
    assert _ulps(erfinv(y), exact).max() <= 2


def test_erfinv_special_values_and_dtype():
    out = erfinv(np.array([1.0, -1.0, 1.5, -2.0, np.nan, np.inf, 0.0, -0.0, 5e-324]))
    assert out[:2].tolist() == [np.inf, -np.inf] and np.isnan(out[2:6]).all()
    assert out[6] == 0 and not np.signbit(out[6]) and np.signbit(out[7]) and out[8] == 5e-324
    assert erfinv(np.array([0.5], np.float32)).dtype == np.float32


@given(st.floats(-5.8, 5.8, allow_nan=False))
def test_erfinv_inverts_erf_and_erfc(x):
    """erfinv(erf(x)) = x up to the conditioning of erf (flat for large |x|; erf(x) rounds to ±1 from |x| ≈ 5.93),
    and erfc(x) + erf(x) = 1."""
    y = erf(np.array([x]))
    slope = 2 / math.sqrt(math.pi) * math.exp(-x * x)
    assert abs(erfinv(y)[0] - x) <= 4e-16 * (abs(x) + 1) + np.spacing(1.0) / max(slope, 1e-300)
    assert abs(erfc(np.array([x]))[0] + y[0] - 1) <= 4e-16
