"""Module calls that are one ONNX node (Conv with its bias, Gemm, BatchNormalization, LRN, global or uniform
average and max pooling, 3-d max pooling, Flatten, the activations ONNX has: Elu, Celu, Selu, HardSwish,
HardSigmoid, Clip, PRelu, Softplus), named after the module; a rule returns False when this call has no such form
(a 3-d input to Linear, an even LRN size, BatchNorm on batch statistics, a padded Conv, ...), and the module's
recorded Functions are exported one by one instead."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from ..export.trace import CallStep, OpStep
from ..nn.conv import Conv2d, ConvTranspose2d
from ..nn.layers import Flatten, Linear
from ..nn.normalization import BatchNorm1d, BatchNorm2d, LocalResponseNorm
from ..nn.activation import CELU, ELU, SELU, Hardtanh, ReLU6, Softplus
from ..nn.activation_extra import Hardsigmoid, Hardswish, PReLU
from ..nn.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d
from ..nn.pooling3d import AdaptiveMaxPool3d, MaxPool3d
from ..ops.activation import SELU_ALPHA, SELU_SCALE
from ..ops.pool3d import NAMES as DEPTH_HEIGHT_WIDTH
from ..ops.pool_shapes import window_args, window_axis
from .builder import Builder
from .functions import _conv_pads, _pool, conv_transpose_attrs

Rule = Callable[[Builder, CallStep], bool]


def _only_op(call: CallStep, name: str) -> Optional[OpStep]:
    ops = [s for s in call.steps if isinstance(s, OpStep) and s.fn.name == name]
    return ops[0] if len(ops) == 1 else None


def _bias(b: Builder, call: CallStep) -> list[str]:
    bias = call.module.bias
    return [] if bias is None else [b.value(bias, call.name)]


def _conv(b: Builder, call: CallStep) -> bool:
    """Conv(x, W, B): the convolution and its bias in one node."""
    op = _only_op(call, "Conv2d")
    if op is None or op.inputs[1] is not call.module.weight or op.inputs[0] is not call.inputs[0]:
        return False  # padding_mode reflect/replicate/circular: a Pad before the Conv, exported op by op
    a = op.fn.attrs
    x = b.value(call.inputs[0], call.name)
    b.node("Conv", [x, b.value(call.module.weight, call.name)] + _bias(b, call), call.name, call.output,
           label=call.name, kernel_shape=list(call.module.weight.shape[2:]), strides=list(a["stride"]),
           pads=_conv_pads(a["padding"]), dilations=list(a["dilation"]), group=a["groups"])
    return True


def _conv_transpose(b: Builder, call: CallStep) -> bool:
    op = _only_op(call, "ConvTranspose2d")
    if op is None or op.inputs[1] is not call.module.weight:
        return False
    x = b.value(call.inputs[0], call.name)
    b.node("ConvTranspose", [x, b.value(call.module.weight, call.name)] + _bias(b, call), call.name, call.output,
           label=call.name, **conv_transpose_attrs(op))
    return True


def _linear(b: Builder, call: CallStep) -> bool:
    """Gemm(x, W, B, transB=1) = x Wᵀ + b for a 2-d input (other ranks: MatMul and Add)."""
    if call.inputs[0].ndim != 2:
        return False
    ins = [b.value(call.inputs[0], call.name), b.value(call.module.weight, call.name)] + _bias(b, call)
    b.node("Gemm", ins, call.name, call.output, label=call.name, transB=1)
    return True


def _batch_norm(b: Builder, call: CallStep) -> bool:
    """BatchNormalization with the running statistics (eval mode); γ = 1 and β = 0 when affine=False."""
    m = call.module
    if m.running_mean is None or m.running_var is None or call.inputs[0].ndim < 2:
        return False
    dtype = call.inputs[0].dtype
    scale = b.value(m.weight, call.name) if m.weight is not None else b.constant(
        np.ones(m.num_features, dtype), f"{call.name}.scale")
    shift = b.value(m.bias, call.name) if m.bias is not None else b.constant(
        np.zeros(m.num_features, dtype), f"{call.name}.shift")
    ins = [b.value(call.inputs[0], call.name), scale, shift, b.value(m.running_mean, call.name),
           b.value(m.running_var, call.name)]
    b.node("BatchNormalization", ins, call.name, call.output, label=call.name, epsilon=float(m.eps))
    return True


def _lrn(b: Builder, call: CallStep) -> bool:
    """LRN: ONNX's window is PyTorch's for odd sizes (for even ones it leans the other way)."""
    m = call.module
    if m.size % 2 == 0 or call.inputs[0].ndim < 3:
        return False
    b.node("LRN", [b.value(call.inputs[0], call.name)], call.name, call.output, label=call.name, size=m.size,
           alpha=float(m.alpha), beta=float(m.beta), bias=float(m.k))
    return True


def _uniform_bins(n: int, o: int) -> Optional[tuple[int, int]]:
    """(kernel, stride) when adaptive pooling's bins [⌊i·n/o⌋, ⌈(i+1)·n/o⌉) all have one size and step."""
    starts = [(i * n) // o for i in range(o)]
    ends = [math.ceil((i + 1) * n / o) for i in range(o)]
    sizes = {e - s for s, e in zip(starts, ends)}
    steps = {b - a for a, b in zip(starts, starts[1:])} or {1}
    if len(sizes) != 1 or len(steps) != 1:
        return None
    return sizes.pop(), steps.pop()


def _adaptive_avg(b: Builder, call: CallStep) -> bool:
    x = call.inputs[0]
    if x.ndim != 4 or not isinstance(call.output, type(x)):
        return False
    out = call.output.shape[2:]
    if tuple(out) == (1, 1):
        b.node("GlobalAveragePool", [b.value(x, call.name)], call.name, call.output, label=call.name)
        return True
    bins = [_uniform_bins(n, o) for n, o in zip(x.shape[2:], out)]
    if None in bins:
        return False
    b.node("AveragePool", [b.value(x, call.name)], call.name, call.output, label=call.name,
           kernel_shape=[k for k, _ in bins], strides=[s for _, s in bins], pads=[0, 0, 0, 0])
    return True


def _flatten(b: Builder, call: CallStep) -> bool:
    """Flatten(axis=1) for PyTorch's default Flatten(1, −1); other ranges are a Reshape."""
    x, m = call.inputs[0], call.module
    if x.ndim < 2 or m.start_dim % x.ndim != 1 or m.end_dim % x.ndim != x.ndim - 1:
        return False
    b.node("Flatten", [b.value(x, call.name)], call.name, call.output, label=call.name, axis=1)
    return True


def _max_pool3d(b: Builder, call: CallStep) -> bool:
    """MaxPool over (D, H, W) windows, ceil_mode's overhang as extra padding (as the 2-d op's export)."""
    m, x = call.module, call.inputs[0]
    if m.return_indices or x.ndim != 5:
        return False
    args = window_args("max_pool3d", 3, m.kernel_size, m.stride, m.padding, m.dilation, m.ceil_mode)
    axes = tuple(window_axis("max_pool3d", DEPTH_HEIGHT_WIDTH[i], x.shape[2 + i], args.kernel[i], args.stride[i],
                             args.padding[i], args.dilation[i], args.ceil_mode) for i in range(3))
    _pool(b, "MaxPool", b.value(x, call.name), axes, -np.inf, call.name, call.output,
          dilations=[a.d for a in axes])
    return True


def _adaptive_max(b: Builder, call: CallStep) -> bool:
    """GlobalMaxPool for an output of 1 everywhere, MaxPool when every bin has one size and step."""
    x = call.inputs[0]
    if call.module.return_indices or not isinstance(call.output, type(x)) or x.ndim != call.output.ndim:
        return False
    out = call.output.shape[2:]
    if set(out) == {1}:
        b.node("GlobalMaxPool", [b.value(x, call.name)], call.name, call.output, label=call.name)
        return True
    bins = [_uniform_bins(n, o) for n, o in zip(x.shape[2:], out)]
    if None in bins:
        return False
    b.node("MaxPool", [b.value(x, call.name)], call.name, call.output, label=call.name,
           kernel_shape=[k for k, _ in bins], strides=[s for _, s in bins], pads=[0] * (2 * len(bins)))
    return True


def _activation(op_type: str, attributes: Callable[[Any], dict] = lambda m: {}) -> Rule:
    """An activation layer as ONNX's node of the same function, its hyper-parameters as attributes."""
    def rule(b: Builder, call: CallStep) -> bool:
        b.node(op_type, [b.value(call.inputs[0], call.name)], call.name, call.output, label=call.name,
               **attributes(call.module))
        return True
    return rule


def _clip(b: Builder, call: CallStep) -> bool:
    """Hardtanh and ReLU6 as Clip(x, min, max)."""
    x, m = call.inputs[0], call.module
    bounds = [b.constant(np.asarray(v, dtype=x.dtype), f"{call.name}.{name}")
              for name, v in (("min", m.min_val), ("max", m.max_val))]
    b.node("Clip", [b.value(x, call.name)] + bounds, call.name, call.output, label=call.name)
    return True


def _prelu(b: Builder, call: CallStep) -> bool:
    """PRelu(x, a) with PyTorch's one slope per channel (axis 1) shaped to broadcast over the axes after it."""
    x, weight = call.inputs[0], call.module.weight
    trailing = (1,) * (x.ndim - 2) if weight.shape[0] > 1 and x.ndim >= 2 else ()
    slope = b.constant(weight.data.reshape(weight.shape + trailing), f"{call.name}.weight")
    b.node("PRelu", [b.value(x, call.name), slope], call.name, call.output, label=call.name)
    return True


def _softplus(b: Builder, call: CallStep) -> bool:
    """ONNX's Softplus is ln(1 + eˣ): PyTorch's for β = 1 when its switch to x at x > threshold changes nothing
    in float32 (e^(−threshold) below 10⁻⁷ of x)."""
    m = call.module
    if m.beta != 1 or math.exp(-m.threshold) > 1e-7 * max(m.threshold, 1.0):
        return False
    b.node("Softplus", [b.value(call.inputs[0], call.name)], call.name, call.output, label=call.name)
    return True


RULES: dict[type, Rule] = {Conv2d: _conv, ConvTranspose2d: _conv_transpose, Linear: _linear, BatchNorm1d: _batch_norm,
                           BatchNorm2d: _batch_norm, LocalResponseNorm: _lrn, AdaptiveAvgPool2d: _adaptive_avg,
                           Flatten: _flatten, MaxPool3d: _max_pool3d, AdaptiveMaxPool1d: _adaptive_max,
                           AdaptiveMaxPool2d: _adaptive_max, AdaptiveMaxPool3d: _adaptive_max,
                           ELU: _activation("Elu", lambda m: {"alpha": float(m.alpha)}),
                           CELU: _activation("Celu", lambda m: {"alpha": float(m.alpha)}),
                           SELU: _activation("Selu", lambda m: {"alpha": SELU_ALPHA, "gamma": SELU_SCALE}),
                           Hardswish: _activation("HardSwish"),
                           Hardsigmoid: _activation("HardSigmoid", lambda m: {"alpha": 1 / 6, "beta": 0.5}),
                           Hardtanh: _clip, ReLU6: _clip, PReLU: _prelu, Softplus: _softplus}
