"""1-D pooling (the 2-D ops on an inserted axis) against PyTorch: values, indices along L, gradients; central
differences; the errors name the 1-D op."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.pool1d import avg_pool1d, max_pool1d
from tests.helpers import assert_close, numeric_grad, rand64


@st.composite
def case_1d(draw):
    k, s = draw(st.integers(1, 5)), draw(st.sampled_from([None, 1, 2, 3]))
    p, d = draw(st.integers(0, k // 2)), draw(st.integers(1, 3))
    n = max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 6))
    lead = draw(st.sampled_from([(2, 3), (1, 1), (3,), (0, 2)]))
    return lead + (n,), k, s, p, d, draw(st.booleans())


@pytest.mark.torch
@given(case=case_1d(), seed=st.integers(0, 2**16))
def test_max_pool1d_matches_torch(torch, case, seed):
    shape, k, s, p, d, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = tg.Tensor(rng.integers(-2, 3, shape).astype(np.float64), requires_grad=True)
    xt = torch.tensor(x.data, requires_grad=True)
    yt, it = torch.nn.functional.max_pool1d(xt, k, s, p, d, ceil_mode, True)
    try:
        y, i = max_pool1d(x, k, s, p, d, ceil_mode, return_indices=True)
    except ShapeError as err:
        probe = torch.nn.functional.max_pool1d(torch.zeros(1, 1, shape[-1]), k, s, p, d, ceil_mode)
        assert "reads only padding" in str(err) and torch.isinf(probe).any()
        return
    assert_close(y, yt)
    assert i.dtype == np.int64 and np.array_equal(i.data, it.numpy())
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
@given(case=case_1d(), seed=st.integers(0, 2**16), count_include_pad=st.booleans())
def test_avg_pool1d_matches_torch(torch, case, seed, count_include_pad):
    shape, k, s, p, _, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape)
    xt = torch.tensor(x.data, requires_grad=True)
    y = avg_pool1d(x, k, s, p, ceil_mode, count_include_pad)
    yt = torch.nn.functional.avg_pool1d(xt, k, s, p, ceil_mode, count_include_pad)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@pytest.mark.parametrize("fn", [lambda x: max_pool1d(x, 3, 2, 1, 2, True),
                                lambda x: avg_pool1d(x, 4, 3, 2, True, False)])
def test_1d_gradient_matches_finite_differences(fn):
    rng = np.random.default_rng(5)
    x = rand64(rng, (2, 2, 9))
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


def test_1d_pooling_equals_2d_pooling_with_a_1xk_kernel():
    x = rand64(np.random.default_rng(0), (2, 3, 11))
    y2, i2 = F.max_pool2d(x.unsqueeze(2), (1, 3), (1, 2), (0, 1), (1, 2), True, True)
    y1, i1 = max_pool1d(x, 3, 2, 1, 2, True, True)
    np.testing.assert_array_equal(y1.data, y2.data[:, :, 0])
    np.testing.assert_array_equal(i1.data, i2.data[:, :, 0])
    y2 = F.avg_pool2d(x.unsqueeze(2), (1, 3), (1, 2), (0, 1), True)
    np.testing.assert_array_equal(avg_pool1d(x, 3, 2, 1, True).data, y2.data[:, :, 0])


def test_functional_names():
    assert F.max_pool1d is max_pool1d and F.avg_pool1d is avg_pool1d
