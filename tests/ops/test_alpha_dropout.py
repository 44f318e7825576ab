"""alpha_dropout and feature_alpha_dropout: our random numbers are not PyTorch's, so the deterministic part is
compared given PyTorch's own mask (read back from its output) — values and gradients in float32 and float64 —
and the random part by its moments (mean 0 and variance 1 kept, the drop rate p) over many draws; identity in
eval and at p = 0, input·0 at p = 1, finite differences, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad
from tinygrad_edu.ops.alpha_dropout import ALPHA, alpha_transform


def dropped_value(p):
    a = 1 / np.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    return ALPHA * a * (p - 1)


@pytest.mark.torch
@given(p=st.sampled_from([0.1, 0.5, 0.8]), feature=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 999))
def test_the_transform_given_pytorch_s_mask(torch, p, feature, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.0, (3, 4, 5)).astype(dtype)  # kept entries a·x + α′ap never equal the dropped value
    torch.manual_seed(seed)
    xt = torch.tensor(x, requires_grad=True)
    fn = torch.nn.functional.feature_alpha_dropout if feature else torch.nn.functional.alpha_dropout
    yt = fn(xt, p, training=True)
    keep = ~np.isclose(yt.detach().numpy(), dropped_value(p), rtol=1e-5, atol=1e-6)
    if feature:
        assert (keep == keep[:, :, :1]).all()  # one draw per (sample, channel)
        keep = keep[:, :, :1]
    xs = tg.Tensor(x, requires_grad=True)
    y = alpha_transform(xs, keep, p)
    tight = dtype == np.float64
    assert y.dtype == np.dtype(dtype)
    assert_close(y, yt, rtol=1e-12 if tight else 1e-6, atol=1e-12 if tight else 1e-6)
    v = rng.standard_normal(x.shape).astype(dtype)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    assert_close(xs.grad, xt.grad, rtol=1e-12 if tight else 1e-6, atol=1e-12 if tight else 1e-6)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("feature", [False, True])
def test_moments_over_many_draws(p, feature):
    """A standard normal input keeps mean 0 and variance 1 (the point of alpha dropout), and a share p is dropped."""
    tg.manual_seed(0)
    x = tg.Tensor(np.random.default_rng(1).standard_normal((400, 50, 10)))
    y = (F.feature_alpha_dropout if feature else F.alpha_dropout)(x, p, training=True).data
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1) < 0.03
    assert abs(np.isclose(y, dropped_value(p)).mean() - p) < 0.01


@pytest.mark.torch
@pytest.mark.parametrize("p", [0.3, 0.7])
def test_moments_as_pytorch_s(torch, p):
    x = np.random.default_rng(2).standard_normal((200, 500))
    torch.manual_seed(0)
    theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), p, True).numpy()
    ours = F.alpha_dropout(tg.Tensor(x), p, True).data
    assert abs(ours.mean() - theirs.mean()) < 0.02 and abs(ours.std() - theirs.std()) < 0.02


@pytest.mark.torch
def test_identity_in_eval_and_at_p_0_and_zeros_at_p_1(torch):
    x = np.array([[1.0, -2.0, np.inf], [0.5, np.nan, 3.0]])
    for fn in ("alpha_dropout", "feature_alpha_dropout"):
        ours, theirs = getattr(F, fn), getattr(torch.nn.functional, fn)
        t = tg.Tensor(x)
        assert ours(t) is t and ours(t, 0.5, False) is t and ours(t, 0.0, True) is t  # training=False by default
        assert_close(ours(t, 1.0, True), theirs(torch.tensor(x), 1.0, True))  # input · 0: NaN at ±∞ and NaN


def test_finite_differences():
    rng = np.random.default_rng(3)
    keep = rng.random((3, 4)) > 0.4
    x = tg.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    v = rng.standard_normal((3, 4))
    alpha_transform(x, keep, 0.4).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: alpha_transform(t, keep, 0.4), x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("call", [
    lambda m, x: m.alpha_dropout(x, 1.5, True),
    lambda m, x: m.alpha_dropout(x, -0.1),
    lambda m, x: m.feature_alpha_dropout(x[0, 0], 0.5, True),
])
def test_errors_as_pytorch(torch, call):
    x = np.ones((2, 3, 4))
    with pytest.raises((RuntimeError, ValueError)) as theirs:
        call(torch.nn.functional, torch.tensor(x))
    with pytest.raises(type(theirs.value), match="alpha_dropout"):
        call(F, tg.Tensor(x))
