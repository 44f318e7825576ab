"""lgamma, digamma, polygamma, mvlgamma, i0, i0e, i1, i1e, zeta (ops/gamma_functions.py): values, dtypes and
gradients against PyTorch (first and second derivatives), finite differences in float64, SymPy values and
derivatives on symbols, Tensor methods and in-place forms, and errors naming the op and the rule."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.ops import gamma_functions as gf
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, numeric_grad

rng = np.random.default_rng(5)

# name: (ours, torch's (by name on torch), a float64 domain where the function is smooth)
UNARY = {
    "lgamma": (tg.lgamma, lambda t: t.lgamma, (-8.0, 30.0)),
    "digamma": (tg.digamma, lambda t: t.digamma, (-8.0, 30.0)),
    "polygamma1": (lambda x: tg.polygamma(1, x), lambda t: lambda x: t.polygamma(1, x), (0.05, 30.0)),
    "polygamma3": (lambda x: tg.polygamma(3, x), lambda t: lambda x: t.polygamma(3, x), (-6.0, 30.0)),
    "mvlgamma": (lambda x: tg.mvlgamma(x, 3), lambda t: lambda x: t.mvlgamma(x, 3), (1.01, 30.0)),
    "i0": (tg.i0, lambda t: t.i0, (-40.0, 40.0)),
    "i0e": (gf.i0e, lambda t: t.special.i0e, (-40.0, 40.0)),
    "i1": (gf.i1, lambda t: t.special.i1, (-40.0, 40.0)),
    "i1e": (gf.i1e, lambda t: t.special.i1e, (-40.0, 40.0)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(UNARY))
@given(seed=st.integers(0, 2**31 - 1))
def test_values_and_gradients_match_pytorch(torch, name, seed):
    ours_fn, theirs_fn, (low, high) = UNARY[name]
    g = np.random.default_rng(seed)
    a = g.uniform(low, high, 10)
    a = a[np.abs(a - np.round(a)) > 1e-3]
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, u = ours_fn(x), theirs_fn(torch)(t)
    # PyTorch's trigamma keeps 6 recurrence steps and 4 asymptotic terms: ~10⁻⁹ relative; its other kernels ~10⁻¹⁵
    rtol = 1e-8 if name.startswith("poly") or name in ("digamma", "lgamma", "mvlgamma") else 1e-13
    assert_close(y, u, rtol=rtol, atol=1e-13)
    v = g.standard_normal(y.shape)
    (y * tg.tensor(v)).sum().backward()
    (u * torch.tensor(v)).sum().backward()
    assert_close(x.grad, t.grad, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", list(UNARY))
def test_gradients_are_the_finite_differences(name):
    ours_fn, _, (low, high) = UNARY[name]
    x = rng.uniform(max(low, -4.0), min(high, 6.0), 12)  # moderate values: central differences keep 7 digits
    x = tg.tensor(x[np.abs(x - np.round(x)) > 0.1], requires_grad=True)
    v = rng.standard_normal(x.shape)
    (ours_fn(x) * tg.tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(ours_fn, x, v, eps=1e-6), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivatives_match_pytorch(torch):
    a = np.array([0.3, 1.7, 4.2, -2.5, 12.0])
    for ours_fn, theirs_fn in ((tg.lgamma, torch.lgamma), (tg.digamma, torch.digamma), (tg.i0, torch.i0),
                               (gf.i1e, torch.special.i1e)):
        x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        (dx,) = tg.grad(ours_fn(x).sum(), x, create_graph=True)
        (dt,) = torch.autograd.grad(theirs_fn(t).sum(), t, create_graph=True)
        assert_close(dx, dt, rtol=1e-8)
        (ddx,) = tg.grad(dx.sum(), x)
        (ddt,) = torch.autograd.grad(dt.sum(), t)
        assert_close(ddx, ddt, rtol=1e-7)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_dtypes_and_special_points_as_pytorch(torch, dtype):
    a = np.array([0, 1, 2, 3, -1, 5, 40], dtype=dtype)
    if dtype != np.int64:
        a = np.concatenate([a, np.array([-0.0, 0.5, -0.5, np.inf, -np.inf, np.nan, 1e-30], dtype)])
    for ours, theirs in ((tg.lgamma, torch.lgamma), (tg.digamma, torch.digamma), (tg.i0, torch.i0),
                         (lambda x: tg.polygamma(2, x), lambda x: torch.polygamma(2, x)),
                         (tg.special.i0e, torch.special.i0e), (tg.special.i1, torch.special.i1),
                         (tg.special.i1e, torch.special.i1e)):
        y, from_numpy, u = ours(tg.tensor(a)), ours(a), theirs(torch.tensor(a))
        assert y.dtype == np.dtype(str(u.dtype)[6:]) == from_numpy.dtype
        np.testing.assert_allclose(y.data, u.numpy(), rtol=2e-6 if y.dtype == np.float32 else 1e-12)


@pytest.mark.torch
def test_mvlgamma_and_zeta_as_pytorch(torch):
    a = rng.uniform(2.0, 9.0, (3, 4))
    for p in (1, 2, 5):
        assert_close(tg.mvlgamma(tg.tensor(a), p), torch.mvlgamma(torch.tensor(a), p), rtol=1e-13)
        assert_close(tg.special.multigammaln(tg.tensor(a), p), torch.special.multigammaln(torch.tensor(a), p))
    assert tg.mvlgamma(tg.tensor(a).float(), 2).dtype == tg.float32
    s = np.array([2.0, 1.0, 0.5, 2.0, 2.0, 3.5, 20.0])
    q = np.array([1.0, 1.0, 1.0, 0.0, -1.5, 2.25, 0.75])
    assert_close(tg.special.zeta(tg.tensor(s), tg.tensor(q)), torch.special.zeta(torch.tensor(s), torch.tensor(q)),
                 rtol=1e-13)
    assert tg.special.zeta(tg.tensor([2]), tg.tensor([1])).dtype == tg.float32
    assert_close(tg.special.zeta(2, tg.tensor([1.0, 3.0])), torch.special.zeta(2, torch.tensor([1.0, 3.0])))
    qt, qq = tg.tensor([1.5, 4.0], dtype=tg.float64, requires_grad=True), torch.tensor([1.5, 4.0],
                                                                                     requires_grad=True,
                                                                                     dtype=torch.float64)
    tg.special.zeta(tg.tensor([2.0, 3.0], dtype=tg.float64), qt).sum().backward()
    torch.special.zeta(torch.tensor([2.0, 3.0], dtype=torch.float64), qq).sum().backward()
    assert_close(qt.grad, qq.grad, rtol=1e-12)


@pytest.mark.torch
def test_methods_and_inplace_forms_as_pytorch(torch):
    a = rng.uniform(1.5, 6.0, 5)
    for name, args in (("lgamma", ()), ("digamma", ()), ("polygamma", (2,)), ("mvlgamma", (2,)), ("i0", ())):
        assert_close(getattr(tg.tensor(a), name)(*args), getattr(torch.tensor(a), name)(*args), rtol=1e-10)
        x, t = tg.tensor(a.copy()), torch.tensor(a.copy())
        assert getattr(x, name + "_")(*args) is x
        getattr(t, name + "_")(*args)
        assert_close(x, t, rtol=1e-10)
    leaf, tleaf = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, u = leaf * 1, tleaf * 1
    y.lgamma_().sum().backward()
    u.lgamma_().sum().backward()
    assert_close(leaf.grad, tleaf.grad, rtol=1e-10)


def test_symbolic_values_and_derivatives_are_sympys():
    u = symbols("u", 1)
    s = u.data[0]
    cases = ((tg.lgamma, sympy.loggamma(s)), (tg.digamma, sympy.digamma(s)),
             (lambda x: tg.polygamma(2, x), sympy.polygamma(2, s)), (tg.i0, sympy.besseli(0, s)),
             (gf.i1, sympy.besseli(1, s)),
             (lambda x: tg.mvlgamma(x, 2),
              sympy.log(sympy.pi) / 2 + sympy.loggamma(s) + sympy.loggamma(s - sympy.S.Half)))
    for fn, value in cases:
        u.grad = None
        y = fn(u)
        assert sympy.simplify(y.data[0] - value) == 0
        y.sum().backward()
        assert sympy.simplify(sympy.expand_func(u.grad.data[0] - sympy.diff(value, s))) == 0


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.polygamma(-1, tg.tensor([1.0])), RuntimeError, "polygamma: the order n = -1 must be non-negative"),
    (lambda: tg.polygamma(1.0, tg.tensor([1.0])), TypeError, "polygamma: argument 'n' must be int"),
    (lambda: tg.mvlgamma(tg.tensor([3.0]), 0), RuntimeError, "mvlgamma: p = 0 must be at least 1"),
    (lambda: tg.mvlgamma(tg.tensor([3.0]), 1.5), TypeError, "mvlgamma: argument 'p' must be int"),
    (lambda: tg.lgamma("x"), TypeError, "lgamma"),
])
def test_bad_input_names_the_op_and_the_rule(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_zeta_has_no_derivative_in_s_as_pytorch():
    s = tg.tensor([2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="zeta: the derivative with respect to the first argument"):
        tg.special.zeta(s, tg.tensor([1.0, 2.0])).sum().backward()
