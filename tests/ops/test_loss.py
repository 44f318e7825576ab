"""Softmax, log-softmax and losses: gradients, PyTorch agreement, stability, second derivatives, bad input."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


@given(n=st.integers(1, 4), c=st.integers(1, 5), dim=st.sampled_from([0, 1, -1]), seed=st.integers(0, 2**16))
def test_softmax_and_log_softmax_gradients(n, c, dim, seed):
    x = rand64(np.random.default_rng(seed), (n, c))
    assert gradcheck(lambda t: F.softmax(t, dim), [x])
    assert gradcheck(lambda t: F.log_softmax(t, dim), [x])


@given(n=st.integers(1, 4), c=st.integers(2, 5), seed=st.integers(0, 2**16))
def test_cross_entropy_gradient_is_softmax_minus_one_hot(n, c, seed):
    rng = np.random.default_rng(seed)
    x = rand64(rng, (n, c))
    target = rng.integers(0, c, n)
    F.cross_entropy(x, target).backward()
    p = np.exp(x.data - x.data.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.data, (p - np.eye(c)[target]) / n, atol=1e-12)
    assert gradcheck(lambda t: F.cross_entropy(t, target), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(torch, reduction):
    rng = np.random.default_rng(11)
    x = rand64(rng, (4, 5))
    target = rng.integers(0, 5, 4)
    xt = to_torch(torch, x)
    for ours, theirs in [
        (F.cross_entropy(x, target, reduction), torch.nn.functional.cross_entropy(xt, torch.tensor(target), reduction=reduction)),
        (F.nll_loss(F.log_softmax(x, 1), target, reduction),
         torch.nn.functional.nll_loss(torch.log_softmax(xt, 1), torch.tensor(target), reduction=reduction)),
        (F.mse_loss(x, tg.Tensor(np.ones((4, 5))), reduction),
         torch.nn.functional.mse_loss(xt, torch.ones(4, 5, dtype=torch.float64), reduction=reduction)),
    ]:
        assert_close(ours, theirs)
        x.grad, xt.grad = None, None
        ours.sum().backward()
        theirs.sum().backward()
        assert_close(x.grad, xt.grad)


def test_cross_entropy_on_spatial_logits_and_ignore_index_matches_torch(torch):
    rng = np.random.default_rng(12)
    x = rand64(rng, (2, 3, 4, 2))
    target = rng.integers(0, 3, (2, 4, 2))
    target[0, 1, 1] = -100
    xt = to_torch(torch, x)
    y = F.cross_entropy(x, target)
    yt = torch.nn.functional.cross_entropy(xt, torch.tensor(target))
    assert_close(y, yt)
    y.backward()
    yt.backward()
    assert_close(x.grad, xt.grad)


def test_softmax_and_log_softmax_match_torch(torch):
    x = rand64(np.random.default_rng(13), (3, 4))
    xt = to_torch(torch, x)
    for ours, theirs in [(F.softmax(x, 0), torch.softmax(xt, 0)), (F.log_softmax(x, 1), torch.log_softmax(xt, 1))]:
        assert_close(ours, theirs)


def test_log_softmax_is_stable_for_huge_logits(torch):
    x = tg.Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4 + 1]]), requires_grad=True)
    y = F.log_softmax(x, 1)
    assert np.all(np.isfinite(y.data))
    xt = to_torch(torch, x)
    assert_close(y, torch.log_softmax(xt, 1))
    loss = F.cross_entropy(x, np.array([1, 2]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(x.grad.data))
    x32 = tg.Tensor(np.array([[1e4, -1e4]], np.float32), requires_grad=True)
    assert np.all(np.isfinite(F.log_softmax(x32, 1).data))


def test_second_derivative_of_softmax_cross_entropy_matches_torch(torch):
    rng = np.random.default_rng(14)
    x = rand64(rng, (3, 4))
    w = rand64(rng, (4, 4))
    target = np.array([0, 3, 1])
    (g,) = tg.grad(F.cross_entropy(x @ w, target), [w], create_graph=True)
    (gg,) = tg.grad((g * g).sum(), [x])
    xt, wt = to_torch(torch, x), to_torch(torch, w)
    (gt,) = torch.autograd.grad(torch.nn.functional.cross_entropy(xt @ wt, torch.tensor(target)), [wt],
                                create_graph=True)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), [xt])
    assert_close(g, gt)
    assert_close(gg, ggt)


def test_wrong_target_dtype_names_op_and_shapes():
    with pytest.raises(TypeError, match=r"cross_entropy: target must hold integer class indices, got dtype float32 "
                                        r"of shape \(2, 3\) \(logits \(2, 3\)\)"):
        F.cross_entropy(tg.randn(2, 3), tg.Tensor(np.eye(3, dtype=np.float32)[:2]))
    with pytest.raises(ValueError, match=r"nll_loss: target shape \(3,\) does not match input \(2, 3\)"):
        F.nll_loss(tg.randn(2, 3), np.array([0, 1, 2]))
    with pytest.raises(IndexError, match="nll_loss: target 7 is out of range for 3 classes"):
        F.cross_entropy(tg.randn(2, 3), np.array([0, 7]))
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(2, 3\) and target shape \(3,\) differ"):
        F.mse_loss(tg.randn(2, 3), tg.randn(3))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(tg.randn(2), tg.randn(2), reduction="avg")
