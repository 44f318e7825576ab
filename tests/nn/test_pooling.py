"""Pooling layers: PyTorch's constructor arguments, reprs and outputs; arguments refused when the layer is built,
with the functional op's messages."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, rand64

LAYERS = [
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((2, 3), 1, 1, 2, True, True), {}),
    ("MaxPool2d", (3,), {"stride": 2, "ceil_mode": True}), ("AvgPool2d", (2,), {}),
    ("AvgPool2d", (3, 2, 1, True, False, 5), {}), ("MaxPool1d", (2,), {}), ("MaxPool1d", (3, 2, 1, 2, True, True), {}),
    ("AvgPool1d", (2,), {}), ("AvgPool1d", (3, 2, 1, True, False), {}), ("MaxUnpool2d", (2,), {}),
    ("MaxUnpool2d", ((2, 3), 1, 1), {}), ("AdaptiveMaxPool2d", (3,), {}), ("AdaptiveMaxPool2d", ((None, 2), True), {}),
    ("AdaptiveAvgPool2d", ((2, None),), {}), ("AdaptiveAvgPool1d", (3,), {}),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs", LAYERS, ids=[f"{n}{a}" for n, a, _ in LAYERS])
def test_layers_take_torchs_arguments_and_show_torchs_repr(torch, name, args, kwargs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.parameters()) == [] and ours.state_dict() == {}


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs", [c for c in LAYERS if c[0] != "MaxUnpool2d"],
                         ids=[f"{n}{a}" for n, a, _ in LAYERS if n != "MaxUnpool2d"])
def test_layers_compute_what_torch_computes(torch, name, args, kwargs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    shape = (2, 3, 9) if name.endswith("1d") else (2, 3, 7, 6)
    x = rand64(np.random.default_rng(0), shape)
    xt = torch.tensor(x.data, requires_grad=True)
    y, yt = ours(x), theirs(xt)
    if isinstance(yt, tuple):
        assert np.array_equal(y[1].data, yt[1].numpy())
        y, yt = y[0], yt[0]
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
def test_max_unpool2d_layer_inverts_a_max_pool2d_layer_as_torch(torch):
    pool, unpool = nn.MaxPool2d(2, 2, return_indices=True), nn.MaxUnpool2d(2, 2)
    tpool, tunpool = torch.nn.MaxPool2d(2, 2, return_indices=True), torch.nn.MaxUnpool2d(2, 2)
    x = rand64(np.random.default_rng(1), (1, 2, 5, 5))
    xt = torch.tensor(x.data, requires_grad=True)
    y, i = pool(x)
    yt, it = tpool(xt)
    u, ut = unpool(y, i, output_size=x.size()), tunpool(yt, it, output_size=xt.size())
    assert_close(u, ut)
    (u * u).sum().backward()
    (ut * ut).sum().backward()
    assert_close(x.grad, xt.grad)


def test_layers_in_a_sequential_model():
    model = nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.AvgPool2d(2, count_include_pad=False, padding=1),
                          nn.AdaptiveMaxPool2d((2, None)), nn.Flatten())
    assert model(tg.ones(4, 3, 9, 9)).shape == (4, 3 * 2 * 3)  # 9 → 5 (ceil) → 3 (padded) → 2×3


@pytest.mark.parametrize("build,call", [
    (lambda: nn.MaxPool2d(0), lambda x: F.max_pool2d(x, 0)),
    (lambda: nn.MaxPool2d(2, 0), lambda x: F.max_pool2d(x, 2, 0)),
    (lambda: nn.MaxPool2d(3, 1, 2), lambda x: F.max_pool2d(x, 3, 1, 2)),
    (lambda: nn.MaxPool2d(2, dilation=0), lambda x: F.max_pool2d(x, 2, dilation=0)),
    (lambda: nn.MaxPool2d(2.0), lambda x: F.max_pool2d(x, 2.0)),
    (lambda: nn.MaxPool2d((2, 2, 2)), lambda x: F.max_pool2d(x, (2, 2, 2))),
    (lambda: nn.AvgPool2d(2, 1.5), lambda x: F.avg_pool2d(x, 2, 1.5)),
    (lambda: nn.AvgPool2d(2, divisor_override=0), lambda x: F.avg_pool2d(x, 2, divisor_override=0)),
    (lambda: nn.MaxPool1d((2, 2)), lambda x: F.max_pool1d(x[0], (2, 2))),
    (lambda: nn.AvgPool1d(-1), lambda x: F.avg_pool1d(x[0], -1)),
    (lambda: nn.MaxUnpool2d(0), lambda x: F.max_unpool2d(x, tg.zeros(x.shape, dtype=tg.int64), 0)),
    (lambda: nn.AdaptiveAvgPool2d(0), lambda x: F.adaptive_avg_pool2d(x, 0)),
    (lambda: nn.AdaptiveMaxPool2d((2, 2.5)), lambda x: F.adaptive_max_pool2d(x, (2, 2.5))),
    (lambda: nn.AdaptiveAvgPool1d(None), lambda x: F.adaptive_avg_pool1d(x[0], None)),
    (lambda: nn.SpatialPyramidPool2d((1, 0)), lambda x: F.spatial_pyramid_pool2d(x, (1, 0))),
    (lambda: nn.SpatialPyramidPool2d(mode="sum"), lambda x: F.spatial_pyramid_pool2d(x, mode="sum")),
])
def test_bad_arguments_fail_when_the_layer_is_built_with_the_functional_message(build, call):
    with pytest.raises((ShapeError, TypeError, ValueError)) as functional:
        call(tg.ones(1, 1, 6, 6))
    with pytest.raises(type(functional.value), match=re.escape(str(functional.value))):
        build()


def test_spatial_pyramid_layer_repr_and_output():
    layer = nn.SpatialPyramidPool2d([1, 2], "avg")
    assert repr(layer) == "SpatialPyramidPool2d(levels=(1, 2), mode='avg')"
    assert layer(tg.ones(2, 3, 5, 7)).shape == (2, 15)


def test_unbatched_inputs():
    assert nn.MaxPool2d(2)(tg.ones(3, 6, 6)).shape == (3, 3, 3)
    assert nn.AvgPool1d(2)(tg.ones(3, 6)).shape == (3, 3)
    y, i = nn.MaxPool1d(2, return_indices=True)(tg.ones(3, 6))
    assert y.shape == i.shape == (3, 3)
