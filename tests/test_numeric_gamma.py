"""numeric_gamma.py against mpmath (40 digits) over wide ranges, in ulps of the true value: lgamma, digamma,
polygamma, the Hurwitz zeta and I₀, I₁ (and their scaled forms); special values (poles, ±0, ±∞, NaN) against
PyTorch; float32 results are the float64 ones rounded (within 1 ulp of the truth)."""
import mpmath
import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_edu import numeric_gamma as ng

mpmath.mp.dps = 40
EPS = np.finfo(np.float64).eps


def _ulps(ours: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.abs(ours - truth) / np.spacing(np.abs(truth))


def _true(fn, xs) -> np.ndarray:
    return np.array([float(fn(mpmath.mpf(float(x)))) for x in xs])


positive = st.floats(1e-300, 1e300).map(float)
moderate = st.floats(1e-8, 60.0)
negative = st.floats(-200.0, -1e-8).filter(lambda v: v != np.floor(v))
bessel_args = st.one_of(st.floats(-700, 700), st.floats(-1e-3, 1e-3), st.floats(-25, 25))


def _lgamma(v):
    return mpmath.log(abs(mpmath.gamma(v)))


@given(st.lists(st.one_of(positive, moderate), min_size=1, max_size=20))
def test_lgamma_positive_arguments_within_a_few_ulps(xs):
    xs = np.array(xs)
    assert _ulps(ng.lgamma(xs), _true(_lgamma, xs)).max() <= 4


@given(st.lists(negative, min_size=1, max_size=20))
def test_lgamma_negative_arguments_within_a_few_ulps_of_the_reflection_terms(xs):
    """lnΓ(x) = ln(π/|sin πx|) − lnΓ(1 − x): near the roots of lnΓ on the negative axis the terms cancel, so the error
    is bounded by ulps of the terms, not of the result (glibc's lgamma does better there; PyTorch's float32 not)."""
    xs = np.array(xs)
    scale = np.abs(_true(_lgamma, 1 - xs)) + np.abs(np.log(np.pi / np.abs(np.sin(np.pi * (xs - np.round(xs))))))
    assert (np.abs(ng.lgamma(xs) - _true(_lgamma, xs)) <= 8 * EPS * np.maximum(scale, 1)).all()


def test_lgamma_near_its_positive_roots_keeps_relative_precision():
    xs = np.array([1 + 1e-12, 1 - 1e-9, 2 + 3e-13, 2 - 1e-7, 1.0000001, 1.9999999, 0.9999, 2.0001])
    assert _ulps(ng.lgamma(xs), _true(_lgamma, xs)).max() <= 4


@given(st.lists(st.one_of(positive, moderate), min_size=1, max_size=20))
def test_digamma_positive_arguments_within_a_few_ulps(xs):
    xs = np.array(xs)
    assert _ulps(ng.digamma(xs), _true(mpmath.digamma, xs)).max() <= 8


def test_digamma_near_its_positive_root_keeps_relative_precision():
    root = float(mpmath.findroot(mpmath.digamma, 1.46))
    xs = root + np.array([1e-15, -4e-16, 1e-9, -1e-6, 0.01, -0.2, 0.24])
    assert _ulps(ng.digamma(xs), _true(mpmath.digamma, xs)).max() <= 4


@given(st.lists(negative, min_size=1, max_size=20))
def test_digamma_negative_arguments_within_a_few_ulps_of_the_reflection_terms(xs):
    xs = np.array(xs)
    scale = np.abs(_true(mpmath.digamma, 1 - xs)) + np.abs(np.pi / np.tan(np.pi * (xs - np.round(xs))))
    scale = np.maximum(scale, np.abs(_true(mpmath.digamma, xs)))
    assert (np.abs(ng.digamma(xs) - _true(mpmath.digamma, xs)) <= 8 * EPS * scale).all()


@given(st.integers(1, 12), st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=12))
def test_polygamma_positive_arguments_within_a_few_ulps(n, xs):
    xs = np.array(xs)
    truth = _true(lambda v: mpmath.polygamma(n, v), xs)
    assert _ulps(ng.polygamma(n, xs), truth).max() <= 16


@given(st.integers(1, 4), st.lists(st.floats(-30, -1e-6).filter(lambda v: v != np.floor(v)), min_size=1,
                                   max_size=8))
