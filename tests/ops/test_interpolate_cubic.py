"""F.interpolate(mode='bicubic') (ops/interpolate_cubic.py): PyTorch's index rule (the real source index not
clamped at 0, taps ⌊s⌋ − 1 … ⌊s⌋ + 2 clamped to the border) and Keys' weights with A = −0.75, written out here
independently; values and gradients against PyTorch in float32 and float64 (up- and downsampling, odd sizes, size
or scale_factor, align_corners, ∞ and NaN inputs); finite differences; nn.Upsample; where PyTorch's backward is not
the adjoint of its own forward."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.ops.interpolate_cubic import cubic_source
from tests.helpers import assert_close, rand64

FACTORS = [0.3, 0.5, 0.6, 0.75, 1.0, 1.05, 4 / 3, 1.5, 1.7, 2.0, 2.5, 3.3]


def _keys(d):
    """Keys' cubic convolution kernel with a = −0.75 at distance d (the textbook piecewise form)."""
    a, d = -0.75, abs(d)
    if d <= 1:
        return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
    if d < 2:
        return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
    return 0.0


def _reference_matrix(n_in, n_out, scale_factor, align_corners):
    """The (n_out, n_in) matrix of PyTorch's bicubic resize along one axis, from its documented rules, in float64."""
    if align_corners:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        scale = 1 / scale_factor if scale_factor else n_in / n_out
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        real = scale * i if align_corners else scale * (i + 0.5) - 0.5  # cubic: no clamping at 0
        first = min(math.floor(real), n_in - 1)
        t = min(max(real - first, 0.0), 1.0)
        for k in range(-1, 3):
            m[i, min(max(first + k, 0), n_in - 1)] += _keys(t - k)
    return m


@pytest.mark.parametrize("n_in, n_out, factor, align", [(4, 8, None, False), (4, 8, 2.0, False), (5, 3, None, False),
                                                         (7, 2, None, True), (3, 7, None, True), (6, 1, None, True),
                                                         (6, 1, None, False), (1, 5, None, False), (5, 11, 2.3, False)])
def test_index_and_weight_rule_is_pytorchs(n_in, n_out, factor, align):
    indices, weights = cubic_source(n_in, n_out, factor, align, np.float64)
    ours = np.zeros((n_out, n_in))
    for k in range(4):
        np.add.at(ours, (np.arange(n_out), indices[k]), weights[k])
    np.testing.assert_allclose(ours, _reference_matrix(n_in, n_out, factor, align), rtol=0, atol=1e-14)
    np.testing.assert_allclose(weights.sum(0), 1, rtol=0, atol=1e-14)


def test_the_source_index_is_not_clamped_at_zero():
    """Upsampling 4 → 8: s(0) = ½·½ − ½ = −¼, so ⌊s⌋ = −1, t = ¾, taps −2, −1, 0, 1 → 0, 0, 0, 1 (the linear modes
    would clamp s to 0 and read x[0] alone)."""
    indices, weights = cubic_source(4, 8, None, False, np.float64)
    assert indices[:, 0].tolist() == [0, 0, 0, 1]
    np.testing.assert_allclose(weights[:, 0], [_keys(1.75), _keys(0.75), _keys(0.25), _keys(1.25)])


@st.composite
def bicubic_cases(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    if draw(st.booleans()):
        kwargs = {"size": (draw(st.integers(1, 17)), draw(st.integers(1, 17)))}
    else:
        factors = (draw(st.sampled_from(FACTORS)), draw(st.sampled_from(FACTORS)))
        if math.floor(h * factors[0]) < 1 or math.floor(w * factors[1]) < 1:
            factors = (2.0, 2.0)
        single = factors[0] == factors[1] and draw(st.booleans())
        kwargs = {"scale_factor": factors[0] if single else factors,
                  "recompute_scale_factor": draw(st.sampled_from([None, True, False]))}
    kwargs["align_corners"] = draw(st.sampled_from([None, True, False]))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w), kwargs


def _copies_in_torchs_backward(shape, out_shape, kwargs):
    return (kwargs.get("scale_factor") is not None and not kwargs.get("recompute_scale_factor")
            and not kwargs.get("align_corners") and tuple(out_shape[2:]) == tuple(shape[2:]))


@pytest.mark.torch
@settings(max_examples=100, deadline=None)
@given(case=bicubic_cases(), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16),
       special=st.sampled_from([None, np.inf, -np.inf, np.nan]))
def test_bicubic_matches_torch(torch, case, dtype, seed, special):
    shape, kwargs = case
    rng = np.random.default_rng(seed)
    data = rng.standard_normal(shape).astype(dtype)
    if special is not None:
        data.flat[rng.integers(data.size)] = special
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y = F.interpolate(x, mode="bicubic", **kwargs)
    yt = torch.nn.functional.interpolate(xt, mode="bicubic", **kwargs)
    assert y.dtype == dtype and y.shape == tuple(yt.shape)
    tolerance = 1e-5 if dtype == np.float32 else 1e-13
    assert_close(y, yt, rtol=tolerance, atol=tolerance)  # NaN where PyTorch has NaN (0·∞ of a zero weight too)
    g = rng.standard_normal(y.shape).astype(dtype)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    if not _copies_in_torchs_backward(shape, y.shape, kwargs):
        assert_close(x.grad, xt.grad, rtol=tolerance, atol=tolerance)


@settings(max_examples=25, deadline=None)
@given(case=bicubic_cases(), seed=st.integers(0, 2**16))
def test_bicubic_gradient_matches_finite_differences(case, seed):
    shape, kwargs = case
    x = rand64(np.random.default_rng(seed), (1, 1) + shape[2:])
    assert gradcheck(lambda t: F.interpolate(t, mode="bicubic", **kwargs), [x])


@pytest.mark.torch
def test_bicubic_gradient_is_the_adjoint_where_torchs_copies(torch):
    """scale_factor 1.05 on 3×3 keeps the shape; PyTorch's forward still interpolates (it reads x at i/1.05) but its
    backward copies δ. Ours is the adjoint of the forward both compute: finite differences, not PyTorch's copy."""
    data = np.arange(9.0).reshape(1, 1, 3, 3) ** 1.5
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y = F.interpolate(x, scale_factor=1.05, mode="bicubic")
    yt = torch.nn.functional.interpolate(xt, scale_factor=1.05, mode="bicubic")
    assert_close(y, yt, rtol=1e-14, atol=1e-13)
    assert np.abs(y.data - data).max() > 0.1  # not a copy
    g = np.random.default_rng(0).standard_normal((1, 1, 3, 3))
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(xt.grad.numpy(), g)  # PyTorch: δ copied
    assert np.abs(x.grad.data - g).max() > 0.1
    assert gradcheck(lambda t: F.interpolate(t, scale_factor=1.05, mode="bicubic"), [rand64(np.random.default_rng(1),
                                                                                             (1, 1, 3, 3))])


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [{"scale_factor": 2, "mode": "bicubic"},
                                    {"size": (3, 7), "mode": "bicubic", "align_corners": True},
                                    {"scale_factor": 0.5, "mode": "area"}, {"size": (5, 2), "mode": "area"}])
def test_upsample_with_bicubic_and_area(torch, kwargs):
    data = np.random.default_rng(2).standard_normal((2, 3, 6, 5)).astype(np.float32)
    ours, theirs = tg.nn.Upsample(**kwargs), torch.nn.Upsample(**kwargs)
    assert repr(ours) == repr(theirs)
    assert_close(ours(tg.tensor(data)), theirs(torch.tensor(data)), rtol=1e-5, atol=1e-5)
