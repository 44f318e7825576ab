"""LPPool1d / LPPool2d layers: PyTorch's reprs and values."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("name, args, shape", [("LPPool1d", (2, 3), (2, 3, 8)), ("LPPool1d", (1.5, 3, 2, True), (3, 8)),
                                               ("LPPool2d", (2, 3), (2, 3, 7, 7)),
                                               ("LPPool2d", (3, (2, 3), (1, 2), True), (2, 3, 7, 8))])
def test_layers_as_pytorch(torch, name, args, shape):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).uniform(0.1, 2, shape).astype(np.float32)
    assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)), rtol=1e-5)
    assert list(ours.parameters()) == []
