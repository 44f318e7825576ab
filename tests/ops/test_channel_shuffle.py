"""channel_shuffle against PyTorch: values over ranks, groups and dtypes (a permutation keeps every dtype),
gradients (the inverse shuffle), finite differences, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad


@pytest.mark.torch
@given(n=st.integers(0, 2), g=st.integers(1, 4), k=st.integers(1, 3), rest=st.sampled_from([(3,), (2, 3), (1, 2, 2)]),
       dtype=st.sampled_from([np.float32, np.float64, np.int64]), seed=st.integers(0, 99))
def test_as_pytorch(torch, n, g, k, rest, dtype, seed):
    x = (np.random.default_rng(seed).standard_normal((n, g * k) + rest) * 10).astype(dtype)
    floating = dtype != np.int64
    xs, xt = tg.Tensor(x, requires_grad=floating), torch.tensor(x, requires_grad=floating)
    y, yt = F.channel_shuffle(xs, g), torch.nn.functional.channel_shuffle(xt, g)
    assert y.dtype == x.dtype
    assert_close(y, yt, rtol=0, atol=0)
    if floating and x.size:
        v = np.random.default_rng(seed + 1).standard_normal(x.shape).astype(dtype)
        y.backward(tg.Tensor(v))
        yt.backward(torch.tensor(v))
        assert_close(xs.grad, xt.grad, rtol=0, atol=0)


def test_the_shufflenet_example():
    x = tg.Tensor(np.arange(1, 17, dtype=np.float32).reshape(1, 4, 2, 2))
    np.testing.assert_array_equal(F.channel_shuffle(x, 2).data[0, :, 0, 0], [1, 9, 5, 13])


def test_finite_differences():
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.standard_normal((2, 6, 3)), requires_grad=True)
    v = rng.standard_normal((2, 6, 3))
    F.channel_shuffle(x, 3).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.channel_shuffle(t, 3), x, v), rtol=1e-8, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("shape, groups", [((2, 6, 3), 4), ((2, 6, 3), 0), ((2, 6, 3), -2), ((2, 6), 2), ((6,), 2)])
def test_errors_as_pytorch(torch, shape, groups):
    x = np.ones(shape)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.channel_shuffle(torch.tensor(x), groups)
    assert theirs.value is not None
    with pytest.raises(type(theirs.value), match="channel_shuffle"):
        F.channel_shuffle(tg.Tensor(x), groups)


def test_the_torch_namespace_form():
    assert tg.channel_shuffle is F.channel_shuffle  # torch.channel_shuffle(input, groups)
