"""Padding modules: PyTorch's names, reprs and outputs."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tests.helpers import assert_close, rand64, to_torch

LAYERS = [("ZeroPad2d", (1,)), ("ZeroPad1d", ((2, 0),)), ("ConstantPad2d", ((1, 0, 2, 1), 3.5)),
          ("ConstantPad1d", (2, -1.0)), ("ReflectionPad2d", ((2, 1, 0, 1),)), ("ReflectionPad1d", (1,)),
          ("ReplicationPad2d", (2,)), ("ReplicationPad1d", ((0, 3),)), ("CircularPad2d", (1,)),
          ("CircularPad1d", ((2, 1),))]


@pytest.mark.torch
@pytest.mark.parametrize("name,args", LAYERS, ids=[layer[0] + str(i) for i, layer in enumerate(LAYERS)])
def test_padding_layer_matches_torch(torch, name, args):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    x = rand64(np.random.default_rng(0), (2, 3, 4, 5) if name.endswith("2d") else (2, 3, 5))
    xt = to_torch(torch, x)
    y, yt = ours(x), theirs(xt)
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad)


def test_a_padding_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match=r"ZeroPad2d: padding must be an int or a 4-tuple, got \(1, 2\)"):
        nn.ZeroPad2d((1, 2))