def test_polygamma_negative_arguments_against_mpmath(n, xs):
    """Summed term by term up to 10 + n (as Cephes): alternating signs near the roots cost ulps of the largest term."""
    xs = np.array(xs)
    truth = _true(lambda v: mpmath.polygamma(n, v), xs)
    largest = np.array([float(mpmath.factorial(n) / mpmath.mpf(abs(x - np.round(x))) ** (n + 1)) for x in xs])
    assert (np.abs(ng.polygamma(n, xs) - truth) <= 64 * EPS * (np.abs(truth) + largest)).all()


@given(st.floats(1.0001, 60), st.floats(1e-4, 1e4))
def test_hurwitz_zeta_against_mpmath(s, q):
    with mpmath.workdps(int(s * np.log10(q + 1)) + 40):  # mpmath subtracts from ζ(s) for integer q: digits cancel
        truth = float(mpmath.zeta(s, q))
    assert abs(ng.hurwitz_zeta(np.array(s), np.array(q)) - truth) <= 16 * EPS * abs(truth)


@pytest.mark.parametrize("fn, truth", [
    (ng.i0, lambda v: mpmath.besseli(0, v)),
    (ng.i1, lambda v: mpmath.besseli(1, v)),
    (ng.i0e, lambda v: mpmath.exp(-abs(v)) * mpmath.besseli(0, v)),
    (ng.i1e, lambda v: mpmath.exp(-abs(v)) * mpmath.besseli(1, v)),
])
@given(xs=st.lists(bessel_args, min_size=1, max_size=20))
def test_bessel_functions_within_a_few_ulps(fn, truth, xs):
    xs = np.array(xs)
    want = _true(truth, xs)
    nonzero = want != 0
    assert _ulps(fn(xs)[nonzero], want[nonzero]).max(initial=0) <= 12
    assert (fn(xs)[~nonzero] == 0).all()


@pytest.mark.torch
@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0", "i0e", "i1", "i1e"])
def test_special_values_as_pytorch(torch, name):
    points = np.array([0.0, -0.0, -1.0, -2.0, -1e20, np.inf, -np.inf, np.nan, 5e-324, 1e-300, 1e300, 1.0, 2.0, 0.5,
                       -0.5, 800.0, -800.0])
    ref = {"lgamma": torch.lgamma, "digamma": torch.digamma, "i0": torch.i0, "i0e": torch.special.i0e,
           "i1": torch.special.i1, "i1e": torch.special.i1e}[name]
    theirs = ref(torch.tensor(points)).numpy()
    ours = getattr(ng, name)(points)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(np.signbit(ours[np.isinf(ours)]), np.signbit(theirs[np.isinf(ours)]))
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-323)  # I₁(5·10⁻³²⁴) = 2.5·10⁻³²⁴ rounds either way


@pytest.mark.torch
@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_polygamma_at_the_poles_and_infinities_as_pytorch(torch, n):
    """(−1)ⁿ⁺¹·∞ at 0, −1, −2 (PyTorch's trigamma gives 1.3·10¹⁵ at −1, where sin(−π) is not quite 0: we say ∞);
    at ±∞ PyTorch's values (NaN at +∞ for n ≥ 2, its Cephes zeta's)."""
    points = np.array([0.0, -1.0, -2.0])
    assert (ng.polygamma(n, points) == (-1) ** (n + 1) * np.inf).all()
    assert torch.polygamma(n, torch.tensor([0.0])).item() == (-1) ** (n + 1) * np.inf
    edges = np.array([np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(ng.polygamma(n, edges), torch.polygamma(n, torch.tensor(edges)).numpy())


@given(st.lists(st.floats(-60, 60, width=32).filter(lambda v: v != np.floor(v)), min_size=1, max_size=20))
def test_float32_results_are_the_float64_ones_rounded(xs):
    xs = np.array(xs, dtype=np.float32)
    for fn in (ng.lgamma, ng.digamma, ng.i0e, lambda a: ng.polygamma(2, a)):
        ours = fn(xs)
        assert ours.dtype == np.float32
        with np.errstate(over="ignore"):  # polygamma(2, 2⁻⁵²) is beyond float32: ∞ both ways
            np.testing.assert_array_equal(ours, fn(xs.astype(np.float64)).astype(np.float32))


def test_vectorised_speed_for_a_million_entries():
    import time

    x = np.random.default_rng(0).uniform(-50, 50, 10**6)
    start = time.perf_counter()
    ng.lgamma(x), ng.digamma(x)
    assert time.perf_counter() - start < 5
