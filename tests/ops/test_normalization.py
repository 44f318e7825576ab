"""Dropout (mask statistics, expectation, gradient), local response norm, batch, layer and group norm against
PyTorch (values, gradients, second derivatives), central differences, symbolic LRN and layer norm, and the
error messages (a negative ε, refused, would give NaN)."""
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.normalization import batch_norm, dropout, group_norm, layer_norm, local_response_norm
from tests.helpers import assert_close, numeric_grad, rand64


# ---- dropout -------------------------------------------------------------------------------------

def test_dropout_keeps_a_fraction_1_minus_p_scaled_by_1_over_1_minus_p():
    tg.manual_seed(0)
    x = tg.ones(200, 500)
    y = dropout(x, 0.3)
    kept = y.data != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y.data[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == np.float32


def test_dropout_expectation_equals_the_input():
    """F15: the expected training output equals the inference output."""
    tg.manual_seed(1)
    x = tg.Tensor(np.linspace(-2.0, 3.0, 10))
    mean = np.mean([dropout(x, 0.4).data for _ in range(6000)], axis=0)
    np.testing.assert_allclose(mean, x.data, atol=0.1)
    assert_close(dropout(x, 0.4, training=False), x.data)


def test_dropout_gradient_is_the_mask_over_1_minus_p():
    tg.manual_seed(2)
    x = rand64(np.random.default_rng(0), (4, 6))
    y = dropout(x, 0.25)
    g = rand64(np.random.default_rng(1), y.shape, requires_grad=False)
    y.backward(g)
    mask = (y.data != 0).astype(np.float64)
    np.testing.assert_allclose(y.data, x.data * mask / 0.75)
    np.testing.assert_allclose(x.grad.data, g.data * mask / 0.75)


def test_dropout_is_reseeded_by_manual_seed():
    tg.manual_seed(5)
    a = dropout(tg.ones(50), 0.5).data
    tg.manual_seed(5)
    assert np.array_equal(a, dropout(tg.ones(50), 0.5).data)


def test_dropout_edge_probabilities():
    x = rand64(np.random.default_rng(0), (3, 4))
    assert_close(dropout(x, 0.0), x.data)
    y = dropout(x, 1.0)
    assert not y.data.any()
    y.sum().backward()
    assert not x.grad.data.any()


def test_dropout_on_symbols_scales_exactly():
    tg.manual_seed(3)
    z = np.array(sympy.symbols("z0:20"), dtype=object)
    y = dropout(tg.Tensor(z), 0.5).data
    assert all(v == 0 or v == 2 * s for v, s in zip(y, z)) and any(v != 0 for v in y)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_probabilities_outside_0_1(p):
    with pytest.raises(ValueError, match=re.escape(f"dropout: probability has to be between 0 and 1, but got p = {p}")):
        dropout(tg.ones(3), p)


# ---- local response normalisation ---------------------------------------------------------------

@given(n=st.integers(1, 2), c=st.integers(1, 7), hw=st.sampled_from([(3,), (2, 3), (1, 1)]), size=st.integers(1, 6),
       alpha=st.floats(1e-4, 2.0), beta=st.floats(0.1, 1.5), k=st.floats(0.5, 3.0), seed=st.integers(0, 2**16))
def test_local_response_norm_matches_torch(n, c, hw, size, alpha, beta, k, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    x = rand64(rng, (n, c) + hw)
    xt = torch.tensor(x.data, requires_grad=True)
    y = local_response_norm(x, size, alpha, beta, k)
    yt = torch.nn.functional.local_response_norm(xt, size, alpha, beta, k)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


def test_local_response_norm_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(9)
    x = rand64(rng, (2, 5, 3, 2))
    args = (3, 0.5, 0.75, 1.0)
    (gx,) = tg.grad(local_response_norm(x, *args).sum(), [x], create_graph=True)
    (ggx,) = tg.grad((gx * gx).sum(), [x])
    xt = torch.tensor(x.data, requires_grad=True)
    (gxt,) = torch.autograd.grad(torch.nn.functional.local_response_norm(xt, *args).sum(), xt, create_graph=True)
    (ggxt,) = torch.autograd.grad((gxt * gxt).sum(), xt)
    assert_close(gx, gxt)
    assert_close(ggx, ggxt)


def test_local_response_norm_gradient_matches_finite_differences():
    rng = np.random.default_rng(10)
    x = rand64(rng, (1, 4, 2, 3))
    fn = lambda t: local_response_norm(t, 2, alpha=0.8, beta=0.6, k=1.2)  # noqa: E731
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


def test_local_response_norm_on_symbols_is_the_lecture_formula_with_alpha_over_n():
    """F17 with PyTorch's window c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ and α/n."""
    a = sympy.symbols("a0:4")
    alpha, beta, k, n = sympy.Rational(1, 10), sympy.Rational(3, 4), 2, 3
    y = local_response_norm(tg.Tensor(np.array(a, dtype=object).reshape(1, 4, 1)), n, 0.1, 0.75, 2.0)
    for c in range(4):
        window = sum(a[j] ** 2 for j in range(max(0, c - n // 2), min(3, c + (n - 1) // 2) + 1))
        assert sympy.simplify(y.data[0, c, 0] - a[c] / (k + alpha / n * window) ** beta) == 0


@pytest.mark.parametrize("call,message", [
    (lambda: local_response_norm(tg.ones(2, 3, 4), 0), "local_response_norm: size must be a positive integer"),
    (lambda: local_response_norm(tg.ones(2, 3), 2), "local_response_norm: expected a 3-D (N, C, L) or 4-D"),
])
def test_local_response_norm_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# ---- batch normalisation ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch(torch, shape, training, affine):
    rng = np.random.default_rng(len(shape))
    x = rand64(rng, shape)
    w, b = (rand64(rng, (3,)), rand64(rng, (3,))) if affine else (None, None)
    rm, rv = tg.Tensor(rng.standard_normal(3)), tg.Tensor(rng.uniform(0.5, 2.0, 3))
    xt = torch.tensor(x.data, requires_grad=True)
    wt, bt = [torch.tensor(t.data, requires_grad=True) if affine else None for t in (w, b)]
    rmt, rvt = torch.tensor(rm.data.copy()), torch.tensor(rv.data.copy())
    y = batch_norm(x, rm, rv, w, b, training, 0.2, 1e-3)
    yt = torch.nn.functional.batch_norm(xt, rmt, rvt, wt, bt, training, 0.2, 1e-3)
    assert_close(y, yt)
    assert_close(rm.data, rmt)
    assert_close(rv.data, rvt)
    g = rng.standard_normal(shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)
    if affine:
        assert_close(w.grad, wt.grad)
        assert_close(b.grad, bt.grad)


def test_batch_norm_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(12)
    x, w = rand64(rng, (3, 2, 2, 2)), rand64(rng, (2,))
    v = rng.standard_normal(x.shape)
    y = batch_norm(x, None, None, w, None, training=True)
    gx, gw = tg.grad((y * tg.Tensor(v)).sum(), [x, w], create_graph=True)
    (ggx,) = tg.grad((gx * gx).sum() + (gw * gw).sum(), [x])
    xt, wt = torch.tensor(x.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    yt = torch.nn.functional.batch_norm(xt, None, None, wt, None, training=True)
    gxt, gwt = torch.autograd.grad((yt * torch.tensor(v)).sum(), [xt, wt], create_graph=True)
    (ggxt,) = torch.autograd.grad((gxt * gxt).sum() + (gwt * gwt).sum(), xt)
    assert_close(gx, gxt)
    assert_close(ggx, ggxt, rtol=1e-6, atol=1e-8)


def test_batch_norm_gradient_matches_finite_differences():
    rng = np.random.default_rng(13)
    x = rand64(rng, (4, 2, 2))
    fn = lambda t: batch_norm(t, None, None, training=True)  # noqa: E731
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-5, atol=1e-7)


def test_batch_norm_keeps_float32():
    x = tg.randn(4, 3, 2, 2)
    rm, rv = tg.zeros(3), tg.ones(3)
    assert batch_norm(x, rm, rv, training=True).dtype == np.float32
    assert rm.dtype == np.float32 and rv.dtype == np.float32


@pytest.mark.parametrize("call,message", [
    (lambda x: batch_norm(x, tg.zeros(4), tg.ones(3)),
     "batch_norm: running_mean has shape (4,) but input (2, 3, 2, 2) has 3 channels (dim 1); expected (3,)"),
    (lambda x: batch_norm(x, tg.zeros(3), tg.ones(3), weight=tg.ones(3, 1)), "batch_norm: weight has shape (3, 1)"),
    (lambda x: batch_norm(x, None, None), "batch_norm: running_mean and running_var are required when training=False"),
    (lambda x: batch_norm(x[:1, :, :1, :1], None, None, training=True),
     "batch_norm: expected more than 1 value per channel when training, got input (1, 3, 1, 1)"),
    (lambda x: batch_norm(x.reshape(-1), None, None), "batch_norm: expected a 2-D (N, C)"),
])
def test_batch_norm_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call(tg.ones(2, 3, 2, 2))


@pytest.mark.parametrize("eps, training, message", [
    (-1.0, True, "batch_norm: eps must be positive during training (it is added to the variance under √), got -1.0"),
    (0.0, True, "batch_norm: eps must be positive during training"),
    (-1e-5, False, "batch_norm: eps must be non-negative (it is added to the variance under √), got -1e-05"),
])
def test_batch_norm_refuses_eps_as_pytorch(eps, training, message):
    """Issue 12 (b): a negative ε made √(σ² + ε) NaN without a word."""
    with pytest.raises(ShapeError, match=re.escape(message)):
        batch_norm(tg.randn(4, 3), tg.zeros(3), tg.ones(3), training=training, eps=eps)


@pytest.mark.torch
def test_batch_norm_eps_errors_are_pytorchs_type(torch):
    for training in (True, False):
        with pytest.raises(ValueError):
            torch.nn.functional.batch_norm(torch.randn(4, 3), torch.zeros(3), torch.ones(3), training=training, eps=-1)
        with pytest.raises(ValueError):
            batch_norm(tg.randn(4, 3), tg.zeros(3), tg.ones(3), training=training, eps=-1)


@pytest.mark.parametrize("momentum, error", [(1.5, ShapeError), (-0.5, ShapeError), (None, TypeError)])
def test_batch_norm_momentum_must_be_a_weight_in_0_1(momentum, error):
    rm = tg.zeros(3)
    with pytest.raises(error, match="batch_norm: momentum must"):
        batch_norm(tg.randn(4, 3), rm, tg.ones(3), training=True, momentum=momentum)
    assert not rm.data.any()


def test_batch_norm_running_stats_may_be_numpy_arrays_and_tensors_get_a_new_version():
    rm, rv = np.zeros(3), tg.ones(3)
    version = rv._version
    batch_norm(tg.randn(5, 3), rm, rv, training=True)
    assert rm.any() and rv._version == version + 1


# ---- layer normalisation ------------------------------------------------------------------------

@given(lead=st.sampled_from([(), (2,), (2, 3)]), norm=st.sampled_from([(4,), (3, 2), (1,), (2, 1, 3)]),
       affine=st.booleans(), eps=st.sampled_from([1e-5, 0.1]), seed=st.integers(0, 2**16))
def test_layer_norm_matches_torch(lead, norm, affine, eps, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    x = rand64(rng, lead + norm)
    w, b = (rand64(rng, norm), rand64(rng, norm)) if affine else (None, None)
    ts = [torch.tensor(t.data, requires_grad=True) if t is not None else None for t in (x, w, b)]
    y = layer_norm(x, norm, w, b, eps)
    yt = torch.nn.functional.layer_norm(ts[0], norm, ts[1], ts[2], eps)
    assert_close(y, yt, rtol=1e-6, atol=1e-8)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    for ours, theirs in zip((x, w, b), ts):
        if ours is not None:
            assert_close(ours.grad, theirs.grad, rtol=1e-5, atol=1e-8)


def test_layer_norm_gradient_matches_finite_differences():
    rng = np.random.default_rng(20)
    x, w = rand64(rng, (2, 3, 4)), rand64(rng, (3, 4), requires_grad=False)
    fn = lambda t: layer_norm(t, (3, 4), w, None, 1e-3)  # noqa: E731
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-5, atol=1e-7)


def test_layer_norm_second_derivative_matches_torch(torch):
    rng = np.random.default_rng(21)
    x, w = rand64(rng, (3, 5)), rand64(rng, (5,))
    v = rng.standard_normal(x.shape)
    gx, gw = tg.grad((layer_norm(x, 5, w) * tg.Tensor(v)).sum(), [x, w], create_graph=True)
    (ggx,) = tg.grad((gx * gx).sum() + (gw * gw).sum(), [x])
    xt, wt = torch.tensor(x.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    yt = torch.nn.functional.layer_norm(xt, (5,), wt)
    gxt, gwt = torch.autograd.grad((yt * torch.tensor(v)).sum(), [xt, wt], create_graph=True)
    (ggxt,) = torch.autograd.grad((gxt * gxt).sum() + (gwt * gwt).sum(), xt)
    assert_close(gx, gxt)
    assert_close(ggx, ggxt, rtol=1e-6, atol=1e-8)


def test_layer_norm_on_symbols_centres_and_scales_exactly():
    a = sympy.symbols("a0:3", real=True)
    y = layer_norm(tg.Tensor(np.array(a, dtype=object).reshape(1, 3)), 3, eps=0.0).data[0]
    mean = sum(a) / 3
    var = sum((ai - mean) ** 2 for ai in a) / 3
    assert all(sympy.simplify(yi - (ai - mean) / sympy.sqrt(var)) == 0 for yi, ai in zip(y, a))


@pytest.mark.parametrize("call, error, message", [
    (lambda: layer_norm(tg.ones(2, 4), (3,)), ShapeError,
     "layer_norm: normalized_shape [3] must equal the last dimensions of the input, got input of shape (2, 4) "
     "(rule: input (*, 3))"),
    (lambda: layer_norm(tg.ones(2, 3), 3, eps=-1.0), ShapeError,
     "layer_norm: eps must be non-negative (it is added to the variance under √), got -1.0"),
    (lambda: layer_norm(tg.ones(2, 3), 3, weight=tg.ones(4)), ShapeError,
     "layer_norm: weight has shape (4,), expected normalized_shape (3,)"),
    (lambda: layer_norm(tg.ones(2, 3), (0,)), ShapeError, "layer_norm: normalized_shape must be one or more positive"),
    (lambda: layer_norm(tg.ones(2, 3), 3.0), TypeError, "layer_norm: normalized_shape must be an int or a sequence"),
])
def test_layer_norm_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# ---- group normalisation ------------------------------------------------------------------------

@given(n=st.integers(2, 3), groups_channels=st.sampled_from([(1, 3), (2, 4), (3, 6), (4, 4)]),
       spatial=st.sampled_from([(), (5,), (2, 3)]), affine=st.booleans(), seed=st.integers(0, 2**16))
def test_group_norm_matches_torch(n, groups_channels, spatial, affine, seed):
    torch = pytest.importorskip("torch")
    groups, channels = groups_channels
    rng = np.random.default_rng(seed)
    x = rand64(rng, (n, channels) + spatial) * 3
    x = tg.Tensor(x.data, requires_grad=True)
    w, b = (rand64(rng, (channels,)), rand64(rng, (channels,))) if affine else (None, None)
    ts = [torch.tensor(t.data, requires_grad=True) if t is not None else None for t in (x, w, b)]
    y = group_norm(x, groups, w, b, 1e-5)
    yt = torch.nn.functional.group_norm(ts[0], groups, ts[1], ts[2], 1e-5)
    assert_close(y, yt, rtol=1e-6, atol=1e-8)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    for ours, theirs in zip((x, w, b), ts):
        if ours is not None:
            assert_close(ours.grad, theirs.grad, rtol=1e-5, atol=1e-7)


def test_group_norm_gradient_matches_finite_differences():
    rng = np.random.default_rng(22)
    x = rand64(rng, (2, 4, 3))
    fn = lambda t: group_norm(t, 2, eps=1e-3)  # noqa: E731
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-5, atol=1e-7)


def test_group_norm_with_one_group_per_channel_is_instance_norm_and_one_group_is_layer_norm():
    x = rand64(np.random.default_rng(23), (2, 3, 4), requires_grad=False)
    np.testing.assert_allclose(group_norm(x, 1).data, layer_norm(x, (3, 4)).data, rtol=1e-12)
    per_channel = (x.data - x.data.mean(2, keepdims=True)) / np.sqrt(x.data.var(2, keepdims=True) + 1e-5)
    np.testing.assert_allclose(group_norm(x, 3).data, per_channel, rtol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: group_norm(tg.ones(2, 3), 2), "group_norm: the number of channels in the input must be divisible by "
                                            "num_groups, got input of shape (2, 3) (3 channels) and num_groups=2"),
    (lambda: group_norm(tg.ones(4), 2), "group_norm: expected at least 2 dimensions (N, C, …) for input, got shape (4,)"),
    (lambda: group_norm(tg.ones(2, 4), 0), "group_norm: num_groups must be a positive integer, got 0"),
    (lambda: group_norm(tg.ones(2, 4), 2, eps=-0.1), "group_norm: eps must be non-negative"),
    (lambda: group_norm(tg.ones(2, 4), 2, weight=tg.ones(3)), "group_norm: weight has shape (3,) but input (2, 4)"),
    (lambda: group_norm(tg.ones(1, 4), 4), "group_norm: expected more than 1 value per group, got input of shape "
                                            "(1, 4) with num_groups=4"),
])
def test_group_norm_errors(call, message):
    with pytest.raises(ShapeError, match=re.escape(message)):
        call()


@pytest.mark.torch
def test_dropout_takes_torchs_positional_signature(torch):
    """F.dropout(input, p, training, inplace): the fourth positional argument as PyTorch (eval: identity)."""
    x = np.arange(6.0).reshape(2, 3)
    ours = tg.nn.functional.dropout(tg.tensor(x), 0.5, False, False)
    theirs = torch.nn.functional.dropout(torch.tensor(x), 0.5, False, False)
    np.testing.assert_array_equal(ours.data, theirs.numpy())
