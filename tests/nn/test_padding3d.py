"""The 3-D padding layers: values, gradients and reprs as PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, rand64

LAYERS = [("ZeroPad3d", ()), ("ConstantPad3d", (2.5,)), ("ReflectionPad3d", ()), ("ReplicationPad3d", ()),
          ("CircularPad3d", ())]


@pytest.mark.torch
@pytest.mark.parametrize("name,extra", LAYERS)
@pytest.mark.parametrize("padding", [1, (1, 2, 0, 1, 2, 0)])
@pytest.mark.parametrize("shape", [(2, 2, 3, 4, 5), (2, 3, 4, 5)])
def test_matches_torch(torch, name, extra, padding, shape):
    rng = np.random.default_rng(0)
    x = rand64(rng, shape)
    layer, ref_layer = getattr(nn, name)(padding, *extra), getattr(torch.nn, name)(padding, *extra)
    out = layer(x)
    tx = torch.tensor(x.data, requires_grad=True)
    ref = ref_layer(tx)
    assert_close(out, ref)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    (ref * torch.tensor(v)).sum().backward()
    assert_close(x.grad, tx.grad)
    assert repr(layer) == repr(ref_layer)


@pytest.mark.parametrize("name,extra", LAYERS)
def test_wrong_padding_length_names_the_layer(name, extra):
    with pytest.raises(ShapeError, match=name + ": padding must be an int or a 6-tuple"):
        getattr(nn, name)((1, 1, 1, 1), *extra)
