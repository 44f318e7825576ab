"""Adaptive pooling and the spatial pyramid against PyTorch (values, indices, gradients, second derivatives),
with inf and NaN inputs kept inside their own bins, central differences, and exact bin means on SymPy values."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.ops.pool_adaptive import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool2d,
                                            spatial_pyramid_pool2d)
from tests.helpers import assert_close, numeric_grad, rand64


def spoiled(rng, shape, count):
    """float64 inputs with `count` entries set to inf, −inf or NaN (PyTorch's reference treats them per bin)."""
    x = rng.uniform(-2, 2, shape)
    for _ in range(count if x.size else 0):
        x[tuple(rng.integers(0, s) for s in shape)] = rng.choice([np.inf, -np.inf, np.nan])
    return tg.Tensor(x, requires_grad=True)


def same(ours, theirs):
    theirs = theirs.detach().numpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.data, theirs, rtol=1e-6, atol=1e-9, equal_nan=True)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["max", "avg"])
@given(shape=st.tuples(st.sampled_from([(2, 3), (1, 2), (3,), (0, 2)]), st.integers(1, 9), st.integers(1, 9)),
       oh=st.integers(1, 5), ow=st.one_of(st.none(), st.just(-1), st.integers(1, 5)), seed=st.integers(0, 2**16),
       bad=st.sampled_from([0, 0, 1, 3]))
def test_adaptive_pool_matches_torch(torch, kind, shape, oh, ow, seed, bad):
    """ow = None: a square size oh; ow = −1: (oh, None), None keeping the input width; `bad` entries are ±inf/NaN."""
    lead, h, w = shape
    size = oh if ow is None else (oh, None) if ow == -1 else (oh, ow)
    rng = np.random.default_rng(seed)
    x = spoiled(rng, lead + (h, w), bad)
    xt = torch.tensor(x.data, requires_grad=True)
    if kind == "max":
        (y, i), (yt, it) = adaptive_max_pool2d(x, size, True), F_torch(torch).adaptive_max_pool2d(xt, size, True)
        assert i.dtype == np.int64 and np.array_equal(i.data, it.numpy())
    else:
        y, yt = adaptive_avg_pool2d(x, size), F_torch(torch).adaptive_avg_pool2d(xt, size)
    same(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    same(x.grad, xt.grad)


def F_torch(torch):
    return torch.nn.functional


@pytest.mark.torch
@given(shape=st.sampled_from([(2, 3), (3,)]), n=st.integers(1, 12), out=st.integers(1, 6),
       seed=st.integers(0, 2**16), bad=st.sampled_from([0, 1, 2]))
def test_adaptive_avg_pool1d_matches_torch(torch, shape, n, out, seed, bad):
    rng = np.random.default_rng(seed)
    x = spoiled(rng, shape + (n,), bad)
    xt = torch.tensor(x.data, requires_grad=True)
    y, yt = adaptive_avg_pool1d(x, out), torch.nn.functional.adaptive_avg_pool1d(xt, out)
    same(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    same(x.grad, xt.grad)


@pytest.mark.torch
@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("size", [(3, 3), (2, 4), 1])
def test_an_inf_or_nan_stays_in_its_own_bins(torch, value, size):
    """Issue 12: a zero weight times inf is NaN, so a matrix of bin weights would spread NaN everywhere."""
    x = np.random.default_rng(0).uniform(-1, 1, (1, 2, 7, 5))
    x[0, 0, 1, 1] = value
    y = adaptive_avg_pool2d(tg.Tensor(x), size)
    yt = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x), size)
    same(y, yt)
    assert np.isfinite(y.data[0, 1]).all(), "the other channel is untouched"
    if size != 1:
        assert np.isfinite(y.data[0, 0]).sum() > 0, "bins without the entry stay finite"


