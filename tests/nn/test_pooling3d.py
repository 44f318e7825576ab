"""3-D pooling layers: PyTorch's reprs and stored arguments, and forwards (with return_indices) equal to PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.errors import ShapeError

LAYERS = [
    ("MaxPool3d", dict(kernel_size=2)),
    ("MaxPool3d", dict(kernel_size=(3, 2, 2), stride=(2, 1, 2), padding=1, dilation=(1, 2, 1), ceil_mode=True,
                       return_indices=True)),
    ("AvgPool3d", dict(kernel_size=2)),
    ("AvgPool3d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False,
                       divisor_override=4)),
    ("AdaptiveAvgPool3d", dict(output_size=(None, 2, 3))),
    ("AdaptiveMaxPool3d", dict(output_size=3, return_indices=True)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, args", LAYERS)
def test_pooling3d_layer_is_pytorchs(torch, name, args):
    ours, theirs = getattr(nn, name)(**args), getattr(torch.nn, name)(**args)
    assert str(ours) == str(theirs)
    data = np.maximum(np.random.default_rng(0).standard_normal((2, 3, 5, 6, 7)), 0)
    for x in (data, data[0]):
        y, ty = ours(tg.Tensor(x)), theirs(torch.tensor(x))
        if isinstance(ty, tuple):
            np.testing.assert_array_equal(y[1].data, ty[1].numpy())
            y, ty = y[0], ty[0]
        np.testing.assert_allclose(y.data, ty.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.torch
def test_max_unpool3d_layer_inverts_max_pool3d(torch):
    pool, unpool = nn.MaxPool3d(2, return_indices=True), nn.MaxUnpool3d(2)
    tpool, tunpool = torch.nn.MaxPool3d(2, return_indices=True), torch.nn.MaxUnpool3d(2)
    assert str(unpool) == str(tunpool)
    data = np.random.default_rng(1).standard_normal((1, 2, 5, 4, 4))
    y, i = pool(tg.Tensor(data))
    ty, ti = tpool(torch.tensor(data))
    np.testing.assert_array_equal(unpool(y, i, output_size=(5, 4, 4)).data,
                                  tunpool(ty, ti, output_size=(5, 4, 4)).numpy())


def test_arguments_are_checked_when_the_layer_is_built():
    with pytest.raises(ShapeError, match="max_pool3d: padding"):
        nn.MaxPool3d(2, padding=2)
    with pytest.raises(ShapeError, match="avg_pool3d: divisor_override must not be zero"):
        nn.AvgPool3d(2, divisor_override=0)
    with pytest.raises(ShapeError, match="adaptive_avg_pool3d: output_size must be an int or a tuple of 3"):
        nn.AdaptiveAvgPool3d((2, 2))
