"""Reductions: sum, mean, max over any dims, with keepdim, against finite differences and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


@st.composite
def tensor_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    dims = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                          st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True)))
    return shape, dims, draw(st.booleans())


@pytest.mark.parametrize("op", ["sum", "mean", "max"])
@given(case=tensor_and_dims(), seed=st.integers(0, 2**16))
def test_reduction_gradient_matches_finite_differences(op, case, seed):
    shape, dims, keepdim = case
    x = rand64(np.random.default_rng(seed), shape)
    assert gradcheck(lambda t: getattr(t, op)(dims, keepdim), [x])


@pytest.mark.parametrize("op", ["sum", "mean", "max"])
@pytest.mark.parametrize("dims,keepdim", [(None, False), (1, False), (1, True), ((0, 2), False), (-1, True)])
def test_reduction_matches_torch(torch, op, dims, keepdim):
    x = rand64(np.random.default_rng(5), (2, 3, 4))
    xt = to_torch(torch, x)
    y = getattr(x, op)(dims, keepdim)
    if op == "max":
        yt = xt.amax(dim=() if dims is None else dims, keepdim=keepdim)
    elif dims is None:
        yt = getattr(xt, op)()
    else:
        yt = getattr(xt, op)(dim=dims, keepdim=keepdim)
    assert_close(y, yt)
    g = np.random.default_rng(6).standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


def test_max_splits_gradient_evenly_among_ties():
    x = tg.Tensor(np.array([1.0, 3.0, 3.0, 2.0]), requires_grad=True)
    x.max().backward()
    assert x.grad.data.tolist() == [0.0, 0.5, 0.5, 0.0]


def test_out_of_range_dim_names_the_op():
    with pytest.raises(IndexError, match="sum: dimension 3 is out of range"):
        tg.ones(2, 2).sum(3)
