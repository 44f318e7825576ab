"""LPPool3d: F.lp_pool3d as a layer, values and repr as PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("args", [(2, 2), (3, (2, 1, 2), 1), (1.5, 2, None, True)])
def test_lppool3d_matches_torch(torch, args):
    x = np.random.default_rng(0).uniform(0.1, 2.0, (2, 2, 4, 3, 5))
    layer, ref = nn.LPPool3d(*args), torch.nn.LPPool3d(*args)
    assert_close(layer(tg.Tensor(x)), ref(torch.tensor(x)), rtol=1e-10)
    assert repr(layer) == repr(ref)
