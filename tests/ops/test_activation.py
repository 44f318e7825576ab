"""Activations beyond the lecture's four: values and gradients against PyTorch (at the kinks too), finite
differences, the tails in float32 and float64, integer inputs, SymPy values, and log1p/expm1/erf."""
import math
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, rand64, to_torch

ACTIVATIONS = {
    # name: (ours, torch's name, kwargs, kinks where finite differences are meaningless)
    "elu": (F.elu, "elu", {"alpha": 0.7}, (0.0,)),
    "celu": (F.celu, "celu", {"alpha": 1.5}, (0.0,)),
    "selu": (F.selu, "selu", {}, (0.0,)),
    "gelu": (F.gelu, "gelu", {}, ()),
    "gelu_tanh": (F.gelu, "gelu", {"approximate": "tanh"}, ()),
    "silu": (F.silu, "silu", {}, ()),
    "mish": (F.mish, "mish", {}, ()),
    "softplus": (F.softplus, "softplus", {}, ()),
    "softplus_beta": (F.softplus, "softplus", {"beta": 2.0, "threshold": 3.0}, (1.5,)),
    "logsigmoid": (F.logsigmoid, "logsigmoid", {}, ()),
    "hardtanh": (F.hardtanh, "hardtanh", {"min_val": -0.5, "max_val": 1.5}, (-0.5, 1.5)),
    "relu6": (F.relu6, "relu6", {}, (0.0, 6.0)),
    "leaky_relu": (F.leaky_relu, "leaky_relu", {"negative_slope": 0.2}, (0.0,)),
}


def _inputs(rng, kinks):
    """Random values over both tails, plus every kink exactly (where PyTorch's one-sided choice must match)."""
    return np.concatenate([rng.uniform(-8, 8, 20), [0.0, 6.0, -0.5, 1.5, 1.0, -1.0, 30.0, -30.0], list(kinks)])


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_and_its_gradient_match_torch_also_at_the_kinks(torch, name):
    ours, theirs, kwargs, kinks = ACTIVATIONS[name]
    rng = np.random.default_rng(1)
    x = tg.Tensor(_inputs(rng, kinks), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = ours(x, **kwargs), getattr(torch.nn.functional, theirs)(xt, **kwargs)
    assert_close(y, yt, rtol=1e-12, atol=1e-15)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-12, atol=1e-13)  # 1 + tanh cancels alike in both far left


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(seed=st.integers(0, 2**16))
def test_activation_gradient_matches_finite_differences(name, seed):
    ours, _, kwargs, kinks = ACTIVATIONS[name]
    x = rand64(np.random.default_rng(seed), (2, 3), -4, 4)
    for k in kinks:
        x.data[np.abs(x.data - k) < 1e-3] += 0.01
    assert gradcheck(lambda t: ours(t, **kwargs), [x])


@pytest.mark.torch
@pytest.mark.parametrize("name", ["elu", "gelu", "gelu_tanh", "softplus", "logsigmoid", "silu", "mish"])
def test_second_derivative_matches_torch(torch, name):
    ours, theirs, kwargs, _ = ACTIVATIONS[name]
    x = rand64(np.random.default_rng(2), (6,), -3, 3)
    (g,) = tg.grad(ours(x, **kwargs).sum(), [x], create_graph=True)
    (gg,) = tg.grad((g * g).sum(), [x])
    xt = to_torch(torch, x)
    (gt,) = torch.autograd.grad(getattr(torch.nn.functional, theirs)(xt, **kwargs).sum(), [xt], create_graph=True)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), [xt])
    assert_close(gg, ggt, rtol=1e-10, atol=1e-13)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["logsigmoid", "softplus", "silu", "elu", "gelu", "mish", "selu"])
