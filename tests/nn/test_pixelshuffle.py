"""PixelShuffle / PixelUnshuffle layers: PyTorch's reprs and values, no parameters."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
def test_layers_as_pytorch(torch):
    x = np.random.default_rng(0).standard_normal((2, 18, 2, 3)).astype(np.float32)
    for ours, theirs in ((nn.PixelShuffle(3), torch.nn.PixelShuffle(3)),
                         (nn.Sequential(nn.PixelShuffle(3), nn.PixelUnshuffle(3)),
                          torch.nn.Sequential(torch.nn.PixelShuffle(3), torch.nn.PixelUnshuffle(3)))):
        assert repr(ours) == repr(theirs)
        assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)), rtol=0, atol=0)
    assert list(nn.PixelShuffle(2).parameters()) == []
