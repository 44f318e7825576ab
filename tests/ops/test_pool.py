"""Window pooling: max_pool2d / avg_pool2d / max_unpool2d against PyTorch over sizes, kernels, strides,
paddings, dilations, ceil_mode and the divisor rules (values, indices, gradients, second derivatives),
central differences, inf/NaN/−∞ and integer inputs, and the lecture's pooling masks on exact and symbolic
inputs (F36)."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.pool import avg_pool2d, max_pool2d
from tests.helpers import assert_close, numeric_grad, rand64


def axis_case(draw, dilated):
    """(input size, kernel, stride, padding, dilation) along one axis, with at least one window."""
    k, s = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    p, d = draw(st.integers(0, k // 2)), draw(st.integers(1, 3)) if dilated else 1
    n = max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 4))
    return n, k, s, p, d


@st.composite
def window_case(draw, dilated=True):
    """A valid 2-D pooling call: input shape, kernel, stride (None, int or pair), padding, dilation, ceil_mode."""
    (h, kh, sh, ph, dh), (w, kw, sw, pw, dw) = axis_case(draw, dilated), axis_case(draw, dilated)
    stride = draw(st.sampled_from([None, (sh, sw), (sh, sw)]))
    lead = draw(st.sampled_from([(2, 2), (1, 3), (3,), (0, 2)]))
    return lead + (h, w), (kh, kw), stride, (ph, pw), (dh, dw), draw(st.booleans())


def tied(rng, shape):
    """float64 inputs with many ties (small integers), so the tie rule is exercised."""
    return tg.Tensor(rng.integers(-2, 3, shape).astype(np.float64), requires_grad=True)


@pytest.mark.torch
@given(case=window_case(), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool2d_matches_torch_values_indices_and_gradients(torch, case, seed, ties):
    shape, kernel, stride, padding, dilation, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = tied(rng, shape) if ties else rand64(rng, shape)
    xt = torch.tensor(x.data, requires_grad=True)
    yt, it = torch.nn.functional.max_pool2d(xt, kernel, stride, padding, dilation, ceil_mode, True)
    try:
        y, i = max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    except ShapeError as err:
        # refused on purpose only where a dilated window reads padding alone: PyTorch gives −∞ there
        probe = torch.nn.functional.max_pool2d(torch.zeros((1, 1) + shape[-2:]), kernel, stride, padding, dilation,
                                               ceil_mode)
        assert "reads only padding" in str(err) and torch.isinf(probe).any()
        return
    assert_close(y, yt)
    assert i.dtype == np.int64 and np.array_equal(i.data, it.numpy())
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
@given(case=window_case(dilated=False), seed=st.integers(0, 2**16), count_include_pad=st.booleans(),
       divisor_override=st.sampled_from([None, None, 1, 3, 5]))
def test_avg_pool2d_matches_torch_with_its_divisor_rules(torch, case, seed, count_include_pad, divisor_override):
    shape, kernel, stride, padding, _, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape)
    xt = torch.tensor(x.data, requires_grad=True)
    args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    y, yt = avg_pool2d(x, *args), torch.nn.functional.avg_pool2d(xt, *args)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


def test_ceil_mode_drops_a_last_window_that_would_start_in_the_right_padding(torch):
    """PyTorch's rule: ⌈(5 + 2 − 2)/2⌉ + 1 = 4 windows, but the 4th would start at 6 ≥ 5 + 1: 3 remain."""
    x = rand64(np.random.default_rng(0), (1, 1, 5, 5))
    for fn in (max_pool2d, avg_pool2d):
        y = fn(x, 2, 2, 1, ceil_mode=True)
        assert y.shape == (1, 1, 3, 3)
        assert tuple(getattr(torch.nn.functional, fn.__name__)(torch.tensor(x.data), 2, 2, 1, ceil_mode=True).shape) \
            == y.shape
    assert max_pool2d(x, 2, 2, 0, ceil_mode=True).shape == (1, 1, 3, 3)


