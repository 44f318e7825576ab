"""PyTorch's in-place functional activations (F.relu_, F.elu_, F.celu_, F.selu_, F.leaky_relu_, F.hardtanh_,
F.threshold_, F.rrelu_): the tensor's values replaced by the activation, through Tensor._inplace (version bump,
write-through for views, the graph re-recorded; a leaf that requires grad refuses, as PyTorch)."""
from __future__ import annotations

from typing import Any

from ..errors import ArgumentTypeError, ShapeError
from .activation import celu, elu, hardtanh, selu
from .activation_extra import threshold as _threshold
from .activation_random import rrelu
from .elementwise import LeakyRelu, Relu
from .args import number


def _target(op: str, input: Any) -> Any:
    from ..tensor import Tensor

    if not isinstance(input, Tensor):
        raise ArgumentTypeError(f"{op}: expected a Tensor to change in place, got {type(input).__name__}")
    data = input.data
    if data.size and any(stride == 0 and size > 1 for stride, size in zip(data.strides, data.shape)):
        raise ShapeError(f"{op}: unsupported operation: more than one element of the written-to tensor (shape "
                         f"{data.shape}, an expanded view) refers to a single memory location; clone() it first")
    return input


def relu_(input: Any) -> Any:
    """input ← max(input, 0), in place; returns input."""
    return _target("relu_", input)._inplace("relu_", lambda t: Relu.apply(t))


def elu_(input: Any, alpha: float = 1.0) -> Any:
    """input ← elu(input, alpha), in place."""
    return _target("elu_", input)._inplace("elu_", lambda t: elu(t, alpha))


def celu_(input: Any, alpha: float = 1.0) -> Any:
    """input ← celu(input, alpha), in place."""
    return _target("celu_", input)._inplace("celu_", lambda t: celu(t, alpha))


def selu_(input: Any) -> Any:
    """input ← selu(input), in place."""
    return _target("selu_", input)._inplace("selu_", lambda t: selu(t))


def leaky_relu_(input: Any, negative_slope: float = 0.01) -> Any:
    """input ← leaky_relu(input, negative_slope), in place."""
    number("leaky_relu_", "negative_slope", negative_slope)
    return _target("leaky_relu_", input)._inplace("leaky_relu_",
                                                  lambda t: LeakyRelu.apply(t, negative_slope=negative_slope))


def hardtanh_(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    """input ← hardtanh(input, min_val, max_val), in place."""
    return _target("hardtanh_", input)._inplace("hardtanh_", lambda t: hardtanh(t, min_val, max_val))


def threshold_(input: Any, threshold: float, value: float) -> Any:
    """input ← threshold(input, threshold, value), in place."""
    return _target("threshold_", input)._inplace("threshold_", lambda t: _threshold(t, threshold, value))


def rrelu_(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Any:
    """input ← rrelu(input, lower, upper, training), in place (random slopes while training)."""
    return _target("rrelu_", input)._inplace("rrelu_", lambda t: rrelu(t, lower, upper, training))


__all__ = ["relu_", "elu_", "celu_", "selu_", "leaky_relu_", "hardtanh_", "threshold_", "rrelu_"]
