"""The column matrix of a convolution in its two layouts: im2col and col2im are adjoint in each, the wide
layout holds the narrow one's columns (plus columns that are never read back), and non-finite values in
those extra columns never reach a result."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.ops import conv_kernels
from tinygrad_edu.ops.conv_kernels import Geometry, col2im, im2col, output_columns, output_image


@st.composite
def geometry(draw, wide=False):
    """A valid (x shape, Geometry) over kernel, stride, per-side padding, dilation, groups and dtype, built so
    every window fits (no filtering); with wide=True, one that takes the wide layout (stride 1, numbers, and a
    padded width Wp with Wp ≤ 1.25·ow, i.e. Wp ≥ 5·(span − 1))."""
    groups = draw(st.sampled_from([1, 2]))
    n, c_g = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (1, 1) if wide else draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (2, 3)]))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = ((draw(st.integers(0, 2)), draw(st.integers(0, 2))), (draw(st.integers(0, 2)), draw(st.integers(0, 2))))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    least_width = max(spans[1], 5 * (spans[1] - 1)) if wide else spans[1]
    least = [max(1, spans[0] - sum(padding[0])), max(1, least_width - sum(padding[1]))]
    size = (draw(st.integers(least[0], least[0] + 6)), draw(st.integers(least[1], least[1] + 6)))
    padded = [s + sum(p) for s, p in zip(size, padding)]
    out = tuple((p - sp) // st_ + 1 for p, sp, st_ in zip(padded, spans, stride))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    geo = Geometry.of(dtype, size, kernel, stride, padding, dilation, groups, out)
    return (n, c_g * groups, *size), geo, draw(st.integers(0, 2**16))


@given(geometry())
def test_col2im_is_the_adjoint_of_im2col_in_both_layouts(case):
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    cols = im2col(x, geo)
    other = rng.standard_normal(cols.shape)
    assert np.isclose((cols * other).sum(), (x * col2im(other, shape[0], geo)).sum())


@given(geometry(wide=True))
def test_the_wide_layout_holds_the_narrow_columns(case):
    shape, geo, seed = case
    assert geo.wide
    x = np.random.default_rng(seed).standard_normal(shape)
    narrow = Geometry.of(object, geo.size, geo.kernel, geo.stride, geo.padding, geo.dilation, geo.groups, geo.out)
    assert not narrow.wide and geo.row >= geo.out[1]
    wide_cols = im2col(x, geo).reshape(geo.groups, -1, shape[0], geo.out[0], geo.row)[..., :geo.out[1]]
    np.testing.assert_array_equal(wide_cols.reshape(geo.groups, wide_cols.shape[1], -1), im2col(x, narrow))


def test_wide_only_for_stride_one_numbers_and_little_extra_work():
    same = dict(kernel=(3, 3), padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1)
    assert Geometry.of(np.float32, size=(32, 32), stride=(1, 1), out=(32, 32), **same).wide
    assert not Geometry.of(object, size=(32, 32), stride=(1, 1), out=(32, 32), **same).wide
    assert not Geometry.of(np.float32, size=(32, 32), stride=(2, 2), out=(16, 16), **same).wide
    assert not Geometry.of(np.float32, size=(4, 4), stride=(1, 1), out=(4, 4), **same).wide  # 6 columns for 4


def test_output_columns_and_output_image_are_inverse_and_zero_the_extra_columns():
    geo = Geometry.of(np.float64, (5, 8), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 2, (5, 8))
    assert geo.wide and geo.row == 10
    y = np.random.default_rng(0).standard_normal((3, 4, 5, 8))
    columns = output_columns(y, geo)
    assert columns.shape == (2, 2, 3 * 5 * 10)
    assert not columns.reshape(2, 2, 3, 5, 10)[..., 8:].any()
    np.testing.assert_array_equal(output_image(columns, 3, geo), y)


def test_a_nan_in_the_input_reaches_only_the_weight_gradients_that_read_it():
    """x[0, 0, 2, 0] = NaN is read by kernel column q = 0 only (valid 3×3 conv): ∂E/∂W[:, :, :, 1:] stay finite,
    although the wide layout's extra columns hold that NaN for q = 1, 2."""
    x = np.random.default_rng(0).standard_normal((1, 1, 6, 6))
    x[0, 0, 2, 0] = np.nan
    w = tg.tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    F.conv2d(tg.tensor(x), w).sum().backward()
    dw = w.grad.data[0, 0]
    assert np.isnan(dw[:, 0]).all() and np.isfinite(dw[:, 1:]).all()


