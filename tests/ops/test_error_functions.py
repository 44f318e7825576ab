"""erfc and erfinv (ops/error_functions.py) against PyTorch: values in float32 and float64 (tails, ±1, |x| > 1,
±∞, NaN, integers → float32), gradients and second derivatives, finite differences in float64, the in-place
forms, SymPy's erfc/erfinv on symbols."""
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close

ERFC_POINTS = [-30.0, -6.5, -3.0, -1.0, -0.7, -1e-300, -0.0, 0.0, 0.3, 0.5, 0.99, 1.0, 2.5, 5.9, 6.0, 10.0, 26.0,
               27.0, 30.0, np.inf, -np.inf, np.nan]
ERFINV_POINTS = [-1.0, -0.9999999, -0.75, -0.7, -0.5, -1e-30, -0.0, 0.0, 1e-30, 0.3, 0.7, 0.71, 0.999, 1.0, 1.5,
                 -2.0, np.inf, -np.inf, np.nan]


def _ulp_close(ours, theirs, dtype, ulps):
    """Equal NaN for NaN and ±∞ for ±∞, else within `ulps` spacings of dtype (absolute below its smallest normal);
    `ulps` may be an array (one bound per entry)."""
    theirs = theirs.detach().numpy()
    ulps = np.broadcast_to(ulps, theirs.shape)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_array_equal(ours[~finite & ~np.isnan(theirs)], theirs[~finite & ~np.isnan(theirs)])
    tol = ulps[finite] * np.spacing(np.maximum(np.abs(theirs[finite]), np.finfo(dtype).tiny).astype(dtype))
    assert (np.abs(ours[finite] - theirs[finite]) <= tol).all(), (ours, theirs)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, points", [("erfc", ERFC_POINTS), ("erfinv", ERFINV_POINTS)])
def test_values_and_gradients_match_pytorch_at_special_points(torch, dtype, name, points):
    data = np.array(points, dtype)
    x = tg.tensor(data, requires_grad=True)
    xt = torch.tensor(data, requires_grad=True)
    y, yt = getattr(tg, name)(x), getattr(torch, name)(xt)
    _ulp_close(y.data, yt, dtype, 6)  # ours ≤ 4 ulps from mpmath, PyTorch ≤ 1
    g = np.linspace(-1.5, 2.0, data.size).astype(dtype)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    _ulp_close(x.grad.data, xt.grad, dtype, _gradient_ulps(name, data, y.data))


