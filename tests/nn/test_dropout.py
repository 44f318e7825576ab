"""Dropout1d / Dropout2d layers: PyTorch's repr and argument check, train vs eval, no parameters."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Dropout1d", "Dropout2d"])
def test_repr_and_p_check_as_pytorch(torch, name):
    assert repr(getattr(nn, name)(0.3)) == repr(getattr(torch.nn, name)(0.3))
    assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    for bad in (1.5, -0.5):
        with pytest.raises(ValueError):
            getattr(torch.nn, name)(bad)
        with pytest.raises(ValueError):
            getattr(nn, name)(bad)


def test_train_drops_channels_and_eval_is_identity():
    layer = nn.Dropout2d(0.5)
    x = tg.ones(8, 16, 3, 3)
    tg.manual_seed(0)
    y = layer(x)
    assert set(np.unique(y.data)) == {0.0, 2.0}
    assert np.all(y.data.reshape(8, 16, -1).std(-1) == 0)
    layer.eval()
    assert np.array_equal(layer(x).data, x.data)
    assert list(layer.parameters()) == [] and layer.state_dict() == {}
    y1 = nn.Dropout1d(0.5)(tg.ones(4, 6, 5))
    assert np.all(y1.data.std(-1) == 0)
