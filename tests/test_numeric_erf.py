"""The NumPy erf: its Chebyshev coefficients recomputed with mpmath, and its values within 2 ulps of mpmath."""
import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_edu.numeric_erf import _ERFCX_PIECES, _TAYLOR, erf


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


@pytest.mark.parametrize("piece", range(len(_ERFCX_PIECES)))
def test_the_stored_coefficients_are_the_chebyshev_series_of_erfcx(piece):
    low, high, stored = _ERFCX_PIECES[piece]
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
