"""F.linear and the activation names: PyTorch's semantics and clear errors."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


def test_linear_matches_torch(torch):
    rng = np.random.default_rng(15)
    x, w, b = rand64(rng, (5, 3)), rand64(rng, (4, 3)), rand64(rng, (4,))
    xt, wt, bt = (to_torch(torch, t) for t in (x, w, b))
    y, yt = F.linear(x, w, b), torch.nn.functional.linear(xt, wt, bt)
    assert_close(y, yt)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    for ours, theirs in [(x, xt), (w, wt), (b, bt)]:
        assert_close(ours.grad, theirs.grad)


def test_linear_gradcheck_on_batched_input():
    rng = np.random.default_rng(16)
    assert gradcheck(F.linear, [rand64(rng, (2, 3, 4)), rand64(rng, (5, 4)), rand64(rng, (5,))])


def test_linear_bad_shapes():
    with pytest.raises(ValueError, match=r"linear: input \(5, 3\) has 3 features but weight \(4, 2\) expects 2"):
        F.linear(tg.randn(5, 3), tg.randn(4, 2))
    with pytest.raises(ValueError, match=r"linear: bias shape \(3,\) must be \(4,\)"):
        F.linear(tg.randn(5, 2), tg.randn(4, 2), tg.randn(3))


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "leaky_relu"])
def test_activations_match_torch(torch, name):
    x = rand64(np.random.default_rng(17), (3, 4))
    xt = to_torch(torch, x)
    assert_close(getattr(F, name)(x), getattr(torch.nn.functional, name)(xt))