def test_an_infinite_weight_spreads_only_where_the_transposed_convolution_puts_it():
    w = np.zeros((1, 1, 3, 3))
    w[0, 0, 1, 1] = np.inf
    x = tg.tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
    y = F.conv2d(x, tg.tensor(w))
    delta = np.zeros(y.shape)
    delta[0, 0, 0, 0] = 1.0
    y.backward(delta)
    # dx[i, j] = Σ_pq δ[i − p, j − q]·W[p, q]: only the centre tap is non-zero, so x[1 + I, 1 + J] gets δ[I, J]·∞:
    # ∞ for the one δ = 1, 0·∞ = NaN for the other three outputs, and exactly 0 everywhere else.
    expected = np.zeros((4, 4))
    expected[1:3, 1:3] = np.nan
    expected[1, 1] = np.inf
    np.testing.assert_array_equal(x.grad.data[0, 0], expected)


@pytest.mark.torch
def test_non_finite_values_propagate_as_in_pytorch(torch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 7))
    x[0, 1, 4, 0] = np.nan
    x[1, 2, 0, 6] = np.inf
    w = rng.standard_normal((4, 3, 3, 3))
    xt, wt = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    F.conv2d(xt, wt, padding=(0, 1)).sum().backward()
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(tx, tw, padding=(0, 1)).sum().backward()
    np.testing.assert_array_equal(np.isnan(wt.grad.data), np.isnan(tw.grad.numpy()))
    np.testing.assert_allclose(np.nan_to_num(wt.grad.data), np.nan_to_num(tw.grad.numpy()), rtol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("x_shape, w_shape, padding, dilation, groups", [
    ((2, 4, 16, 16), (6, 2, 3, 3), 1, 1, 2),
    ((1, 3, 12, 20), (4, 3, 2, 3), "same", (1, 2), 1),
    ((2, 2, 14, 24), (2, 1, 3, 3), (0, 2), 2, 2),
    ((3, 1, 10, 10), (5, 1, 1, 1), 0, 1, 1),
])
def test_wide_layout_convolutions_match_torch_to_second_order(torch, monkeypatch, x_shape, w_shape, padding,
                                                             dilation, groups):
    wide_calls = []
    monkeypatch.setattr(conv_kernels, "_col2im_wide", _spy(conv_kernels._col2im_wide, wide_calls))
    monkeypatch.setattr(conv_kernels, "_im2col_wide", _spy(conv_kernels._im2col_wide, wide_calls))
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    attrs = dict(padding=padding, dilation=dilation, groups=groups)
    ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y = F.conv2d(ours_x, ours_w, **attrs)
    y_t = torch.nn.functional.conv2d(theirs_x, theirs_w, **attrs)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    (gx, gw) = tg.grad((y * y).sum(), [ours_x, ours_w], create_graph=True)
    (gx_t, gw_t) = torch.autograd.grad((y_t * y_t).sum(), [theirs_x, theirs_w], create_graph=True)
    np.testing.assert_allclose(gx.data, gx_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw.data, gw_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    (gg,) = tg.grad((gx * gx).sum() + (gw * gw).sum(), [ours_w])
    (gg_t,) = torch.autograd.grad((gx_t * gx_t).sum() + (gw_t * gw_t).sum(), [theirs_w])
    np.testing.assert_allclose(gg.data, gg_t.numpy(), rtol=1e-8, atol=1e-10)
    assert len(wide_calls) >= 3


def _spy(function, calls):
    def spied(*args):
        calls.append(function.__name__)
        return function(*args)
    return spied