def test_avg_pool2d_divisor_counts_padding_but_not_the_ceil_overhang():
    """3×3 windows, stride 2, padding 1 on a 4×4 map of ones with ceil_mode: the last window along each axis
    covers input row 3, padding row 4 and overhangs row 5; it divides by 2 per axis with the padding counted
    (2·2 = 4 at the corner, 2·3 = 6 beside it), by the input entries alone otherwise."""
    ones = tg.ones(1, 1, 4, 4, dtype=tg.float64)
    included = avg_pool2d(ones, 3, 2, 1, ceil_mode=True)
    excluded = avg_pool2d(ones, 3, 2, 1, ceil_mode=True, count_include_pad=False)
    assert included.shape == (1, 1, 3, 3)
    assert included.data[0, 0, 2, 2] == pytest.approx(1 / 4)
    assert included.data[0, 0, 1, 2] == pytest.approx(3 / 6)
    assert included.data[0, 0, 0, 0] == pytest.approx(4 / 9) and included.data[0, 0, 1, 1] == 1
    assert np.all(excluded.data == 1)


@pytest.mark.parametrize("fn", [
    lambda x: max_pool2d(x, 3, 2, 1, ceil_mode=True), lambda x: max_pool2d(x, (2, 3), 1, (1, 0), dilation=(2, 1)),
    lambda x: max_pool2d(x, 2), lambda x: avg_pool2d(x, (2, 3), 1, (1, 1)),
    lambda x: avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda x: avg_pool2d(x, 2, 1, 1, divisor_override=3)])
def test_pool_gradient_matches_finite_differences(fn):
    rng = np.random.default_rng(11)
    x = rand64(rng, (1, 2, 5, 4))
    y = fn(x)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("kind,args", [
    ("max", (2, None, 0)), ("max", (3, 2, 1, 2, True)), ("avg", ((2, 3), (1, 2), (1, 0))),
    ("avg", (3, 2, 1, True, False))])
def test_pool_second_derivative_matches_torch(torch, kind, args):
    """δ_x is linear in δ (the map Wᵀ): differentiating it again w.r.t. δ gives W, as in PyTorch."""
    ours, theirs = {"max": (max_pool2d, torch.nn.functional.max_pool2d),
                    "avg": (avg_pool2d, torch.nn.functional.avg_pool2d)}[kind]
    rng = np.random.default_rng(3)
    x = rand64(rng, (2, 2, 6, 5))
    y = ours(x, *args)
    u = rand64(rng, y.shape)
    w = rng.standard_normal(x.shape)
    (gx,) = tg.grad(y, [x], u, create_graph=True)
    (gu,) = tg.grad((gx * tg.Tensor(w)).sum(), [u])
    xt, ut = torch.tensor(x.data, requires_grad=True), torch.tensor(u.data, requires_grad=True)
    (gxt,) = torch.autograd.grad(theirs(xt, *args), xt, ut, create_graph=True)
    (gut,) = torch.autograd.grad((gxt * torch.tensor(w)).sum(), ut)
    assert_close(gx, gxt)
    assert_close(gu, gut)


@pytest.mark.torch
def test_windows_of_minus_infinity_point_inside_the_input_as_torch(torch):
    """A window holding only −∞ (and padding) wins at its first input entry, so δ and the index stay inside."""
    x = np.full((1, 1, 3, 4), -np.inf)
    x[0, 0, 2, 3] = 1.0
    ours, theirs = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for args in [(3, 1, 1), (2, 2, 1, 1, True), (3, 2, 1, 2)]:
        ours.grad, theirs.grad = None, None
        y, i = max_pool2d(ours, *args, return_indices=True)
        yt, it = torch.nn.functional.max_pool2d(theirs, *args, return_indices=True)
        assert np.array_equal(i.data, it.numpy()) and np.array_equal(y.data, yt.detach().numpy())
        y.sum().backward()
        yt.sum().backward()
        np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


def test_ties_route_to_the_first_maximum_in_window_order():
    """The 0/1 mask W_ij of F36 marks one entry per window: with ties, the first in row-major window order."""
    x = tg.Tensor(np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 0.0, 0.0], [5.0, 5.0, 1.0, 1.0],
                              [5.0, 5.0, 1.0, 1.0]]]]), requires_grad=True)
    y, i = max_pool2d(x, 2, return_indices=True)
    y.sum().backward()
    assert i.data[0, 0].tolist() == [[1, 2], [8, 10]]
    assert x.grad.data[0, 0, :2, :2].tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert x.grad.data[0, 0, 2:, :2].tolist() == [[1.0, 0.0], [0.0, 0.0]]


