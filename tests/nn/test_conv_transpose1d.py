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


@pytest.mark.torch
@pytest.mark.parametrize("output_size", [[7], [8], [2, 4, 7], [9], [2, 4, 6], [3, 8]])
def test_output_size_picks_the_output_padding_as_pytorch(torch, output_size):
    """forward(x, output_size=...) as the 2-D and 3-D layers (one shared rule, nn/conv.py's _ConvTransposeNd)."""
    tg.manual_seed(0)
    ours = nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1)
    theirs = torch.nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1)
    theirs.load_state_dict({k: torch.tensor(v.data) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    try:
        want = theirs(torch.tensor(x), output_size=output_size).detach().numpy()
    except ValueError:
        with pytest.raises(ValueError, match="output size|output_size"):
            ours(tg.tensor(x), output_size=output_size)
        return
    np.testing.assert_allclose(ours(tg.tensor(x), output_size=output_size).data, want, rtol=1e-5, atol=1e-6)
