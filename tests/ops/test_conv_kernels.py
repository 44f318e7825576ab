"""The column matrix of a convolution and the chunked kernels built on it: im2col and col2im are adjoint in
each layout, the wide layout holds the narrow one's columns (plus columns that are never read back), the
cache-sized chunks, the flipped-kernel transposed convolution and the weight gradient's three GEMM shapes give
the whole-batch formulas, and non-finite values in the extra columns never reach a result."""
import math
from dataclasses import replace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.ops import conv_kernels
from tinygrad_edu.ops.conv_kernels import (WIDE_MAX_RATIO, Geometry, chunks, col2im, conv, conv_transpose,
                                           conv_weight, conv_with_columns, im2col, output_columns, output_image)


@st.composite
def geometry(draw, wide=False, stride_one=False, batch=(1, 2)):
    """A valid (x shape, Geometry, seed) over kernel, stride, per-side padding, dilation, groups and dtype, built
    so every window fits (no filtering); with wide=True, one that takes the wide layout (stride 1, numbers, and a
    padded width Wp ≤ r·ow with r = WIDE_MAX_RATIO, i.e. Wp ≥ r/(r − 1)·(span − 1))."""
    groups = draw(st.sampled_from([1, 2]))
    n, c_g = draw(st.integers(*batch)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    one = wide or stride_one
    stride = (1, 1) if one else draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (2, 3)]))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = ((draw(st.integers(0, 2)), draw(st.integers(0, 2))), (draw(st.integers(0, 2)), draw(st.integers(0, 2))))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    least_width = max(spans[1], math.ceil(WIDE_MAX_RATIO / (WIDE_MAX_RATIO - 1) * (spans[1] - 1))) if wide else spans[1]
    least = [max(1, spans[0] - sum(padding[0])), max(1, least_width - sum(padding[1]))]
    size = (draw(st.integers(least[0], least[0] + 6)), draw(st.integers(least[1], least[1] + 6)))
    padded = [s + sum(p) for s, p in zip(size, padding)]
    out = tuple((p - sp) // st_ + 1 for p, sp, st_ in zip(padded, spans, stride))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    geo = Geometry.of(dtype, size, kernel, stride, padding, dilation, groups, out)
    return (n, c_g * groups, *size), geo, draw(st.integers(0, 2**16))


def _narrow(geo: Geometry) -> Geometry:
    return replace(geo, wide=False)


def _reference_conv(x, w, geo):
    """The whole-batch formula the SymPy path uses: one im2col, one GEMM."""
    o, groups = w.shape[0], geo.groups
    return output_image(np.matmul(w.reshape(groups, o // groups, -1), im2col(x, _narrow(geo))), _narrow(geo))


def _reference_weight(x, dy, geo):
    cols = im2col(x, _narrow(geo))
    return (np.matmul(output_columns(dy, _narrow(geo)), cols.swapaxes(-1, -2)).sum(0)
            .reshape(dy.shape[1], x.shape[1] // geo.groups, *geo.kernel))


def _reference_transpose(dy, w, geo):
    o, groups = w.shape[0], geo.groups
    w_t = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    return col2im(np.matmul(w_t, output_columns(dy, _narrow(geo))), _narrow(geo))


@given(geometry())
def test_col2im_is_the_adjoint_of_im2col_in_both_layouts(case):
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    cols = im2col(x, geo)
    other = rng.standard_normal(cols.shape)
    assert np.isclose((cols * other).sum(), (x * col2im(other, geo)).sum())


@given(geometry(wide=True))
def test_the_wide_layout_holds_the_narrow_columns(case):
    shape, geo, seed = case
    assert geo.wide
    x = np.random.default_rng(seed).standard_normal(shape)
    narrow = Geometry.of(object, geo.size, geo.kernel, geo.stride, geo.padding, geo.dilation, geo.groups, geo.out)
    assert not narrow.wide and geo.row >= geo.out[1]
    wide_cols = im2col(x, geo).reshape(shape[0], geo.groups, -1, geo.out[0], geo.row)[..., :geo.out[1]]
    np.testing.assert_array_equal(wide_cols.reshape(shape[0], geo.groups, wide_cols.shape[2], -1), im2col(x, narrow))


def test_wide_only_for_stride_one_numbers_and_at_most_25_percent_more_work():
    same = dict(kernel=(3, 3), padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1)
    assert Geometry.of(np.float32, size=(32, 32), stride=(1, 1), out=(32, 32), **same).wide
    assert not Geometry.of(object, size=(32, 32), stride=(1, 1), out=(32, 32), **same).wide
    assert not Geometry.of(np.float32, size=(32, 32), stride=(2, 2), out=(16, 16), **same).wide
    assert not Geometry.of(np.float32, size=(4, 4), stride=(1, 1), out=(4, 4), **same).wide  # 6 columns for 4
    lenet_c3 = Geometry.of(np.float32, (14, 14), (5, 5), (1, 1), ((0, 0), (0, 0)), (1, 1), 1, (10, 10))
    assert not lenet_c3.wide and lenet_c3.row == 10  # 14 columns for 10 is 40 % more GEMM work
    lenet_c1 = Geometry.of(np.float32, (28, 28), (5, 5), (1, 1), ((2, 2), (2, 2)), (1, 1), 1, (28, 28))
    assert lenet_c1.wide and lenet_c1.row == 32


def test_output_columns_and_output_image_are_inverse_and_zero_the_extra_columns():
    geo = Geometry.of(np.float64, (5, 8), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 2, (5, 8))
    assert geo.wide and geo.row == 10
    y = np.random.default_rng(0).standard_normal((3, 4, 5, 8))
    columns = output_columns(y, geo)
    assert columns.shape == (3, 2, 2, 5 * 10)
    assert not columns.reshape(3, 2, 2, 5, 10)[..., 8:].any()
    np.testing.assert_array_equal(output_image(columns, geo), y)


def test_chunks_split_the_batch_into_pieces_of_the_cache_budget():
    budget = conv_kernels.CHUNK_CACHES * conv_kernels.cache_bytes()
    parts = chunks(100, budget // 7)
    assert [p.stop - p.start for p in parts] == [7] * 14 + [2]
    assert parts[0].start == 0 and all(a.stop == b.start for a, b in zip(parts, parts[1:]))
    assert chunks(5, 10 * budget) == [slice(k, k + 1) for k in range(5)]  # an item larger than the cache: one at a time
    assert chunks(3, 1) == [slice(0, 3)]


@given(geometry(batch=(1, 5)), st.integers(1, 3), st.floats(0.1, 3.0))
def test_chunked_kernels_equal_the_whole_batch_formulas(case, o_g, items_per_chunk):
    """conv, conv_weight and conv_transpose over chunks of about `items_per_chunk` items (the last one partial)
    give the one-GEMM formulas, in both layouts and through all three weight-gradient GEMM shapes."""
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    dtype = np.float64 if geo.wide else np.float32  # the narrow layout is also what float32 takes with stride > 1
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((o_g * geo.groups, shape[1] // geo.groups, *geo.kernel)).astype(dtype)
    dy = rng.standard_normal((shape[0], w.shape[0], *geo.out)).astype(dtype)
    budget = max(1, int(items_per_chunk * geo.column_bytes(shape[1], x.itemsize)) // conv_kernels.CHUNK_CACHES)
    with patch.object(conv_kernels, "cache_bytes", lambda: budget):
        got = conv(x, w, geo), conv_weight(x, dy, geo), conv_transpose(dy, w, geo)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got[0], _reference_conv(x, w, geo), **tol)
    np.testing.assert_allclose(got[1], _reference_weight(x, dy, geo), **tol)
    np.testing.assert_allclose(got[2], _reference_transpose(dy, w, geo), **tol)


@given(geometry(stride_one=True, batch=(1, 3)), st.integers(1, 3))
def test_the_flipped_kernel_convolution_is_the_transposed_convolution(case, o_g):
    """Stride 1: δ padded by d(k − 1) − p (cropped where the padding p exceeds the span) and convolved with the
    flipped kernel is col2im(Wᵀ·δ), for every padding, dilation and group count."""
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((o_g * geo.groups, shape[1] // geo.groups, *geo.kernel))
    dy = rng.standard_normal((shape[0], w.shape[0], *geo.out))
    np.testing.assert_allclose(conv_kernels._flipped_convolution(dy, w, geo), _reference_transpose(dy, w, geo),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("x_shape, w_shape, padding, path", [
    ((6, 4, 5, 5), (12, 4, 5, 5), 0, "one GEMM per chunk"),        # LeNet's C5: 1 output position, 12 outputs
    ((5, 8, 9, 9), (6, 8, 3, 3), 1, "δᵀ copied"),                  # 72 rows of columns
    ((5, 3, 9, 9), (4, 3, 3, 3), 1, "δᵀ as a view"),               # 27 rows
])
def test_the_weight_gradient_s_three_gemm_shapes(x_shape, w_shape, padding, path):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out = x_shape[2] + 2 * padding - w_shape[2] + 1
    geo = Geometry.of(np.float64, x_shape[2:], w_shape[2:], (1, 1), ((padding,) * 2,) * 2, (1, 1), 1, (out, out))
    positions, rows = geo.out[0] * geo.row, x_shape[1] * w_shape[2] * w_shape[3]
    assert path == ("one GEMM per chunk" if positions < w_shape[0] else "δᵀ copied" if rows >= 64 else "δᵀ as a view")
    dy = rng.standard_normal((x_shape[0], w_shape[0], out, out))
    with patch.object(conv_kernels, "cache_bytes", lambda: 2 * geo.column_bytes(x_shape[1], 8)):
        np.testing.assert_allclose(conv_weight(x, dy, geo), _reference_weight(x, dy, geo), rtol=1e-10, atol=1e-10)


def test_the_weight_gradient_reuses_the_forward_columns_only_when_they_took_one_chunk():
    rng = np.random.default_rng(5)
    x, w, dy = rng.standard_normal((4, 3, 6, 6)), rng.standard_normal((5, 3, 3, 3)), rng.standard_normal((4, 5, 6, 6))
    geo = Geometry.of(np.float64, (6, 6), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1, (6, 6))
    y, columns = conv_with_columns(x, w, geo)
    np.testing.assert_allclose(y, _reference_conv(x, w, geo), rtol=1e-12)
    assert columns is not None and columns.shape == (4, 1, 27, 6 * geo.row)

    def no_im2col(*args):
        raise AssertionError("the kept columns should have been used")

    with patch.object(conv_kernels, "im2col", no_im2col):
        np.testing.assert_allclose(conv_weight(x, dy, geo, columns), _reference_weight(x, dy, geo), rtol=1e-12)
    np.testing.assert_allclose(conv_weight(x, dy, geo, columns[:2]), _reference_weight(x, dy, geo), rtol=1e-12)
    with patch.object(conv_kernels, "cache_bytes", lambda: 1):
        assert conv_with_columns(x, w, geo)[1] is None  # four chunks: nothing kept


@pytest.mark.parametrize("x_shape, w_shape, padding, groups, flips", [
    ((32, 16, 32, 32), (32, 16, 3, 3), 1, 1, True),    # CIFAR-style: no col2im
    ((32, 32, 32, 32), (32, 1, 3, 3), 1, 32, True),    # depthwise: col2im of 9 rows per channel would dominate
    ((64, 1, 28, 28), (6, 1, 5, 5), 2, 1, False),      # LeNet C1: δ has 6× the channels of x
    ((64, 6, 14, 14), (16, 6, 5, 5), 0, 1, False),     # LeNet C3: δ would be padded by 4 on a 10×10 map
])
def test_the_transposed_convolution_flips_the_kernel_where_that_moves_less(x_shape, w_shape, padding, groups, flips):
    out = x_shape[2] + 2 * padding - w_shape[2] + 1
    geo = Geometry.of(np.float32, x_shape[2:], w_shape[2:], (1, 1), ((padding,) * 2,) * 2, (1, 1), groups, (out, out))
    assert conv_kernels._flipping_pays(w_shape, geo) is flips


def test_an_infinite_weight_never_takes_the_flipped_kernel_path():
    """Flipping would pay here (4 → 4 channels, padding 1), but its zero padding times ∞ would be NaN where the
    transposed convolution has exact zeros."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((4, 4, 3, 3))
    w[1, 2, 0, 0] = np.inf
    dy = rng.standard_normal((2, 4, 6, 6))
    geo = Geometry.of(np.float64, (6, 6), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1, (6, 6))
    assert conv_kernels._flipping_pays(w.shape, geo)
    expected = _reference_transpose(dy, w, geo)
    assert np.isfinite(expected).sum() > 0 and not np.isfinite(expected).all()
    np.testing.assert_array_equal(conv_transpose(dy, w, replace(geo, wide=False)), expected)


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
@pytest.mark.parametrize("x_shape, w_shape, stride, padding, dilation, groups", [
    ((7, 6, 12, 12), (8, 3, 3, 3), 1, 1, 1, 2),
    ((5, 4, 11, 9), (6, 4, 3, 2), 2, (1, 0), (2, 1), 1),
    ((6, 8, 10, 10), (8, 1, 3, 3), 1, 1, 1, 8),
])
def test_convolutions_in_chunks_of_one_or_two_items_match_torch(torch, x_shape, w_shape, stride, padding, dilation,
                                                               groups):
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32)
    attrs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    with patch.object(conv_kernels, "cache_bytes", lambda: 4096 // conv_kernels.CHUNK_CACHES):
        y = F.conv2d(ours_x, ours_w, **attrs)
        y.backward(tg.tensor(np.cos(y.data)))
    theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y_t = torch.nn.functional.conv2d(theirs_x, theirs_w, **attrs)
    y_t.backward(torch.cos(y_t.detach()))
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_x.grad.data, theirs_x.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_w.grad.data, theirs_w.grad.numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.torch
@pytest.mark.parametrize("x_shape, w_shape, padding, dilation, groups", [
    ((2, 4, 16, 16), (6, 2, 3, 3), 1, 1, 2),
    ((1, 3, 12, 20), (4, 3, 2, 3), "same", (1, 2), 1),
    ((2, 2, 14, 24), (4, 1, 3, 3), (0, 2), 2, 2),  # channel multiplier 2 (depthwise takes frames)
    ((3, 1, 10, 10), (5, 1, 1, 1), 0, 1, 1),
])
def test_wide_layout_convolutions_match_torch_to_second_order(torch, monkeypatch, x_shape, w_shape, padding,
                                                             dilation, groups):
    wide_calls = []
    monkeypatch.setattr(conv_kernels, "im2col", _spy(conv_kernels.im2col, wide_calls))
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
    def spied(x, geo, *args):
        if geo.wide:
            calls.append(geo)
        return function(x, geo, *args)
    return spied


# ---- the narrow columns, the framed input gradient and the fused backward ----------------------------------

def _reference_columns(x, geo):
    """im2col by its definition: offset (p, q)'s column (i, j) holds x_pad[s·i + d·p, s·j + d·q]."""
    (top, bottom), (left, right) = geo.padding
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel, geo.stride, geo.dilation, geo.out
    cols = np.empty(x.shape[:2] + (kh, kw, oh, ow), x.dtype)
    for p in range(kh):
        for q in range(kw):
            cols[:, :, p, q] = xp[:, :, p * dh:p * dh + sh * (oh - 1) + 1:sh, q * dw:q * dw + sw * (ow - 1) + 1:sw]
    return cols.reshape(x.shape[0], geo.groups, -1, oh * ow)


@given(geometry())
def test_the_narrow_columns_are_the_windows_by_definition(case):
    """Stride 1 in height takes kw shifted copies and contiguous runs of them, any other stride kh·kw strided
    copies: both are the definition."""
    shape, geo, seed = case
    x = np.random.default_rng(seed).standard_normal(shape)
    np.testing.assert_array_equal(im2col(x, _narrow(geo)), _reference_columns(x, geo))


def _framed_item_bytes(shape, w_shape, geo, itemsize=8):
    return shape[1] * w_shape[2] * w_shape[3] * geo.padded[0] * geo.padded[1] * itemsize


@given(geometry(stride_one=True, batch=(1, 5)), st.integers(1, 3), st.floats(0.3, 3.0))
def test_the_framed_transposed_convolution_is_col2im_of_the_columns(case, o_g, items_per_chunk):
    """Frames of Hp·Wp entries laid end to end, δ shifted by q·d for each kernel column, one GEMM and kh adds per
    chunk (the last chunk shorter): col2im(Wᵀ·δ) for every padding, dilation and group count; a frame's zeros
    spilling into the next item's frame add exactly 0."""
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((o_g * geo.groups, shape[1] // geo.groups, *geo.kernel))
    dy = rng.standard_normal((shape[0], w.shape[0], *geo.out))
    budget = max(1, int(items_per_chunk * _framed_item_bytes(shape, w.shape, geo)) // conv_kernels.CHUNK_CACHES)
    with patch.object(conv_kernels, "cache_bytes", lambda: budget):
        got = conv_kernels._framed_transpose(dy, w, geo)
    np.testing.assert_allclose(got, _reference_transpose(dy, w, geo), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("x_shape, w_shape, padding, framed", [
    ((4, 6, 14, 14), (16, 6, 5, 5), 0, True),     # LeNet C3: runs of 10·10 entries per item and channel
    ((4, 1, 28, 28), (6, 1, 5, 5), 2, False),     # LeNet C1: runs of 28·32, which per-item col2im adds in the cache
    ((4, 16, 5, 5), (12, 16, 5, 5), 0, False),    # LeNet C5: one output position, the image is its own columns
    ((4, 1, 14, 14), (32, 1, 3, 3), 1, False),    # 3 rows of columns per item, 96 shifted rows of δ
])
def test_the_transposed_convolution_takes_frames_only_for_short_runs(x_shape, w_shape, padding, framed):
    rng = np.random.default_rng(7)
    out = x_shape[2] + 2 * padding - w_shape[2] + 1
    geo = Geometry.of(np.float64, x_shape[2:], w_shape[2:], (1, 1), ((padding,) * 2,) * 2, (1, 1), 1, (out, out))
    w, dy = rng.standard_normal(w_shape), rng.standard_normal((x_shape[0], w_shape[0], out, out))
    calls = []
    real = conv_kernels._framed_transpose
    with patch.object(conv_kernels, "_framed_transpose", lambda *a: calls.append(1) or real(*a)):
        got = conv_transpose(dy, w, geo)
    assert bool(calls) is framed
    np.testing.assert_allclose(got, _reference_transpose(dy, w, geo), rtol=1e-10, atol=1e-10)
    w[0, 0, 0, 0] = np.inf  # W·0 would be NaN in a frame's zeros: the exact col2im instead
    calls.clear()
    with patch.object(conv_kernels, "_framed_transpose", lambda *a: calls.append(1) or real(*a)):
        got = conv_transpose(dy, w, replace(geo, wide=False))
    expected = _reference_transpose(dy, w, geo)
    assert not np.isfinite(expected).all()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)  # the same infs and NaNs, in place
    assert not calls


@given(geometry(stride_one=True, batch=(1, 5)), st.integers(1, 3), st.floats(0.3, 3.0),
       st.sampled_from([np.float64, np.float32]))
def test_the_fused_backward_gives_both_gradients_from_framed_delta_and_x(case, o_g, items_per_chunk, dtype):
    """δ shifted by q·d and x shifted by p·d·Wp, both in frames of the padded image, give δ_x (one GEMM, kh adds)
    and ∂E/∂W (one GEMM) per chunk: the transposed convolution and the weight gradient, for every padding,
    dilation and group count (a group's rows one run or copied together), the last chunk shorter."""
    shape, geo, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((o_g * geo.groups, shape[1] // geo.groups, *geo.kernel)).astype(dtype)
    dy = rng.standard_normal((shape[0], w.shape[0], *geo.out)).astype(dtype)
    frame = geo.padded[0] * geo.padded[1] * x.itemsize
    item = (w.shape[0] * geo.kernel[1] + shape[1] * geo.kernel[0]) * frame
    budget = max(1, int(items_per_chunk * item) // conv_kernels.CHUNK_CACHES)
    with patch.object(conv_kernels, "cache_bytes", lambda: budget):
        dx, dw = conv_kernels.conv_backward(dy, x, w, geo)
    assert dw is not None and dw.shape == w.shape and dw.flags.c_contiguous
    assert dx.dtype == dw.dtype == dtype
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dx, _reference_transpose(dy, w, geo), **tol)
    np.testing.assert_allclose(dw, _reference_weight(x, dy, geo), **tol)


@pytest.mark.parametrize("where", ["x inf", "x nan", "δ nan", "cropped δ inf"])
def test_the_fused_backward_leaves_a_non_finite_weight_gradient_to_conv_weight(where):
    """A frame's zeros meet every x entry, so an inf or NaN in x gives 0·inf = NaN where PyTorch may have a
    number, and a non-finite δ is non-finite in ∂E/∂W anyway (here also one that meets only x's zero border,
    padding 3 > span 2): ∂E/∂W is then None, for conv_weight to redo exactly; δ_x is exact."""
    rng = np.random.default_rng(8)
    x, w, dy = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((3, 1, 3, 3)), rng.standard_normal((2, 3, 9, 9))
    geo = Geometry.of(np.float64, (5, 5), (3, 3), (1, 1), ((3, 3), (3, 3)), (1, 1), 3, (9, 9))
    {"x inf": lambda: x.__setitem__((1, 2, 0, 4), np.inf), "x nan": lambda: x.__setitem__((0, 0, 2, 2), np.nan),
     "δ nan": lambda: dy.__setitem__((1, 1, 4, 4), np.nan),
     "cropped δ inf": lambda: dy.__setitem__((0, 2, 0, 3), np.inf)}[where]()
    dx, dw = conv_kernels.conv_backward(dy, x, w, geo)
    assert dw is None
    np.testing.assert_allclose(dx, _reference_transpose(dy, w, geo), rtol=1e-10, atol=1e-10)


def _fused(calls):
    real = conv_kernels.conv_backward

    def spied(dy, x, w, geo):
        dx, dw = real(dy, x, w, geo)
        calls.append(dw is not None)
        return dx, dw
    return spied


@st.composite
def depthwise(draw):
    """A depthwise (groups = channels, channel multiplier 1 or 2) stride-1 convolution with padding and dilation,
    valid by construction."""
    c, mult = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    k, d = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    size = [draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 9)) for p in padding]
    return (draw(st.integers(1, 3)), c, *size), (c * mult, 1, k, k), padding, d, draw(st.integers(0, 2**16))


@pytest.mark.torch
@given(depthwise())
def test_depthwise_gradients_match_torch(torch, case):
    """Depthwise and channel-multiplier convolutions through the graph, float64, against PyTorch (the fused
    backward where the flipped kernel pays, the other kernels elsewhere)."""
    x_shape, w_shape, padding, dilation, seed = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    attrs = dict(padding=padding, dilation=dilation, groups=x_shape[1])
    ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    y = F.conv2d(ours_x, ours_w, **attrs)
    delta = rng.standard_normal(y.shape)
    y.backward(tg.tensor(delta))
    theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(theirs_x, theirs_w, **attrs).backward(torch.tensor(delta))
    np.testing.assert_allclose(ours_x.grad.data, theirs_x.grad.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours_w.grad.data, theirs_w.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.torch
@pytest.mark.parametrize("x_shape, w_shape, padding, dilation, groups", [
    ((2, 4, 8, 8), (4, 1, 3, 3), 1, 1, 4),        # depthwise
    ((2, 3, 7, 9), (6, 1, 3, 3), (3, 2), 1, 3),   # padding beyond the span: δ cropped
    ((2, 4, 9, 9), (6, 2, 3, 3), 2, 2, 2),        # dilated, grouped
])
@pytest.mark.parametrize("where", ["none", "x nan", "x inf", "δ inf", "δ nan"])
def test_fused_backward_propagates_non_finite_values_as_torch(torch, x_shape, w_shape, padding, dilation, groups,
                                                              where):
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    attrs = dict(padding=padding, dilation=dilation, groups=groups)
    out = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), **attrs).shape
    delta = rng.standard_normal(tuple(out))
    if where.startswith("x"):
        x[1, -1, 0, 2] = np.nan if "nan" in where else np.inf
    elif where != "none":
        delta[0, 0, 0, 1] = np.nan if "nan" in where else -np.inf
    calls = []
    ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    with patch.object(conv_kernels, "conv_backward", _fused(calls)):
        F.conv2d(ours_x, ours_w, **attrs).backward(tg.tensor(delta))
    assert calls == [where == "none"]  # taken every time; ∂E/∂W handed over only when finite
    theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(theirs_x, theirs_w, **attrs).backward(torch.tensor(delta))
    for ours, theirs in ((ours_x.grad.data, theirs_x.grad.numpy()), (ours_w.grad.data, theirs_w.grad.numpy())):
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        np.testing.assert_array_equal(np.isposinf(ours), np.isposinf(theirs))
        np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(theirs))
        finite = np.isfinite(theirs)
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-9, atol=1e-11)


def test_depthwise_gradients_match_central_differences():
    """The fused backward's two gradients against finite differences, float64 (padding 2, dilation 2: δ padded by
    2 on every side)."""
    from tests.helpers import numeric_grad, rand64

    rng = np.random.default_rng(10)
    x, w = rand64(rng, (2, 3, 7, 6)), rand64(rng, (3, 1, 3, 3))
    attrs = dict(padding=2, dilation=2, groups=3)
    y = F.conv2d(x, w, **attrs)
    v = rng.standard_normal(y.shape)
    calls = []
    with patch.object(conv_kernels, "conv_backward", _fused(calls)):
        y.backward(tg.tensor(v))
    assert calls == [True]
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.conv2d(t, w, **attrs), x, v), rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_allclose(w.grad.data, numeric_grad(lambda t: F.conv2d(x, t, **attrs), w, v), rtol=1e-6,
                               atol=1e-8)


@given(geometry(stride_one=True, batch=(1, 5)), st.integers(1, 3), st.floats(0.3, 3.0),
       st.sampled_from([np.float64, np.float32]))
def test_the_framed_convolution_is_the_convolution(case, o_g, items_per_chunk, dtype):
    """x in frames of the padded image, kw copies shifted by q·d, one GEMM per channel giving a row per kernel row p,
    read from p·d·Wp on: the one-GEMM formula for every padding, dilation, group count (one input channel per
    group, as it is taken for depthwise ones) and channel multiplier, in chunks of any size."""
    shape, geo, seed = case
    shape = (shape[0], geo.groups, *shape[2:])
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    w = rng.standard_normal((o_g * geo.groups, 1, *geo.kernel)).astype(x.dtype)
    item = (shape[1] * geo.kernel[1] + w.shape[0] * geo.kernel[0]) * geo.padded[0] * geo.padded[1] * x.itemsize
    with patch.object(conv_kernels, "cache_bytes", lambda: max(1, int(items_per_chunk * item) // conv_kernels.CHUNK_CACHES)):
        got = conv_kernels._framed_conv(x, w, geo)
    assert got.dtype == x.dtype
    tol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(got, _reference_conv(x, w, geo), rtol=tol, atol=tol)


@pytest.mark.parametrize("x_shape, w_shape, groups, framed", [
    ((2, 4, 9, 9), (4, 1, 3, 3), 4, True),      # depthwise
    ((2, 4, 9, 9), (8, 1, 3, 3), 4, False),     # channel multiplier 2
    ((2, 4, 9, 9), (4, 1, 1, 1), 4, False),     # 1×1: the image is its own columns
    ((2, 4, 9, 9), (4, 4, 3, 3), 1, False),     # a regular convolution
])
def test_the_forward_takes_frames_only_for_depthwise_convolutions(x_shape, w_shape, groups, framed):
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    k = w_shape[2]
    geo = Geometry.of(np.float64, x_shape[2:], w_shape[2:], (1, 1), ((k // 2,) * 2,) * 2, (1, 1), groups, x_shape[2:])
    calls = []
    real = conv_kernels._framed_conv
    with patch.object(conv_kernels, "_framed_conv", lambda *a: calls.append(1) or real(*a)):
        y = conv(x, w, geo)
    assert bool(calls) is framed
    np.testing.assert_allclose(y, _reference_conv(x, w, geo), rtol=1e-10, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("padding, dilation", [(1, 1), ((2, 0), (2, 1)), (0, 1)])
def test_depthwise_convolutions_match_torch_to_second_order(torch, padding, dilation):
    """The framed forward and the fused backward inside double backward, float64."""
    rng = np.random.default_rng(12)
    x, w = rng.standard_normal((3, 4, 9, 8)), rng.standard_normal((4, 1, 3, 3))
    attrs = dict(padding=padding, dilation=dilation, groups=4)
    ours_x, ours_w = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    theirs_x, theirs_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y, y_t = F.conv2d(ours_x, ours_w, **attrs), torch.nn.functional.conv2d(theirs_x, theirs_w, **attrs)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    (gx, gw) = tg.grad((y * y).sum(), [ours_x, ours_w], create_graph=True)
    (gx_t, gw_t) = torch.autograd.grad((y_t * y_t).sum(), [theirs_x, theirs_w], create_graph=True)
    np.testing.assert_allclose(gx.data, gx_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gw.data, gw_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    (gg,) = tg.grad((gx * gx).sum() + (gw * gw).sum(), [ours_w])
    (gg_t,) = torch.autograd.grad((gx_t * gx_t).sum() + (gw_t * gw_t).sum(), [theirs_w])
    np.testing.assert_allclose(gg.data, gg_t.numpy(), rtol=1e-8, atol=1e-10)


def test_a_pointwise_convolution_keeps_its_copy_free_backward():
    """1×1, stride 1: the image is its own column matrix, so δ_x and ∂E/∂W are one GEMM each with nothing copied;
    the fused backward would copy both into frames."""
    geo = Geometry.of(np.float32, (8, 8), (1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1), 1, (8, 8))
    w = np.ones((8, 4, 1, 1), np.float32)  # 4 → 8 channels, as the benchmark's 32 → 64
    assert geo.image_columns and conv_kernels._flipping_pays(w.shape, geo)
    assert not conv_kernels.fuses_backward(w, geo)
    assert conv_kernels.fuses_backward(np.ones((16, 4, 3, 3), np.float32),
                                       Geometry.of(np.float32, (8, 8), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1,
                                                   (8, 8))) is False  # 4 → 16: δ has 4× the channels
    assert conv_kernels.fuses_backward(np.ones((4, 1, 3, 3), np.float32),
                                       Geometry.of(np.float32, (8, 8), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 4,
                                                   (8, 8)))  # depthwise


@given(st.integers(1, 5), st.integers(1, 40), st.integers(1, 3000), st.sampled_from([np.float32, np.float64]),
       st.lists(st.integers(-300, 300), min_size=0, max_size=4))
def test_blocks_are_disjoint_views_spaced_away_from_4k_aliasing(count, rows, run, dtype, shifts):
    """_blocks: `count` disjoint (rows, run) views, block 0 at the buffer's start, and wherever a spacing exists
    (a 4 KiB period of 64-byte steps is searched), each copy from block 0 into block k writes at least 256 bytes
    away (mod 4 KiB) from where it reads, also without its shift."""
    shifts = shifts[:count - 1] + [0] * max(0, count - 1 - len(shifts))
    buffer = np.zeros(conv_kernels._block_entries(count, rows, run, np.dtype(dtype).itemsize), dtype)
    blocks = conv_kernels._blocks(buffer, count, rows, run, shifts)
    assert blocks.shape == (count, rows, run) and np.shares_memory(blocks, buffer)
    assert blocks[0].ctypes.data == buffer.ctypes.data
    for k in range(count):
        blocks[k] = k + 1
    assert [np.all(blocks[k] == k + 1) for k in range(count)] == [True] * count  # no two blocks overlap
    stride = blocks.strides[0]
    assert rows * run * blocks.itemsize <= stride < (rows * run + 4096) * blocks.itemsize
    safe = all(256 <= (k * stride + d * blocks.itemsize) % 4096 <= 4096 - 256
               for k, shift in enumerate(shifts, 1) for d in (0, shift))
    assert safe or stride == rows * run * blocks.itemsize  # no spacing found: packed


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("where", ["x nan", "x inf", "x -inf", "w nan", "w inf", "w -inf"])
@pytest.mark.parametrize("padding, dilation, kernel", [(1, 1, (3, 3)), (2, 2, (3, 3)), (0, 1, (3, 2)),
                                                       ((2, 0), (1, 2), (3, 2))])
def test_the_depthwise_forward_propagates_non_finite_values(torch, dtype, where, padding, dilation, kernel):
    """The framed forward (taken: depthwise) against the im2col formula, exactly in its NaNs and ±∞, and against
    PyTorch where PyTorch's kernels agree with each other: a non-finite x in either dtype, a non-finite W in
    float64 (its float32 depthwise kernel skips the zero padding, so an infinite W gives ∞ where ∞·0 = NaN is the
    value of Σ W·x_pad, which its float64 kernel and its regular float32 kernels give)."""
    rng = np.random.default_rng(14)
    x, w = rng.standard_normal((3, 4, 9, 8)).astype(dtype), rng.standard_normal((4, 1, *kernel)).astype(dtype)
    value = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}[where.split()[1]]
    if where.startswith("x"):
        x[1, 2, 0, 3] = x[2, 0, 4, 4] = value
    else:
        w[2, 0, 1, 0] = value
    calls = []
    real = conv_kernels._framed_conv
    with patch.object(conv_kernels, "_framed_conv", lambda *a: calls.append(1) or real(*a)):
        y = F.conv2d(tg.tensor(x), tg.tensor(w), padding=padding, dilation=dilation, groups=4).data
    assert calls == [1] and y.dtype == dtype
    geo = Geometry.of(dtype, x.shape[2:], kernel, (1, 1), _per_side(padding), _pair(dilation), 4,
                      y.shape[2:])
    with np.errstate(all="ignore"):
        expected = _reference_conv(x, w, geo)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    _assert_same_non_finite(y, expected, **tol)
    if where.startswith("x") or dtype == np.float64:
        theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=padding, dilation=dilation,
                                            groups=4).numpy()
        _assert_same_non_finite(y, theirs, **tol)


def _pair(value):
    return tuple(value) if isinstance(value, tuple) else (value, value)


def _per_side(padding):
    top, left = _pair(padding)
    return (top, top), (left, left)


def _assert_same_non_finite(ours, theirs, **tol):
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_array_equal(np.isposinf(ours), np.isposinf(theirs))
    np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_allclose(ours[finite], theirs[finite], **tol)


@pytest.mark.parametrize("size, kernel, padding, dilation", [
    ((5, 6), (3, 3), ((2, 2), (2, 2)), (1, 1)),  # padding k − 1: oh = fh, ow = fw (outputs fill the tight frame)
    ((5, 6), (3, 3), ((0, 2), (0, 2)), (1, 1)),  # no top/left border: δ shifted by q·d reads before the frames
    ((4, 7), (3, 2), ((2, 1), (1, 0)), (2, 1)),  # dilated, asymmetric
    ((1, 7), (3, 3), ((2, 2), (0, 0)), (2, 1)),  # a row shift p·d·fw longer than a chunk's frames
    ((6, 1), (1, 5), ((0, 0), (2, 2)), (1, 1)),  # a column shift q·d longer than a chunk's frames
])
@pytest.mark.parametrize("n", [3, 5])
def test_the_framed_kernels_on_tight_frames_with_a_shorter_last_chunk(size, kernel, padding, dilation, n):
    """Chunks of two items, the last one shorter (its blocks laid out afresh over the previous chunk's numbers),
    on the geometries where tight frames are tightest: the framed forward and the fused backward against the
    one-GEMM formulas, depthwise and with two channels per group."""
    rng = np.random.default_rng(16)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    out = tuple(s + sum(p) - sp + 1 for s, p, sp in zip(size, padding, spans))
    geo = Geometry.of(np.float64, size, kernel, (1, 1), padding, dilation, 3, out)
    fh, fw = conv_kernels.tight_frame(geo)
    x = rng.standard_normal((n, 3, *size))
    for c_g in (1, 2):
        xs = x if c_g == 1 else rng.standard_normal((n, 6, *size))
        w = rng.standard_normal((3, c_g, *kernel))
        dy = rng.standard_normal((n, 3, *out))
        fwd_item = (3 * c_g * kernel[1] + 3 * kernel[0]) * fh * fw * 8
        bwd_item = (3 * kernel[1] + 3 * c_g * kernel[0]) * fh * fw * 8
        with patch.object(conv_kernels, "cache_bytes", lambda: 2 * bwd_item // conv_kernels.CHUNK_CACHES):
            assert [p.stop - p.start for p in chunks(n, bwd_item)][-1] == 1
            dx, dw = conv_kernels.conv_backward(dy, xs, w, geo)
        np.testing.assert_allclose(dx, _reference_transpose(dy, w, geo), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(dw, _reference_weight(xs, dy, geo), rtol=1e-10, atol=1e-10)
        if c_g == 1:
            with patch.object(conv_kernels, "cache_bytes", lambda: 2 * fwd_item // conv_kernels.CHUNK_CACHES):
                assert [p.stop - p.start for p in chunks(n, fwd_item)][-1] == 1
                y = conv_kernels._framed_conv(xs, w, geo)
            np.testing.assert_allclose(y, _reference_conv(xs, w, geo), rtol=1e-10, atol=1e-10)


@st.composite
def dense_case(draw):
    """A convolution whose kernel covers the image (one output position, a dense layer such as LeNet's C5), any
    groups, channels, dtype and non-finite entries in δ or W."""
    groups, c_g, o_g = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n, size = draw(st.integers(1, 4)), (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    bad = draw(st.sampled_from(["none", "δ nan", "δ inf", "δ -inf", "w nan", "w inf", "w -inf"]))
    return n, groups, c_g, o_g, size, dtype, bad, draw(st.integers(0, 2**16))


@pytest.mark.torch
@given(dense_case())
def test_the_dense_transposed_convolution_is_one_gemm_per_group(torch, case):
    """δ · W straight into x: the col2im formula and PyTorch's conv_transpose2d, with NaN and ±∞ in δ or W."""
    n, groups, c_g, o_g, size, dtype, bad, seed = case
    rng = np.random.default_rng(seed)
    geo = Geometry.of(dtype, size, size, (1, 1), ((0, 0), (0, 0)), (1, 1), groups, (1, 1))
    assert geo.image_columns
    dy = rng.standard_normal((n, groups * o_g, 1, 1)).astype(dtype)
    w = rng.standard_normal((groups * o_g, c_g, *size)).astype(dtype)
    value = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}.get(bad.split()[-1])
    if bad.startswith("δ"):
        dy[rng.integers(n), rng.integers(groups * o_g), 0, 0] = value
    elif bad != "none":
        w[rng.integers(groups * o_g), rng.integers(c_g), rng.integers(size[0]), rng.integers(size[1])] = value
    calls = []
    real = conv_kernels._dense_transpose
    with patch.object(conv_kernels, "_dense_transpose", lambda *a: calls.append(1) or real(*a)), \
            np.errstate(all="ignore"):
        got = conv_transpose(dy, w, geo)
        expected = _reference_transpose(dy, w, geo)
    assert calls == [1] and got.dtype == dtype and got.shape == (n, groups * c_g, *size)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    _assert_same_non_finite(got, expected, **tol)
    theirs = torch.nn.functional.conv_transpose2d(torch.tensor(dy), torch.tensor(w), groups=groups).numpy()
    _assert_same_non_finite(got, theirs, **tol)
