"""F.embedding against PyTorch: values, gradients that add up over repeated indices, no gradient for the
padding row, scale_grad_by_freq, max_norm's in-place renormalisation; central differences, second
derivatives, symbolic weights, and the errors for bad indices."""
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.embedding import embedding
from tests.helpers import assert_close, numeric_grad, rand64


@given(rows=st.integers(1, 6), dim=st.integers(1, 4), index_shape=st.sampled_from([(), (5,), (2, 3), (1, 2, 2)]),
       padding=st.booleans(), freq=st.booleans(), seed=st.integers(0, 2**16))
def test_embedding_matches_torch(rows, dim, index_shape, padding, freq, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    w = rand64(rng, (rows, dim))
    idx = rng.integers(0, rows, index_shape)
    padding_idx = int(rng.integers(-rows, rows)) if padding else None
    wt = torch.tensor(w.data, requires_grad=True)
    y = embedding(tg.tensor(idx), w, padding_idx, scale_grad_by_freq=freq)
    yt = torch.nn.functional.embedding(torch.tensor(idx), wt, padding_idx, scale_grad_by_freq=freq)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(w.grad, wt.grad)


def test_repeated_indices_add_up_and_the_padding_row_gets_nothing():
    w = tg.Tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    y = embedding(np.array([[1, 1, 3], [1, 0, 3]]), w, padding_idx=3)
    np.testing.assert_array_equal(y.data[0, 2], [6.0, 7.0])
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[1, 1], [3, 3], [0, 0], [0, 0]])


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    w = rand64(rng, (5, 3))
    idx = np.array([[0, 4, 4], [2, 0, 1]])
    fn = lambda t: embedding(idx, t, padding_idx=1) ** 2  # noqa: E731
    y = fn(w)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    expected = numeric_grad(fn, w, v)
    expected[1] = 0  # padding_idx: no gradient by definition (the forward still reads the row)
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-6, atol=1e-8)


def test_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(1)
    w = rand64(rng, (4, 3))
    idx = np.array([0, 2, 2, 3])
    v = rng.standard_normal((4, 3))
    (gw,) = tg.grad((embedding(idx, w, padding_idx=3) ** 3 * tg.Tensor(v)).sum(), [w], create_graph=True)
    (ggw,) = tg.grad((gw * gw).sum(), [w])
    wt = torch.tensor(w.data, requires_grad=True)
    yt = torch.nn.functional.embedding(torch.tensor(idx), wt, padding_idx=3)
    (gwt,) = torch.autograd.grad((yt ** 3 * torch.tensor(v)).sum(), wt, create_graph=True)
    (ggwt,) = torch.autograd.grad((gwt * gwt).sum(), wt)
    assert_close(gw, gwt)
    assert_close(ggw, ggwt)


def test_max_norm_renormalises_the_rows_used_in_place_as_torch(torch):
    rng = np.random.default_rng(2)
    w = rng.standard_normal((5, 3)) * 3
    idx = np.array([[0, 1], [1, 4]])
    ours, theirs = tg.Tensor(w.copy()), torch.tensor(w.copy())
    version = ours._version
    y = embedding(tg.tensor(idx), ours, max_norm=1.5, norm_type=1.0)
    yt = torch.nn.functional.embedding(torch.tensor(idx), theirs, max_norm=1.5, norm_type=1.0)
    assert_close(y, yt)
    assert_close(ours, theirs)
    np.testing.assert_array_equal(ours.data[[2, 3]], w[[2, 3]])
    assert ours._version == version + 1


def test_symbolic_weights_give_the_rows_and_exact_gradients():
    a = np.array(sympy.symbols("w0:6"), dtype=object).reshape(3, 2)
    w = tg.Tensor(a, requires_grad=True)
    y = embedding(np.array([2, 0, 2]), w, scale_grad_by_freq=True)
    assert list(y.data[0]) == list(a[2])
    (y * y).sum().backward()
    assert sympy.simplify(w.grad.data[2, 0] - 2 * a[2, 0]) == 0
    assert w.grad.data[1, 0] == 0


def test_output_dtype_and_functional_name():
    w = tg.randn(4, 2)
    assert F.embedding(tg.tensor([1, 2]), w).dtype == np.float32
    assert F.embedding(np.array([[1]], np.int32), w).shape == (1, 1, 2)


@pytest.mark.parametrize("call, error, message", [
    (lambda w: embedding(tg.tensor([1.0]), w), TypeError, "embedding: indices must be integers (int64 or int32), "
                                                          "got dtype float32"),
    (lambda w: embedding(tg.tensor([4]), w), IndexError, "embedding: index 4 is out of range for 4 embeddings "
                                                         "(valid 0 … 3)"),
    (lambda w: embedding(tg.tensor([-1]), w), IndexError, "embedding: index -1 is out of range for 4 embeddings"),
    (lambda w: embedding(tg.tensor([0]), w, padding_idx=4), IndexError, "embedding: padding_idx 4 must be within "
                                                                        "num_embeddings 4"),
    (lambda w: embedding(tg.tensor([0]), w[0]), ShapeError, "embedding: weight must be 2-D (num_embeddings, "
                                                            "embedding_dim), got shape (2,)"),
    (lambda w: embedding(tg.tensor([0]), w, sparse=True), ShapeError, "embedding: sparse gradients are not available"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(tg.randn(4, 2))


@pytest.mark.torch
def test_out_of_range_is_an_index_error_as_in_torch(torch):
    with pytest.raises(IndexError):
        torch.nn.functional.embedding(torch.tensor([4]), torch.randn(4, 2))
    with pytest.raises(IndexError):
        embedding(tg.tensor([4]), tg.randn(4, 2))


def test_an_output_larger_than_memory_is_refused_before_allocating():
    idx = np.broadcast_to(np.zeros(1, np.int64), (10**7, 10**4))
    with pytest.raises(MemoryError, match=r"embedding: an array of shape \(10000000, 10000, 8\) and dtype float32"):
        embedding(idx, tg.randn(2, 8))
