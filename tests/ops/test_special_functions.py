"""ndtr, ndtri, log_ndtr, entr, xlog1py (ops/special_functions.py): values against mpmath in the tails and against
PyTorch (special points, dtypes), gradients against PyTorch and finite differences, SymPy values on symbols."""
import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.ops import special_functions as sf
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, numeric_grad

rng = np.random.default_rng(3)


@given(st.lists(st.one_of(st.floats(1e-300, 1.0, exclude_max=True), st.floats(0.0, 1.0, exclude_min=True,
                                                                                 exclude_max=True)),
                min_size=1, max_size=10))
def test_ndtri_within_a_few_ulps_of_the_truth_in_both_tails(ps):
    p = np.array(ps)
    ours = sf._ndtri_numeric(p)
    with mpmath.workdps(50):
        truth = np.array([float(mpmath.findroot(lambda t, v=v: mpmath.ncdf(t) - mpmath.mpf(v), mpmath.mpf(o)))
                          if o != 0 else 0.0 for v, o in zip(p, ours)])
    assert (np.abs(ours - truth) <= 4 * np.spacing(np.abs(truth))).all()


@given(st.lists(st.one_of(st.floats(-1e150, -20), st.floats(-40, 8)), min_size=1, max_size=10))
def test_log_ndtr_keeps_relative_precision_far_into_the_left_tail(xs):
    x = np.array(xs)
    with mpmath.workdps(40):
        truth = np.array([float(mpmath.log(mpmath.ncdf(mpmath.mpf(v)))) for v in x])
    # erfc(−x/√2) inherits the rounding of x/√2 (~x²·ε relative, as PyTorch's Cephes formula): ≤ 100 ulps at 10
    assert (np.abs(sf._log_ndtr_numeric(x) - truth) <= 128 * np.spacing(np.abs(truth))).all()


# name: (ours, torch's, a float64 domain)
UNARY = {
    "ndtr": (sf.ndtr, lambda t: t.special.ndtr, (-12.0, 12.0)),
    "ndtri": (sf.ndtri, lambda t: t.special.ndtri, (1e-6, 1 - 1e-6)),
    "log_ndtr": (sf.log_ndtr, lambda t: t.special.log_ndtr, (-60.0, 12.0)),
    "entr": (sf.entr, lambda t: t.special.entr, (1e-3, 10.0)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(UNARY))
@given(seed=st.integers(0, 2**31 - 1))
def test_values_and_gradients_match_pytorch(torch, name, seed):
    ours_fn, theirs_fn, (low, high) = UNARY[name]
    g = np.random.default_rng(seed)
    a = g.uniform(low, high, 8)
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, u = ours_fn(x), theirs_fn(torch)(t)
    # PyTorch's ndtr is (1 + erf(x/√2))/2: 0 below −8.3, ~10⁻⁹ relative near −5 (ours: ½·erfc(−x/√2), exact there)
    assert_close(y, u, rtol=1e-13, atol=1e-16 if name == "ndtr" else 1e-300)
    v = g.standard_normal(y.shape)
    (y * tg.tensor(v)).sum().backward()
    (u * torch.tensor(v)).sum().backward()
    assert_close(x.grad, t.grad, rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("name", list(UNARY))
def test_gradients_are_the_finite_differences(name):
    ours_fn, _, (low, high) = UNARY[name]
    x = tg.tensor(rng.uniform(max(low, 0.01) if name in ("ndtri", "entr") else max(low, -5),
                              min(high, 0.99) if name == "ndtri" else min(high, 5), 8), requires_grad=True)
    v = rng.standard_normal(x.shape)
    (ours_fn(x) * tg.tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(ours_fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_points_and_dtypes_as_pytorch(torch, dtype):
    points = {"ndtr": [0, -0.0, 40, -40, np.inf, -np.inf, np.nan, 1e-30],
              "ndtri": [0, 1, 0.5, -0.5, 1.5, np.nan, 1e-300 if dtype == np.float64 else 1e-38, 1 - 1e-7],
              "log_ndtr": [0, -1e5, -40, 40, np.inf, -np.inf, np.nan, 10],
              "entr": [-1, 0, 0.5, np.inf, np.nan, 1e-30, 1, 2]}
    for name, values in points.items():
        ours_fn, theirs_fn, _ = UNARY[name]
        a = np.array(values, dtype=dtype)
        y, u = ours_fn(tg.tensor(a)), theirs_fn(torch)(torch.tensor(a))
        assert y.dtype == dtype
        np.testing.assert_allclose(y.data, u.numpy(), rtol=2e-6 if dtype == np.float32 else 1e-13)
    assert sf.ndtr(tg.tensor([0, 1])).dtype == tg.float32
    assert sf.entr(tg.tensor([0, 1])).dtype == tg.float32


@pytest.mark.torch
def test_entr_gradient_at_zero_and_below_as_pytorch(torch):
    x, t = tg.tensor([0.0, -0.5, 0.5], requires_grad=True), torch.tensor([0.0, -0.5, 0.5], requires_grad=True)
    sf.entr(x).sum().backward()
    torch.special.entr(t).sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.torch
def test_xlog1py_as_pytorch(torch):
    a = np.array([0.0, 0.0, 1.0, 2.5, -1.5, 0.0])
    b = np.array([-1.0, np.nan, 1.0, 0.3, 4.0, np.inf])
    y, u = sf.xlog1py(tg.tensor(a), tg.tensor(b)), torch.special.xlog1py(torch.tensor(a), torch.tensor(b))
    np.testing.assert_array_equal(y.data, u.numpy())
    x, t = tg.tensor(a[2:5], requires_grad=True), torch.tensor(a[2:5], requires_grad=True)
    yy, tt = tg.tensor(b[2:5], requires_grad=True), torch.tensor(b[2:5], requires_grad=True)
    sf.xlog1py(x, yy).sum().backward()
    torch.special.xlog1py(t, tt).sum().backward()
    assert_close(x.grad, t.grad, rtol=1e-14)
    assert_close(yy.grad, tt.grad, rtol=1e-14)
    assert sf.xlog1py(tg.tensor([1, 2]), 3).dtype == tg.float32


def test_symbolic_values_are_sympys():
    u = symbols("u", 1)
    s = u.data[0]
    for fn, value in ((sf.ndtr, (1 + sympy.erf(s / sympy.sqrt(2))) / 2), (sf.entr, -s * sympy.log(s)),
                      (sf.log_ndtr, sympy.log((1 + sympy.erf(s / sympy.sqrt(2))) / 2)),
                      (sf.ndtri, sympy.sqrt(2) * sympy.erfinv(2 * s - 1))):
        u.grad = None
        y = fn(u)
        assert sympy.simplify((y.data[0] - value).rewrite(sympy.erf)) == 0
        y.sum().backward()
        assert sympy.simplify((u.grad.data[0] - sympy.diff(value, s)).rewrite(sympy.erf)) == 0


def test_bad_input_names_the_op():
    with pytest.raises(TypeError, match="ndtri"):
        sf.ndtri("x")
    with pytest.raises(RuntimeError, match="xlog1py"):
        sf.xlog1py(tg.zeros(2), tg.zeros(3))
