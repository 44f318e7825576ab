"""sin … atanh, atan2, sinc, deg2rad, rad2deg: values (NaN, ±∞, integers promoting to float32) and gradients against
PyTorch, finite differences in float64, second derivatives, SymPy values whose autograd derivative is sympy.diff's,
and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, numeric_grad, rand64, to_torch

# name: (domain low, high) for finite differences and random values
UNARY = {"sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9),
         "atan": (-3, 3), "sinh": (-3, 3), "cosh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 4),
         "atanh": (-0.9, 0.9), "sinc": (-3, 3), "deg2rad": (-200, 200), "rad2deg": (-3, 3)}
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
           "arctanh": "atanh"}
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 1e-6, np.nan, np.inf, -np.inf]


@pytest.mark.torch
@pytest.mark.parametrize("name", list(UNARY) + list(ALIASES))
def test_values_at_special_points_as_pytorch(torch, name):
    x = np.array(SPECIAL, dtype=np.float32)
    ours = getattr(tg, name)(tg.tensor(x))
    theirs = getattr(torch, name)(torch.tensor(x))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=2e-6, atol=1e-7, equal_nan=True)
    method = getattr(tg.tensor(x), name)()
    np.testing.assert_array_equal(method.data, ours.data)


@pytest.mark.torch
@pytest.mark.parametrize("name", list(UNARY))
def test_integer_and_bool_inputs_give_float32_as_pytorch(torch, name):
    for data in ([1, 2, 3], [True, False]):
        ours, theirs = getattr(tg, name)(tg.tensor(data)), getattr(torch, name)(torch.tensor(data))
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=2e-6, equal_nan=True)


@pytest.mark.torch
@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(list(UNARY)), seed=st.integers(0, 2**16), shape=st.sampled_from([(3,), (2, 3), ()]))
def test_float64_values_and_gradients_as_pytorch(torch, name, seed, shape):
    low, high = UNARY[name]
    x = rand64(np.random.default_rng(seed), shape, low, high)
    xt = to_torch(torch, x)
    y, yt = getattr(tg, name)(x), getattr(torch, name)(xt)
    assert_close(y, yt, rtol=1e-12, atol=1e-14)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", list(UNARY))
def test_finite_differences(name):
    rng = np.random.default_rng(3)
    low, high = UNARY[name]
    x = rand64(rng, (5,), low, high)
    v = rng.standard_normal(5)
    fn = getattr(tg, name)
    (fn(x) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_sinc_at_zero_is_one_with_zero_gradient_as_pytorch(torch):
    x = tg.tensor([0.0, 1.0, 0.5], dtype=tg.float64, requires_grad=True)
    xt = to_torch(torch, x)
    tg.sinc(x).sum().backward()
    torch.sinc(xt).sum().backward()
    assert tg.sinc(x).data[0] == 1.0
    assert_close(x.grad, xt.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["atan2", "arctan2"])
def test_atan2_quadrants_infinities_and_gradients_as_pytorch(torch, name):
    pts = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 2.5]
    a, b = np.meshgrid(pts, pts)
    ours = getattr(tg, name)(tg.tensor(a.astype(np.float32)), tg.tensor(b.astype(np.float32)))
    theirs = torch.atan2(torch.tensor(a.astype(np.float32)), torch.tensor(b.astype(np.float32)))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6, equal_nan=True)
    assert tg.atan2(tg.tensor([1, 2]), tg.tensor([3, 4])).dtype == np.float32  # integers: float32
    rng = np.random.default_rng(0)
    y, x = rand64(rng, (2, 3)), rand64(rng, (3,))
    yt, xt = to_torch(torch, y), to_torch(torch, x)
    getattr(y, name)(x).sum().backward()
    torch.atan2(yt, xt).sum().backward()
    assert_close(y.grad, yt.grad, rtol=1e-10)
    assert_close(x.grad, xt.grad, rtol=1e-10)
    v = rng.standard_normal((2, 3))
    np.testing.assert_allclose(y.grad.data, numeric_grad(lambda t: tg.atan2(t, x.detach()), y, np.ones((2, 3))),
                               rtol=1e-6)
    x.grad = None
    (tg.atan2(y.detach(), x) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.atan2(y.detach(), t), x, v), rtol=1e-6)


@pytest.mark.torch
def test_second_derivatives_as_pytorch(torch):
    for name in ("sin", "cos", "tan", "asin", "atan", "sinh", "cosh", "asinh", "acosh", "atanh"):
        low, high = UNARY[name]
        x = rand64(np.random.default_rng(1), (4,), low, high)
        xt = to_torch(torch, x)
        (g,) = tg.grad(getattr(tg, name)(x).sum(), [x], create_graph=True)
        (gt,) = torch.autograd.grad(getattr(torch, name)(xt).sum(), [xt], create_graph=True)
        g.sum().backward()
        gt.sum().backward()
        assert_close(x.grad, xt.grad, rtol=1e-9, atol=1e-12)


SYMPY = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "asin": sympy.asin, "acos": sympy.acos,
         "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh, "asinh": sympy.asinh, "acosh": sympy.acosh,
         "atanh": sympy.atanh, "deg2rad": lambda s: s * sympy.pi / 180, "rad2deg": lambda s: s * 180 / sympy.pi,
         "sinc": lambda s: sympy.sin(sympy.pi * s) / (sympy.pi * s)}


@pytest.mark.parametrize("name", list(SYMPY))
def test_symbolic_values_and_derivatives_are_sympys(name):
    u = symbols("u", 1)
    s = u.data[0]
    y = getattr(tg, name)(u)
    expected = SYMPY[name](s)
    assert sympy.simplify(y.data[0] - expected) == 0
    y.sum().backward()
    difference = sympy.simplify(u.grad.data[0] - sympy.diff(expected, s))
    # on the real domain (acosh: 1/√(u² − 1) and 1/(√(u − 1)√(u + 1)) differ only for u < −1)
    points = [sympy.Rational(3, 2), 2, 3] if name == "acosh" else [sympy.Rational(1, 3), -sympy.Rational(1, 2)]
    assert difference == 0 or all(abs(difference.subs(s, p).evalf()) < 1e-12 for p in points), difference


def test_symbolic_atan2_gradient_is_sympys():
    u, w = symbols("u", 1), symbols("w", 1)
    a, b = u.data[0], w.data[0]
    y = tg.atan2(u, w)
    assert y.data[0] == sympy.atan2(a, b)
    y.sum().backward()
    assert sympy.simplify(u.grad.data[0] - sympy.diff(sympy.atan2(a, b), a)) == 0
    assert sympy.simplify(w.grad.data[0] - sympy.diff(sympy.atan2(a, b), b)) == 0


def test_exact_values_on_sympy_numbers():
    x = tg.Tensor(np.array([sympy.pi / 6, sympy.Integer(0)], dtype=object))
    assert list(tg.sin(x).data) == [sympy.Rational(1, 2), 0]
    assert list(tg.cos(x).data) == [sympy.sqrt(3) / 2, 1]


@pytest.mark.torch
def test_bad_inputs_raise_pytorchs_classes(torch):
    with pytest.raises(RuntimeError, match="atan2"):
        tg.atan2(tg.randn(3, 4), tg.randn(3, 5))
    with pytest.raises(RuntimeError):
        torch.atan2(torch.randn(3, 4), torch.randn(3, 5))
    with pytest.raises(TypeError, match="sin"):
        tg.sin([1.0, 2.0])
    with pytest.raises(TypeError):
        torch.sin([1.0, 2.0])
