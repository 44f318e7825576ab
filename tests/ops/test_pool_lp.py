"""lp_pool1d / lp_pool2d against PyTorch (values and gradients) over shapes, p, kernel, stride and ceil_mode;
p = 1 is sum pooling and p = ±∞ max/min of |x|; finite differences in float64; SymPy values; errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad, rand64, to_torch


@pytest.mark.torch
@given(dims=st.sampled_from([1, 2]), batched=st.booleans(), p=st.sampled_from([1, 2, 3, 1.5, 4.0, float("inf")]),
       k=st.integers(1, 3), s=st.sampled_from([None, 1, 2]), ceil=st.booleans(), extra=st.integers(0, 3),
       seed=st.integers(0, 50))
def test_as_pytorch(torch, dims, batched, p, k, s, ceil, extra, seed):
    rng = np.random.default_rng(seed)
    shape = ((2,) if batched else ()) + (3,) + (k + extra,) * dims
    x = rand64(rng, shape, 0.1, 2.0)  # positive: xᵖ of a negative x and a fractional p is NaN in both
    xt = to_torch(torch, x)
    ours = getattr(F, f"lp_pool{dims}d")(x, p, k, s, ceil)
    theirs = getattr(torch.nn.functional, f"lp_pool{dims}d")(xt, p, k, s, ceil)
    assert_close(ours, theirs, rtol=1e-10)
    v = rng.standard_normal(ours.shape)
    ours.backward(tg.Tensor(v))
    theirs.backward(torch.tensor(v))
    assert_close(x.grad, xt.grad, rtol=1e-8, atol=1e-12)


@pytest.mark.torch
def test_signed_inputs_and_zero_windows_as_pytorch(torch):
    x = tg.Tensor(np.array([[[-1.0, 2.0, 0.0, 0.0, -3.0, 1.0]]]), requires_grad=True)
    xt = to_torch(torch, x)
    for p in (2, 3, float("-inf")):
        x.grad, xt.grad = None, None
        ours, theirs = F.lp_pool1d(x, p, 2), torch.nn.functional.lp_pool1d(xt, p, 2)
        assert_close(ours, theirs, rtol=1e-12)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12)  # NaN where PyTorch has NaN


def test_p_one_is_sum_pooling_and_finite_differences():
    rng = np.random.default_rng(0)
    x = rand64(rng, (1, 2, 4, 4), 0.2, 2.0)
    np.testing.assert_allclose(F.lp_pool2d(x, 1, 2).data, F.avg_pool2d(x, 2).data * 4, rtol=1e-12)
    v = rng.standard_normal((1, 2, 2, 2))
    F.lp_pool2d(x, 3, 2).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.lp_pool2d(t, 3, 2), x, v), rtol=1e-6, atol=1e-8)


def test_symbolic_window_norm_is_exact():
    a, b, c, d = sympy.symbols("a b c d", positive=True)
    x = tg.Tensor(np.array([[[a, b, c, d]]], dtype=object))
    y = F.lp_pool1d(x, 2, 2)
    assert sympy.simplify(y.data[0, 0, 0] - sympy.sqrt(a ** 2 + b ** 2)) == 0
    assert sympy.simplify(y.data[0, 0, 1] - sympy.sqrt(c ** 2 + d ** 2)) == 0


def test_errors_name_the_op():
    with pytest.raises(RuntimeError, match="lp_pool2d"):
        F.lp_pool2d(tg.ones(1, 1, 2, 2), 2, 3)
    with pytest.raises(ValueError, match="lp_pool1d: norm_type"):
        F.lp_pool1d(tg.ones(1, 1, 4), 0, 2)
    with pytest.raises(TypeError, match="lp_pool1d"):
        F.lp_pool1d(tg.ones(1, 1, 4), "2", 2)
    with pytest.raises(RuntimeError, match="lp_pool1d"):
        F.lp_pool1d(tg.ones(4), 2, 2)