@pytest.mark.torch
def test_max_pool_routes_nan_and_ties_as_torch(torch):
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 1] = x[0, 0, 2, 2] = x[0, 0, 3, 3] = np.nan
    x[0, 0, 0, 2] = x[0, 0, 1, 3] = 5.0
    ours, theirs = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for args in [(2,), (3, 1, 1), (2, 1, 0, 1, True)]:
        ours.grad, theirs.grad = None, None
        y, i = max_pool2d(ours, *args, return_indices=True)
        yt, it = torch.nn.functional.max_pool2d(theirs, *args, return_indices=True)
        assert np.array_equal(i.data, it.numpy())
        y.sum().backward()
        yt.sum().backward()
        np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_an_infinite_or_nan_gradient_reaches_only_the_argmax(torch, bad):
    x = rand64(np.random.default_rng(5), (1, 1, 4, 4))
    g = np.ones((1, 1, 3, 3))
    g[0, 0, 1, 1] = bad
    xt = torch.tensor(x.data, requires_grad=True)
    max_pool2d(x, 2, 1).backward(tg.Tensor(g))
    torch.nn.functional.max_pool2d(xt, 2, 1).backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_integer_max_pool_is_exact_as_torch(torch, dtype):
    x = np.random.default_rng(2).integers(-100 if dtype != np.uint8 else 0, 100, (2, 3, 5, 6)).astype(dtype)
    y, i = max_pool2d(tg.Tensor(x), 3, 2, 1, ceil_mode=True, return_indices=True)
    yt, it = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, ceil_mode=True, return_indices=True)
    assert y.dtype == dtype and np.array_equal(y.data, yt.numpy()) and np.array_equal(i.data, it.numpy())


@pytest.mark.torch
def test_integer_avg_pool_truncates_toward_zero_as_torch(torch):
    x = np.random.default_rng(4).integers(-9, 10, (2, 2, 5, 5))
    for args in [(2,), (3, 2, 1, True, False), (2, 1, 1, False, True, 3), (2, 2, 0, False, True, -3)]:
        y = avg_pool2d(tg.Tensor(x), *args)
        yt = torch.nn.functional.avg_pool2d(torch.tensor(x), *args)
        assert y.dtype == np.int64 and np.array_equal(y.data, yt.numpy()), args


@pytest.mark.parametrize("fn", [max_pool2d, avg_pool2d])
def test_bool_input_is_refused(fn):
    with pytest.raises(TypeError, match="dtype bool is not supported"):
        fn(tg.Tensor(np.ones((1, 1, 4, 4), dtype=bool)), 2)


@pytest.mark.torch
def test_numpy_input_and_an_empty_batch(torch):
    x = np.random.default_rng(0).standard_normal((0, 3, 6, 5))
    for ours, theirs in [(max_pool2d, torch.nn.functional.max_pool2d), (avg_pool2d, torch.nn.functional.avg_pool2d)]:
        assert ours(x, 2, 1, 1).shape == tuple(theirs(torch.tensor(x), 2, 1, 1).shape) == (0, 3, 7, 6)
    y, i = max_pool2d(x, 3, return_indices=True)
    assert y.shape == i.shape == (0, 3, 2, 1)


