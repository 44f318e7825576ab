"""ops/scatter_views.py: select_scatter, slice_scatter, diagonal_scatter, masked_scatter, put, index_reduce and
fill_diagonal_ against PyTorch (values, dtypes, gradients for input and src) and finite differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad

pytestmark = pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")

R = np.random.default_rng(0)
X = R.uniform(-1, 1, (3, 4))

# name: (input shape, src shape, args after (input, src)) with src as the second argument
CASES = [
    ("select_scatter", (3, 4), (4,), (0, 1)),
    ("select_scatter", (3, 4), (3,), (1, -1)),
    ("slice_scatter", (3, 4), (3, 2), (1, 0, 4, 2)),
    ("slice_scatter", (3, 4), (2, 4), (0, 1)),
    ("diagonal_scatter", (3, 4), (3,), ()),
    ("diagonal_scatter", (3, 4), (2,), (2,)),
    ("diagonal_scatter", (2, 3, 4), (4, 2), (0, 0, 1)),
    ("diagonal_scatter", (2, 3, 4), (2, 3), (-1, 2, 1)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, shape, src_shape, args", CASES)
def test_view_scatters_match_pytorch_in_values_and_gradients(torch, name, shape, src_shape, args):
    x0, s0 = R.uniform(-1, 1, shape), R.uniform(-1, 1, src_shape)
    w = R.uniform(-1, 1, shape)
    x, s = tg.tensor(x0, requires_grad=True), tg.tensor(s0, requires_grad=True)
    tx, ts = torch.tensor(x0, requires_grad=True), torch.tensor(s0, requires_grad=True)
    out, tout = getattr(tg, name)(x, s, *args), getattr(torch, name)(tx, ts, *args)
    assert_close(out, tout)
    assert_close(getattr(x, name)(s, *args), tout)
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)
    fd = numeric_grad(lambda t: getattr(tg, name)(tg.tensor(x0), t, *args), tg.tensor(s0), w)
    np.testing.assert_allclose(s.grad.data, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_view_scatter_casts_src_to_input_dtype_as_pytorch(torch):
    out = tg.select_scatter(tg.zeros(2, 3), tg.tensor([1, 2, 3]), 0, 1)
    tout = torch.select_scatter(torch.zeros(2, 3), torch.tensor([1, 2, 3]), 0, 1)
    assert out.dtype == tg.float32
    assert_close(out, tout)


@pytest.mark.parametrize("call", [
    lambda: tg.slice_scatter(tg.zeros(2, 3), tg.ones(2, 1), 1, 0, 3, 2),
    lambda: tg.select_scatter(tg.zeros(2, 3), tg.ones(2), 0, 0),
    lambda: tg.diagonal_scatter(tg.zeros(2, 3), tg.ones(3)),
])
def test_a_src_of_the_wrong_shape_is_refused_naming_both_shapes(call):
    with pytest.raises(RuntimeError, match="src size"):
        call()


def test_out_of_range_select_index_is_an_index_error():
    with pytest.raises(IndexError, match="select_scatter: index 3"):
        tg.select_scatter(tg.zeros(2, 3), tg.ones(2), 1, 3)


@pytest.mark.torch
@given(st.lists(st.booleans(), min_size=12, max_size=12), st.booleans())
def test_masked_scatter_matches_pytorch_with_a_broadcast_mask(torch, bits, row):
    mask = np.array(bits).reshape(3, 4)[:1] if row else np.array(bits).reshape(3, 4)
    src = np.arange(14.0)
    x0 = X.copy()
    x, s = tg.tensor(x0, requires_grad=True), tg.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(x0, requires_grad=True), torch.tensor(src, requires_grad=True)
    out, tout = x.masked_scatter(tg.tensor(mask), s), tx.masked_scatter(torch.tensor(mask), ts)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)


def test_masked_scatter_refuses_too_small_a_source_and_a_non_bool_mask():
    with pytest.raises(RuntimeError, match="number of elements of source"):
        tg.zeros(2, 3).masked_scatter(tg.tensor([True, False, True]), tg.arange(1.0))
    with pytest.raises(TypeError, match="bool"):
        tg.zeros(2, 3).masked_scatter(tg.tensor([1, 0, 1]), tg.arange(6.0))


@pytest.mark.torch
@pytest.mark.parametrize("accumulate", [False, True])
def test_put_matches_pytorch_with_negative_and_repeated_indices(torch, accumulate):
    idx = np.array([[0, -1], [5, 5 if accumulate else 6]])
    src = np.array([[1.0, 2.0], [3.0, 4.0]])
    x, s = tg.tensor(X, requires_grad=True), tg.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(X, requires_grad=True), torch.tensor(src, requires_grad=True)
    out = x.put(tg.tensor(idx), s, accumulate=accumulate)
    tout = tx.put(torch.tensor(idx), ts, accumulate=accumulate)
    assert_close(out, tout)
    w = R.uniform(-1, 1, (3, 4))
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)


def test_put_refuses_an_out_of_range_index_and_a_mismatched_count():
    with pytest.raises(IndexError, match="put: index 12"):
        tg.zeros(3, 4).put(tg.tensor([12]), tg.tensor([1.0]))
    with pytest.raises(RuntimeError, match="same number of elements"):
        tg.zeros(3, 4).put(tg.tensor([1, 2]), tg.tensor([1.0]))


@pytest.mark.torch
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_matches_pytorch(torch, reduce, include_self):
    src = R.uniform(-1, 1, (3, 3))
    idx = np.array([2, 0, 2])
    x, s = tg.tensor(X[:, :3], requires_grad=True), tg.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(X[:, :3], requires_grad=True), torch.tensor(src, requires_grad=True)
    out = tg.index_reduce(x, 1, tg.tensor(idx), s, reduce, include_self=include_self)
    tout = torch.index_reduce(tx, 1, torch.tensor(idx), ts, reduce, include_self=include_self)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)


@pytest.mark.torch
@pytest.mark.parametrize("shape, wrap", [((3, 4), False), ((3, 4), True), ((7, 3), False), ((7, 3), True),
                                         ((3, 3, 3), False)])
def test_fill_diagonal_matches_pytorch_in_place(torch, shape, wrap):
    x, tx = tg.ones(*shape), torch.ones(*shape)
    assert x.fill_diagonal_(5.0, wrap=wrap) is x
    tx.fill_diagonal_(5.0, wrap=wrap)
    assert x._version == 1
    assert_close(x, tx)


@pytest.mark.torch
def test_fill_diagonal_on_a_graph_tensor_gives_zero_gradient_on_the_diagonal(torch):
    a, ta = tg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    b, tb = a * 2.0, ta * 2.0
    b.fill_diagonal_(0.0)
    tb.fill_diagonal_(0.0)
    b.sum().backward()
    tb.sum().backward()
    assert_close(a.grad, ta.grad)


def test_fill_diagonal_refuses_unequal_dimensions_beyond_two():
    with pytest.raises(RuntimeError, match="equal length"):
        tg.ones(2, 3, 3).fill_diagonal_(1.0)


@pytest.mark.torch
def test_masked_scatter_broadcasts_input_to_the_mask_out_of_place_and_refuses_in_place(torch):
    mask = X > 0
    out = tg.zeros(4).masked_scatter(tg.tensor(mask), tg.arange(12.0))
    assert_close(out, torch.zeros(4).masked_scatter(torch.tensor(mask), torch.arange(12.0)))
    with pytest.raises(RuntimeError, match="cannot broadcast its target"):
        tg.zeros(4).masked_scatter_(tg.tensor(mask), tg.arange(12.0))
