"""sort / argsort / topk: (values, indices) as PyTorch (NaN largest, ties in index order), δ back to the
entry each value came from (PyTorch and finite differences), exact rationals sort exactly."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.inspect import gradcheck
from tests.helpers import rand64


@st.composite
def tensor_and_dim(draw):
    """Values with ties (small integers) and sometimes NaN, a dim of their shape."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    values = rng.integers(-2, 3, shape).astype(np.float64)
    if draw(st.booleans()):
        values[rng.random(shape) < 0.2] = np.nan
    return values, draw(st.integers(-len(shape), len(shape) - 1))


@pytest.mark.torch
@given(case=tensor_and_dim(), descending=st.booleans())
def test_sort_values_indices_and_gradient_match_torch(torch, case, descending):
    values, dim = case
    x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    ours = x.sort(dim, descending)
    theirs = torch.sort(xt, dim=dim, descending=descending, stable=True)
    assert type(ours).__name__ == type(theirs).__name__ == "sort"
    np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    np.testing.assert_array_equal(tg.argsort(values, dim, descending).data, theirs.indices.numpy())
    np.testing.assert_array_equal(x.argsort(dim=dim, descending=descending).data, theirs.indices.numpy())
    g = np.random.default_rng(1).standard_normal(values.shape)
    ours.values.backward(tg.tensor(g))
    theirs.values.backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
def test_default_sort_keeps_ties_in_index_order_like_torch_cpu(torch):
    values = np.array([2.0, 1.0, 2.0, np.nan, 1.0, 2.0, np.nan])
    for descending in (False, True):
        theirs = torch.sort(torch.tensor(values), descending=descending)
        assert tg.sort(values, descending=descending).indices.tolist() == theirs.indices.tolist()


@pytest.mark.torch
@given(case=tensor_and_dim(), largest=st.booleans(), data=st.data())
def test_topk_values_match_torch_and_indices_point_at_them(torch, case, largest, data):
    values, dim = case
    k = data.draw(st.integers(0, values.shape[dim]))
    x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    ours, theirs = x.topk(k, dim, largest), torch.topk(xt, k, dim, largest)
    assert type(ours).__name__ == "topk" and ours.indices.dtype == np.int64
    np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(np.take_along_axis(values, ours.indices.data, dim), ours.values.data)
    # among equal entries the earlier index comes first (PyTorch leaves that order open)
    np.testing.assert_array_equal(ours.indices.data,
                                  np.take(tg.argsort(values, dim, descending=largest).data, np.arange(k), dim))
    g = np.random.default_rng(2).standard_normal(ours.values.shape)
    ours.values.backward(tg.tensor(g))
    expected = np.zeros(values.shape)
    np.put_along_axis(expected, ours.indices.data, g, dim)
    np.testing.assert_array_equal(x.grad.data, expected)


@pytest.mark.torch
@given(rows=st.integers(1, 3), n=st.integers(8, 40), seed=st.integers(0, 2**16), largest=st.booleans(),
       dim=st.sampled_from([0, 1]), data=st.data())
def test_topk_of_long_rows_is_the_start_of_the_stable_sort(torch, rows, n, seed, largest, dim, data):
    k = data.draw(st.integers(0, n))
    rng = np.random.default_rng(seed)
    values = rng.choice([-np.inf, -1.0, 0.0, 0.5, 2.0, np.inf, np.nan], (rows, n) if dim == 1 else (n, rows))
    ours = tg.topk(values, k, dim, largest)
    expected = np.take(tg.argsort(values, dim, descending=largest).data, np.arange(k), dim)
    np.testing.assert_array_equal(ours.indices.data, expected)
    np.testing.assert_array_equal(ours.values.data, torch.topk(torch.tensor(values), k, dim, largest).values.numpy())


@pytest.mark.torch
def test_topk_without_ties_matches_torch_indices_and_gradient(torch):
    values = np.random.default_rng(3).permutation(24).reshape(4, 6).astype(np.float64)
    for largest in (True, False):
        x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        ours, theirs = tg.topk(x, 3, dim=1, largest=largest), torch.topk(xt, 3, dim=1, largest=largest)
        np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
        ours.values.sum().backward()
        theirs.values.sum().backward()
        np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**16))
def test_sort_and_topk_gradients_match_finite_differences(shape, seed):
    x = rand64(np.random.default_rng(seed), tuple(shape))
    assert gradcheck(lambda t: t.sort(0, descending=True).values * t.tanh(), [x])
    assert gradcheck(lambda t: t.topk(1, -1).values.exp(), [x])


def test_topk_k_out_of_range_is_a_shape_error(torch):
    with pytest.raises(ShapeError, match=r"topk: k = 4 is out of range for dimension -1 of size 3"):
        tg.topk(tg.ones(3), 4)
    with pytest.raises(RuntimeError):
        torch.topk(torch.ones(3), 4)
    with pytest.raises(IndexError, match="sort: dimension 2"):
        tg.ones(2, 2).sort(2)


def test_sort_of_exact_rationals_and_0d_tensors():
    third, half = sympy.Rational(1, 3), sympy.Rational(1, 2)
    x = tg.Tensor(np.array([half, third, 1, third], dtype=object), requires_grad=True)
    values, indices = x.sort(descending=True)
    assert values.tolist() == [1, half, third, third] and indices.tolist() == [2, 0, 1, 3]
    d = sympy.symbols("d0:4")
    values.backward(tg.Tensor(np.array(d, dtype=object)))
    assert x.grad.tolist() == [d[1], d[2], d[0], d[3]]
    v, i = tg.tensor(2.0).sort()
    assert v.shape == () and v.item() == 2.0 and i.item() == 0
    assert tg.tensor(2.0).topk(1).values.item() == 2.0
