"""prelu, hardswish, hardsigmoid, softsign, tanhshrink, softshrink, hardshrink, threshold and glu: values and
gradients against PyTorch (at the kinks too, where the one-sided choice must be PyTorch's), finite differences
in float64 away from the kinks, second derivatives, SymPy values and derivatives, and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, numeric_grad, rand64, to_torch

ELEMENTWISE = {
    # name: (ours, torch's name, kwargs, kinks)
    "hardswish": (F.hardswish, "hardswish", {}, (-3.0, 3.0)),
    "hardsigmoid": (F.hardsigmoid, "hardsigmoid", {}, (-3.0, 3.0)),
    "softsign": (F.softsign, "softsign", {}, ()),
    "tanhshrink": (F.tanhshrink, "tanhshrink", {}, ()),
    "softshrink": (F.softshrink, "softshrink", {}, (-0.5, 0.5)),
    "softshrink_1": (F.softshrink, "softshrink", {"lambd": 1.0}, (-1.0, 1.0)),
    "hardshrink": (F.hardshrink, "hardshrink", {}, (-0.5, 0.5)),
    "hardshrink_neg": (F.hardshrink, "hardshrink", {"lambd": -0.2}, ()),
    "threshold": (F.threshold, "threshold", {"threshold": 1.0, "value": -2.0}, (1.0,)),
}
POINTS = [-3.0, 3.0, -0.5, 0.5, -1.0, 1.0, 0.0, 2.5, -2.5, 5.0, -5.0, 0.2, -0.2, np.nan, np.inf, -np.inf]


@pytest.mark.torch
@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_values_and_gradients_at_the_kinks_as_pytorch(torch, name):
    ours, theirs, kw, _ = ELEMENTWISE[name]
    x = tg.Tensor(np.array(POINTS), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = ours(x, **kw), getattr(torch.nn.functional, theirs)(xt, **kw)
    assert_close(y, yt, rtol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    finite = np.isfinite(x.data)  # (PyTorch's float64 hardsigmoid backward uses 1/6 rounded to float32)
    assert_close(x.grad.data[finite], xt.grad.numpy()[finite], rtol=1e-7)


@pytest.mark.torch
@given(values=st.lists(st.floats(-6, 6), min_size=1, max_size=12), name=st.sampled_from(list(ELEMENTWISE)),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_random_inputs_as_pytorch(torch, values, name, dtype):
    ours, theirs, kw, _ = ELEMENTWISE[name]
    x = tg.Tensor(np.array(values, dtype), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = ours(x, **kw), getattr(torch.nn.functional, theirs)(xt, **kw)
    assert y.dtype == dtype
    assert_close(y, yt, rtol=1e-6, atol=1e-6)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_finite_differences_away_from_the_kinks(name):
    ours, _, kw, kinks = ELEMENTWISE[name]
    rng = np.random.default_rng(0)
    data = rng.uniform(-5, 5, 12)
    data = data[np.min(np.abs(data[:, None] - np.array(kinks + (99.0,))[None]), axis=1) > 1e-3]
    x = tg.Tensor(data, requires_grad=True)
    v = rng.standard_normal(x.shape)
    ours(x, **kw).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: ours(t, **kw), x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivatives_as_pytorch(torch):
    x = tg.Tensor(np.array([-2.0, -0.3, 0.7, 1.9]), requires_grad=True)
    xt = to_torch(torch, x)
    for ours, theirs in ((F.hardswish, "hardswish"), (F.softsign, "softsign"), (F.tanhshrink, "tanhshrink")):
        (g,) = tg.autograd.grad(ours(x).sum(), x, create_graph=True)
        (gg,) = tg.autograd.grad(g.sum(), x)
        (gt,) = torch.autograd.grad(getattr(torch.nn.functional, theirs)(xt).sum(), xt, create_graph=True)
        (ggt,) = torch.autograd.grad(gt.sum(), xt)
        assert_close(gg, ggt, rtol=1e-10, atol=1e-12)


def test_symbolic_values_and_derivatives():
    u = symbols("u", 1)
    s = u.data[0]
    cases = [(F.softsign, s / (1 + sympy.Abs(s)), 1 / (1 + sympy.Abs(s)) ** 2),
             (F.tanhshrink, s - sympy.tanh(s), sympy.tanh(s) ** 2)]
    for fn, value, derivative in cases:
        u.grad = None
        y = fn(u)
        y.sum().backward()
        for at in (sympy.Rational(-3, 2), sympy.Rational(1, 3), 2):
            assert sympy.simplify((y.data[0] - value).subs(s, at)) == 0
            assert sympy.simplify((u.grad.data[0] - derivative).subs(s, at)) == 0
    half = sympy.Rational(1, 2)
    x = tg.Tensor(np.array([-4, -1, half, 1, 4], dtype=object), requires_grad=True)
    assert list(F.hardswish(x).data) == [0, -sympy.Rational(1, 3), half * sympy.Rational(7, 12), sympy.Rational(2, 3), 4]
    assert list(F.hardsigmoid(x).data) == [0, sympy.Rational(1, 3), sympy.Rational(7, 12), sympy.Rational(2, 3), 1]
    assert list(F.softshrink(x).data) == [-sympy.Rational(7, 2), -half, 0, half, sympy.Rational(7, 2)]
    assert list(F.hardshrink(x).data) == [-4, -1, 0, 1, 4]
    assert list(F.threshold(x, 1, 9).data) == [9, 9, 9, 9, 4]
    F.hardswish(x).sum().backward()
    assert list(x.grad.data) == [0, sympy.Rational(1, 6), sympy.Rational(2, 3), sympy.Rational(5, 6), 1]
    piece = F.softshrink(u)
    assert piece.data[0].subs(s, 2) == sympy.Rational(3, 2) and piece.data[0].subs(s, sympy.Rational(1, 4)) == 0


@pytest.mark.torch
@pytest.mark.parametrize("shape, weight", [((2, 3, 4), (3,)), ((2, 3, 4), (1,)), ((2, 3, 4), ()), ((5,), (1,)),
                                           ((2, 4), (4,)), ((), (1,)), ((2, 3, 2, 2), (3,))])
def test_prelu_shapes_values_and_gradients_as_pytorch(torch, shape, weight):
    rng = np.random.default_rng(1)
    x, w = rand64(rng, shape), rand64(rng, weight, 0.0, 1.0)
    x.data.flat[0] = 0.0  # the kink: δ_x = a there, as PyTorch
    xt, wt = to_torch(torch, x), to_torch(torch, w)
    y, yt = F.prelu(x, w), torch.nn.functional.prelu(xt, wt)
    assert_close(y, yt, rtol=1e-12)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    assert_close(x.grad, xt.grad, rtol=1e-12)
    assert_close(w.grad, wt.grad, rtol=1e-10)


def test_prelu_finite_differences_in_the_weight():
    rng = np.random.default_rng(2)
    x, w = rand64(rng, (2, 3, 4), requires_grad=False), rand64(rng, (3,))
    v = rng.standard_normal(x.shape)
    F.prelu(x, w).backward(tg.Tensor(v))
    assert_close(w.grad, numeric_grad(lambda t: F.prelu(x, t), w, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_glu_along_every_dim_as_pytorch(torch, shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] *= 2
    rng = np.random.default_rng(len(shape))
    x = rand64(rng, tuple(shape))
    xt = to_torch(torch, x)
    y, yt = F.glu(x, dim), torch.nn.functional.glu(xt, dim)
    assert_close(y, yt, rtol=1e-12)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    assert_close(x.grad, xt.grad, rtol=1e-10)


def test_glu_finite_differences():
    rng = np.random.default_rng(3)
    x = rand64(rng, (2, 4))
    v = rng.standard_normal((2, 2))
    F.glu(x).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(F.glu, x, v), rtol=1e-6, atol=1e-8)


def test_integer_inputs_as_pytorch():
    assert F.threshold(tg.tensor([1, 2, 3]), 1.5, 7).data.tolist() == [7, 2, 3]
    assert F.softsign(tg.tensor([1, 3])).dtype == np.float32
    for fn in (F.hardswish, F.hardsigmoid, F.softshrink, F.hardshrink, F.glu):
        with pytest.raises(TypeError, match=fn.__name__):
            fn(tg.tensor([1, 2]))


def test_bad_arguments_raise_pytorch_classes():
    with pytest.raises(RuntimeError, match="softshrink.*lambda"):
        F.softshrink(tg.ones(3), -1.0)
    with pytest.raises(RuntimeError, match="glu.*even"):
        F.glu(tg.ones(3, 5))
    with pytest.raises(RuntimeError, match="glu.*scalars"):
        F.glu(tg.ones(()))
    with pytest.raises(IndexError, match="glu"):
        F.glu(tg.ones(3, 4), dim=2)
    with pytest.raises(RuntimeError, match="prelu.*channel"):
        F.prelu(tg.ones(2, 3, 4), tg.ones(4))
    with pytest.raises(RuntimeError, match="prelu.*1D"):
        F.prelu(tg.ones(2, 3, 4), tg.ones(1, 3))
    with pytest.raises(TypeError, match="prelu"):
        F.prelu(tg.ones(3), tg.ones(1, dtype=np.float64))
    with pytest.raises(TypeError, match="threshold"):
        F.threshold(tg.ones(3), "x", 1.0)