def test_avg_pool2d_on_a_symbolic_input_divides_by_the_exact_window_count():
    """Symbols z0..z24 on a 5×5 map, 3×3 windows, stride 2, padding 1, ceil_mode, padding not counted:
    the corner window holds z0, z1, z5, z6 and divides by 4; δ spreads as δ_ij/4 exactly."""
    z = np.array(sympy.symbols("z0:25"), dtype=object).reshape(1, 1, 5, 5)
    d = np.array(sympy.symbols("d0:9"), dtype=object).reshape(1, 1, 3, 3)
    x = tg.Tensor(z, requires_grad=True)
    y = avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)
    z0, z1, z5, z6 = z[0, 0, 0, 0], z[0, 0, 0, 1], z[0, 0, 1, 0], z[0, 0, 1, 1]
    assert sympy.simplify(y.data[0, 0, 0, 0] - (z0 + z1 + z5 + z6) / 4) == 0
    assert sympy.simplify(y.data[0, 0, 1, 1] - sum(z[0, 0, 1:4, 1:4].ravel()) / 9) == 0
    y.backward(tg.Tensor(d))
    assert sympy.simplify(x.grad.data[0, 0, 0, 0] - d[0, 0, 0, 0] / 4) == 0
    assert sympy.simplify(x.grad.data[0, 0, 2, 2] - d[0, 0, 1, 1] / 9) == 0
    assert sympy.simplify(x.grad.data[0, 0, 1, 1] - (d[0, 0, 0, 0] / 4 + d[0, 0, 0, 1] / 6 + d[0, 0, 1, 0] / 6
                                                   + d[0, 0, 1, 1] / 9)) == 0


