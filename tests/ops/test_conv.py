"""Convolutions: conv1d/conv2d/conv_transpose2d against PyTorch over a randomised grid of shapes, strides,
paddings, dilations and groups (values, all gradients, second derivatives), central differences, the adjoint
identities that define the three Functions, SymPy values, and the error messages."""
import re

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.ops.conv import Conv2dWeight, ConvTranspose2d
from tinygrad_edu.ops.conv_shapes import conv2d_attrs
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, rand64


@st.composite
def conv_case(draw):
    """A valid conv2d call: (x shape, w shape, stride, padding, dilation, groups, with bias)."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_g, o_g = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.just("valid"), st.just("same")))
    if padding == "same":
        stride = (1, 1)
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    pad = (0, 0) if isinstance(padding, str) else (padding, padding) if isinstance(padding, int) else padding
    if padding != "same":
        assume(h + 2 * pad[0] >= dilation[0] * (kh - 1) + 1 and w + 2 * pad[1] >= dilation[1] * (kw - 1) + 1)
    x_shape = (draw(st.integers(1, 3)), c_g * groups, h, w)
    return x_shape, (o_g * groups, c_g, kh, kw), stride, padding, dilation, groups, draw(st.booleans())


@pytest.mark.torch
@given(case=conv_case(), seed=st.integers(0, 2**16))
def test_conv2d_matches_torch_values_and_gradients(torch, case, seed):
    x_shape, w_shape, stride, padding, dilation, groups, with_bias = case
    rng = np.random.default_rng(seed)
    x, w = rand64(rng, x_shape), rand64(rng, w_shape)
    b = rand64(rng, (w_shape[0],)) if with_bias else None
    xt, wt = torch.tensor(x.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    bt = torch.tensor(b.data, requires_grad=True) if with_bias else None
    y = F.conv2d(x, w, b, stride, padding, dilation, groups)
    yt = torch.nn.functional.conv2d(xt, wt, bt, stride, padding, dilation, groups)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)
    assert_close(w.grad, wt.grad)
    if with_bias:
        assert_close(b.grad, bt.grad)


@st.composite
def transpose_case(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in, c_out = draw(st.integers(1, 3)) * groups, draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    for n, k, s, p, d, e in zip((h, w), (kh, kw), stride, padding, dilation, output_padding):
        assume((n - 1) * s - 2 * p + d * (k - 1) + e + 1 > 0)
    return ((draw(st.integers(1, 2)), c_in, h, w), (c_in, c_out, kh, kw), stride, padding, output_padding,
            groups, dilation, draw(st.booleans()))


@pytest.mark.torch
@given(case=transpose_case(), seed=st.integers(0, 2**16))
def test_conv_transpose2d_matches_torch_values_and_gradients(torch, case, seed):
    y_shape, w_shape, stride, padding, output_padding, groups, dilation, with_bias = case
    rng = np.random.default_rng(seed)
    y, w = rand64(rng, y_shape), rand64(rng, w_shape)
    b = rand64(rng, (w_shape[1] * groups,)) if with_bias else None
    yt, wt = torch.tensor(y.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    bt = torch.tensor(b.data, requires_grad=True) if with_bias else None
    x = F.conv_transpose2d(y, w, b, stride, padding, output_padding, groups, dilation)
    xt = torch.nn.functional.conv_transpose2d(yt, wt, bt, stride, padding, output_padding, groups, dilation)
    assert_close(x, xt)
    g = rng.standard_normal(x.shape)
    x.backward(tg.Tensor(g))
    xt.backward(torch.tensor(g))
    assert_close(y.grad, yt.grad)
    assert_close(w.grad, wt.grad)
    if with_bias:
        assert_close(b.grad, bt.grad)


@pytest.mark.torch
@given(stride=st.integers(1, 3), padding=st.sampled_from([0, 1, 2, "same", "valid"]), dilation=st.integers(1, 2),
       groups=st.sampled_from([1, 2]), length=st.integers(5, 12), seed=st.integers(0, 2**16))
def test_conv1d_matches_torch(torch, stride, padding, dilation, groups, length, seed):
    if padding == "same":
        stride = 1
    rng = np.random.default_rng(seed)
    x, w, b = rand64(rng, (2, 2 * groups, length)), rand64(rng, (3 * groups, 2, 3)), rand64(rng, (3 * groups,))
    xt, wt, bt = (torch.tensor(t.data, requires_grad=True) for t in (x, w, b))
    y = F.conv1d(x, w, b, stride, padding, dilation, groups)
    yt = torch.nn.functional.conv1d(xt, wt, bt, stride, padding, dilation, groups)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    for ours, theirs in ((x, xt), (w, wt), (b, bt)):
        assert_close(ours.grad, theirs.grad)


@pytest.mark.torch
@pytest.mark.parametrize("op", ["conv2d", "conv_transpose2d"])
def test_second_derivatives_match_torch(torch, op):
    """d/d(x, W) of Σ (∂L/∂x)² and of Σ (∂L/∂W)² with L = Σ tanh(conv(x, W))·v: every Function's backward is
    itself differentiated."""
    rng = np.random.default_rng(3)
    x, w = rand64(rng, (2, 4, 6, 5)), rand64(rng, (4, 2, 3, 2))
    xt, wt = torch.tensor(x.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    kw = dict(stride=2, padding=1, dilation=(1, 2), groups=2)
    ours_fn, theirs_fn = getattr(F, op), getattr(torch.nn.functional, op)
    if op == "conv_transpose2d":
        kw["output_padding"] = 1
    y, yt = ours_fn(x, w, **kw), theirs_fn(xt, wt, **kw)
    v = rng.standard_normal(y.shape)
    loss, loss_t = (y.tanh() * tg.Tensor(v)).sum(), (yt.tanh() * torch.tensor(v)).sum()
    gx, gw = tg.autograd.grad(loss, [x, w], create_graph=True)
    gxt, gwt = torch.autograd.grad(loss_t, [xt, wt], create_graph=True)
    ((gx * gx).sum() + (gw * gw).sum()).backward()
    ((gxt * gxt).sum() + (gwt * gwt).sum()).backward()
    assert_close(x.grad, xt.grad, rtol=1e-6)
    assert_close(w.grad, wt.grad, rtol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
    lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=(0, 1), output_padding=1, groups=2),
    lambda x, w: F.conv2d_weight(x, F.conv2d(x, w, groups=2).tanh(), (3, 2), groups=2),
])
def test_central_differences(fn):
    rng = np.random.default_rng(0)
    gradcheck(fn, [rand64(rng, (2, 4, 5, 6)), rand64(rng, (4, 2, 3, 2))])


@given(case=conv_case(), seed=st.integers(0, 2**16))
def test_the_three_functions_are_each_others_adjoints(case, seed):
    """⟨conv2d(x, W), δ⟩ = ⟨x, conv_transpose2d(δ, W)⟩ = ⟨W, conv2d_weight(x, δ)⟩ (lecture F32)."""
    x_shape, w_shape, stride, padding, dilation, groups, _ = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    y = F.conv2d(tg.Tensor(x), tg.Tensor(w), None, stride, padding, dilation, groups).data
    delta = rng.standard_normal(y.shape)
    geometry = _attrs(x_shape, w_shape, stride, padding, dilation, groups)
    geometry.pop("out")
    x_adj = ConvTranspose2d.apply(tg.Tensor(delta), tg.Tensor(w), size=x_shape[2:], **geometry).data
    w_adj = Conv2dWeight.apply(tg.Tensor(x), tg.Tensor(delta), kernel=w_shape[2:], **geometry).data
    assert x_adj.shape == x_shape and w_adj.shape == w_shape
    assert np.isclose((y * delta).sum(), (x * x_adj).sum(), rtol=1e-9, atol=1e-9)
    assert np.isclose((y * delta).sum(), (w * w_adj).sum(), rtol=1e-9, atol=1e-9)


def _attrs(x_shape, w_shape, stride, padding, dilation, groups):
    return conv2d_attrs("conv2d", x_shape, w_shape, None, stride, padding, dilation, groups)


def test_unbatched_inputs_follow_torch_shapes():
    x, w = tg.randn(3, 6, 6), tg.randn(4, 3, 3, 3)
    assert F.conv2d(x, w, padding=1).shape == (4, 6, 6)
    assert F.conv_transpose2d(tg.randn(4, 3, 3), w, stride=2).shape == (3, 7, 7)
    assert F.conv1d(tg.randn(3, 10), tg.randn(5, 3, 3)).shape == (5, 8)


def test_pointwise_depthwise_and_separable_convolutions():
    """groups = C gives one filter per channel (depthwise); a 1×1 kernel mixes channels only (pointwise)."""
    rng = np.random.default_rng(1)
    x = rand64(rng, (2, 3, 5, 5), requires_grad=False)
    depth_w = rand64(rng, (3, 1, 3, 3), requires_grad=False)
    depthwise = F.conv2d(x, depth_w, padding=1, groups=3)
    for c in range(3):
        alone = F.conv2d(x[:, c:c + 1], depth_w[c:c + 1], padding=1)
        np.testing.assert_allclose(depthwise.data[:, c:c + 1], alone.data, rtol=1e-12)
    point_w = rand64(rng, (4, 3, 1, 1), requires_grad=False)
    pointwise = F.conv2d(depthwise, point_w)
    expected = np.einsum("oc,nchw->nohw", point_w.data[:, :, 0, 0], depthwise.data)
    np.testing.assert_allclose(pointwise.data, expected, rtol=1e-12)


def test_conv_runs_on_sympy_values_and_gives_the_lecture_sums():
    """F3/F6: a 4×4 input, 2×2 kernel, stride 2: u_IJ = Σ_αβ J_αβ x_{2I+α, 2J+β}; ∂E/∂J_αβ = Σ_IJ δ_IJ x_{2I+α,2J+β}."""
    x = symbols("x", (1, 1, 4, 4), start=0, requires_grad=True)
    kernel = symbols("J", (1, 1, 2, 2), start=0, requires_grad=True)
    delta = symbols("delta", (1, 1, 2, 2), start=0, requires_grad=False)
    u = F.conv2d(x, kernel, stride=2)
    xs, js, ds = x.data[0, 0], kernel.data[0, 0], delta.data[0, 0]
    for big_i in range(2):
        for big_j in range(2):
            expected = sum(js[a, b] * xs[2 * big_i + a, 2 * big_j + b] for a in range(2) for b in range(2))
            assert sympy.expand(u.data[0, 0, big_i, big_j] - expected) == 0
    (u * delta).sum().backward()
    for a in range(2):
        for b in range(2):
            expected = sum(ds[i, j] * xs[2 * i + a, 2 * j + b] for i in range(2) for j in range(2))
            assert sympy.expand(kernel.grad.data[0, 0, a, b] - expected) == 0
    assert sympy.expand(x.grad.data[0, 0, 3, 2] - ds[1, 1] * js[1, 0]) == 0


@pytest.mark.parametrize("call, message", [
    (lambda: F.conv2d(tg.randn(1, 1, 5, 5), tg.randn(1, 1, 7, 7)),
     "conv2d: output height (5 + 2·0 − 7)/1 + 1 = −1 is not positive (input 5, kernel 7, padding 0, stride 1)"),
    (lambda: F.conv2d(tg.randn(1, 3, 8, 8), tg.randn(4, 1, 3, 3), groups=2),
     "conv2d: input channels C = 3 are not divisible by groups = 2"),
    (lambda: F.conv2d(tg.randn(1, 4, 8, 8), tg.randn(4, 1, 3, 3), groups=2),
     "conv2d: weight (4, 1, 3, 3) expects C = in_channels/groups · groups = 1·2 = 2 input channels, but the input "
     "(1, 4, 8, 8) has C = 4"),
    (lambda: F.conv2d(tg.randn(1, 1, 8, 8), tg.randn(1, 1, 3, 3), stride=0), "conv2d: stride must be positive, got (0, 0)"),
    (lambda: F.conv2d(tg.randn(1, 1, 8, 8), tg.randn(1, 1, 3, 3), stride=2, padding="same"),
     "conv2d: padding='same' needs stride 1"),
    (lambda: F.conv2d(tg.randn(1, 1, 8, 8), tg.randn(1, 1, 3, 3), padding="full"), "conv2d: padding must be an int"),
    (lambda: F.conv2d(tg.randn(1, 1, 8, 8), tg.randn(2, 1, 3, 3), tg.randn(3)),
     "conv2d: bias shape (3,) must be (out_channels,) = (2,)"),
    (lambda: F.conv2d(tg.randn(8, 8), tg.randn(1, 1, 3, 3)), "conv2d: expected input (N, C, H, W)"),
    (lambda: F.conv2d(tg.randn(1, 1, 4, 9), tg.randn(1, 1, 3, 3), dilation=2),
     "conv2d: output height (4 + 2·0 − (2·(3 − 1) + 1))/1 + 1 = 0 is not positive"),
    (lambda: F.conv_transpose2d(tg.randn(1, 2, 4, 4), tg.randn(2, 1, 3, 3), stride=2, output_padding=2),
     "conv_transpose2d: output_padding (2, 2) must be smaller than stride (2, 2) or dilation (1, 1)"),
    (lambda: F.conv_transpose2d(tg.randn(1, 2, 1, 1), tg.randn(2, 1, 1, 1), padding=1),
     "conv_transpose2d: output height (1 − 1)·1 − 2·1 + 1·(1 − 1) + 0 + 1 = −1 is not positive"),
    (lambda: F.conv_transpose2d(tg.randn(1, 3, 4, 4), tg.randn(2, 1, 3, 3)),
     "conv_transpose2d: weight (2, 1, 3, 3) expects in_channels = 2, but the input (1, 3, 4, 4) has C = 3"),
    (lambda: F.conv1d(tg.randn(1, 1, 4), tg.randn(1, 1, 6)),
     "conv1d: output length (4 + 2·0 − 6)/1 + 1 = −1 is not positive"),
])
def test_bad_hyper_parameters_name_the_op_the_shapes_and_the_formula(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("call, error, words", [
    (lambda x, w: F.conv2d(x, tg.zeros(6, 4, 0, 3)), RuntimeError, "kernel of size (0, 3)"),
    (lambda x, w: F.conv2d(x, w, stride=1.5), TypeError, "stride"),
    (lambda x, w: F.conv2d(x, w, stride=(1, 1, 1)), RuntimeError, "3 values"),
    (lambda x, w: F.conv2d(x, w, padding=-1), RuntimeError, "non-negative"),
    (lambda x, w: F.conv2d(x, w, dilation=0), RuntimeError, "dilation must be positive"),
    (lambda x, w: F.conv2d(x, w, groups=1.0), TypeError, "groups"),
    (lambda x, w: F.conv2d(x.to(tg.int64), w), TypeError, "dtype int64"),
    (lambda x, w: F.conv2d(x > 0, w > 0), TypeError, "dtype bool"),
    (lambda x, w: F.conv_transpose2d(tg.zeros(1, 6, 3, 3), tg.zeros(6, 4, 3, 0)), RuntimeError, "kernel of size"),
    (lambda x, w: F.conv1d(tg.zeros(1, 4, 8), tg.zeros(2, 4, 3), stride=2.0), TypeError, "conv1d"),
    (lambda x, w: F.conv2d_weight(x, tg.zeros(2, 6, 5, 5), (3, 3)), RuntimeError, "output size (6, 6)"),
    (lambda x, w: F.conv2d_weight(x, tg.zeros(2, 6, 6, 6), (0, 3)), RuntimeError, "kernel_size must be positive"),
])
def test_bad_hyper_parameters_and_dtypes_are_refused_before_any_work(call, error, words):
    x, w = tg.randn(2, 4, 8, 8), tg.randn(6, 4, 3, 3)
    with pytest.raises(error, match=re.escape(words)) as err:
        call(x, w)
    assert err.value.args[0].split(":")[0] in ("conv2d", "conv_transpose2d", "conv1d", "conv2d_weight")


@pytest.mark.torch
def test_an_empty_batch_gives_an_empty_output_as_torch(torch):
    x, w = np.zeros((0, 4, 8, 8), np.float32), np.ones((6, 4, 3, 3), np.float32)
    ours = F.conv2d(tg.tensor(x), tg.tensor(w), padding=1)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    assert ours.shape == tuple(theirs.shape) == (0, 6, 8, 8)


def test_a_convolution_larger_than_memory_is_refused_with_the_byte_count():
    huge = tg.Tensor(np.broadcast_to(np.float32(0), (4096, 64, 256, 256)))  # a view: no memory behind it
    with pytest.raises(MemoryError, match=r"conv2d \(its im2col column matrix\).*needs [\d,]+ bytes"):
        F.conv2d(huge, tg.zeros(8, 64, 3, 3))


@pytest.mark.torch
def test_an_empty_batch_has_empty_gradients_and_a_zero_weight_gradient(torch):
    x = tg.zeros(0, 4, 8, 8, requires_grad=True)
    w = tg.randn(6, 4, 3, 3, requires_grad=True)
    F.conv2d(x, w, stride=2).sum().backward()
    assert x.grad.shape == (0, 4, 8, 8) and w.grad.data.tolist() == np.zeros((6, 4, 3, 3)).tolist()
    y = F.conv_transpose2d(tg.zeros(0, 6, 3, 3), tg.zeros(6, 2, 3, 3), stride=2)
    assert y.shape == tuple(torch.nn.functional.conv_transpose2d(torch.zeros(0, 6, 3, 3), torch.zeros(6, 2, 3, 3),
                                                                  stride=2).shape)


@pytest.mark.parametrize("name, bad, error", [("stride", True, TypeError), ("padding", (1, True), TypeError),
                                              ("dilation", 1.0, TypeError), ("groups", True, TypeError),
                                              ("stride", 0, ValueError), ("padding", "bogus", ValueError)])
def test_conv2d_cached_attrs_keep_every_refusal(name, bad, error):
    """conv2d's checks are cached per (shapes, hyper-parameters); a value equal to a valid one as a key (True == 1)
    is still refused, and so are other dtypes and NumPy operands after a valid Tensor call."""
    x, w = tg.Tensor(np.ones((1, 2, 6, 6), np.float32)), tg.Tensor(np.ones((3, 2, 3, 3), np.float32))
    good = {"stride": 1, "padding": (1, 1), "dilation": 1, "groups": 1}
    assert F.conv2d(x, w, **good).shape == (1, 3, 6, 6)
    for _ in range(2):
        with pytest.raises(error):
            F.conv2d(x, w, **{**good, name: bad})
    with pytest.raises(TypeError, match="conv2d: weight has dtype int64"):
        F.conv2d(x, tg.Tensor(np.ones((3, 2, 3, 3), np.int64)))
    with pytest.raises(TypeError, match="same dtype"):
        F.conv2d(x, w, tg.Tensor(np.ones(3, np.float64)))
    assert np.array_equal(F.conv2d(x.data, w.data).data, F.conv2d(x, w).data)


@pytest.mark.torch
@pytest.mark.parametrize("y_shape, w_shape, stride, dilation, output_padding", [
    ((1, 1, 2, 2), (1, 1, 1, 1), 1, 2, 1),  # a 1×1 kernel: δ_y reads only the first 2×2 of δ's 3×3
    ((2, 3, 3, 2), (3, 2, 1, 1), 1, 3, 2),
    ((1, 2, 2, 2), (2, 2, 1, 1), (1, 2), (2, 1), (1, 1)),
])
def test_conv_transpose2d_with_output_padding_from_the_dilation(torch, y_shape, w_shape, stride, dilation,
                                                                 output_padding):
    """output_padding < dilation with stride 1 (PyTorch allows it): the extra rows are never read back, so δ_y is a
    1×1 convolution of δ that stops short of δ's last rows (was a reshape error in the backward pass)."""
    rng = np.random.default_rng(0)
    y, w = rand64(rng, y_shape), rand64(rng, w_shape)
    yt, wt = torch.tensor(y.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    x = F.conv_transpose2d(y, w, stride=stride, output_padding=output_padding, dilation=dilation)
    xt = torch.nn.functional.conv_transpose2d(yt, wt, stride=stride, output_padding=output_padding, dilation=dilation)
    assert_close(x, xt)
    g = rng.standard_normal(x.shape)
    x.backward(tg.Tensor(g))
    xt.backward(torch.tensor(g))
    assert_close(y.grad, yt.grad)
    assert_close(w.grad, wt.grad)
