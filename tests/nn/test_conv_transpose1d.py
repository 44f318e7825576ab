"""ConvTranspose1d layer: PyTorch's parameter names and shapes, a PyTorch state_dict loads and gives PyTorch's
output; constructor checks."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("args, kw", [((4, 6, 3), {}), ((4, 6, 3, 2, 1, 1, 2), {}), ((2, 3, 2), {"bias": False,
                                                                                              "dilation": 2})])
def test_layer_as_pytorch(torch, args, kw):
    ours, theirs = nn.ConvTranspose1d(*args, **kw), torch.nn.ConvTranspose1d(*args, **kw)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((2, args[0], 5)).astype(np.float32)
    assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-6)
    assert_close(ours(tg.Tensor(x[0])), theirs(torch.tensor(x[0])), rtol=1e-5, atol=1e-6)


def test_default_init_bounds_and_checks():
    layer = nn.ConvTranspose1d(4, 6, 3)
    assert layer.weight.shape == (4, 6, 3) and layer.bias.shape == (6,)
    assert np.abs(layer.weight.data).max() <= 1 / np.sqrt(6 * 3)
    with pytest.raises(ValueError, match="ConvTranspose1d.*output_padding"):
        nn.ConvTranspose1d(4, 6, 3, stride=1, output_padding=1)
    with pytest.raises(ValueError, match="ConvTranspose1d.*groups"):
        nn.ConvTranspose1d(4, 6, 3, groups=4)