def test_avg_pool2d_on_a_symbolic_4x4_input_is_the_window_mean():
    z = np.array(sympy.symbols("z0:16"), dtype=object).reshape(1, 1, 4, 4)
    d = np.array(sympy.symbols("d0:4"), dtype=object).reshape(1, 1, 2, 2)
    x = tg.Tensor(z, requires_grad=True)
    y = avg_pool2d(x, 2)
    for i, j in np.ndindex(2, 2):
        window = z[0, 0, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        assert sympy.simplify(y.data[0, 0, i, j] - sum(window.ravel()) / 4) == 0
    y.backward(tg.Tensor(d))
    for r, c in np.ndindex(4, 4):
        assert sympy.simplify(x.grad.data[0, 0, r, c] - d[0, 0, r // 2, c // 2] / 4) == 0


def test_max_pool2d_backward_with_rational_input_and_symbolic_delta_is_the_argmax_mask():
    """F36: δ_Z = Σ_ij δ_ij W_ij with W_ij the 0/1 indicator of window (i, j)'s maximum."""
    values = [1, 5, 2, 2, 0, 3, 7, 1, 4, 4, 0, 0, 1, 2, 3, 9]
    z = np.array([sympy.Rational(v, 3) for v in values], dtype=object).reshape(1, 1, 4, 4)
    d = np.array(sympy.symbols("d0:4"), dtype=object).reshape(1, 1, 2, 2)
    x = tg.Tensor(z, requires_grad=True)
    y = max_pool2d(x, 2)
    assert y.data.ravel().tolist() == [sympy.Rational(5, 3), sympy.Rational(7, 3), sympy.Rational(4, 3), 3]
    y.backward(tg.Tensor(d))
    d0, d1, d2, d3 = d.ravel()
    expected = [[0, d0, 0, 0], [0, 0, d1, 0], [d2, 0, 0, 0], [0, 0, 0, d3]]
    assert x.grad.data[0, 0].tolist() == expected


@pytest.mark.parametrize("args", [(3, 2, 1), (2, 2, 1, 1, True), (2, 1, 1, 2), ((3, 2), (2, 1), (1, 1), (1, 2), True)])
def test_exact_rational_max_pool_matches_the_numeric_one(args):
    """Exact rationals (many ties) through padding, dilation and ceil_mode: the same winners, indices and δ."""
    values = np.random.default_rng(7).integers(0, 5, (2, 1, 5, 6))
    exact = tg.Tensor(np.vectorize(lambda v: sympy.Rational(int(v), 7), otypes=[object])(values), requires_grad=True)
    numeric = tg.Tensor(values / 7.0, requires_grad=True)
    (ye, ie), (yn, i_n) = (max_pool2d(t, *args, return_indices=True) for t in (exact, numeric))
    assert np.array_equal(ie.data, i_n.data)
    assert all(isinstance(v, sympy.Rational) for v in ye.data.ravel())
    np.testing.assert_array_equal(np.array(ye.data * 7, dtype=np.float64), np.round(yn.data * 7))
    for t, y in ((exact, ye), (numeric, yn)):
        y.sum().backward()
    assert np.array(exact.grad.data, dtype=np.float64).tolist() == numeric.grad.data.tolist()


def test_symbolic_max_pool_that_cannot_be_decided_says_so():
    x = tg.Tensor(np.array(sympy.symbols("a0:4"), dtype=object).reshape(1, 1, 2, 2))
    with pytest.raises(TypeError, match="max_pool2d: cannot decide"):
        max_pool2d(x, 2)


def test_functional_names():
    assert F.max_pool2d is max_pool2d and F.avg_pool2d is avg_pool2d


# ---- the numeric kernels' fast paths: disjoint windows written once, int8 winners, NaN found in the maxima ----

@st.composite
def disjoint_case(draw):
    """A max pooling whose windows share no entry (stride ≥ the window's span along each axis), half of them
    tiling the padded input exactly (stride = kernel, no dilation, a whole number of windows): (shape, kernel,
    stride, padding, dilation, ceil_mode), built valid, never filtered."""
    axes = []
    tiled = draw(st.booleans())
    for _ in range(2):
        k = draw(st.integers(1, 3))
        d = 1 if tiled else draw(st.integers(1, 2))
        span = d * (k - 1) + 1
        s = k if tiled else span + draw(st.integers(0, 2))
        p = draw(st.integers(0, k // 2))
        windows = draw(st.integers(1, 4))
        n = windows * s - 2 * p if tiled else max(1, span - 2 * p) + draw(st.integers(0, 5))
        if n < 1:  # a tiled axis whose padding would leave no input: one more window
            n += s
        axes.append((n, k, s, p, d))
    (h, kh, sh, ph, dh), (w, kw, sw, pw, dw) = axes
    ceil_mode = False if tiled else draw(st.booleans())
    return (2, 3, h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw), ceil_mode


def _reference_routing(g, indices, shape):
    """δ routed to the winners by np.add.at over flat plane indices: the definition, slow and simple."""
    n, c = shape[:2]
    out = np.zeros((n, c, shape[2] * shape[3]), g.dtype)
    for i in range(n):
        for j in range(c):
            np.add.at(out[i, j], indices[i, j].ravel(), g[i, j].ravel())
    return out.reshape(shape)


@pytest.mark.torch
@given(case=disjoint_case(), seed=st.integers(0, 2**16), dtype=st.sampled_from([np.float32, np.float64]),
       bad=st.sampled_from(["none", "x nan", "x inf", "x -inf", "δ nan", "δ inf", "δ -inf"]))
def test_disjoint_windows_route_delta_as_the_definition_and_torch(torch, case, seed, dtype, bad):
    """Windows that share no entry take the write-once backward (each tap's δ·mask written, no adds, and an
    uninitialised buffer where the windows tile the input): it equals np.add.at at the winners and PyTorch, with
    ties, NaN, ±∞ in the input and in δ (a non-finite δ takes the exact routing)."""
    from tinygrad_edu.ops import pool as pool_ops

    shape, kernel, stride, padding, dilation, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape).astype(dtype)  # ties
    value = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}.get(bad.split()[-1])
    if bad.startswith("x"):
        x[1, 2, rng.integers(shape[2]), rng.integers(shape[3])] = value
    ours = tg.Tensor(x, requires_grad=True)
    try:
        y, i = max_pool2d(ours, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    except ShapeError as err:  # a dilated window reading padding alone (see the test above)
        assert "reads only padding" in str(err)
        return
    assert pool_ops._disjoint(y._ctx.attrs["axes"])
    g = rng.standard_normal(y.shape).astype(dtype)
    if bad.startswith("δ"):
        g[0, 1, rng.integers(y.shape[2]), rng.integers(y.shape[3])] = value
    y.backward(tg.Tensor(g))
    np.testing.assert_array_equal(ours.grad.data, _reference_routing(g, i.data, shape))
    theirs = torch.tensor(x, requires_grad=True)
    yt, it = torch.nn.functional.max_pool2d(theirs, kernel, stride, padding, dilation, ceil_mode, True)
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    np.testing.assert_array_equal(i.data, it.numpy())
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


def test_the_write_once_backward_is_taken_exactly_for_disjoint_windows():
    from tinygrad_edu.ops import pool as pool_ops
    from tinygrad_edu.ops.pool_shapes import window_args, window_axes

    def axes(size, *args):
        return window_axes("max_pool2d", size, window_args("max_pool2d", 2, *args))

    assert pool_ops._disjoint(axes((28, 28), 2)) and pool_ops._tiled(axes((28, 28), 2))
    assert pool_ops._disjoint(axes((7, 7), 2)) and not pool_ops._tiled(axes((7, 7), 2))  # a last row left over
    assert pool_ops._disjoint(axes((9, 9), 2, 3)) and not pool_ops._tiled(axes((9, 9), 2, 3))  # gaps
    assert pool_ops._disjoint(axes((9, 9), 2, 3, 0, 2))  # dilated, span 3 = stride
    assert not pool_ops._disjoint(axes((9, 9), 3, 2))  # overlapping windows add
    assert not pool_ops._disjoint(axes((9, 9), 2, 2, 0, 2))  # span 3 > stride 2


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_windows_of_more_than_127_entries_keep_exact_winners(torch, dtype):
    """kh·kw = 132 does not fit the int8 winners: the int32 ones, with ties and a NaN, as PyTorch."""
    rng = np.random.default_rng(13)
    x = rng.integers(-3, 4, (2, 2, 25, 23)).astype(dtype)
    x[1, 0, 20, 5] = np.nan
    y, i = max_pool2d(tg.Tensor(x), (12, 11), (6, 5), return_indices=True)
    yt, it = torch.nn.functional.max_pool2d(torch.tensor(x), (12, 11), (6, 5), return_indices=True)
    np.testing.assert_array_equal(y.data, yt.numpy())
    np.testing.assert_array_equal(i.data, it.numpy())
    assert y.dtype == dtype


@given(case=window_case(), seed=st.integers(0, 2**16), nans=st.integers(0, 3))
def test_winners_are_the_first_maximum_or_the_last_nan_by_definition(case, seed, nans):
    """The kernel's maxima and winners against an argmax over each window's entries in window order (np.argmax of
    the windows: the first maximum; with a NaN in the window, its last NaN), float32, with ties and NaNs."""
    from numpy.lib.stride_tricks import sliding_window_view
    from tinygrad_edu.ops import pool as pool_ops
    from tinygrad_edu.ops.pool_shapes import window_args, window_axes

    shape, kernel, stride, padding, dilation, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, shape).astype(np.float32)
    for _ in range(nans if x.size else 0):
        x[tuple(rng.integers(0, n) for n in shape)] = np.nan
    args = window_args("max_pool2d", 2, kernel, stride, padding, dilation, ceil_mode)
    try:
        axes = window_axes("max_pool2d", shape[-2:], args)
    except ShapeError:
        return  # a window reading padding alone: refused before any kernel runs
    x4 = x.reshape((-1,) + shape[-2:])[:, None] if len(shape) == 3 else x
    best, argmax = pool_ops._max_and_argmax(x4, axes)
    assert argmax.dtype == np.int32 and best.dtype == np.float32
    (h, w) = axes
    padded = pool_ops._pad(x4, axes, -np.inf)
    spans = (h.d * (h.k - 1) + 1, w.d * (w.k - 1) + 1)
    windows = sliding_window_view(padded, spans, axis=(-2, -1))[..., ::h.d, ::w.d]
    windows = windows[..., :h.s * (h.out - 1) + 1:h.s, :w.s * (w.out - 1) + 1:w.s, :, :]
    flat = windows.reshape(windows.shape[:4] + (h.k * w.k,))
    first_max = np.argmax(np.where(np.isnan(flat), -np.inf, flat), axis=-1)
    last_nan = flat.shape[-1] - 1 - np.argmax(np.isnan(flat)[..., ::-1], axis=-1)
    expected = np.where(np.isnan(flat).any(-1), last_nan, first_max)
    np.testing.assert_array_equal(argmax, expected)
    np.testing.assert_array_equal(best, np.take_along_axis(flat, expected[..., None], -1)[..., 0])
