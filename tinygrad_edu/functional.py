"""PyTorch-style functional names (`import tinygrad_edu.functional as F`) over the ops."""
from __future__ import annotations

from typing import Optional

from .ops import cross_entropy, log_softmax, mse_loss, nll_loss, softmax
from .ops.conv import conv1d, conv2d, conv2d_weight, conv_transpose2d
from .ops.local import fold, locally_connected2d, unfold
from .ops.normalization import batch_norm, dropout, local_response_norm
from .ops.pool import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d, spatial_pyramid_pool2d
from .ops.elementwise import LeakyRelu, Relu, Sigmoid, Tanh
from .tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """y = x Wᵀ + b with W of shape (out_features, in_features), as PyTorch (lecture F55: y = W x + b)."""
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {weight.shape}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input {input.shape} has {input.shape[-1] if input.ndim else 0} features but "
                         f"weight {weight.shape} expects {weight.shape[1]} (rule: input (…, in) @ weight.T (in, out))")
    out = input @ weight.T
    if bias is not None:
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias shape {bias.shape} must be ({weight.shape[0]},) for weight {weight.shape}")
        out = out + bias
    return out


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyRelu.apply(input, negative_slope=negative_slope)


__all__ = ["linear", "conv1d", "conv2d", "conv_transpose2d", "conv2d_weight", "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "log_softmax", "cross_entropy",
           "nll_loss", "mse_loss", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
           "spatial_pyramid_pool2d", "dropout", "local_response_norm", "batch_norm", "unfold", "fold",
           "locally_connected2d"]
