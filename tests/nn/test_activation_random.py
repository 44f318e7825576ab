"""RReLU: eval mode is PyTorch's fixed-slope leaky ReLU, training mode draws seeded random slopes; repr as PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close


@pytest.mark.torch
def test_rrelu_eval_matches_torch_and_repr(torch):
    x = np.random.default_rng(0).normal(size=(4, 5))
    layer, ref = nn.RReLU(0.1, 0.4).eval(), torch.nn.RReLU(0.1, 0.4).eval()
    assert_close(layer(tg.Tensor(x)), ref(torch.tensor(x)))
    assert repr(nn.RReLU()) == repr(torch.nn.RReLU())
    assert repr(nn.RReLU(inplace=True)) == repr(torch.nn.RReLU(inplace=True))


def test_rrelu_training_is_random_and_seeded():
    x = tg.Tensor(-np.ones((100,)))
    layer = nn.RReLU()
    tg.manual_seed(3)
    a = layer(x)
    tg.manual_seed(3)
    b = layer(x)
    np.testing.assert_array_equal(a.data, b.data)
    assert -1 / 3 <= a.data.min() and a.data.max() <= -1 / 8 and a.data.std() > 0.02


def test_rrelu_inplace_changes_the_input():
    x = tg.tensor([-1.0, 2.0])
    out = nn.RReLU(0.2, 0.2, inplace=True).eval()(x)
    assert out is x
    np.testing.assert_allclose(x.data, [-0.2, 2.0])


def test_rrelu_bad_bounds():
    with pytest.raises(ShapeError, match="RReLU: Lower bound"):
        nn.RReLU(0.5, 0.1)
