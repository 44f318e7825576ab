"""max_pool3d, avg_pool3d, adaptive_avg/max_pool3d and max_unpool3d against PyTorch: values (float32, float64,
integers), gradients, return_indices (flat d·H·W + h·W + w), ties (δ to the first maximum only), NaN and ±inf,
ceil_mode's edge windows, the divisor rules, None in output_size; central differences and SymPy values."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.symbolic import symbols
from tests.helpers import numeric_grad, rand64


@st.composite
def window_case(draw, dilation=True):
    """Valid pooling windows per axis: kernel, stride, padding ≤ ⌊k/2⌋, dilation, and an input the window fits."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    s = tuple(draw(st.integers(1, 3)) for _ in range(3))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    d = tuple(draw(st.integers(1, 2)) for _ in range(3)) if dilation else (1, 1, 1)
    n = tuple(di * (ki - 1) + 1 + draw(st.integers(0, 3)) for ki, di in zip(k, d))
    batched = draw(st.booleans())
    shape = ((draw(st.integers(1, 2)),) if batched else ()) + (draw(st.integers(1, 2)),) + n
    return shape, k, s, p, d, draw(st.booleans())


def _with_grads(torch, fn, tfn, data, **kw):
    """(our output, PyTorch's), (our δ_x, PyTorch's) for one random δ; index outputs compared exactly."""
    x, tx = tg.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = fn(x, **kw), tfn(tx, **kw)
    if isinstance(y, tuple):
        assert y[1].dtype == np.int64
        np.testing.assert_array_equal(y[1].data, ty[1].numpy())
        y, ty = y[0], ty[0]
    delta = np.random.default_rng(2).standard_normal(y.shape).astype(data.dtype)
    (y * tg.Tensor(delta)).sum().backward()
    (ty * torch.tensor(delta)).sum().backward()
    return (y.data, ty.detach().numpy()), (x.grad.data, tx.grad.numpy())


@pytest.mark.torch
@given(case=window_case(), seed=st.integers(0, 2**16))
def test_max_pool3d_with_ties_matches_torch_indices_and_gradients(torch, case, seed):
    """Integer-valued inputs clipped at 0 (as after ReLU) tie often: δ goes to the first maximum only."""
    shape, k, s, p, d, ceil = case
    data = np.maximum(np.random.default_rng(seed).integers(-3, 3, shape), 0).astype(np.float64)
    for ours, theirs in _with_grads(torch, F.max_pool3d, torch.nn.functional.max_pool3d, data, kernel_size=k,
                                    stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.torch
def test_max_pool3d_nan_and_infinities_as_torch(torch):
    rng = np.random.default_rng(7)
    data = rng.standard_normal((2, 3, 4, 5, 4))
    data[0, 0, 1, 1, 1] = data[0, 0, 1, 1, 2] = np.nan  # two NaNs in one window: the last one wins
    data[0, 1, 2, 2, 2], data[1, 0, 0, 0, 0] = np.inf, -np.inf
    data[1, 2] = -np.inf  # all −∞: every index points at the window's first input entry, not the padding
    finite_or_inf = np.where(np.isnan(data), 0.0, data)  # no NaN: the fast pass (np.maximum) decides the winners
    for kw in (dict(kernel_size=2, stride=1, padding=1), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)):
        for values in (data, finite_or_inf):
            for ours, theirs in _with_grads(torch, F.max_pool3d, torch.nn.functional.max_pool3d, values,
                                            return_indices=True, **kw):
                np.testing.assert_array_equal(ours, theirs)


@pytest.mark.torch
@given(case=window_case(dilation=False), include=st.booleans(), override=st.sampled_from([None, 3, -2]),
       seed=st.integers(0, 2**16))
def test_avg_pool3d_matches_torch(torch, case, include, override, seed):
    shape, k, s, p, _, ceil = case
    data = np.random.default_rng(seed).standard_normal(shape)
    for ours, theirs in _with_grads(torch, F.avg_pool3d, torch.nn.functional.avg_pool3d, data, kernel_size=k,
                                    stride=s, padding=p, ceil_mode=ceil, count_include_pad=include,
                                    divisor_override=override):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("op", ["max_pool3d", "avg_pool3d"])
def test_float32_and_integers_match_torch(torch, op):
    rng = np.random.default_rng(8)
    kw = dict(kernel_size=(3, 2, 2), stride=2, padding=1, ceil_mode=True)
    data = rng.standard_normal((2, 3, 5, 6, 7)).astype(np.float32)
    for ours, theirs in _with_grads(torch, getattr(F, op), getattr(torch.nn.functional, op), data, **kw):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    ints = rng.integers(-50, 50, (2, 3, 5, 6, 7))
    ours = getattr(F, op)(tg.Tensor(ints), **kw)
    theirs = getattr(torch.nn.functional, op)(torch.tensor(ints), **kw).numpy()
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours.data, theirs)  # integer means divide toward zero, as PyTorch


@st.composite
def adaptive_case(draw):
    n = tuple(draw(st.integers(1, 6)) for _ in range(3))
    out = tuple(draw(st.one_of(st.none(), st.integers(1, 6))) for _ in range(3))
    lead = (draw(st.integers(1, 2)),) * draw(st.integers(0, 1))
    return lead + (2,) + n, out


@pytest.mark.torch
@given(case=adaptive_case(), seed=st.integers(0, 2**16))
def test_adaptive_pools_match_torch(torch, case, seed):
    shape, out = case
    rng = np.random.default_rng(seed)
    ties = np.maximum(rng.integers(-2, 3, shape), 0).astype(np.float64)
    for ours, theirs in _with_grads(torch, F.adaptive_max_pool3d, torch.nn.functional.adaptive_max_pool3d, ties,
                                    output_size=out, return_indices=True):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in _with_grads(torch, F.adaptive_avg_pool3d, torch.nn.functional.adaptive_avg_pool3d,
                                    rng.standard_normal(shape), output_size=out):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.torch
