"""Pooling: max/avg/adaptive/pyramid against PyTorch (values, gradients, second derivatives), central
differences, the lecture's pooling masks on exact and symbolic inputs (F36), and the error messages."""
import re

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.ops.pool import (adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d,
                                   spatial_pyramid_pool2d)
from tests.helpers import assert_close, numeric_grad, rand64


def torch_pools(torch):
    F = torch.nn.functional
    return {"max": (max_pool2d, F.max_pool2d), "avg": (avg_pool2d, F.avg_pool2d)}


@st.composite
def pool_case(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    sh, sw = (kh, kw) if stride is None else (stride, stride) if isinstance(stride, int) else stride
    assume(shape[2] + 2 * padding[0] >= kh and shape[3] + 2 * padding[1] >= kw)
    return shape, (kh, kw), stride, padding, draw(st.booleans())


@pytest.mark.parametrize("kind", ["max", "avg"])
@given(case=pool_case(), seed=st.integers(0, 2**16))
def test_pool_matches_torch(kind, case, seed):
    torch = pytest.importorskip("torch")
    shape, kernel, stride, padding, unbatched = case
    ours, theirs = torch_pools(torch)[kind]
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape[1:] if unbatched else shape)
    xt = torch.tensor(x.data, requires_grad=True)
    y, yt = ours(x, kernel, stride, padding), theirs(xt, kernel, stride, padding)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0))])
def test_pool_second_derivative_matches_torch(torch, kind, kernel, stride, padding):
    """δ_x is linear in δ (the map Wᵀ): differentiating it again w.r.t. δ gives W, as in PyTorch."""
    ours, theirs = torch_pools(torch)[kind]
    rng = np.random.default_rng(3)
    x = rand64(rng, (2, 2, 6, 5))
    y = ours(x, kernel, stride, padding)
    u = rand64(rng, y.shape)
    w = rng.standard_normal(x.shape)
    (gx,) = tg.grad(y, [x], u, create_graph=True)
    (gu,) = tg.grad((gx * tg.Tensor(w)).sum(), [u])
    xt, ut = torch.tensor(x.data, requires_grad=True), torch.tensor(u.data, requires_grad=True)
    (gxt,) = torch.autograd.grad(theirs(xt, kernel, stride, padding), xt, ut, create_graph=True)
    (gut,) = torch.autograd.grad((gxt * torch.tensor(w)).sum(), ut)
    assert_close(gx, gxt)
    assert_close(gu, gut)


@pytest.mark.parametrize("fn", [
    lambda x: max_pool2d(x, 3, 2, 1), lambda x: avg_pool2d(x, (2, 3), 1, (1, 1)), lambda x: max_pool2d(x, 2),
    lambda x: adaptive_avg_pool2d(x, (2, 3)), lambda x: adaptive_max_pool2d(x, 3),
    lambda x: spatial_pyramid_pool2d(x, (1, 2), "avg")])
def test_pool_gradient_matches_finite_differences(fn):
    rng = np.random.default_rng(11)
    x = rand64(rng, (1, 2, 5, 4))
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind", ["max", "avg"])
@given(h=st.integers(1, 9), w=st.integers(1, 9), oh=st.integers(1, 5), ow=st.one_of(st.none(), st.integers(1, 5)),
       seed=st.integers(0, 2**16))
