"""poisson_nll_loss and gaussian_nll_loss (ops/loss_regression.py) against PyTorch: values in float32 and float64,
every reduction, gradients of every float input (the NaN target gradient of full=True at y = 0, the gradient
PyTorch gives a variance below eps), homoscedastic variances, finite differences in float64, errors."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad
from tests.ops.test_loss_margin import REDUCTIONS, compare


def counts(r, shape):
    return r.integers(0, 5, shape).astype(float)


POISSON = [({}, False), ({"full": True}, False), ({"log_input": False}, True),
           ({"log_input": False, "full": True, "eps": 1e-3}, True)]


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_as_pytorch(torch, dtype):
    for k, (kw, positive) in enumerate(POISSON):
        r = np.random.default_rng(k)
        x = r.uniform(0.1, 3, (3, 4)) if positive else r.standard_normal((3, 4))
        for reduction in REDUCTIONS:
            compare(torch, "poisson_nll_loss", [(x, True), (counts(r, (3, 4)), True)], dict(kw, reduction=reduction),
                    dtype)


@pytest.mark.torch
def test_poisson_legacy_reduction_and_broadcast_target(torch):
    r = np.random.default_rng(3)
    for size_average, reduce in ((False, None), (None, False)):
        compare(torch, "poisson_nll_loss", [(r.standard_normal((3, 4)), True), (counts(r, (1, 4)), True)],
                {"size_average": size_average, "reduce": reduce}, np.float64)


def _variances(r, shape):
    v = r.uniform(0.1, 2.0, shape)
    v.reshape(-1)[0] = 1e-9  # below eps: raised to eps, its gradient taken there
    v.reshape(-1)[-1] = 0.0
    return v


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), (1, 4)])
def test_gaussian_as_pytorch(torch, dtype, var_shape):
    r = np.random.default_rng(len(var_shape))
    for kw in ({}, {"full": True, "eps": 1e-3}):
        for reduction in REDUCTIONS:
            arrays = [(r.standard_normal((3, 4)), True), (r.standard_normal((3, 4)), True),
                      (_variances(r, var_shape), True)]
            compare(torch, "gaussian_nll_loss", arrays, dict(kw, reduction=reduction), dtype)


@pytest.mark.torch
def test_gaussian_with_a_float_variance(torch):
    r = np.random.default_rng(9)
    for var in (0.5, 1e-9):
        compare(torch, "gaussian_nll_loss", [(r.standard_normal((3, 4)), True), (r.standard_normal((3, 4)), True)],
                {"var": var}, np.float64)


@pytest.mark.torch
@given(eps=st.sampled_from([1e-6, 1e-2, 0.5]), scale=st.floats(1e-8, 3.0), seed=st.integers(0, 999))
def test_gaussian_gradient_below_and_above_eps(torch, eps, scale, seed):
    """δ_σ² = ½(1/σ̃² − d²/σ̃⁴), σ̃² = max(σ², eps): PyTorch's clamp of a clone under no_grad passes δ unchanged."""
    r = np.random.default_rng(seed)
    arrays = [(r.standard_normal(6), True), (r.standard_normal(6), True), (r.uniform(0, 1, 6) * scale, True)]
    compare(torch, "gaussian_nll_loss", arrays, {"eps": eps, "reduction": "none"}, np.float64)


def test_finite_differences():
    r = np.random.default_rng(2)
    x, y, v = r.standard_normal((3, 4)), counts(r, (3, 4)) + 0.5, r.uniform(0.5, 2, (3, 4))
    cases = [(lambda t: F.poisson_nll_loss(t, tg.Tensor(y), reduction="none"), x),
             (lambda t: F.poisson_nll_loss(tg.Tensor(x), t, full=True, reduction="none"), y),
             (lambda t: F.poisson_nll_loss(t, tg.Tensor(y), log_input=False, reduction="none"), v),
             (lambda t: F.gaussian_nll_loss(t, tg.Tensor(y), tg.Tensor(v), reduction="none"), x),
             (lambda t: F.gaussian_nll_loss(tg.Tensor(x), tg.Tensor(y), t, full=True, reduction="none"), v)]
    for fn, a in cases:
        t = tg.Tensor(a.copy(), requires_grad=True)
        w = r.standard_normal((3, 4))
        fn(t).backward(tg.Tensor(w))
        assert_close(t.grad, numeric_grad(fn, t, w), rtol=1e-6, atol=1e-8)


def test_symbolic_poisson():
    import sympy

    x, y = sympy.symbols("x y")
    loss = F.poisson_nll_loss(tg.Tensor(np.array([x], object)), tg.Tensor(np.array([y], object)), reduction="sum")
    assert sympy.simplify(loss.data.item() - (sympy.exp(x) - y * x)) == 0


@pytest.mark.torch
@pytest.mark.parametrize("call", [
    lambda m, T: m.gaussian_nll_loss(T(3, 4), T(3, 4), T(2, 4)),
    lambda m, T: m.gaussian_nll_loss(T(3, 4), T(3, 4), -abs(T(3, 4))),
    lambda m, T: m.gaussian_nll_loss(T(3, 4), T(3, 4), -1.0),
    lambda m, T: m.gaussian_nll_loss(T(3, 4), T(3, 4), abs(T(3, 4)), reduction="batchmean"),
    lambda m, T: m.poisson_nll_loss(T(3, 4), T(3, 4), reduction="avg"),
    lambda m, T: m.poisson_nll_loss(T(3, 4), T(3, 5)),
])
def test_errors_as_pytorch(torch, call):
    from tests.ops.test_loss_margin import _Make

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((RuntimeError, ValueError, TypeError)) as theirs:
            call(torch.nn.functional, _Make("torch", torch))
        with pytest.raises(type(theirs.value)) as ours:
            call(F, _Make("ours", torch))
    assert "nll_loss" in str(ours.value)