def test_adaptive_max_pool3d_nan_and_inf_as_torch(torch):
    data = np.random.default_rng(9).standard_normal((1, 2, 5, 4, 3))
    data[0, 0, 0, 0, 0] = data[0, 0, 1, 1, 1] = np.nan
    data[0, 1, 2, 2, 2] = np.inf
    for ours, theirs in _with_grads(torch, F.adaptive_max_pool3d, torch.nn.functional.adaptive_max_pool3d, data,
                                    output_size=(2, 3, 2), return_indices=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.torch
def test_max_unpool3d_inverts_max_pool3d_as_torch(torch):
    data = np.random.default_rng(10).standard_normal((2, 2, 5, 4, 6))
    _, ti = torch.nn.functional.max_pool3d(torch.tensor(data), 2, return_indices=True)
    _, i = F.max_pool3d(tg.Tensor(data), 2, return_indices=True)
    np.testing.assert_array_equal(i.data, ti.numpy())
    pooled = np.random.default_rng(11).standard_normal(ti.shape)
    for size in (None, (5, 4, 6)):
        for ours, theirs in _with_grads(torch, lambda x, **kw: F.max_unpool3d(x, i, 2, output_size=size),
                                        lambda x, **kw: torch.nn.functional.max_unpool3d(x, ti, 2, output_size=size),
                                        pooled):
            np.testing.assert_array_equal(ours, theirs)


def test_gradients_match_central_differences():
    rng = np.random.default_rng(12)
    x = rand64(rng, (1, 2, 4, 3, 5))
    cases = [lambda t: F.max_pool3d(t, (2, 2, 3), stride=1, padding=(1, 0, 1)),
             lambda t: F.avg_pool3d(t, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
             lambda t: F.adaptive_avg_pool3d(t, (3, 2, 4)), lambda t: F.adaptive_max_pool3d(t, (3, 2, 2))]
    for fn in cases:
        x.grad = None
        v = rng.standard_normal(fn(x).shape)
        (fn(x) * tg.Tensor(v)).sum().backward()
        np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivative_of_avg_pool3d_matches_torch(torch):
    rng = np.random.default_rng(13)
    data, v = rng.standard_normal((1, 2, 4, 4, 4)), rng.standard_normal((1, 2, 4, 4, 4))
    x, tx = tg.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (gx,) = tg.autograd.grad((F.avg_pool3d(x, 2, 1, 1) ** 2).sum(), [x], create_graph=True)
    (gx * tg.Tensor(v)).sum().backward()
    (tgx,) = torch.autograd.grad((torch.nn.functional.avg_pool3d(tx, 2, 1, 1) ** 2).sum(), [tx], create_graph=True)
    (tgx * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


def test_sympy_values_through_pooling():
    """avg: (1/|P|) Σ over the window; max on exact rationals picks the winner and routes the symbolic δ to it."""
    x = symbols("x", (1, 1, 2, 2, 2), start=0, requires_grad=True)
    u = F.avg_pool3d(x, 2)
    assert sympy.simplify(u.data[0, 0, 0, 0, 0] - sum(x.data.ravel()) / 8) == 0
    values = np.array([sympy.Rational(v, 3) for v in (1, 5, 2, 5, 0, 4, 3, 1)], dtype=object).reshape(1, 1, 2, 2, 2)
    z = tg.Tensor(values, requires_grad=True)
    delta = symbols("delta", (1, 1, 1, 1, 1), start=0)
    (F.max_pool3d(z, 2) * delta).sum().backward()
    assert list(z.grad.data.ravel()) == [0, delta.data.ravel()[0], 0, 0, 0, 0, 0, 0]  # the first 5/3 wins


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.max_pool3d(tg.randn(2, 3, 4), 2), ShapeError,
     r"max_pool3d: expected a 4-D \(C, D, H, W\) or 5-D \(N, C, D, H, W\) input, got shape \(2, 3, 4\)"),
    (lambda: F.max_pool3d(tg.randn(1, 1, 4, 4, 4), 2, padding=2), ShapeError,
     r"max_pool3d: padding .* must be between 0 and half the kernel size"),
    (lambda: F.avg_pool3d(tg.randn(1, 1, 1, 4, 4), 2), ShapeError,
     r"avg_pool3d: output depth \(1 \+ 2·0 − 2\)/2 \+ 1 = 0 is not positive"),
    (lambda: F.avg_pool3d(tg.randn(1, 1, 4, 4, 4), 2, divisor_override=0), ShapeError,
     r"avg_pool3d: divisor_override must not be zero"),
    (lambda: F.adaptive_avg_pool3d(tg.tensor(np.ones((1, 1, 2, 2, 2), np.int64)), 1), TypeError,
     r"adaptive_avg_pool3d: input of dtype int64 is not supported"),
    (lambda: F.adaptive_max_pool3d(tg.randn(1, 1, 2, 2, 2), (1, 2)), ShapeError,
     r"adaptive_max_pool3d: output_size must be an int or a tuple of 3"),
    (lambda: F.max_unpool3d(tg.randn(1, 1, 2, 2, 2), tg.tensor(np.full((1, 1, 2, 2, 2), 64)), 2), IndexError,
     r"max_unpool3d: index 64 is out of range for an output volume of 4×4×4 = 64 entries"),
])
def test_refusals_name_the_op_and_the_rule(call, error, message):
    with pytest.raises(error, match=message):
        call()