def test_adaptive_pool_matches_torch(kind, h, w, oh, ow, seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    ours, theirs = {"max": (adaptive_max_pool2d, F.adaptive_max_pool2d),
                    "avg": (adaptive_avg_pool2d, F.adaptive_avg_pool2d)}[kind]
    size = oh if ow is None else (oh, ow)
    rng = np.random.default_rng(seed)
    x = rand64(rng, (2, 3, h, w))
    xt = torch.tensor(x.data, requires_grad=True)
    y, yt = ours(x, size), theirs(xt, size)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


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


def test_ties_route_to_the_first_maximum_in_window_order(torch):
    x = tg.Tensor(np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 0.0, 0.0], [5.0, 5.0, 1.0, 1.0],
                              [5.0, 5.0, 1.0, 1.0]]]]), requires_grad=True)
    xt = torch.tensor(x.data, requires_grad=True)
    for kernel, stride in [(2, 2), (2, 1), (3, 1)]:
        x.grad, xt.grad = None, None
        max_pool2d(x, kernel, stride).sum().backward()
        torch.nn.functional.max_pool2d(xt, kernel, stride).sum().backward()
        assert_close(x.grad, xt.grad)
    x.grad = None
    max_pool2d(x, 2).sum().backward()
    assert x.grad.data[0, 0, :2, :2].tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert x.grad.data[0, 0, 2:, :2].tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_avg_pool2d_on_a_symbolic_4x4_input_is_the_window_mean():
    z = np.array(sympy.symbols("z0:16"), dtype=object).reshape(1, 1, 4, 4)
    d = np.array(sympy.symbols("d0:4"), dtype=object).reshape(1, 1, 2, 2)
    x = tg.Tensor(z, requires_grad=True)
    y = avg_pool2d(x, 2)
    for i, j in np.ndindex(2, 2):
        window = z[0, 0, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        assert sympy.simplify(y.data[0, 0, i, j] - sum(window.ravel()) / 4) == 0
    y.backward(tg.Tensor(d))
    for r, c in np.ndindex(4, 4):
        assert sympy.simplify(x.grad.data[0, 0, r, c] - d[0, 0, r // 2, c // 2] / 4) == 0


def test_max_pool2d_backward_with_rational_input_and_symbolic_delta_is_the_argmax_mask():
    """F36: δ_Z = Σ_ij δ_ij W_ij with W_ij the 0/1 indicator of window (i, j)'s maximum."""
    values = [1, 5, 2, 2, 0, 3, 7, 1, 4, 4, 0, 0, 1, 2, 3, 9]
    z = np.array([sympy.Rational(v, 3) for v in values], dtype=object).reshape(1, 1, 4, 4)
    d = np.array(sympy.symbols("d0:4"), dtype=object).reshape(1, 1, 2, 2)
    x = tg.Tensor(z, requires_grad=True)
    y = max_pool2d(x, 2)
    assert y.data.ravel().tolist() == [sympy.Rational(5, 3), sympy.Rational(7, 3), sympy.Rational(4, 3), 3]
    y.backward(tg.Tensor(d))
    d0, d1, d2, d3 = d.ravel()
    expected = [[0, d0, 0, 0], [0, 0, d1, 0], [d2, 0, 0, 0], [0, 0, 0, d3]]
    assert x.grad.data[0, 0].tolist() == expected


def test_symbolic_max_pool_with_padding_and_overlap_matches_numeric():
    values = np.arange(20)[::-1].reshape(1, 1, 4, 5) % 7
    exact = tg.Tensor(np.vectorize(sympy.Integer, otypes=[object])(values), requires_grad=True)
    numeric = tg.Tensor(values.astype(np.float64), requires_grad=True)
    for t in (exact, numeric):
        max_pool2d(t, 3, 2, 1).sum().backward()
    assert np.array(exact.grad.data, dtype=np.float64).tolist() == numeric.grad.data.tolist()


@pytest.mark.parametrize("hw", [(4, 4), (7, 5), (13, 11), (3, 2), (32, 32)])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_spatial_pyramid_pool_has_a_fixed_length(torch, hw, mode):
    rng = np.random.default_rng(hw[0])
    x = rand64(rng, (2, 3) + hw)
    y = spatial_pyramid_pool2d(x, (1, 2, 4), mode)
    assert y.shape == (2, 3 * (1 + 4 + 16))
    xt = torch.tensor(x.data)
    pool = getattr(torch.nn.functional, f"adaptive_{mode}_pool2d")
    assert_close(y, torch.cat([pool(xt, n).flatten(1) for n in (1, 2, 4)], 1))
    y.sum().backward()
    assert x.grad.shape == x.shape


def test_spatial_pyramid_pool_of_an_unbatched_input():
    assert spatial_pyramid_pool2d(tg.ones(3, 6, 5), (1, 3)).shape == (3 * 10,)


@pytest.mark.parametrize("call,message", [
    (lambda x: max_pool2d(x, 4, 2), "max_pool2d: output height (3 + 2·0 − 4)/2 + 1 = 0 is not positive "
                                    "(input 3, kernel 4, padding 0, stride 2)"),
    (lambda x: avg_pool2d(x, (1, 6)), "avg_pool2d: output width (5 + 2·0 − 6)/6 + 1 = 0 is not positive"),
    (lambda x: max_pool2d(x, 2, 0), "max_pool2d: stride must be positive"),
    (lambda x: avg_pool2d(x, 3, 1, 2), "avg_pool2d: padding (2, 2) must be between 0 and half the kernel size"),
    (lambda x: max_pool2d(x, 0), "max_pool2d: kernel_size must be positive"),
    (lambda x: max_pool2d(x.reshape(3, 5), 2), "max_pool2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) "
                                                "input, got shape (3, 5)"),
    (lambda x: adaptive_avg_pool2d(x, 0), "adaptive_avg_pool2d: output_size"),
    (lambda x: spatial_pyramid_pool2d(x, mode="sum"), "spatial_pyramid_pool2d: mode must be 'max' or 'avg'"),
])
def test_errors_name_the_op_and_the_rule(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call(tg.ones(1, 1, 3, 5))


def test_symbolic_max_pool_that_cannot_be_decided_says_so():
    x = tg.Tensor(np.array(sympy.symbols("a0:4"), dtype=object).reshape(1, 1, 2, 2))
    with pytest.raises(TypeError, match="max_pool2d: cannot decide"):
        max_pool2d(x, 2)


@pytest.mark.torch
def test_max_pool_routes_nan_and_ties_as_torch(torch):
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 1] = x[0, 0, 2, 2] = x[0, 0, 3, 3] = np.nan
    x[0, 0, 0, 2] = x[0, 0, 1, 3] = 5.0
    ours = tg.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    max_pool2d(ours, 2).sum().backward()
    torch.nn.functional.max_pool2d(theirs, 2).sum().backward()
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())