def test_tails_are_finite_and_match_torch(torch, dtype, name):
    ours, theirs, kwargs, _ = ACTIVATIONS[name]
    x = tg.Tensor(np.array([-1e4, -100.0, -30.0, -1e-10, 1e-10, 30.0, 100.0, 1e4], dtype), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = ours(x, **kwargs), getattr(torch.nn.functional, theirs)(xt, **kwargs)
    assert y.dtype == dtype and np.all(np.isfinite(y.data))
    assert_close(y, yt, rtol=2e-6 if dtype == np.float32 else 1e-14, atol=1e-30)
    y.sum().backward()
    yt.sum().backward()
    assert np.all(np.isfinite(x.grad.data))
    assert_close(x.grad, xt.grad, rtol=2e-6 if dtype == np.float32 else 1e-14, atol=1e-30)


def test_logsigmoid_keeps_tiny_values_exact():
    """ln σ(x) = −ln(1 + e⁻ˣ) ≈ −e⁻ˣ for large x: log1p keeps it, a plain log would round 1 + e⁻ˣ to 1."""
    y = F.logsigmoid(tg.Tensor(np.array([40.0, 100.0])))
    np.testing.assert_allclose(y.data, -np.exp(-np.array([40.0, 100.0])), rtol=1e-15)
    assert F.logsigmoid(tg.Tensor(np.array([-100.0]))).item() == -100.0


@pytest.mark.parametrize("name", ["elu", "celu", "selu", "gelu", "silu", "mish", "softplus", "logsigmoid",
                                  "leaky_relu"])
def test_integer_input_is_refused_as_pytorch_refuses_it(name):
    with pytest.raises(TypeError, match=f"{name}: not defined for dtype int64"):
        getattr(F, name)(tg.tensor([1, -2]))


@pytest.mark.torch
def test_hardtanh_and_relu6_keep_integer_dtypes_as_torch(torch):
    x = np.array([1, -2, 7])
    for ours, theirs in [(F.relu6(x), torch.nn.functional.relu6(torch.tensor(x))),
                         (F.hardtanh(x), torch.nn.functional.hardtanh(torch.tensor(x)))]:
        assert ours.dtype == np.int64 and ours.data.tolist() == theirs.tolist()


def test_bad_hyper_parameters_name_the_rule():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(tg.randn(2), approximate="erf")
    with pytest.raises(ValueError, match="hardtanh: min_val 1 must not exceed max_val -1"):
        F.hardtanh(tg.randn(2), 1, -1)
    with pytest.raises(ValueError, match="celu: alpha must not be 0"):
        F.celu(tg.randn(2), 0.0)


def test_symbolic_derivatives_are_the_textbook_ones():
    u = symbols("u", 1)
    s = u.data[0]
    sigma = 1 / (1 + sympy.exp(-s))
    cases = [
        (lambda t: F.softplus(t), sigma),
        (lambda t: F.logsigmoid(t), 1 - sigma),
        (lambda t: F.silu(t), sigma * (1 + s * (1 - sigma))),
        (lambda t: F.gelu(t),
         (1 + sympy.erf(s / sympy.sqrt(2))) / 2 + s * sympy.exp(-s ** 2 / 2) / sympy.sqrt(2 * sympy.pi)),
        (lambda t: t.erf(), 2 * sympy.exp(-s ** 2) / sympy.sqrt(sympy.pi)),
    ]
    for fn, expected in cases:
        u.grad = None
        fn(u).sum().backward()
        assert sympy.simplify(u.grad.data[0] - expected) == 0, (u.grad.data[0], expected)


def test_piecewise_activations_on_exact_numbers_and_on_symbols():
    half = sympy.Rational(1, 2)
    x = tg.Tensor(np.array([-half, half, sympy.Integer(7)], dtype=object), requires_grad=True)
    y = F.elu(x, 2)
    assert list(y.data) == [2 * (sympy.exp(-half) - 1), half, 7]
    y.sum().backward()
    assert list(x.grad.data) == [2 * sympy.exp(-half), 1, 1]
    assert list(F.relu6(x).data) == [0, half, 6]
    u = symbols("u", 1)
    clipped = F.hardtanh(u)
    assert clipped.data[0].subs(u.data[0], 3) == 1 and clipped.data[0].subs(u.data[0], half) == half
    clipped.sum().backward()
    assert u.grad.data[0].subs(u.data[0], half) == 1 and u.grad.data[0].subs(u.data[0], -2) == 0


@pytest.mark.torch
def test_log1p_expm1_and_erf_match_torch(torch):
    x = tg.Tensor(np.array([-0.9, -1e-12, 0.0, 1e-12, 0.3, 5.0]), requires_grad=True)
    xt = to_torch(torch, x)
    for ours, theirs in [(x.log1p(), xt.log1p()), (x.expm1(), xt.expm1()), (x.erf(), xt.erf())]:
        assert_close(ours, theirs, rtol=1e-15, atol=0)
    (x.log1p() + x.expm1() + x.erf()).sum().backward()
    (xt.log1p() + xt.expm1() + xt.erf()).sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-14)
    assert gradcheck(lambda t: t.erf() + t.log1p() + t.expm1(), [rand64(np.random.default_rng(3), (5,), -0.5, 2)])


def test_erf_of_integers_promotes_to_float32():
    assert F.elu(tg.tensor([1.0])).dtype == np.float32
    assert tg.tensor([0, 1]).erf().dtype == np.float32
    np.testing.assert_allclose(tg.tensor([0, 1]).erf().data, [0.0, math.erf(1.0)], rtol=1e-7)


def test_no_warnings_from_the_branch_not_taken():
    """elu's expm1 and softplus's exp never see the inputs of the other branch, so no overflow and no NaN."""
    x = tg.Tensor(np.array([1e5, -1e5, 800.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (F.elu(x) + F.softplus(x) + F.logsigmoid(x) + F.celu(x, 0.5)).sum().backward()
    assert np.all(np.isfinite(x.grad.data))
