"""Comparisons, where, clamp, maximum/minimum, isnan/isinf/isfinite, isclose/allclose: bool results with
PyTorch's values, gradients against PyTorch and finite differences, ±∞/NaN never leaking through a branch
not taken, SymPy values exact (Piecewise where a comparison is undecided)."""
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.ops.compare import DtypeError
from tests.helpers import assert_close, rand64

OPS = ["eq", "ne", "lt", "le", "gt", "ge"]
OPERATORS = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__"}
DTYPES = [np.float32, np.float64, np.int64, np.bool_]


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast, values with ties and sometimes NaN."""
    shape = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    other = [draw(st.sampled_from([s, 1])) for s in shape][draw(st.integers(0, len(shape))):]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    a, b = (rng.integers(-1, 2, s).astype(np.float64) for s in (tuple(shape), tuple(other)))
    if draw(st.booleans()):
        a[rng.random(a.shape) < 0.3] = np.nan
    return (a, b) if draw(st.booleans()) else (b, a)


# ---- eq / ne / lt / le / gt / ge ---------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("op", OPS)
@given(pair=broadcast_pair(), dtype=st.sampled_from(DTYPES), kind=st.sampled_from(["tensor", "ndarray", "number"]))
def test_comparisons_match_torch_as_functions_methods_and_operators(torch, op, pair, dtype, kind):
    a, b = pair
    if dtype != np.float32 and dtype != np.float64:
        a, b = np.nan_to_num(a).astype(dtype), np.nan_to_num(b).astype(dtype)
    else:
        a, b = a.astype(dtype), b.astype(dtype)
    x, xt = tg.tensor(a), torch.tensor(a)
    other = {"tensor": tg.tensor(b), "ndarray": b, "number": 0.5 if dtype != np.bool_ else True}[kind]
    other_t = torch.tensor(b) if kind != "number" else other
    expected = getattr(torch, op)(xt, other_t).numpy()
    for result in (getattr(tg, op)(x, other), getattr(x, op)(other), getattr(x, OPERATORS[op])(other),
                   getattr(tg, op)(a, other)):
        assert result.dtype == np.bool_
        np.testing.assert_array_equal(result.data, expected)


@pytest.mark.parametrize("op", OPS)
def test_ndarray_on_the_left_defers_to_the_tensor(op):
    a, x = np.array([1.0, 2.0, 3.0]), tg.tensor([2.0, 2.0, 2.0])
    symbol = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
    result = eval(f"a {symbol} x")
    assert isinstance(result, tg.Tensor) and result.dtype == np.bool_
    np.testing.assert_array_equal(result.data, eval(f"a {symbol} x.data"))


def test_comparison_with_none_or_a_string_is_python_default():
    x = tg.tensor([1.0, 2.0])
    assert (x == None) is False and (x != None) is True  # noqa: E711
    with pytest.raises(TypeError):
        x < "a"


def test_shapes_that_do_not_broadcast_raise_a_shape_error_naming_the_op():
    with pytest.raises(ShapeError, match=r"lt: shapes \(2,\), \(3,\) do not broadcast"):
        tg.lt(tg.ones(2), tg.ones(3))
    with pytest.raises(RuntimeError):
        tg.ones(2) == tg.ones(3)


def test_symbolic_comparisons_are_exact_or_a_clear_error():
    third, half = sympy.Rational(1, 3), sympy.Rational(1, 2)
    x = tg.Tensor(np.array([third, half, 1], dtype=object))
    assert (x < half).tolist() == [True, False, False]
    assert (x == sympy.Rational(2, 4)).tolist() == [False, True, False]
    assert (x >= tg.Tensor(np.array([third, 1, 1], dtype=object))).tolist() == [True, False, True]
    with pytest.raises(TypeError, match="lt: cannot decide"):
        tg.Tensor(np.array([sympy.Symbol("a")], dtype=object)) < 1


# ---- where ---------------------------------------------------------------------------------------

@pytest.mark.torch
@given(pair=broadcast_pair(), seed=st.integers(0, 2**16), scalar=st.sampled_from([None, "input", "other"]))
def test_where_values_and_gradients_match_torch(torch, pair, seed, scalar):
    a, b = (np.nan_to_num(v, nan=np.inf) for v in pair)  # infinities in the branch not taken must not leak
    cond = np.random.default_rng(seed).random(np.broadcast_shapes(a.shape, b.shape)) < 0.5
    x, y = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    xt, yt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    if scalar == "input":
        out, out_t = tg.where(cond, 2.5, y), torch.where(torch.tensor(cond), 2.5, yt)
    elif scalar == "other":
        out, out_t = tg.where(tg.tensor(cond), x, -1.0), torch.where(torch.tensor(cond), xt, -1.0)
    else:
        out, out_t = tg.where(tg.tensor(cond), x, y), torch.where(torch.tensor(cond), xt, yt)
    np.testing.assert_array_equal(out.data, out_t.detach().numpy())
    assert out.dtype == np.float64
    g = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(tg.tensor(g))
    out_t.backward(torch.tensor(g))
    for ours, theirs in ((x, xt), (y, yt)):
        if theirs.grad is not None:  # broadcast inputs sum δ in another order: equal up to rounding
            np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_where_method_and_second_derivative_match_finite_differences():
    x = rand64(np.random.default_rng(1), (3, 4))
    cond = tg.tensor(np.random.default_rng(2).random((3, 4)) < 0.5)
    assert gradcheck(lambda t: (t * t * t).where(cond, t.tanh()), [x])
    (g,) = tg.grad(tg.where(cond, x ** 3, x ** 2).sum(), [x], create_graph=True)
    (gg,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, np.where(cond.data, 6 * x.data, 2.0))


def test_where_needs_a_bool_condition_and_gives_positions_alone(torch):
    with pytest.raises(DtypeError, match="where: the condition must be a bool tensor, got dtype float32"):
        tg.where(tg.tensor([1.0, 0.0]), tg.ones(2), tg.zeros(2))
    with pytest.raises(RuntimeError):
        torch.where(torch.tensor([1.0, 0.0]), torch.ones(2), torch.zeros(2))
    cond = np.array([[True, False], [False, True]])
    ours, theirs = tg.where(cond), torch.where(torch.tensor(cond))
    assert [t.tolist() for t in ours] == [t.tolist() for t in theirs] and ours[0].dtype == np.int64
    out = tg.where(cond, 1.0, 0.0)
    assert out.tolist() == [[1.0, 0.0], [0.0, 1.0]] and out.dtype == np.float32
    assert tg.where(cond, 1, 0).dtype == np.int64 == torch.where(torch.tensor(cond), 1, 0).numpy().dtype


def test_where_on_symbols():
    a, b = sympy.symbols("a b")
    x = tg.Tensor(np.array([a, b], dtype=object), requires_grad=True)
    out = tg.where(tg.tensor([True, False]), x * 2, x * x)
    assert out.tolist() == [2 * a, b ** 2]
    out.sum().backward()
    assert x.grad.tolist() == [2, 2 * b]


# ---- clamp / clip ----------------------------------------------------------------------------------

CLAMPS = [(0.0, 1.0), (None, 0.5), (-0.5, None), (1.0, 0.0), (0.0, 0.0), (-math.inf, math.inf), (math.nan, None)]


@pytest.mark.torch
@pytest.mark.parametrize("lo,hi", CLAMPS)
def test_clamp_with_number_bounds_matches_torch_at_and_beyond_the_boundary(torch, lo, hi):
    data = np.array([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, np.inf, -np.inf, np.nan])
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    for ours in (x.clamp(lo, hi), tg.clamp(x, min=lo, max=hi), tg.clip(data, lo, hi), x.clip(lo, hi)):
        np.testing.assert_array_equal(ours.data, torch.clamp(xt, lo, hi).detach().numpy())
    x.clamp(lo, hi).backward(tg.ones_like(x))
    torch.clamp(xt, lo, hi).backward(torch.ones_like(xt))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
@given(seed=st.integers(0, 2**16), which=st.sampled_from(["both", "min", "max"]))
def test_clamp_with_tensor_bounds_matches_torch(torch, seed, which):
    rng = np.random.default_rng(seed)
    data, lo, hi = rng.integers(-2, 3, (3, 4)).astype(float), rng.integers(-2, 2, (4,)).astype(float), \
        rng.integers(-1, 3, (3, 1)).astype(float)
    x, a, b = (tg.tensor(v, requires_grad=True) for v in (data, lo, hi))
    xt, at, bt = (torch.tensor(v, requires_grad=True) for v in (data, lo, hi))
    bounds = {"both": ((a, b), (at, bt)), "min": ((a, None), (at, None)), "max": ((None, b), (None, bt))}[which]
    out, out_t = x.clamp(*bounds[0]), torch.clamp(xt, *bounds[1])
    np.testing.assert_array_equal(out.data, out_t.detach().numpy())
    g = rng.standard_normal(out.shape)
    out.backward(tg.tensor(g))
    out_t.backward(torch.tensor(g))
    for ours, theirs in ((x, xt), (a, at), (b, bt)):
        if theirs.grad is not None:
            np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), atol=1e-12)


def test_clamp_gradient_matches_finite_differences_and_needs_a_bound():
    x = rand64(np.random.default_rng(4), (4, 5))
    lo = rand64(np.random.default_rng(5), (5,), low=-1.0, high=-0.1)
    assert gradcheck(lambda t, m: t.clamp(m, 0.7), [x, lo])
    with pytest.raises(RuntimeError, match="clamp: at least one"):
        x.clamp()
    assert tg.clamp_min(x, 0.0).data.min() >= 0 and tg.clamp_max(x, 0.0).data.max() <= 0


def test_clamp_of_symbols_and_rationals():
    a = sympy.Symbol("a", real=True)
    x = tg.Tensor(np.array([a, sympy.Rational(3, 2), sympy.Rational(-1, 3)], dtype=object), requires_grad=True)
    out = x.clamp(0, 1)
    assert out.tolist() == [sympy.Min(sympy.Max(a, 0), 1), 1, 0]
    out.sum().backward()
    assert x.grad.tolist()[1:] == [0, 0]
    assert x.grad.tolist()[0].subs(a, sympy.Rational(1, 2)) == 1 and x.grad.tolist()[0].subs(a, 2) == 0


# ---- maximum / minimum -------------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("op", ["maximum", "minimum"])
@given(pair=broadcast_pair())
def test_maximum_minimum_values_and_half_gradients_at_ties_match_torch(torch, op, pair):
    a, b = pair
    x, y = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    xt, yt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, out_t = getattr(tg, op)(x, y), getattr(torch, op)(xt, yt)
    np.testing.assert_array_equal(out.data, out_t.detach().numpy())
    np.testing.assert_array_equal(getattr(x, op)(y).data, out.data)
    g = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(tg.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(y.grad.data, yt.grad.numpy(), atol=1e-12)


def test_maximum_gradient_matches_finite_differences_and_symbols():
    x, y = rand64(np.random.default_rng(6), (3, 4)), rand64(np.random.default_rng(7), (4,))
    assert gradcheck(lambda a, b: tg.maximum(a, b) * tg.minimum(a, b), [x, y])
    half = sympy.Rational(1, 2)
    p = tg.Tensor(np.array([half, 2], dtype=object), requires_grad=True)
    q = tg.Tensor(np.array([half, 1], dtype=object), requires_grad=True)
    tg.maximum(p, q).sum().backward()
    assert p.grad.tolist() == [half, 1] and q.grad.tolist() == [half, 0]


# ---- isnan / isinf / isfinite / isclose / allclose -----------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("op", ["isnan", "isinf", "isfinite"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_classifiers_match_torch(torch, op, dtype):
    data = np.array([0.0, -1.5, np.inf, -np.inf, np.nan, 3.0])
    data = data if dtype != np.int64 else np.array([0, -1, 7])
    data = data.astype(dtype)
    for ours in (getattr(tg, op)(data), getattr(tg.tensor(data), op)()):
        assert ours.dtype == np.bool_
        np.testing.assert_array_equal(ours.data, getattr(torch, op)(torch.tensor(data)).numpy())


def test_classifiers_on_sympy_values():
    x = tg.Tensor(np.array([sympy.oo, -sympy.oo, sympy.nan, sympy.Rational(1, 2), sympy.Symbol("a", finite=True)],
                           dtype=object))
    assert x.isnan().tolist() == [False, False, True, False, False]
    assert x.isinf().tolist() == [True, True, False, False, False]
    assert x.isfinite().tolist() == [False, False, False, True, True]
    with pytest.raises(TypeError, match="isfinite: cannot decide"):
        tg.Tensor(np.array([sympy.Symbol("b")], dtype=object)).isfinite()


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [{}, {"rtol": 0.1}, {"atol": 1e-3}, {"equal_nan": True}, {"rtol": 0, "atol": 0}])
def test_isclose_and_allclose_match_torch(torch, kwargs):
    a = np.array([1.0, 1.0, 1e-9, np.inf, np.inf, np.nan, 100.0, 0.0])
    b = np.array([1.0 + 1e-6, 1.0 + 1e-4, 0.0, np.inf, -np.inf, np.nan, 101.0, 1e-7])
    ours, theirs = tg.isclose(a, b, **kwargs), torch.isclose(torch.tensor(a), torch.tensor(b), **kwargs)
    assert ours.dtype == np.bool_
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(tg.tensor(a).isclose(b, **kwargs).data, theirs.numpy())
    for sl in (slice(0, 1), slice(0, 3), slice(None)):
        expected = torch.allclose(torch.tensor(a[sl]), torch.tensor(b[sl]), **kwargs)
        assert tg.allclose(a[sl], b[sl], **kwargs) is expected
        assert tg.tensor(a[sl]).allclose(tg.tensor(b[sl]), **kwargs) is expected


def test_isclose_on_rationals_is_exact():
    x = tg.Tensor(np.array([sympy.Rational(1, 3), 1, sympy.oo], dtype=object))
    y = tg.Tensor(np.array([sympy.Rational(1, 3) + sympy.Rational(1, 10**9), 2, sympy.oo], dtype=object))
    assert tg.isclose(x, y).tolist() == [True, False, True]
    assert not tg.allclose(x, y)