@pytest.mark.torch
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("hw", [(4, 4), (7, 5), (13, 11), (3, 2)])
def test_spatial_pyramid_pool_matches_torch_with_inf_and_nan(torch, mode, hw):
    rng = np.random.default_rng(hw[0])
    x = spoiled(rng, (2, 3) + hw, 3)
    y = spatial_pyramid_pool2d(x, (1, 2, 4), mode)
    assert y.shape == (2, 3 * (1 + 4 + 16))
    pool = getattr(torch.nn.functional, f"adaptive_{mode}_pool2d")
    xt = torch.tensor(x.data, requires_grad=True)
    yt = torch.cat([pool(xt, n).flatten(1) for n in (1, 2, 4)], 1)
    same(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    same(x.grad, xt.grad)


def test_spatial_pyramid_pool_of_an_unbatched_input():
    assert spatial_pyramid_pool2d(tg.ones(3, 6, 5), (1, 3)).shape == (3 * 10,)
    assert spatial_pyramid_pool2d(tg.ones(0, 3, 6, 5), (1, 3), "avg").shape == (0, 3 * 10)


@pytest.mark.parametrize("fn", [
    lambda x: adaptive_avg_pool2d(x, (2, 3)), lambda x: adaptive_avg_pool2d(x, (None, 3)),
    lambda x: adaptive_max_pool2d(x, 3), lambda x: spatial_pyramid_pool2d(x, (1, 2), "avg"),
    lambda x: spatial_pyramid_pool2d(x, (1, 3)), lambda x: adaptive_avg_pool1d(x[0], 3)])
def test_adaptive_gradient_matches_finite_differences(fn):
    rng = np.random.default_rng(11)
    x = rand64(rng, (1, 2, 5, 4))
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_adaptive_avg_pool_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(4)
    x = rand64(rng, (1, 2, 7, 5))
    y = adaptive_avg_pool2d(x, (3, 2))
    u = rand64(rng, y.shape)
    (gx,) = tg.grad(y, [x], u, create_graph=True)
    (gu,) = tg.grad((gx * gx).sum(), [u])
    xt, ut = torch.tensor(x.data, requires_grad=True), torch.tensor(u.data, requires_grad=True)
    (gxt,) = torch.autograd.grad(torch.nn.functional.adaptive_avg_pool2d(xt, (3, 2)), xt, ut, create_graph=True)
    (gut,) = torch.autograd.grad((gxt * gxt).sum(), ut)
    assert_close(gu, gut)


def test_global_average_pooling_is_the_mean_of_each_map():
    x = rand64(np.random.default_rng(0), (2, 3, 5, 6))
    assert_close(adaptive_avg_pool2d(x, 1), x.data.mean(axis=(2, 3), keepdims=True))


def test_unequal_bins_on_symbols_are_exact_means():
    """5 rows into 3 bins [0, 2), [1, 4), [3, 5) and 4 columns into 3 bins [0, 2), [1, 3), [2, 4): each output
    is the exact mean of its bin, and δ spreads as δ/|bin| (F62)."""
    z = np.array(sympy.symbols("z0:20"), dtype=object).reshape(1, 1, 5, 4)
    d = np.array(sympy.symbols("d0:9"), dtype=object).reshape(1, 1, 3, 3)
    x = tg.Tensor(z, requires_grad=True)
    y = adaptive_avg_pool2d(x, 3)
    rows, cols = [(0, 2), (1, 4), (3, 5)], [(0, 2), (1, 3), (2, 4)]
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            cell = z[0, 0, r0:r1, c0:c1]
            assert sympy.simplify(y.data[0, 0, i, j] - sum(cell.ravel()) / cell.size) == 0
    y.backward(tg.Tensor(d))
    expected = sum(d[0, 0, i, j] / ((r1 - r0) * (c1 - c0)) for i, (r0, r1) in enumerate(rows)
                   for j, (c0, c1) in enumerate(cols) if r0 <= 3 < r1 and c0 <= 2 < c1)
    assert sympy.simplify(x.grad.data[0, 0, 3, 2] - expected) == 0


def test_adaptive_max_on_exact_rationals_matches_the_numeric_one():
    values = np.random.default_rng(3).integers(0, 4, (1, 2, 7, 5))
    exact = tg.Tensor(np.vectorize(lambda v: sympy.Rational(int(v), 3), otypes=[object])(values), requires_grad=True)
    numeric = tg.Tensor(values / 3.0, requires_grad=True)
    (ye, ie), (yn, i_n) = (adaptive_max_pool2d(t, (3, 2), return_indices=True) for t in (exact, numeric))
    assert np.array_equal(ie.data, i_n.data)
    for y in (ye, yn):
        y.sum().backward()
    assert np.array(exact.grad.data, dtype=np.float64).tolist() == numeric.grad.data.tolist()


@pytest.mark.torch
def test_integer_adaptive_max_is_exact(torch):
    x = np.random.default_rng(1).integers(-50, 50, (2, 2, 7, 6))
    y, i = adaptive_max_pool2d(tg.Tensor(x), (3, 4), return_indices=True)
    yt, it = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x, dtype=torch.float64), (3, 4), True)
    assert y.dtype == np.int64 and np.array_equal(y.data, yt.numpy()) and np.array_equal(i.data, it.numpy())


def test_functional_names():
    assert F.adaptive_avg_pool2d is adaptive_avg_pool2d and F.adaptive_avg_pool1d is adaptive_avg_pool1d
    assert F.adaptive_max_pool2d is adaptive_max_pool2d and F.spatial_pyramid_pool2d is spatial_pyramid_pool2d


@pytest.mark.torch
@given(length=st.integers(1, 9), out=st.integers(1, 9), batched=st.booleans(), ties=st.booleans(),
       seed=st.integers(0, 2**16))
def test_adaptive_max_pool1d_matches_torch(torch, length, out, batched, ties, seed):
    """F.adaptive_max_pool1d / nn.AdaptiveMaxPool1d: values, indices (first of tied maxima) and gradients."""
    x0 = np.random.default_rng(seed).standard_normal((2, 3, length) if batched else (3, length))
    x0 = np.round(x0) if ties else x0
    x, xt = tg.tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    y, i = F.adaptive_max_pool1d(x, out, return_indices=True)
    yt, it = torch.nn.functional.adaptive_max_pool1d(xt, out, return_indices=True)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    np.testing.assert_array_equal(tg.nn.AdaptiveMaxPool1d(out)(x).data, yt.detach().numpy())
    np.testing.assert_array_equal(i.data, it.numpy())
    assert i.dtype == np.int64
    w = np.random.default_rng(seed + 1).standard_normal(yt.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12)
