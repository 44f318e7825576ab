"""Convolution and pooling geometry in ONNX (tinygrad_edu/onnx/functions.py, modules.py): generated strides,
paddings, dilations, groups and ceil modes, as a layer (one Conv node with its bias) and as the functional
op (Function by Function), computed by ONNX Runtime as we compute them."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.functional as F  # noqa: E402
from tinygrad_edu import nn  # noqa: E402


class Functional(nn.Module):
    """conv2d called as a function with a layer's parameters (exported op by op, not as the layer)."""

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.conv = conv

    def forward(self, x):
        c = self.conv
        return F.conv2d(x, c.weight, c.bias, c.stride, c.padding, c.dilation, c.groups)


def _agree(model: nn.Module, x: np.ndarray) -> None:
    proto = tg.onnx.export(model, x)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    (theirs,) = session.run(None, {"input": x})
    with tg.no_grad():
        mine = model(tg.Tensor(x)).data
    np.testing.assert_allclose(theirs, mine, rtol=1e-5, atol=1e-5)


@st.composite
def conv_geometry(draw):
    groups = draw(st.integers(1, 3))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = tuple(max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) + draw(st.integers(0, 4)) for i in range(2))
    return dict(in_channels=groups * draw(st.integers(1, 2)), out_channels=groups * draw(st.integers(1, 2)),
                kernel_size=k, stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))), padding=p, dilation=d,
                groups=groups, bias=draw(st.booleans())), size, draw(st.booleans())


@settings(max_examples=12)
@given(conv_geometry())
def test_conv2d_of_any_geometry(case):
    options, size, functional = case
    tg.manual_seed(0)
    conv = nn.Conv2d(**options)
    x = np.random.default_rng(0).standard_normal((2, options["in_channels"], *size)).astype(np.float32)
    _agree(Functional(conv) if functional else nn.Sequential(conv), x)


@st.composite
def pool_geometry(draw):
    k = draw(st.integers(1, 4))
    p = draw(st.integers(0, k // 2))
    d = draw(st.integers(1, 2))
    size = d * (k - 1) + 1 + draw(st.integers(0, 5))
    return k, draw(st.integers(1, 3)), p, d, draw(st.booleans()), size, draw(st.booleans())


@settings(max_examples=12)
@given(pool_geometry())
def test_pooling_of_any_geometry(case):
    k, s, p, d, ceil, size, average = case
    if average:
        layer = nn.AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=d == 1)
    else:
        layer = nn.MaxPool2d(k, s, p, dilation=d, ceil_mode=ceil)
    x = np.random.default_rng(1).standard_normal((2, 2, size, size + 1)).astype(np.float32)
    _agree(nn.Sequential(layer), x)
