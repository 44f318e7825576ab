"""normalize, cosine_similarity and pairwise_distance against PyTorch (values and gradients, near-zero vectors
where the ε guards act, broadcasting), finite differences in float64, SymPy values and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad, rand64


def _both(torch, ours, theirs, *arrays):
    xs = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(9).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad, rtol=1e-8, atol=1e-8 * max(1.0, float(np.abs(t.grad.numpy()).max())))


@pytest.mark.torch
@given(n=st.integers(1, 3), d=st.integers(1, 4), p=st.sampled_from([1, 2, 3, 1.5, float("inf")]),
       zero_row=st.booleans(), seed=st.integers(0, 99))
def test_normalize_as_pytorch(torch, n, d, p, zero_row, seed):
    x = np.random.default_rng(seed).standard_normal((n, d, 2))
    if zero_row:
        x[0] = 0.0
    for dim in (1, -1, 0):
        _both(torch, lambda t: F.normalize(t, p, dim), lambda t: torch.nn.functional.normalize(t, p, dim), x)


@pytest.mark.torch
@given(shape1=st.sampled_from([(3, 4), (2, 3, 4), (4,), (1, 4)]), shape2=st.sampled_from([(3, 4), (1, 4), (4,)]),
       tiny=st.sampled_from([None, 0.0, 1e-10]), seed=st.integers(0, 99))
def test_cosine_similarity_as_pytorch(torch, shape1, shape2, tiny, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(shape1), rng.standard_normal(shape2)
    if tiny is not None:  # a row whose norm is 0 or below ε
        a.reshape(-1, a.shape[-1])[0] = tiny
    _both(torch, lambda x, y: F.cosine_similarity(x, y, -1),
          lambda x, y: torch.nn.functional.cosine_similarity(x, y, -1), a, b)
    if a.ndim == 3:  # along the default dim 1, broadcasting a (3, 1) against (2, 3, 4)
        _both(torch, F.cosine_similarity, torch.nn.functional.cosine_similarity, a, rng.standard_normal((3, 1)))


@pytest.mark.torch
@given(shape=st.sampled_from([(3, 4), (4,), (2, 3, 2)]), p=st.sampled_from([1, 2, 3, 0.5, float("inf")]),
       keepdim=st.booleans(), same=st.booleans(), seed=st.integers(0, 99))
def test_pairwise_distance_as_pytorch(torch, shape, p, keepdim, same, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    b = a.copy() if same else rng.standard_normal(shape)
    _both(torch, lambda x, y: F.pairwise_distance(x, y, p, keepdim=keepdim),
          lambda x, y: torch.nn.functional.pairwise_distance(x, y, p, keepdim=keepdim), a, b)


def test_finite_differences():
    rng = np.random.default_rng(0)
    x, y = rand64(rng, (3, 4)), rand64(rng, (3, 4), requires_grad=False)
    v = rng.standard_normal(3)
    F.cosine_similarity(x, y).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.cosine_similarity(t, y), x, v), rtol=1e-6, atol=1e-8)
    x.grad = None
    F.pairwise_distance(x, y, 3).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.pairwise_distance(t, y, 3), x, v), rtol=1e-6, atol=1e-8)
    x.grad = None
    w = rng.standard_normal((3, 4))
    F.normalize(x).backward(tg.Tensor(w))
    assert_close(x.grad, numeric_grad(F.normalize, x, w), rtol=1e-6, atol=1e-8)


def test_symbolic_values():
    a, b, c, d = sympy.symbols("a b c d", positive=True)
    x = tg.Tensor(np.array([[a, b]], dtype=object))
    y = tg.Tensor(np.array([[c, d]], dtype=object))
    cos = F.cosine_similarity(x, y).data[0]
    assert sympy.simplify(cos - (a * c + b * d) / sympy.sqrt((a ** 2 + b ** 2) * (c ** 2 + d ** 2))) == 0
    unit = F.normalize(x).data[0]
    assert sympy.simplify(unit[0] - a / sympy.sqrt(a ** 2 + b ** 2)) == 0


def test_integer_inputs_and_errors_as_pytorch():
    assert F.pairwise_distance(tg.tensor([[1, 2]]), tg.tensor([[1, 3]])).dtype == np.float32
    with pytest.raises(TypeError, match="cosine_similarity"):
        F.cosine_similarity(tg.tensor([[1, 2]]), tg.tensor([[1, 3]]))
    with pytest.raises(TypeError, match="normalize"):
        F.normalize(tg.tensor([[1, 2]]))
    with pytest.raises(RuntimeError, match="cosine_similarity.*broadcast"):
        F.cosine_similarity(tg.ones(2, 3), tg.ones(2, 4))
    with pytest.raises(IndexError, match="normalize.*out of range"):
        F.normalize(tg.ones(3))
    with pytest.raises(RuntimeError, match="cosine_similarity: eps must be non-negative"):
        F.cosine_similarity(tg.ones(2, 3), tg.ones(2, 3), eps=-1.0)