def _gradient_ulps(name, x, y):
    """8 ulps, widened by the conditioning of e^{±u²} at u = x (erfc) or u = y = erfinv(x): an error of one ulp in
    u moves e^{u²} by 2u² ulps."""
    u = np.nan_to_num((x if name == "erfc" else y).astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return 8 * (1 + 2 * u * u)


@pytest.mark.torch
@settings(max_examples=60, deadline=None)
@given(data=st.lists(st.floats(-1, 1, allow_nan=False, width=32), min_size=1, max_size=20),
       dtype=st.sampled_from([np.float32, np.float64]), wide=st.booleans())
def test_values_and_gradients_match_pytorch(torch, data, dtype, wide):
    """Random points: erfinv on [−1, 1], erfc on [−1, 1] or (wide) scaled to [−8, 27]."""
    a = np.array(data, dtype)
    for name, values in (("erfinv", a), ("erfc", a * 17.5 + 9.5 if wide else a)):
        x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        y, yt = getattr(x, name)(), getattr(xt, name)()
        _ulp_close(y.data, yt, dtype, 6)  # ours ≤ 4 ulps from mpmath, PyTorch ≤ 1
        y.sum().backward()
        yt.sum().backward()
        _ulp_close(x.grad.data, xt.grad, dtype, _gradient_ulps(name, values, y.data))


@pytest.mark.torch
def test_second_derivatives_match_pytorch(torch):
    data = np.array([-0.9, -0.3, 0.1, 0.6, 0.95])
    for name, values in (("erfc", data * 3), ("erfinv", data)):
        x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        (g,) = tg.grad(getattr(tg, name)(x).sum(), [x], create_graph=True)
        (gt,) = torch.autograd.grad(getattr(torch, name)(xt).sum(), [xt], create_graph=True)
        (g.sum()).backward()
        gt.sum().backward()
        assert_close(x.grad, xt.grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, low, high", [("erfc", -4.0, 9.0), ("erfinv", -0.99, 0.99)])
def test_gradients_are_the_finite_differences(name, low, high):
    x = tg.tensor(np.random.default_rng(4).uniform(low, high, (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: getattr(tg, name)(t), [x], eps=1e-7, atol=1e-8, rtol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["erfc", "erfinv"])
def test_integers_promote_to_float32_and_numpy_arrays_are_accepted(torch, name):
    ints = np.array([0, 1, -1, 2])
    ours, theirs = getattr(tg, name)(tg.tensor(ints)), getattr(torch, name)(torch.tensor(ints))
    assert ours.dtype == np.float32 and str(theirs.dtype) == "torch.float32"
    _ulp_close(ours.data, theirs, np.float32, 1)
    _ulp_close(getattr(tg, name)(ints.astype(np.float64)).data,
               getattr(torch, name)(torch.tensor(ints, dtype=torch.float64)), np.float64, 4)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["erfc_", "erfinv_"])
def test_inplace_forms(torch, name):
    data = np.array([-0.8, 0.1, 0.6])
    x, xt = tg.tensor(data), torch.tensor(data)
    version = x._version
    assert getattr(x, name)() is x
    getattr(xt, name)()
    assert x._version == version + 1
    _ulp_close(x.data, xt, np.float64, 4)
    leaf = tg.tensor(data, requires_grad=True)
    with pytest.raises(RuntimeError, match=name):
        getattr(leaf, name)()


def test_erfc_keeps_its_tail_where_one_minus_erf_is_zero():
    x = tg.tensor(np.array([10.0, 20.0]), requires_grad=True)
    y = x.erfc()
    assert (1 - x.erf()).data.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(y.data, [2.088487583762545e-45, 5.395865611607901e-176], rtol=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, -2 / math.sqrt(math.pi) * np.exp(-x.data ** 2), rtol=1e-15)


def test_symbolic_values_and_derivatives_are_sympys():
    u = symbols("u", 1)
    s = u.data[0]
    root_pi = sympy.sqrt(sympy.pi)
    for fn, value, derivative in ((tg.erfc, sympy.erfc(s), -2 * sympy.exp(-s ** 2) / root_pi),
                                  (tg.erfinv, sympy.erfinv(s), root_pi / 2 * sympy.exp(sympy.erfinv(s) ** 2))):
        u.grad = None
        y = fn(u)
        assert sympy.simplify(y.data[0] - value) == 0
        y.sum().backward()
        assert sympy.simplify(u.grad.data[0] - derivative) == 0
        assert sympy.simplify(u.grad.data[0] - sympy.diff(value, s)) == 0


def test_bad_input_names_the_op():
    with pytest.raises(TypeError, match="erfinv"):
        tg.erfinv("0.5")
    with pytest.raises(TypeError, match="erfc"):
        tg.erfc(None)


@pytest.mark.torch
def test_inplace_forms_on_a_non_leaf_pass_gradients_as_pytorch(torch):
    """erfc(erfinv(x)) = 1 − x, built in place on x·1: δ = −1 everywhere, as in PyTorch."""
    data = np.array([0.3, -0.6, 0.9])
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, yt = x * 1, xt * 1
    y.erfinv_().erfc_()
    yt.erfinv_().erfc_()
    y.sum().backward()
    yt.sum().backward()
    assert_close(y, yt, rtol=1e-15, atol=1e-15)
    assert_close(x.grad, xt.grad, rtol=1e-12, atol=1e-12)
