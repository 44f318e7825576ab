"""The *_with_indices pooling names, max_unpool1d and lp_pool3d: values, indices and gradients against PyTorch
and finite differences; bad input names the op."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, numeric_grad, rand64


@pytest.mark.torch
@pytest.mark.parametrize("name,shape,args", [
    ("max_pool1d_with_indices", (2, 3, 9), (3, 2, 1)),
    ("max_pool2d_with_indices", (2, 2, 6, 7), ((3, 2), 2, 1, 1, True)),
    ("max_pool3d_with_indices", (1, 2, 4, 5, 6), (2, (1, 2, 2), 1)),
    ("max_pool2d_with_indices", (2, 6, 7), (2,)),
    ("adaptive_max_pool1d_with_indices", (2, 3, 10), (4,)),
    ("adaptive_max_pool2d_with_indices", (2, 3, 7, 5), ((3, 2),)),
    ("adaptive_max_pool3d_with_indices", (1, 2, 5, 4, 6), ((2, 3, 4),)),
])
def test_with_indices_match_torch(torch, name, shape, args):
    rng = np.random.default_rng(0)
    x = rand64(rng, shape)
    values, indices = getattr(F, name)(x, *args)
    tx = torch.tensor(x.data, requires_grad=True)
    tvalues, tindices = getattr(torch.nn.functional, name)(tx, *args)
    assert_close(values, tvalues)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.data, tindices.numpy())
    v = rng.normal(size=values.shape)
    (values * tg.Tensor(v)).sum().backward()
    (tvalues * torch.tensor(v)).sum().backward()
    assert_close(x.grad, tx.grad)


def test_with_indices_ignore_return_indices_false():
    values_indices = F.max_pool2d_with_indices(tg.randn(1, 1, 4, 4), 2, return_indices=False)
    assert isinstance(values_indices, tuple) and len(values_indices) == 2


@st.composite
def unpool_cases(draw):
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    p = draw(st.integers(0, k // 2))
    n_out = draw(st.integers(1, 5))
    length = (n_out - 1) * s + k - 2 * p
    return k, s, p, max(length, 1), draw(st.booleans()), draw(st.integers(0, 2**31))


@pytest.mark.torch
@given(unpool_cases())
def test_max_unpool1d_matches_torch(torch, case):
    k, s, p, length, batched, seed = case
    rng = np.random.default_rng(seed)
    shape = (2, 3, length) if batched else (3, length)
    x = rng.normal(size=shape)
    tvals, tidx = torch.nn.functional.max_pool1d(torch.tensor(x), k, s, p, return_indices=True)
    size = (length,)
    vals = tg.Tensor(tvals.numpy().copy(), requires_grad=True)
    out = F.max_unpool1d(vals, tg.Tensor(tidx.numpy()), k, s, p, output_size=size)
    tv = tvals.clone().requires_grad_(True)
    ref = torch.nn.functional.max_unpool1d(tv, tidx, k, s, p, output_size=size)
    assert_close(out, ref)
    w = rng.normal(size=out.shape)
    (out * tg.Tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    assert_close(vals.grad, tv.grad)


def test_max_unpool1d_gradient_finite_differences():
    rng = np.random.default_rng(1)
    x = rand64(rng, (1, 2, 4))
    idx = tg.tensor([[[0, 3, 4, 7], [1, 2, 5, 6]]])
    v = rng.normal(size=(1, 2, 8))
    (F.max_unpool1d(x, idx, 2) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.max_unpool1d(t, idx, 2), x, v), atol=1e-8)


@pytest.mark.parametrize("call,error,message", [
    (lambda: F.max_unpool1d(tg.zeros(1, 1, 3), tg.tensor([[[0, 1, 9]]]), 2), IndexError, "max_unpool1d: index 9"),
    (lambda: F.max_unpool1d(tg.zeros(1, 1, 3), tg.zeros(1, 1, 2, dtype=tg.int64), 2), ShapeError,
     "max_unpool1d: indices shape"),
    (lambda: F.max_unpool1d(tg.zeros(1, 1, 3), tg.zeros(1, 1, 3, dtype=tg.int32), 2), TypeError, "int64"),
    (lambda: F.max_unpool1d(tg.zeros(1, 1, 1, 3), tg.zeros(1, 1, 1, 3, dtype=tg.int64), 2), ShapeError,
     "max_unpool1d: expected"),
    (lambda: F.lp_pool3d(tg.zeros(1, 1, 2, 2, 2), 0, 2), ShapeError, "lp_pool3d: norm_type"),
    (lambda: F.lp_pool3d(tg.zeros(1, 1, 2, 2, 2), "2", 2), TypeError, "lp_pool3d: argument 'norm_type'"),
    (lambda: F.lp_pool3d(tg.zeros(1, 1, 2, 2, 2), 2, (2, 2)), ShapeError, "lp_pool3d: kernel_size"),
])
def test_bad_input_names_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.torch
@pytest.mark.parametrize("p,kernel,stride,ceil", [(2, 2, None, False), (3, (2, 1, 2), 1, False),
                                                  (1.5, 2, (1, 2, 1), True), (float("inf"), 2, 1, False)])
def test_lp_pool3d_matches_torch(torch, p, kernel, stride, ceil):
    rng = np.random.default_rng(2)
    x = tg.Tensor(rng.uniform(0.2, 2.0, (2, 2, 4, 3, 5)), requires_grad=True)
    out = F.lp_pool3d(x, p, kernel, stride, ceil)
    tx = torch.tensor(x.data, requires_grad=True)
    ref = torch.nn.functional.lp_pool3d(tx, p, kernel, stride, ceil)
    assert_close(out, ref, rtol=1e-10)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    (ref * torch.tensor(v)).sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-9)


def test_lp_pool3d_gradient_finite_differences():
    rng = np.random.default_rng(3)
    x = tg.Tensor(rng.uniform(0.3, 2.0, (1, 1, 3, 3, 4)), requires_grad=True)
    out = F.lp_pool3d(x, 3, 2, 1)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.lp_pool3d(t, 3, 2, 1), x, v), atol=1e-7)
