"""Reductions with PyTorch's semantics: max/min (values, indices), amax/amin, argmax/argmin, sum/mean/prod,
var/std, norm, logsumexp, cumsum, any/all — values, dtypes, ties and NaN against PyTorch, gradients against
finite differences (float64) and PyTorch, SymPy values where the maths allows."""
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.ops.compare import DtypeError
from tests.helpers import assert_close, rand64, to_torch


@st.composite
def tensor_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    dims = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                          st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True)))
    return shape, dims, draw(st.booleans())


@st.composite
def tensor_and_dim(draw):
    """A shape, one dim of it, keepdim, and values with ties (small integers) and sometimes NaN."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    values = rng.integers(-2, 3, shape).astype(np.float64)
    if draw(st.booleans()):
        values[rng.random(shape) < 0.2] = np.nan
    return values, dim, draw(st.booleans())


def _torch_dims(dims):
    return () if dims is None else dims


# ---- max / min: the silent bug first ------------------------------------------------------------

def test_max_dim_unpacks_into_values_and_indices_at_batch_size_two(torch):
    outputs = tg.tensor([[0.1, 0.9, 0.0], [0.7, 0.2, 0.1]])
    _, predicted = outputs.max(1)
    assert predicted.tolist() == [1, 0] and predicted.dtype == np.int64
    result = outputs.max(1)
    expected = torch.tensor(outputs.data).max(1)
    assert type(result).__name__ == type(expected).__name__ == "max"
    assert_close(result.values, expected.values)
    assert result.indices.tolist() == expected.indices.tolist()
    assert result[0] is result.values and result[1] is result.indices


def test_max_on_a_numpy_array_as_torch_max_outputs_data():
    outputs = tg.tensor([[0.1, 0.9, 0.0], [0.7, 0.2, 0.1]])
    _, predicted = tg.max(outputs.data, 1)
    assert predicted.tolist() == [1, 0]
    assert tg.min(outputs.data, 1).indices.tolist() == [2, 2]


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max", "min"])
@given(case=tensor_and_dim())
def test_max_min_dim_values_indices_and_gradient_match_torch(torch, op, case):
    values, dim, keepdim = case
    x, xt = tg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    ours, theirs = getattr(tg, op)(x, dim, keepdim), getattr(torch, op)(xt, dim, keepdim)
    np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    g = np.random.default_rng(0).standard_normal(ours.values.shape)
    ours.values.backward(tg.tensor(g))
    theirs.values.backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())  # δ to the selected index only


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max", "min"])
def test_ties_pick_the_first_index_and_nan_wins_as_torch(torch, op):
    values = np.array([[1.0, 3.0, 3.0, 1.0], [np.nan, 0.0, np.nan, 5.0], [2.0, 2.0, 2.0, 2.0]])
    ours, theirs = getattr(tg.tensor(values), op)(1), getattr(torch.tensor(values), op)(1)
    assert ours.indices.tolist() == theirs.indices.tolist()
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    assert np.isnan(ours.values.data[1])


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max", "min"])
@given(values=st.lists(st.sampled_from([-1.0, 0.0, 2.0, math.nan]), min_size=1, max_size=6), seed=st.integers(0, 99))
def test_full_max_min_is_0d_and_splits_gradient_among_ties_and_nans_as_torch(torch, op, values, seed):
    data = np.random.default_rng(seed).permutation(np.array(values)).reshape(-1, 1)
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, yt = getattr(x, op)(), getattr(xt, op)()
    assert y.shape == ()
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    y.backward()
    yt.backward()
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max", "min"])
def test_two_tensors_give_the_elementwise_maximum_as_torch(torch, op):
    a, b = np.array([1.0, 2.0, 3.0, np.nan]), np.array([[3.0], [2.0]])
    x, y = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    xt, yt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, out_t = getattr(tg, op)(x, y), getattr(torch, op)(xt, yt)
    np.testing.assert_array_equal(out.data, out_t.detach().numpy())
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())
    np.testing.assert_array_equal(y.grad.data, yt.grad.numpy())
    np.testing.assert_array_equal(getattr(x, op)(y).data, out.data)


def test_max_dim_must_be_one_int():
    with pytest.raises(TypeError, match="max: dim must be a single int.*amax"):
        tg.ones(2, 3).max((0, 1))
    with pytest.raises(IndexError, match="max: dimension 2 is out of range"):
        tg.ones(2, 3).max(2)
    with pytest.raises(IndexError, match="argmax"):
        tg.ones(2, 0).argmax(1)


def test_max_of_a_0d_tensor_along_dim_0():
    v, i = tg.tensor(3.0).max(0)
    assert v.shape == () and v.item() == 3.0 and i.shape == () and i.item() == 0


# ---- amax / amin / argmax / argmin --------------------------------------------------------------

@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin"])
@given(case=tensor_and_dims(), seed=st.integers(0, 2**16))
def test_reduction_gradient_matches_finite_differences(op, case, seed):
    shape, dims, keepdim = case
    x = rand64(np.random.default_rng(seed), shape)
    assert gradcheck(lambda t: getattr(t, op)(dims, keepdim), [x])


@pytest.mark.torch
@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin", "logsumexp"])
@given(case=tensor_and_dims(), seed=st.integers(0, 2**16))
def test_reduction_matches_torch(torch, op, case, seed):
    shape, dims, keepdim = case
    x = tg.tensor(np.random.default_rng(seed).integers(-2, 3, shape).astype(np.float64), requires_grad=True)
    xt = to_torch(torch, x)
    y = getattr(x, op)(dims, keepdim)
    yt = getattr(xt, op)(_torch_dims(dims) if op != "logsumexp" else tuple(range(len(shape))) if dims is None
                         else dims, keepdim=keepdim)
    assert_close(y, yt)
    g = np.random.default_rng(6).standard_normal(y.shape)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)  # amax/amin: δ split evenly among ties (the data has ties)


@pytest.mark.torch
def test_amax_of_a_nan_slice_has_nan_gradient_as_torch(torch):
    data = np.array([[1.0, 3.0, 3.0], [np.nan, 0.0, 1.0]])
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    x.amax(1).sum().backward()
    xt.amax(1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("op", ["argmax", "argmin"])
@given(case=tensor_and_dim(), whole=st.booleans())
def test_argmax_argmin_match_torch(torch, op, case, whole):
    values, dim, keepdim = case
    dim = None if whole else dim
    ours = getattr(tg, op)(tg.tensor(values), dim, keepdim)
    theirs = getattr(torch, op)(torch.tensor(values), dim, keepdim)
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    np.testing.assert_array_equal(getattr(tg.tensor(values), op)(dim=dim, keepdim=keepdim).data, theirs.numpy())


def test_max_on_exact_rationals_and_sympy_gradient():
    third, half = sympy.Rational(1, 3), sympy.Rational(1, 2)
    x = tg.Tensor(np.array([[third, half, half], [1, 0, third]], dtype=object), requires_grad=True)
    v, i = x.max(1)
    assert v.tolist() == [half, 1] and i.tolist() == [1, 0]
    d = sympy.Symbol("delta")
    x.amax(1).backward(tg.Tensor(np.array([d, d], dtype=object)))
    assert x.grad.tolist() == [[0, d / 2, d / 2], [d, 0, 0]]


def test_max_of_symbols_that_cannot_be_ordered_is_a_clear_error():
    a, b = sympy.symbols("a b")
    with pytest.raises(TypeError, match="max: cannot decide"):
        tg.Tensor(np.array([a, b], dtype=object)).max(0)


# ---- sum / mean / prod and integer dtypes ---------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_integer_and_bool_sums_are_int64_as_torch(torch, dtype):
    data = np.array([[1, 0, 1], [1, 1, 0]]).astype(dtype)
    for ours, theirs in [(tg.sum(data), torch.sum(torch.tensor(data))),
                         (tg.tensor(data).sum(1), torch.tensor(data).sum(1)),
                         (tg.tensor(data).cumsum(1), torch.tensor(data).cumsum(1))]:
        assert ours.dtype == np.int64 and str(theirs.dtype) == "torch.int64"
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    if dtype != np.bool_:
        assert tg.tensor(data).prod(1).dtype == np.int64
        np.testing.assert_array_equal(tg.tensor(data).prod(1).data, torch.tensor(data).prod(1).numpy())


@pytest.mark.parametrize("op", ["mean", "var", "std", "norm"])
def test_integer_mean_var_std_norm_are_errors_naming_the_op(torch, op):
    x = tg.tensor(np.array([1, 2, 3]))
    with pytest.raises(RuntimeError, match=op):
        getattr(x, op)()
    with pytest.raises(TypeError, match="dtype=tg.float32"):
        getattr(tg, op)(x.data)
    with pytest.raises(RuntimeError):
        getattr(torch.tensor([1, 2, 3]), op)()
    assert issubclass(DtypeError, RuntimeError) and issubclass(DtypeError, TypeError)


@pytest.mark.torch
def test_dtype_argument_casts_before_reducing_as_torch(torch):
    ints = np.array([[1, 2], [3, 5]])
    assert_close(tg.tensor(ints).mean(dtype=tg.float64), torch.tensor(ints).mean(dtype=torch.float64))
    assert tg.tensor(ints).mean(1, dtype=tg.float32).dtype == np.float32
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.sum(0, dtype=tg.float64)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [[1, 1], [1, 1]]
    assert tg.tensor(ints).prod(dtype=tg.float64).item() == 30.0


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**16), whole=st.booleans(),
       keepdim=st.booleans())
def test_prod_gradient_matches_finite_differences(shape, seed, whole, keepdim):
    x = rand64(np.random.default_rng(seed), tuple(shape))
    assert gradcheck(lambda t: t.prod(None if whole else -1, keepdim), [x])


@pytest.mark.torch
@pytest.mark.parametrize("row", [[1.5, 0.0, 3.0, -2.0], [0.0, 2.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0],
                                 [2.0, -1.0, 0.5, 3.0]])
def test_prod_first_and_second_derivatives_with_zeros_match_torch(torch, row):
    data = np.array([row, row[::-1]])
    for dim in (None, 1):
        x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        y, yt = (x.prod(), xt.prod()) if dim is None else (x.prod(dim), xt.prod(dim))
        (g,) = tg.grad((y * y).sum(), [x], create_graph=True)
        (gt,) = torch.autograd.grad((yt * yt).sum(), [xt], create_graph=True)
        assert_close(g, gt)
        (gg,) = tg.grad((g * tg.tensor(data)).sum(), [x])
        (ggt,) = torch.autograd.grad((gt * torch.tensor(data)).sum(), [xt])
        assert_close(gg, ggt)


def test_sum_mean_prod_of_symbols():
    a, b, c, d = sympy.symbols("a b c d")
    x = tg.Tensor(np.array([[a, b], [c, d]], dtype=object), requires_grad=True)
    assert x.sum(1).tolist() == [a + b, c + d]
    assert sympy.simplify(x.mean().item() - (a + b + c + d) / 4) == 0
    assert x.prod(0).tolist() == [a * c, b * d]
    x.prod().backward()
    assert x.grad.tolist() == [[b * c * d, a * c * d], [a * b * d, a * b * c]]


# ---- var / std / norm / logsumexp / cumsum ---------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("call", [
    lambda m, x: m.var(x), lambda m, x: m.std(x), lambda m, x: m.var(x, 1), lambda m, x: m.std(x, 0, True, True),
    lambda m, x: m.var(x, False), lambda m, x: m.var(x, 1, unbiased=False, keepdim=True),
    lambda m, x: m.var(x, (0, 1), correction=0), lambda m, x: m.std(x, dim=1, correction=2),
    lambda m, x: x.var(1, True), lambda m, x: x.std(-1, keepdim=True)])
def test_var_and_std_argument_forms_values_and_gradients_match_torch(torch, call):
    x = rand64(np.random.default_rng(3), (3, 4))
    xt = to_torch(torch, x)
    y, yt = call(tg, x), call(torch, xt)
    assert_close(y, yt)
    g = np.random.default_rng(4).standard_normal(y.shape)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@given(case=tensor_and_dims(), seed=st.integers(0, 2**16), correction=st.sampled_from([0, 1]))
def test_var_std_gradients_match_finite_differences(case, seed, correction):
    shape, dims, keepdim = case
    x = rand64(np.random.default_rng(seed), shape)
    n = math.prod(shape) if dims is None else math.prod(shape[d] for d in ([dims] if isinstance(dims, int) else dims))
    if n <= correction:
        correction = 0
    assert gradcheck(lambda t: t.var(dims, keepdim=keepdim, correction=correction), [x])
    assert gradcheck(lambda t: t.std(dims, keepdim=keepdim, correction=correction), [x])


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:var.*degrees of freedom is")
def test_std_of_a_constant_and_var_without_degrees_of_freedom_as_torch(torch):
    x, xt = tg.tensor([3.0, 3.0, 3.0], requires_grad=True), torch.tensor([3.0, 3.0, 3.0], requires_grad=True)
    x.std().backward()
    xt.std().backward()
    assert x.grad.tolist() == xt.grad.tolist() == [0.0, 0.0, 0.0]
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        single = tg.tensor([2.0]).var()
    assert np.isnan(single.item()) and np.isnan(torch.tensor([2.0]).var().item())
    with pytest.raises(TypeError, match="not both"):
        tg.tensor([1.0, 2.0]).var(unbiased=True, correction=0)


def test_var_of_symbols_is_the_sample_variance():
    a, b, c = sympy.symbols("a b c")
    x = tg.Tensor(np.array([a, b, c], dtype=object))
    m = (a + b + c) / 3
    assert sympy.simplify(x.var().item() - ((a - m) ** 2 + (b - m) ** 2 + (c - m) ** 2) / 2) == 0
    assert sympy.simplify(x.var(unbiased=False).item() - ((a - m) ** 2 + (b - m) ** 2 + (c - m) ** 2) / 3) == 0
    assert sympy.simplify(x.std().item() ** 2 - x.var().item()) == 0


@pytest.mark.torch
@pytest.mark.parametrize("p", ["fro", 2, 1, 3, 0.5, 1.5, -1, math.inf, -math.inf, 0])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (1, True), ((0, 1), False)])
def test_norm_values_and_gradients_match_torch(torch, p, dim, keepdim):
    data = np.random.default_rng(7).uniform(-2, 2, (3, 4))
    data[0, 0] = 0.0
    data[2] = 0.0  # a row whose norm is 0: δ is 0 there, as PyTorch
    data[1, 1] = data[1, 2] = -2.5  # a tie for the ∞-norm
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, yt = tg.norm(x, p, dim, keepdim), torch.norm(xt, p, dim, keepdim)
    assert_close(y, yt)
    assert_close(x.norm(p, dim, keepdim), yt)
    if p == 0:
        return
    g = np.random.default_rng(8).standard_normal(y.shape)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**16),
       p=st.sampled_from(["fro", 1, 3, math.inf]))
def test_norm_gradient_matches_finite_differences(shape, seed, p):
    x = rand64(np.random.default_rng(seed), tuple(shape), low=0.5, high=2.0)
    assert gradcheck(lambda t: (t * tg.tensor(np.where(np.arange(t.numel()) % 2, 1.0, -1.0).reshape(t.shape)))
                     .norm(p, -1), [x])


def test_norm_of_symbols():
    a, b = sympy.symbols("a b", real=True)
    x = tg.Tensor(np.array([a, b], dtype=object))
    assert x.norm().item() == sympy.sqrt(a ** 2 + b ** 2)
    assert x.norm(1).item() == sympy.Abs(a) + sympy.Abs(b)


@pytest.mark.torch
def test_logsumexp_is_stable_and_handles_infinities_as_torch(torch):
    data = np.array([[1e4, 1e4 - 1, 0.0], [-1e4, -1e4, -1e4], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0]],
                    dtype=np.float32)
    x, xt = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, yt = x.logsumexp(1), torch.logsumexp(xt, 1)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-6)
    assert y.dtype == np.float32
    with np.errstate(invalid="ignore"):  # 0·NaN in the rows of ±∞, as PyTorch (checked below)
        y[:2].sum().backward()
    yt[:2].sum().backward()
    exact = np.exp(data[:2].astype(np.float64) - data[:2].max(1, keepdims=True))
    np.testing.assert_allclose(x.grad.data[:2], exact / exact.sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(x.grad.data[:2], xt.grad.numpy()[:2], rtol=1e-3)  # PyTorch's float32 exp(x − lse)
    # rows that got δ = 0 but hold ±∞: 0·NaN, the same entries as PyTorch
    np.testing.assert_array_equal(x.grad.data[2:], xt.grad.numpy()[2:])
    assert tg.logsumexp(tg.tensor(np.array([1, 2])), 0).dtype == np.float32
    with pytest.raises(TypeError):
        tg.logsumexp(x)  # dim is required, as in PyTorch


@given(case=tensor_and_dims(), seed=st.integers(0, 2**16))
def test_logsumexp_gradient_matches_finite_differences(case, seed):
    shape, dims, keepdim = case
    x = rand64(np.random.default_rng(seed), shape)
    assert gradcheck(lambda t: t.logsumexp(() if dims is None else dims, keepdim), [x])


def test_logsumexp_of_symbols():
    a, b = sympy.symbols("a b")
    assert tg.Tensor(np.array([a, b], dtype=object)).logsumexp(0).item() == sympy.log(sympy.exp(a) + sympy.exp(b))


@pytest.mark.torch
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**16), data=st.data())
def test_cumsum_values_and_gradients_match_torch_and_finite_differences(torch, shape, seed, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = rand64(np.random.default_rng(seed), tuple(shape))
    xt = to_torch(torch, x)
    y, yt = tg.cumsum(x, dim), torch.cumsum(xt, dim)
    assert_close(y, yt)
    g = np.random.default_rng(seed + 1).standard_normal(y.shape)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)
    assert gradcheck(lambda t: t.cumsum(dim), [x])


def test_cumsum_of_symbols_and_a_0d_tensor():
    a, b, c = sympy.symbols("a b c")
    assert tg.Tensor(np.array([a, b, c], dtype=object)).cumsum(0).tolist() == [a, a + b, a + b + c]
    assert tg.tensor(2.0).cumsum(0).shape == ()


# ---- any / all -----------------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("op", ["any", "all"])
@given(case=tensor_and_dims(), seed=st.integers(0, 2**16), dtype=st.sampled_from(["float", "bool", "uint8"]))
def test_any_all_match_torch(torch, op, case, seed, dtype):
    shape, dims, keepdim = case
    rng = np.random.default_rng(seed)
    data = rng.choice([0.0, 1.0, np.nan, -2.0], shape, p=[0.5, 0.3, 0.1, 0.1])
    data = {"float": data, "bool": data > 0, "uint8": np.nan_to_num(data).astype(np.uint8)}[dtype]
    ours, xt = getattr(tg.tensor(data), op)(dims, keepdim), torch.tensor(data)
    theirs = getattr(xt, op)() if dims is None and not keepdim else getattr(xt, op)(
        tuple(range(len(shape))) if dims is None else dims, keepdim)
    assert ours.dtype == (np.uint8 if dtype == "uint8" else np.bool_)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


# ---- shapes and errors -----------------------------------------------------------------------------

def test_empty_dim_tuple_reduces_everything_as_torch():
    x = tg.ones(2, 3)
    assert x.sum(()).item() == 6.0 and x.amax().item() == 1.0 and x.mean([]).item() == 1.0


def test_out_of_range_dim_names_the_op():
    with pytest.raises(IndexError, match="sum: dimension 3 is out of range"):
        tg.ones(2, 2).sum(3)
    with pytest.raises(IndexError, match="amax: reduction dim 1"):
        tg.ones(2, 0).amax(1)
    with pytest.raises(ShapeError, match="amax: tensor of shape"):
        tg.ones(2, 0).amax()
    with pytest.raises(TypeError, match="prod: dim must be a single int"):
        tg.ones(2, 2).prod((0, 1))
    with pytest.raises(TypeError, match="sum: expected a Tensor or a NumPy array"):
        tg.sum([1.0, 2.0])


@pytest.mark.torch
def test_sum_keeps_an_explicit_integer_dtype(torch):
    for dtype in ("int32", "int16"):
        ours = tg.tensor([1, 2, 3]).sum(dtype=getattr(tg, dtype))
        theirs = torch.tensor([1, 2, 3]).sum(dtype=getattr(torch, dtype))
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") and int(ours) == int(theirs)


_REDUCTIONS_WITH_DTYPE = {
    "sum": lambda t, d: t.sum(dtype=d), "sum(1)": lambda t, d: t.sum(1, dtype=d),
    "prod": lambda t, d: t.prod(dtype=d), "prod(1)": lambda t, d: t.prod(1, dtype=d),
    "cumsum(1)": lambda t, d: t.cumsum(1, dtype=d), "mean": lambda t, d: t.mean(dtype=d),
}


@pytest.mark.torch
@given(source=st.sampled_from(["bool", "uint8", "int16", "int32", "int64", "float32", "float64"]),
       target=st.sampled_from([None, "bool", "uint8", "int16", "int32", "int64", "float16", "float32", "float64"]),
       op=st.sampled_from(sorted(_REDUCTIONS_WITH_DTYPE)))
def test_reduction_dtype_argument_matches_torch(torch, source, target, op):
    """sum/prod/cumsum/mean with and without dtype=: integers widen to int64 only without one; an explicit dtype is
    the result's (wrapping as PyTorch does: 200 + 100 in uint8 is 44); mean refuses integer dtypes in both."""
    values = np.array([[200, 100, 3], [1, 0, 2]])
    fn = _REDUCTIONS_WITH_DTYPE[op]
    try:
        theirs = fn(torch.tensor(values).to(getattr(torch, source)), target and getattr(torch, target))
    except RuntimeError:
        with pytest.raises((RuntimeError, TypeError, ValueError)):
            fn(tg.tensor(values).to(getattr(tg, source)), target and getattr(tg, target))
        return
    ours = fn(tg.tensor(values).to(getattr(tg, source)), target and getattr(tg, target))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (source, target, op)
    np.testing.assert_allclose(ours.data.astype(np.float64), theirs.double().numpy(), rtol=2e-3)
