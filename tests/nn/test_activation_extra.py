"""PReLU, Hardswish, Hardsigmoid, Softsign, Softshrink, Hardshrink, Tanhshrink, Threshold, GLU and Softmax2d as
layers: PyTorch's reprs, parameter names/shapes/initial values, forward values and Softmax2d's rank check."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close

LAYERS = [("PReLU", ()), ("PReLU", (3, 0.1)), ("Hardswish", ()), ("Hardsigmoid", ()), ("Softsign", ()),
          ("Softshrink", ()), ("Softshrink", (1.5,)), ("Hardshrink", (0.3,)), ("Tanhshrink", ()),
          ("Threshold", (0.1, 20.0)), ("Threshold", (0.1, 20.0, True)), ("GLU", ()), ("GLU", (2,)),
          ("Softmax2d", ()), ("Hardswish", (True,))]


@pytest.mark.torch
@pytest.mark.parametrize("name, args", LAYERS, ids=[f"{n}{a}" for n, a in LAYERS])
def test_layers_as_pytorch(torch, name, args):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    for k, v in theirs.state_dict().items():
        assert_close(ours.state_dict()[k], v)
    x = np.random.default_rng(0).uniform(-4, 4, (2, 3, 4, 2)).astype(np.float32)
    y, yt = ours(tg.Tensor(x)), theirs(torch.tensor(x))
    assert_close(y, yt, rtol=1e-6, atol=1e-7)


@pytest.mark.torch
def test_prelu_trains_its_slope_as_pytorch(torch):
    ours, theirs = nn.PReLU(3), torch.nn.PReLU(3)
    x = np.random.default_rng(1).standard_normal((4, 3, 5)).astype(np.float32)
    ours(tg.Tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-5)
    assert [n for n, _ in ours.named_parameters()] == ["weight"] and ours.weight.dtype == np.float32
    assert nn.PReLU(dtype=tg.float64).weight.dtype == np.float64


def test_softmax2d_sums_to_one_over_channels_and_checks_rank():
    y = nn.Softmax2d()(tg.randn(2, 5, 3, 3))
    np.testing.assert_allclose(y.data.sum(1), 1, rtol=1e-6)
    assert nn.Softmax2d()(tg.randn(5, 3, 3)).shape == (5, 3, 3)
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(tg.randn(3, 5))
