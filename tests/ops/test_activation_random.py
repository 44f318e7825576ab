"""F.rrelu and F.gumbel_softmax: eval-mode rrelu equals PyTorch's; training-mode slopes come from the seeded
generator, lie in [lower, upper] and are the gradient; gumbel_softmax is softmax((u + g)/τ) with the generator's
Gumbel noise, its hard form one-hot with the soft sample's gradient (as PyTorch's, given the same noise)."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.activation_random import _gumbel_noise
from tests.helpers import assert_close, numeric_grad, rand64


@pytest.mark.torch
@pytest.mark.parametrize("lower,upper", [(1 / 8, 1 / 3), (0.0, 0.5), (0.2, 0.2)])
def test_rrelu_eval_matches_torch(torch, lower, upper):
    rng = np.random.default_rng(0)
    x = rand64(rng, (3, 4))
    x.data[0, 0] = 0.0
    out = F.rrelu(x, lower, upper, training=False)
    tx = torch.tensor(x.data, requires_grad=True)
    ref = torch.nn.functional.rrelu(tx, lower, upper, training=False)
    assert_close(out, ref)
    out.sum().backward()
    ref.sum().backward()
    assert_close(x.grad, tx.grad)


def test_rrelu_training_slopes_are_seeded_bounded_and_the_gradient():
    rng = np.random.default_rng(1)
    x = rand64(rng, (50, 40))
    tg.manual_seed(7)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    out.sum().backward()
    neg = x.data <= 0
    slopes = out.data[neg] / x.data[neg]
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    np.testing.assert_array_equal(out.data[~neg], x.data[~neg])
    np.testing.assert_allclose(x.grad.data[neg], slopes)
    np.testing.assert_array_equal(x.grad.data[~neg], 1.0)
    tg.manual_seed(7)
    np.testing.assert_array_equal(F.rrelu(x.detach(), 0.1, 0.3, training=True).data, out.data)


def test_rrelu_eval_gradient_finite_differences():
    rng = np.random.default_rng(2)
    x = rand64(rng, (5,))
    v = rng.normal(size=5)
    (F.rrelu(x) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.rrelu(t), x, v), atol=1e-8)


@pytest.mark.parametrize("call,error,message", [
    (lambda: F.rrelu(tg.ones(2), 0.5, 0.2), ShapeError, "rrelu: Lower bound"),
    (lambda: F.rrelu(tg.ones(2, dtype=tg.int64), training=True), TypeError, "rrelu"),
    (lambda: F.gumbel_softmax(tg.ones(2, dtype=tg.int64)), TypeError, "gumbel_softmax"),
])
def test_bad_input_names_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.torch
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dim,tau", [(-1, 1.0), (0, 0.5), (1, 2.0)])
def test_gumbel_softmax_is_torchs_formula_with_the_same_noise(torch, hard, dim, tau):
    rng = np.random.default_rng(3)
    logits = rand64(rng, (3, 4, 5))
    tg.manual_seed(11)
    out = F.gumbel_softmax(logits, tau=tau, hard=hard, dim=dim)
    tg.manual_seed(11)
    noise = _gumbel_noise(logits.shape, logits.dtype)
    tl = torch.tensor(logits.data, requires_grad=True)
    y_soft = ((tl + torch.tensor(noise)) / tau).softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        ref = torch.zeros_like(tl).scatter_(dim, index, 1.0) - y_soft.detach() + y_soft
    else:
        ref = y_soft
    assert_close(out, ref, atol=1e-12)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    (ref * torch.tensor(v)).sum().backward()
    assert_close(logits.grad, tl.grad, atol=1e-12)
    if hard:
        assert set(np.unique(out.data)) <= {0.0, 1.0} and np.all(out.data.sum(dim) == 1)


def test_gumbel_softmax_samples_follow_softmax():
    tg.manual_seed(0)
    logits = tg.tensor(np.log([0.1, 0.2, 0.7]))
    samples = F.gumbel_softmax(logits.expand(20000, 3), hard=True)
    np.testing.assert_allclose(samples.data.mean(0), [0.1, 0.2, 0.7], atol=0.015)


def test_gumbel_softmax_of_a_parameter_returns_a_plain_tensor():
    logits = tg.nn.Parameter(tg.zeros(2, 3))
    out = F.gumbel_softmax(logits)
    assert type(out) is tg.Tensor and out.requires_grad and out.dtype == tg.float32
