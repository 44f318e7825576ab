"""nn.init: PyTorch's initialisers under PyTorch's names, arguments and formulas (gain, fans, bounds)."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.nn import init

GAINS = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
         ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("selu", None)]


@pytest.mark.torch
@pytest.mark.parametrize("nonlinearity, param", GAINS)
def test_calculate_gain_matches_torch(torch, nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(torch.nn.init.calculate_gain(nonlinearity, param),
                                                                     rel=1e-12)


SPREADS = [("kaiming_normal_", {}, "std"), ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu"), "std"),
           ("kaiming_uniform_", dict(a=math.sqrt(5)), "bound"), ("kaiming_uniform_", dict(nonlinearity="relu"), "bound"),
           ("xavier_uniform_", dict(gain=2.0), "bound"), ("xavier_normal_", {}, "std"),
           ("trunc_normal_", dict(std=0.5, a=-0.4, b=0.6), "range"), ("uniform_", dict(a=-0.3, b=0.1), "range"),
           ("normal_", dict(mean=1.0, std=0.02), "std")]


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs, measure", SPREADS)
def test_spread_matches_torch(torch, name, kwargs, measure):
    """Same distribution as PyTorch on a (64, 32, 3, 3) conv weight: std within 3 %, the same support."""
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours = getattr(init, name)(tg.empty(64, 32, 3, 3), **kwargs)
    theirs = getattr(torch.nn.init, name)(torch.empty(64, 32, 3, 3), **kwargs).numpy()
    assert ours.dtype == tg.float32
    assert float(ours.data.std()) == pytest.approx(float(theirs.std()), rel=0.03)
    assert float(ours.data.mean()) == pytest.approx(float(theirs.mean()), abs=0.01 + 0.01 * float(theirs.std()))
    if measure in ("bound", "range"):
        assert ours.data.min() >= theirs.min() - 0.01 * abs(theirs.min()) - 1e-6
        assert ours.data.max() <= theirs.max() + 0.01 * abs(theirs.max()) + 1e-6
        assert ours.data.max() - ours.data.min() > 0.95 * (theirs.max() - theirs.min())


@pytest.mark.torch
def test_deterministic_initialisers_equal_torch(torch):
    for name, shape, args in [("constant_", (3, 4), (0.3,)), ("zeros_", (2, 3), ()), ("ones_", (2,), ()),
                              ("eye_", (3, 5), ()), ("dirac_", (4, 2, 3), ()), ("dirac_", (6, 2, 3, 3), (2,))]:
        ours = getattr(init, name)(tg.empty(*shape), *args)
        theirs = getattr(torch.nn.init, name)(torch.empty(*shape), *args)
        np.testing.assert_array_equal(ours.data, theirs.numpy(), err_msg=name)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(tg.empty(*shape, dtype=tg.float64), gain=2.0).data.reshape(shape[0], -1)
    small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(small, 4.0 * np.eye(small.shape[0]), atol=1e-12)


@pytest.mark.torch
def test_errors_as_torch(torch):
    for fn in ("kaiming_normal_", "xavier_uniform_"):
        with pytest.raises(ValueError, match="fewer than 2 dimensions"):
            getattr(init, fn)(tg.empty(5))
        with pytest.raises(ValueError):
            getattr(torch.nn.init, fn)(torch.empty(5))
    with pytest.raises(ValueError, match="Mode"):
        init.kaiming_uniform_(tg.empty(3, 3), mode="fan")
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("softmax")


def test_layer_weights_accept_the_initialisers_in_place():
    conv = tg.nn.Conv2d(3, 8, 3)
    before = conv.weight
    init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
    init.zeros_(conv.bias)
    assert conv.weight is before and conv.weight.requires_grad
    assert float(conv.weight.data.std()) == pytest.approx(math.sqrt(2 / (8 * 9)), rel=0.25)
    assert not conv.bias.data.any()
