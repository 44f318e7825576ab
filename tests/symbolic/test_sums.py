"""sums: the lecture's index-sum formulas, against the library's conv ops and PyTorch."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import sums
from tinygrad_edu.symbolic.sums import correlate, input_delta, out_size, pad, weight_grad

geometry = st.tuples(st.integers(3, 7), st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2))


@given(geometry)
def test_out_size_is_the_shape_conv2d_produces(g):
    n, k, s, p, d = g
    if n + 2 * p < d * (k - 1) + 1:
        return
    y = F.conv2d(tg.zeros(1, 1, n, n), tg.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
    assert y.shape[2] == out_size(n, k, s, p, d)


@given(geometry, st.integers(0, 2 ** 31 - 1))
def test_index_sums_equal_conv_forward_and_both_backwards(g, seed):
    n, k, s, p, d = g
    if n + 2 * p < d * (k - 1) + 1:
        return
    rng = np.random.default_rng(seed)
    x = tg.Tensor(rng.standard_normal((1, 2, n, n)), requires_grad=True)
    w = tg.Tensor(rng.standard_normal((3, 2, k, k)), requires_grad=True)
    y = F.conv2d(x, w, stride=s, padding=p, dilation=d)
    assert np.allclose(y.data[0], correlate(x.data[0], w.data, s, p, d))
    if d == 1:
        delta = rng.standard_normal(y.shape)
        y.backward(tg.Tensor(delta))
        assert np.allclose(x.grad.data[0], input_delta(delta[0], w.data, n, s, p))
        assert np.allclose(w.grad.data, weight_grad(delta[0], x.data[0], k, s, p))


def test_pad_adds_zeros_on_every_side():
    z = np.arange(4.0).reshape(1, 2, 2)
    assert pad(z, 1).shape == (1, 4, 4) and pad(z, 1).sum() == z.sum() and pad(z, 0) is z


@pytest.mark.torch
def test_correlate_matches_torch(torch):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    ref = torch.nn.functional.conv2d(torch.tensor(x[None]), torch.tensor(w), stride=2, padding=1).numpy()[0]
    assert np.allclose(correlate(x, w, 2, 1), ref)


@pytest.mark.parametrize("stride, padding, dilation, groups", [
    (1, 0, 1, 1), ((2, 1), (1, 0), 1, 2), (1, 1, (2, 3), 1), (2, 1, (1, 2), 4)])
def test_grouped_dilated_index_sums_match_the_library(stride, padding, dilation, groups):
    """The general index sums (groups, per-axis stride, padding and dilation) against the library's conv2d and its
    gradients, in float64 (the library is the reference here; the claims use the sums as theirs)."""
    rng = np.random.default_rng(1)
    x = tg.Tensor(rng.standard_normal((1, 4, 7, 8)), requires_grad=True)
    w = tg.Tensor(rng.standard_normal((4, 4 // groups, 2, 3)), requires_grad=True)
    y = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    delta = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(delta))
    args = (stride, padding, dilation, groups)
    assert np.allclose(sums.conv(x.data[0], w.data, *args), y.data[0])
    assert np.allclose(sums.conv_input_grad(delta[0], w.data, (7, 8), *args), x.grad.data[0])
    assert np.allclose(sums.conv_weight_grad(delta[0], x.data[0], (2, 3), *args), w.grad.data)
